"""Load ``data/conditions.toml`` into validated models.

The data file is the single home of every number the app shows; validating it on load
means a typo or an uncited parameter fails at import, not in front of a patient.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["mild", "moderate", "severe"]
SEVERITIES: tuple[Severity, ...] = ("mild", "moderate", "severe")
REQUIRED_BASIS = ("response", "skin_type", "interval", "laser", "pih")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(_Data):
    """Why a number is what it is: evidence rows, or a judgement with its reasoning."""

    sources: tuple[str, ...] = ()
    judgement: bool = False
    note: str = Field(min_length=10)
    # Evidence rows the prior's value was written from (to reproduce them): a fold of the
    # nested left-out check that leaves such a row's study out relaxes the prior (fit/nested).
    from_rows: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _cited_or_judged(self) -> Self:
        if not self.sources and not self.judgement:
            raise ValueError("a basis must cite evidence rows or be marked as a judgement")
        return self


class SeverityLevel(_Data):
    """A severity grade and the judgement prior for its median patient."""

    label: str
    p: float = Field(gt=0, lt=1, description="median fraction of what remains cleared a session")
    ceiling: float = Field(gt=0, lt=100, description="median patient's own ceiling, percent")


class LaserShift(_Data):
    """How a Q-switched laser differs from picosecond for one condition (prior). Its PIH
    differs by one factor shared by all conditions ([pih] qswitched_factor)."""

    rate_factor: float = Field(gt=0, le=1)


class ConditionSpec(_Data):
    """One skin concern as the forecast reads it (data/conditions.toml and data/fitted.toml):
    its names, the spread of patients' rates and ceilings, the share who clear completely,
    the step per skin type, session intervals, the PIH factor, its cautions and severity
    levels, and the basis (a row or a judgement) of every number."""

    id: str
    label: str
    in_sentence: str  # the label as it reads mid-sentence ('nevus of Ota')
    group: str
    population: str
    severity_scale: str
    rate_sd: float = Field(gt=0, le=2)
    ceiling_sd: float = Field(gt=0, le=3)
    complete_share: float | None = Field(default=None, gt=0, lt=1)  # None: none clear fully
    skin_type_step: float = Field(gt=0, le=1)
    interval_weeks: tuple[int, int]
    usual_interval_weeks: float = Field(gt=0)
    course_sessions: float | None = Field(default=None, gt=0, le=30)
    pih_factor: float = Field(gt=0)
    caveats: tuple[str, ...] = ()
    # Which caveats speak of a tattoo's colours: a black-only tattoo has none to warn of.
    colour_caveats: tuple[int, ...] = ()
    severity: dict[Severity, SeverityLevel] | None = None
    graded_by_kirby_desai: bool = False
    laser: dict[Literal["qswitched"], LaserShift] = {}
    max_sessions: int | None = Field(default=None, ge=1, le=60)
    basis: dict[str, Basis]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        low, high = self.interval_weeks
        if not 0 < low <= self.usual_interval_weeks <= high:
            raise ValueError(f"{self.id}: interval_weeks must be 0 < min <= usual <= max")
        if self.graded_by_kirby_desai == (self.severity is not None):
            raise ValueError(f"{self.id}: give either severity levels or graded_by_kirby_desai")
        if self.severity is not None and set(self.severity) != set(SEVERITIES):
            raise ValueError(f"{self.id}: severity needs exactly {SEVERITIES}")
        required = (*REQUIRED_BASIS, *(("complete_share",) if self.complete_share else ()))
        missing = [key for key in required if key not in self.basis]
        if missing:
            raise ValueError(f"{self.id}: no basis given for {missing}")
        return self

    @property
    def qswitched(self) -> LaserShift | None:
        """The Q-switched shift, or None where the evidence offers no comparison."""
        return self.laser.get("qswitched")

    @property
    def sources(self) -> tuple[str, ...]:
        """Every evidence row behind this condition's numbers, in order of first mention."""
        return tuple(dict.fromkeys(s for b in self.basis.values() for s in b.sources))


class TattooSpec(_Data):
    """Kirby-Desai points and the judgement priors that turn a score into a response."""

    qswitched_sessions_per_point: float = Field(
        gt=0, description="Q-switched sessions a point for the median patient to reach 90% "
                          "of their own ceiling (prior)")
    points: dict[str, dict[str, int]]
    ceiling_percent: dict[Literal["picosecond", "qswitched"], dict[str, float]]
    basis: dict[str, Basis]


class PriorSd(_Data):
    """How far the fit may move each judgement (standard deviations of the weak priors)."""

    rate: float = Field(gt=0)
    ceiling: float = Field(gt=0)
    severity_rate: float = Field(gt=0)
    severity_ceiling: float = Field(gt=0)
    severity_complete: float = Field(gt=0)  # on the logit of the share who clear completely
    rate_sd: float = Field(gt=0)
    ceiling_sd: float = Field(gt=0)
    skin_type_step: float = Field(gt=0)
    qswitched: float = Field(gt=0)
    pih_base: float = Field(gt=0)
    pih_step: float = Field(gt=0)
    pih_factor: float = Field(gt=0)
    pih_concentration: float = Field(gt=0)
    pih_study: float = Field(gt=0)  # half-normal scale of the clinic sd of log PIH risk
    complete_share: float = Field(gt=0)  # on the logit of the share
    # Half-normal scales of the between-clinic (study) sds, pooled across conditions.
    clinic_rate: float = Field(gt=0)  # on log lambda
    clinic_ceiling: float = Field(gt=0)  # on logit(C / 100)
    clinic_complete: float = Field(gt=0)  # on the logit of the share who clear completely
    grading: float = Field(gt=0)  # a study grading's offset (logit ceiling, complete share)


class ModelSettings(_Data):
    version: str
    observation_sd_percent: float = Field(gt=0)
    default_max_sessions: int = Field(ge=1)
    min_reach_share: float = Field(gt=0, lt=0.5)
    atypical_share: float = Field(ge=0, lt=0.5)  # mean over clinics
    atypical_clinic_sd: float = Field(ge=0, le=3)  # between clinics, on its logit
    complete_ceiling_percent: float = Field(gt=95, lt=100)  # complete responders' median
    complete_ceiling_sd: float = Field(gt=0, le=1)  # their spread, logit scale
    non_response_quantile: float = Field(gt=0, lt=0.5)
    grading_offsets: bool = False  # fit an offset per study grading (model.basis.grading)
    prior_sd: PriorSd
    basis: dict[str, Basis]


class PihTable(_Data):
    """Per-session PIH risk with picosecond lasers by skin type, and how it varies (prior)."""

    per_session_percent: tuple[float, float, float, float, float, float]
    concentration: float = Field(gt=0)
    qswitched_factor: float = Field(ge=1)
    basis: Basis


class FittedLevel(_Data):
    p: float = Field(gt=0, lt=1)
    ceiling: float = Field(gt=0, lt=100)
    complete_share: float = Field(default=0.0, ge=0, lt=1)  # who clear completely


class FittedCondition(_Data):
    """One condition's parameters as `make calibrate` fitted them (data/fitted.toml)."""

    rows: tuple[str, ...]
    rate_sd: float = Field(gt=0)
    ceiling_sd: float = Field(gt=0)
    skin_type_step: float = Field(gt=0, le=1)
    qswitched_rate_factor: float | None = Field(default=None, gt=0, le=1)
    # log rate of the Q-switched-only series against the rest, as a group: fitted so that
    # the laser factor rests on the trials that treated both lasers; not used to forecast.
    qswitched_series_shift: float | None = None
    severity: dict[Severity, FittedLevel] | None = None
    sessions_per_point: float | None = Field(default=None, gt=0)
    ceiling_shift: float | None = None
    complete_share: float = Field(default=0.0, ge=0, lt=1)  # moderate's, or the tattoos'
    # Offset on the logit ceiling and complete share of rows graded otherwise than the
    # reference (evidence.toml [grading]), by grading: fitted, not used to forecast.
    grading: dict[str, float] = {}

    @model_validator(mode="after")
    def _complete_by_severity(self) -> Self:
        """Where some clear completely, every grade says how many, mild >= moderate >= severe
        (a fitted.toml from before the share moved with severity would otherwise quietly
        lose the group)."""
        if self.complete_share and self.severity:
            shares = [self.severity[s].complete_share for s in ("mild", "moderate", "severe")]
            if not (shares[1] == self.complete_share and shares[0] >= shares[1] >= shares[2]
                    and shares[2] > 0):
                raise ValueError("each severity needs its complete_share (mild >= moderate "
                                 ">= severe, moderate the condition's): run make calibrate")
        return self


class FittedPih(_Data):
    rows: tuple[str, ...]
    per_session_percent: tuple[float, float, float, float, float, float]
    concentration: float = Field(gt=0)
    qswitched_factor: float = Field(ge=1)
    study_sd: float = Field(gt=0)  # between clinics, on the log of the per-session risk
    condition_factor: dict[str, float]


class FittedClinic(_Data):
    """How far clinics (studies) differ beyond their patients: the sds of a clinic's own
    offset, pooled across conditions and fitted by marginal likelihood (data/model.md)."""

    rate_sd: float = Field(gt=0)  # on log lambda
    ceiling_sd: float = Field(gt=0)  # on logit(C / 100)
    complete_sd: float = Field(gt=0)  # on the logit of the share who clear completely


class Fitted(_Data):
    model_version: str
    clinic: FittedClinic
    conditions: dict[str, FittedCondition]
    pih: FittedPih


class Catalogue(_Data):
    model: ModelSettings
    pih: PihTable
    tattoo: TattooSpec
    references: dict[str, str]
    conditions: dict[str, ConditionSpec]

    @model_validator(mode="after")
    def _sources_exist(self) -> Self:
        bases = [*self.model.basis.values(), self.pih.basis, *self.tattoo.basis.values()]
        for spec in self.conditions.values():
            bases.extend(spec.basis.values())
        unknown = {s for b in bases for s in b.sources} - set(self.references)
        if unknown:
            raise ValueError(f"basis cites rows with no reference: {sorted(unknown)}")
        return self


@cache
def catalogue() -> Catalogue:
    """The validated catalogue, read once per process."""
    raw = _read("conditions.toml")
    for key, spec in raw.get("conditions", {}).items():
        spec["id"] = key
    return Catalogue.model_validate(raw)


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("pico_widget").joinpath(f"data/{name}").read_text("utf-8"))


@cache
def fitted() -> Fitted:
    """The parameters `make calibrate` fitted to the evidence rows (data/fitted.toml)."""
    result = Fitted.model_validate(_read("fitted.toml"))
    missing = set(catalogue().conditions) - set(result.conditions)
    if missing:
        raise ValueError(f"fitted.toml has no parameters for {sorted(missing)}: run make calibrate")
    return result


def conditions() -> dict[str, ConditionSpec]:
    """The conditions pico-widget covers, by id, in the order of the data file."""
    return catalogue().conditions
