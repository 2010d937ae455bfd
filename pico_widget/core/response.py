"""From a patient's description to where patients like them sit (a population Spread).

One function serves the app (with the fitted parameters of data/fitted.toml) and the
calibration (with trial parameters), so what is fitted is exactly what is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .catalogue import (
    ConditionSpec,
    FittedClinic,
    FittedCondition,
    Severity,
    catalogue,
    conditions,
    fitted,
)
from .evidence import evidence, shipped_spread_factor
from .kirby_desai import kirby_desai_score
from .models import PatientProfile, TattooDetails
from .population import Spread

TO_NINETY = math.log(10.0)  # lambda * n at which a patient has 90% of their own ceiling


@dataclass(frozen=True)
class Case:
    """What the response depends on: a profile without goal and observations."""

    condition: str
    severity: Severity
    fitzpatrick: int
    laser: str
    tattoo: TattooDetails | None = None

    @classmethod
    def of(cls, profile: PatientProfile) -> Case:
        return cls(profile.condition, profile.severity, profile.fitzpatrick, profile.laser,
                   profile.tattoo)


def logit(percent: float) -> float:
    share = percent / 100.0
    return math.log(share / (1.0 - share))


def spread_for(case: Case, params: FittedCondition | None = None) -> Spread:
    """Rate and ceiling of the median patient like this one, and the spreads around them."""
    spec: ConditionSpec = conditions()[case.condition]
    params = params or fitted().conditions[case.condition]
    complete = params.complete_share  # Kirby-Desai graded; severity grades have their own
    if spec.graded_by_kirby_desai:
        assert case.tattoo is not None and params.sessions_per_point is not None
        score = kirby_desai_score(case.fitzpatrick, case.tattoo)
        log_rate = math.log(TO_NINETY / (params.sessions_per_point * score))
        if case.laser == "picosecond":
            assert params.qswitched_rate_factor is not None
            log_rate -= math.log(params.qswitched_rate_factor)
        key: Literal["picosecond", "qswitched"] = (
            "qswitched" if case.laser == "q-switched" else "picosecond")
        ceiling = catalogue().tattoo.ceiling_percent[key][case.tattoo.colours]
        logit_ceiling = logit(ceiling) + (params.ceiling_shift or 0.0)
    else:
        assert params.severity is not None
        level = params.severity[case.severity]
        log_rate = math.log(-math.log1p(-level.p))
        log_rate += math.log(params.skin_type_step) * max(0, case.fitzpatrick - 3)
        if case.laser == "q-switched":
            assert params.qswitched_rate_factor is not None
            log_rate += math.log(params.qswitched_rate_factor)
        logit_ceiling = logit(level.ceiling)
        complete = level.complete_share
    return Spread(log_rate, params.rate_sd, logit_ceiling, params.ceiling_sd, complete)


def course_sessions(case: Case, spread: Spread) -> float:
    """Sessions in a typical course (for PIH): the condition's, or for tattoos the sessions
    the median patient needs to reach 90% of their own ceiling (from the Kirby-Desai score)."""
    spec = conditions()[case.condition]
    if spec.course_sessions is not None:
        return spec.course_sessions
    return TO_NINETY / math.exp(spread.log_rate)


def clinic_sd(params: FittedCondition | None = None, clinic: FittedClinic | None = None,
              condition: str | None = None, factor: float | None = None
              ) -> tuple[float, float, float]:
    """How far a new clinic's offsets (log rate, logit ceiling, logit of the complete share)
    may lie from the typical clinic's as the fit knows it: the pooled clinic sds, widened by
    sqrt(1 + 1/J) for a typical clinic itself estimated from the J studies behind the
    condition's parameters (the random-effects prediction interval, Higgins, Thompson and
    Spiegelhalter 2009), times `factor`: by default the one the studies left out chose
    (data/accuracy.toml, calibration_report.spread_factor), 1 where none is shipped. The
    app and the calibration report use this one function."""
    if params is None:
        assert condition is not None
        params = fitted().conditions[condition]
    clinic = clinic or fitted().clinic
    if factor is None:
        factor = shipped_spread_factor()
    sources = {row.id: row.source for row in evidence().row}
    studies = max(len({sources[r] for r in params.rows}), 1)
    widen = factor * math.sqrt(1.0 + 1.0 / studies)
    return (clinic.rate_sd * widen, clinic.ceiling_sd * widen, clinic.complete_sd * widen)
