"""Validated inputs and outputs of a forecast.

Every check here speaks to a clinician: a rejected value says what was wrong and what is
allowed. Models are frozen values, so a profile on screen can never be half-edited.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .catalogue import SEVERITIES, Severity, conditions
from .codes import english, refusal
from .evidence import Strength

Laser = Literal["picosecond", "q-switched"]
TypicalOutcome = Literal["reaches", "later", "never", "rare"]
LASERS: tuple[Laser, ...] = ("picosecond", "q-switched")
FITZPATRICK_NUMERALS = ("I", "II", "III", "IV", "V", "VI")
MAX_SESSION = 60


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _number(value: Any, what: str, low: float, high: float, *, whole: bool = False) -> float:
    """Accept a finite number in [low, high] or raise a sentence saying what is allowed."""
    code = "whole_number" if whole else "number"

    def refuse(got: str) -> Exception:
        return refusal(code, what=what, low=f"{low:g}", high=f"{high:g}", got=got)

    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(str(value).strip())
        except ValueError:
            raise refuse(repr(value)) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise refuse(f"{value:g}")
    if whole and value != int(value):
        raise refuse(f"{value:g}")
    return int(value) if whole else float(value)


def _choice(value: Any, what: str, options: tuple[str, ...], **names: str) -> str:
    if value not in options:
        raise refusal("choice", what=what, **names, options=", ".join(options), got=repr(value))
    return value


class Observation(_Model):
    """Improvement seen after a session, against the baseline before treatment."""

    session: int
    improvement_percent: float

    @field_validator("session", mode="before")
    @classmethod
    def _session(cls, v: Any) -> int:
        return int(_number(v, "session", 1, MAX_SESSION, whole=True))

    @field_validator("improvement_percent", mode="before")
    @classmethod
    def _improvement(cls, v: Any) -> float:
        return _number(v, "improvement", 0, 100)


TattooLocation = Literal[
    "head_neck", "upper_trunk", "lower_trunk", "proximal_extremity", "distal_extremity"
]
TattooColours = Literal["black", "black_some_red", "black_red_other", "multicolour"]
TattooInk = Literal["amateur", "minimal", "moderate", "significant"]
TattooScarring = Literal["none", "minimal", "moderate", "significant"]
TattooLayering = Literal["none", "cover_up"]
TATTOO_OPTIONS: dict[str, tuple[str, ...]] = {
    "location": get_args(TattooLocation),
    "colours": get_args(TattooColours),
    "ink": get_args(TattooInk),
    "scarring": get_args(TattooScarring),
    "layering": get_args(TattooLayering),
}


class TattooDetails(_Model):
    """The Kirby-Desai inputs other than skin type."""

    location: TattooLocation
    colours: TattooColours
    ink: TattooInk
    scarring: TattooScarring = "none"
    layering: TattooLayering = "none"

    @model_validator(mode="before")
    @classmethod
    def _readable_choices(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field, options in TATTOO_OPTIONS.items():
                if field in data:
                    _choice(data[field], "tattoo", options, field=field)
        return data


class PatientProfile(_Model):
    """Who the forecast is for. Holds no name or other identifier, by design."""

    condition: str
    severity: Severity = "moderate"
    fitzpatrick: int
    goal_percent: float = 75.0
    laser: Laser = "picosecond"
    tattoo: TattooDetails | None = None
    observations: list[Observation] = Field(default_factory=list)

    @field_validator("condition", mode="before")
    @classmethod
    def _condition(cls, v: Any) -> str:
        known = tuple(conditions())
        if v not in known:
            raise refusal("unknown_condition", got=repr(v), options=", ".join(known))
        return v

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v: Any) -> str:
        return _choice(v, "severity", SEVERITIES)

    @field_validator("fitzpatrick", mode="before")
    @classmethod
    def _fitzpatrick(cls, v: Any) -> int:
        return int(_number(v, "fitzpatrick", 1, 6, whole=True))

    @field_validator("goal_percent", mode="before")
    @classmethod
    def _goal(cls, v: Any) -> float:
        return _number(v, "goal", 1, 100)  # percent: 0.75 is not 75

    @field_validator("laser", mode="before")
    @classmethod
    def _laser(cls, v: Any) -> str:
        return _choice(v, "laser", LASERS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        spec = conditions()[self.condition]
        if spec.graded_by_kirby_desai and self.tattoo is None:
            raise refusal("tattoo_needed")
        if not spec.graded_by_kirby_desai and self.tattoo is not None:
            raise refusal("tattoo_given", condition=self.condition)
        if self.laser == "q-switched" and spec.qswitched is None:
            raise refusal("no_qswitched", condition=self.condition)
        sessions = [o.session for o in self.observations]
        for before, after in itertools.pairwise(sessions):
            if after == before:
                raise refusal("twice", session=after)
            if after < before:
                raise refusal("order", after=after, before=before)
        return self

    @property
    def fitzpatrick_numeral(self) -> str:
        return FITZPATRICK_NUMERALS[self.fitzpatrick - 1]


class ClinicCourse(_Model):
    """One recorded course as the clinic's effect reads it (core/clinic_effect.py): the
    inputs a forecast depends on, without a goal, and the results seen. Checked exactly as a
    profile is (the same refusals); no identifier of any kind."""

    condition: str
    severity: Severity = "moderate"
    fitzpatrick: int
    laser: Laser = "picosecond"
    tattoo: TattooDetails | None = None
    observations: list[Observation] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _as_profile(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return PatientProfile(**data).model_dump(exclude={"goal_percent"})

    @property
    def observed(self) -> list[tuple[int, float]]:
        return [(o.session, o.improvement_percent) for o in self.observations]


class Reference(_Model):
    key: str
    citation: str


class SessionImprovement(_Model):
    """Expected improvement after a session: 10th, 50th and 90th percentile of patients."""

    session: int
    low: float
    median: float
    high: float


class Caution(_Model):
    """A caution under the forecast as a code and its values; pico_widget.i18n words it."""

    code: str
    values: dict[str, str | int | float] = Field(default_factory=dict)


class Forecast(_Model):
    """Everything the screen, the handout and the note show, computed once.

    Two uncertainties, named apart (model 2026.12-7). Between patients: `improvement`'s
    low-high band, where 8 in 10 patients like this one land at each session. Between
    clinics: `prob_goal_band` and `reach_band`, where the share of patients reaching the goal
    would lie at 8 in 10 clinics like those studied (the studies disagree far beyond their
    sampling error). A patient's own chances (`prob_goal_by_session`, `reach_percent`,
    `never_percent`, the sessions and the curve) are for a patient at a clinic like those
    studied, the clinic not known: patient and clinic spread together.

    One meaning of "typical": `sessions_median` is the session by which half of patients
    like this one reach the goal, which is where the curve's typical patient (`improvement`
    median) reaches it (within one session, tests/test_forecast_properties.py). When fewer
    than half reach it within the horizon, the typical patient does not, and there is no
    typical count (None) nor course length, and `typical_outcome` says whether they reach
    it later or never. (A count among those who reach it instead, as models 2026.12-8 and
    -9 gave, fell from 12 sessions to 5 when the goal rose by one point.)
    """

    condition: str
    laser: Laser
    goal_percent: float
    target_percent: float = Field(
        description="the improvement the goal asks for; goals above complete clearance "
                    "(95%, as graded) all mean complete clearance")
    goal_reachable: bool = Field(
        description="at least 1 in 20 patients like this one reach the goal by max_sessions, "
                    "enough to say when they do (sessions_range)")
    max_sessions: int
    prob_goal_by_session: list[float] = Field(
        description="item i: chance that a patient like this one, at a clinic like those "
                    "studied, reaches the goal by session i + 1 (0-1, non-decreasing)")
    prob_goal_band: list[tuple[float, float]] = Field(
        description="item i: the 80% band (low, high) across clinics like those studied of "
                    "the share of patients like this one reaching the goal by session i + 1 "
                    "(0-1, the scale of prob_goal_by_session): 1 clinic in 10 below low, 1 "
                    "in 10 above high; non-decreasing in the session")
    reach_band: tuple[float, float] = Field(
        description="prob_goal_band at the headline's session: sessions_range[1] when there "
                    "is a range, else max_sessions (0-1)")
    typical_reaches_goal: bool = Field(
        description="at least half of patients like this one reach the goal by max_sessions, "
                    "so the typical patient does (sessions_median is not None)")
    typical_outcome: TypicalOutcome = Field(
        description="what the typical patient like this one does: 'reaches' the goal by "
                    "max_sessions (at sessions_median); reaches it only 'later'; 'never' "
                    "reaches it (half or more level off below it); or 'rare': under 1 in 20 "
                    "reach it by max_sessions. The headline, words and cautions follow it")
    reach_percent: float = Field(description="patients reaching the goal by max_sessions")
    never_percent: float = Field(
        description="patients whose own ceiling lies below the goal: they never reach it")
    sessions_median: int | None = Field(
        description="typical sessions: the first session by which half of patients like this "
                    "one reach the goal; None when fewer than half reach it by max_sessions")
    sessions_range: tuple[int, int] | None = Field(
        description="10th-90th percentile of sessions among those who reach the goal by "
                    "max_sessions, widened to hold sessions_median; None unless goal_reachable")
    sessions_open_ended: bool = Field(
        description="more than 1 in 10 patients reach the goal only after max_sessions")
    improvement: list[SessionImprovement]
    ceiling_percent: float = Field(description="the median patient's own ceiling")
    ceiling_range: tuple[float, float] = Field(description="10th-90th percentile of ceilings")
    interval_weeks: tuple[int, int]
    usual_interval_weeks: float
    weeks_to_goal: tuple[float, float, float] | None = Field(
        description="(low, median, high): (sessions - 1) x the usual interval at "
                    "sessions_range's low end, sessions_median and sessions_range's high end; "
                    "None without a typical count")
    pih_risk_percent: float = Field(
        description="chance of PIH (darker patches after treatment) over the rest of a "
                    "typical course at a clinic like those studied, percent")
    pih_band: tuple[float, float] = Field(
        description="the 80% band (low, high) across clinics like those studied of the PIH "
                    "risk over the same course, percent: 1 clinic in 10 below low, 1 in 10 "
                    "above high")
    pih_extrapolated: bool = Field(
        description="no PIH evidence row reports on this skin type with this laser: the "
                    "risk is the fitted skin-type table carried beyond the studies")
    kirby_desai: int | None
    cautions: list[Caution] = Field(description="most important first; words: i18n")
    evidence: Strength
    references: list[Reference]
    model_version: str
    band_source: Literal["studies", "this_clinic"] = Field(
        default="studies",
        description="whose clinics the across-clinic band and the chances are for: 'studies' "
                    "(8 in 10 clinics like those studied) or 'this_clinic' (this clinic's own "
                    "offsets, from its recorded courses: core/clinic_effect.py)")
    clinic_courses: int = Field(
        default=0, description="this clinic's recorded courses of this condition (0 when no "
                               "clinic's outcomes were given)")
    clinic_courses_needed: int = Field(
        default=0, description="more courses of this condition the clinic needs before its "
                               "own band is used (0 when it is, or no clinic was given)")

    @property
    def warnings(self) -> list[str]:
        """The cautions in plain English (the screen words them in its own language)."""
        return [english("warnings", c.code, c.values) for c in self.cautions]
