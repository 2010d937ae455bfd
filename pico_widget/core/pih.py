"""Post-inflammatory hyperpigmentation over a course: each patient has their own risk.

The chance of PIH after one session differs between patients (a beta distribution with
mean m and concentration k = a + b), so over n sessions the risk is 1 - E[(1 - q)^n],
which levels off instead of compounding as independent coin flips would: the prone
patients show PIH early and the rest rarely do. Sessions already done without PIH make
a low personal risk more likely, which is the same formula with b + sessions done.
"""

from __future__ import annotations

import math
from functools import cache

from .catalogue import FittedPih, catalogue
from .evidence import evidence, shipped_pih_spread_factor

MAX_PER_SESSION = 0.6


def course_risk(mean: float, concentration: float, sessions: float, done: float = 0.0) -> float:
    """Chance of PIH in the next `sessions` sessions, after `done` sessions without PIH."""
    mean = min(max(mean, 1e-6), MAX_PER_SESSION)
    a, b = mean * concentration, (1.0 - mean) * concentration
    b += done
    log_spared = (math.lgamma(b + sessions) + math.lgamma(a + b)
                  - math.lgamma(a + b + sessions) - math.lgamma(b))
    return 1.0 - math.exp(log_spared)


def per_session_mean(params: FittedPih, condition: str, laser: str, fitzpatrick: int,
                     study: float = 0.0) -> float:
    """Mean chance of PIH after one session: the skin-type table times the condition's
    factor, the Q-switched factor for that laser and a study's own factor (`study`, its
    log; 0 for the typical study, which is what the app shows)."""
    factor = params.condition_factor[condition] * math.exp(study)
    if laser == "q-switched":
        factor *= params.qswitched_factor
    return min(params.per_session_percent[fitzpatrick - 1] / 100.0 * factor, MAX_PER_SESSION)


def clinic_sd(params: FittedPih, condition: str, factor: float | None = None) -> float:
    """How far a new clinic's log factor on the PIH risk may lie from the typical clinic's:
    the fitted study sd, widened as the efficacy clinic sds are (response.clinic_sd) for a
    condition factor itself estimated from the J PIH studies of that condition, sd^2 / J
    added; with no study of its own (J = 0) the factor is the judgement alone, and its
    prior sd is added instead. Times `factor`: by default the one the PIH studies left out
    chose (data/accuracy.toml), as for efficacy, since the fit's condition factors take up
    part of what the studies disagree on (model 2026.12-8; the 80% band held 11 of 19)."""
    if factor is None:
        factor = shipped_pih_spread_factor()
    studies = _studies(params.rows, condition)
    extra = (params.study_sd**2 / studies if studies
             else catalogue().model.prior_sd.pih_factor**2)
    return factor * math.sqrt(params.study_sd**2 + extra)


@cache
def _studies(rows: tuple[str, ...], condition: str) -> int:
    """PIH studies among `rows` that report on `condition`."""
    of = {row.id: (row.source, row.condition) for row in evidence().row}
    return len({of[r][0] for r in rows if of[r][1] == condition})
