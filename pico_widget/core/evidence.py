"""The evidence rows (data/evidence.toml) as validated data, and how strong they are.

The rows are what `make calibrate` fits the model to, and what the app counts when it
says how much evidence stands behind a forecast. Validating them on load means a row
with a missing figure or an unknown study fails at import, not in a calibration report.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .catalogue import Severity, catalogue, conditions

Kind = Literal["shares", "mean", "sessions", "sessions_capped", "pih", "pih_rate"]
Design = Literal["meta-analysis", "review", "rct", "series"]
Grade = Literal["strong", "moderate", "limited"]
# How a study graded its outcome (evidence.toml [grading]): "percent" the physician's or a
# blinded rater's percent clearance, stated or in bands with their cut-offs (quartile
# scales, a physician's global assessment in percent bands): what the app's goal means, so
# the reference; "named" grades whose cut-offs the source does not give (complete,
# excellent, good, satisfactory; treated until clear), read by judgement; "score" a change
# in a clinical score or measure (MASI, scar volume, wrinkle scales) read as a percent;
# "patient" the patients' own rating.
Grading = Literal["percent", "named", "score", "patient"]
REFERENCE_GRADING: Grading = "percent"
EFFICACY: tuple[Kind, ...] = ("shares", "mean", "sessions", "sessions_capped")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceRow(_Data):
    """One published figure, the population it describes and how the model reads it."""

    id: str
    source: str
    condition: str
    laser: Literal["picosecond", "q-switched"]
    fitzpatrick: tuple[int, ...] = Field(min_length=1)
    severity: Severity = "moderate"
    tattoo: dict[str, str] | None = None
    patients: int = Field(gt=0)
    kind: Kind
    session: float | None = Field(default=None, gt=0)
    # A shares row that mixes patients after different numbers of sessions (O6: 1-11):
    # the first and last, patients read as spread evenly over the whole sessions between
    # (a judgement stated in `note`); `session` is then their mean, which the baselines use.
    session_spread: tuple[int, int] | None = None
    thresholds: tuple[float, ...] = ()
    values: tuple[float, ...] = ()
    threshold: float | None = None
    horizon: int | None = None
    value: float | None = None
    se: float | None = Field(default=None, gt=0)
    fitted: bool = True
    weight: float = Field(default=1.0, gt=0, le=1)  # where rows of a study share patients
    note: str = Field(min_length=10)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Self:
        need: dict[Kind, tuple[str, ...]] = {
            "shares": ("session",), "mean": ("session", "value", "se"),
            "sessions": ("threshold", "horizon", "value", "se"),
            "sessions_capped": ("threshold", "horizon", "value", "se"),
            "pih": ("session", "value"), "pih_rate": ("value",)}
        missing = [name for name in need[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"row {self.id}: a {self.kind} row needs {missing}")
        if self.kind == "shares" and (not self.thresholds
                                      or len(self.thresholds) != len(self.values)):
            raise ValueError(f"row {self.id}: give one value for each threshold")
        if list(self.thresholds) != sorted(self.thresholds, reverse=True):
            raise ValueError(f"row {self.id}: thresholds go from the highest down")
        if self.session_spread is not None:
            first, last = self.session_spread
            if self.kind != "shares" or not 1 <= first <= last:
                raise ValueError(f"row {self.id}: a session spread is a shares row's, first "
                                 "to last")
            if self.session != (first + last) / 2:
                raise ValueError(f"row {self.id}: session is the spread's mean")
        if self.condition not in conditions():
            raise ValueError(f"row {self.id}: unknown condition {self.condition!r}")
        # The app's references, or a file's own (data/test_studies.toml cites its studies
        # apart, so that the app never cites a test study): validation context.
        references = (info.context or {}).get("references", catalogue().references)
        if self.source not in references:
            raise ValueError(f"row {self.id}: no reference {self.source!r}")
        if (self.tattoo is None) == conditions()[self.condition].graded_by_kirby_desai:
            raise ValueError(f"row {self.id}: tattoo rows, and only they, give tattoo details")
        return self

    @property
    def efficacy(self) -> bool:
        return self.kind in EFFICACY

    @property
    def sessions_mixed(self) -> tuple[float, ...]:
        """The sessions the row's patients had: one, or each of an even spread."""
        if self.session_spread is not None:
            first, last = self.session_spread
            return tuple(float(n) for n in range(first, last + 1))
        assert self.session is not None
        return (self.session,)

    @property
    def published(self) -> list[tuple[str, float]]:
        """(what, value) for each figure this row states, as the report lists them."""
        if self.kind == "shares":
            when = (f"after {self.session_spread[0]}-{self.session_spread[1]} sessions"
                    if self.session_spread else f"by session {self.session:g}")
            return [(f">= {t:g}% {when} (% of patients)", v)
                    for t, v in zip(self.thresholds, self.values, strict=True)]
        what = {"mean": "mean improvement at session {session:g} (%)",
                "sessions": "mean sessions to {threshold:g}%",
                "sessions_capped": "mean sessions (to {threshold:g}% or {horizon})",
                "pih": "PIH over {session:g} sessions (%)",
                "pih_rate": "PIH per session (%)"}[self.kind].format(**self.model_dump())
        assert self.value is not None
        return [(what, self.value)]


class Evidence(_Data):
    complete_clearance_percent: float = Field(gt=50, le=100)
    designs: dict[str, Design]
    grading: dict[str, Grading]
    searched: dict[str, str]
    unused: dict[str, str]
    row: tuple[EvidenceRow, ...]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [r.id for r in self.row]
        if len(ids) != len(set(ids)):
            raise ValueError("evidence row ids must be unique")
        undesigned = {r.source for r in self.row} - set(self.designs)
        if undesigned:
            raise ValueError(f"no study design given for {sorted(undesigned)}")
        ungraded = {r.source for r in self.row if r.efficacy} - set(self.grading)
        if ungraded:
            raise ValueError(f"no grading given for {sorted(ungraded)}")
        return self


@cache
def evidence() -> Evidence:
    text = resources.files("pico_widget").joinpath("data/evidence.toml").read_text("utf-8")
    return Evidence.model_validate(tomllib.loads(text))


def grading(row: EvidenceRow) -> Grading:
    """How the row's study graded its outcome; the reference for a study not in the
    evidence (the frozen test set's)."""
    return evidence().grading.get(row.source, REFERENCE_GRADING)


def rows(condition: str | None = None, *, efficacy: bool | None = None) -> list[EvidenceRow]:
    """The rows, optionally for one condition and of one family (efficacy or PIH)."""
    return [r for r in evidence().row
            if (condition is None or r.condition == condition)
            and (efficacy is None or r.efficacy == efficacy)]


class Accuracy(_Data):
    """How far the model missed a condition's published figures when each study was left
    out of the fit in turn and predicted (`make calibrate`, data/accuracy.toml)."""

    studies: int = Field(gt=0)  # studies with fitted share or mean figures
    figures: int = Field(gt=0)  # those figures
    left_out_error: float = Field(ge=0)  # their mean absolute error, percentage points


class Scores(_Data):
    """A set of published share and mean figures, each forecast for a new clinic, scored
    (`make calibrate`): how often the bands held them and how good the forecast was,
    against the naive and threshold-aware baselines (docs/calibration.md)."""

    figures: int = Field(gt=0)
    studies: int = Field(gt=0)
    coverage_80: float = Field(ge=0, le=100)  # percent of figures inside the 80% band
    coverage_50: float = Field(ge=0, le=100)
    mean_width_80: float = Field(ge=0)  # points
    interval_score_80: float = Field(ge=0)  # points
    log_score: float  # mean nats per figure
    log_score_naive: float
    mae: float = Field(ge=0)  # points, the predictive mean against the published figure
    coverage_80_naive: float = Field(ge=0, le=100)
    coverage_50_naive: float = Field(ge=0, le=100)
    mean_width_80_naive: float = Field(ge=0)
    interval_score_80_naive: float = Field(ge=0)
    mae_naive: float = Field(ge=0)
    # Issue 30: bands are the published figure's; cluster-bootstrap 95% intervals over
    # studies; the band the screen shows ('_clinic'); the threshold-aware baseline
    # (fit/baselines.py).
    coverage_80_ci: tuple[float, float] | None = None
    coverage_50_ci: tuple[float, float] | None = None
    coverage_80_clinic: float | None = Field(default=None, ge=0, le=100)
    coverage_80_naive_threshold: float | None = Field(default=None, ge=0, le=100)
    coverage_50_naive_threshold: float | None = Field(default=None, ge=0, le=100)
    mean_width_80_naive_threshold: float | None = Field(default=None, ge=0)
    interval_score_80_naive_threshold: float | None = Field(default=None, ge=0)
    log_score_naive_threshold: float | None = None
    mae_naive_threshold: float | None = Field(default=None, ge=0)


class OutOfSample(Scores):
    """Every fitted share and mean figure predicted for a new clinic by a fit that left its
    whole study out (nested: fit/nested.py refits the clinic sds and chooses the spread
    factor without the study)."""

    # How much wider than the marginal likelihood's clinic sds a new clinic lies, chosen by
    # the studies left out (the app's bands use it; calibration_report.spread_factor).
    clinic_sd_factor: float = Field(gt=0)
    # The same for PIH's clinic sd (pih.clinic_sd; model 2026.12-8).
    pih_clinic_sd_factor: float = Field(default=1.0, gt=0)
    nested: bool = False


class FrozenTestScores(Scores):
    """The frozen test set's figures (data/test_studies.toml), forecast for a new clinic by
    the fit on all the evidence and scored once per model version (`make calibrate`);
    reported, never chosen by (issue 30)."""

    model_version: str
    frozen: str  # the date the test set was fixed


class Accuracies(_Data):
    """data/accuracy.toml: the model version it was computed for, and each condition's."""

    model_version: str
    out_of_sample: OutOfSample | None = None
    test: FrozenTestScores | None = None
    conditions: dict[str, Accuracy]


@cache
def accuracies() -> dict[str, Accuracy]:
    """Per condition, how well the model predicts studies it was not fitted to."""
    return _shipped_accuracies().conditions


@cache
def _shipped_accuracies() -> Accuracies:
    return _parse(resources.files("pico_widget").joinpath("data/accuracy.toml")
                  .read_text("utf-8"))


def shipped_spread_factor() -> float:
    """The clinic spread factor the left-out studies chose (data/accuracy.toml), else 1."""
    found = _shipped_accuracies().out_of_sample
    return found.clinic_sd_factor if found is not None else 1.0


def shipped_pih_spread_factor() -> float:
    """The PIH clinic spread factor the left-out studies chose (data/accuracy.toml), else 1."""
    found = _shipped_accuracies().out_of_sample
    return found.pih_clinic_sd_factor if found is not None else 1.0


def parse_accuracies(text: str) -> dict[str, Accuracy]:
    """data/accuracy.toml, refused if it was written for another model version."""
    return _parse(text).conditions


def _parse(text: str) -> Accuracies:
    found = Accuracies.model_validate(tomllib.loads(text))
    if found.model_version != catalogue().model.version:
        raise ValueError(f"accuracy.toml is for model {found.model_version}, not "
                         f"{catalogue().model.version}: run make calibrate")
    return found


class Strength(_Data):
    """How much published evidence stands behind a forecast, in numbers and one word, and
    how far the model missed that evidence when each study was left out of the fit."""

    grade: Grade
    studies: int
    patients: int
    designs: tuple[Design, ...]
    sources: tuple[str, ...]


@cache
def strength(condition: str, laser: str) -> Strength:
    """Studies behind this condition's efficacy forecast (with this laser where compared).

    Patients are counted once per study (the largest row of that study). The grade
    (judgement, model page): strong with a meta-analysis or at least two randomised trials
    and 200 patients; moderate with a randomised trial or 100 patients; limited otherwise.
    """
    studies: dict[str, int] = {}
    for row in rows(condition, efficacy=True):
        if row.laser == laser or laser == "picosecond":
            studies[row.source] = max(studies.get(row.source, 0), row.patients)
    design = evidence().designs
    kinds = tuple(sorted({design[s] for s in studies}))
    patients = sum(studies.values())
    rcts = sum(design[s] == "rct" for s in studies)
    if ("meta-analysis" in kinds or rcts >= 2) and patients >= 200:
        grade: Grade = "strong"
    elif rcts or patients >= 100:
        grade = "moderate"
    else:
        grade = "limited"
    return Strength(grade=grade, studies=len(studies), patients=patients, designs=kinds,
                    sources=tuple(studies))
