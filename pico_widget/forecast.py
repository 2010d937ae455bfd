"""The forecast: how improvement builds up session by session, and how sure we are.

Model (docs/model.md): I(n) = C (1 - exp(-lambda n)), with lambda log-normal between
patients. Before any observation the chance of reaching goal g by session n has a closed
form, P[lambda >= -ln(1 - g/C) / n]. Observed improvements update lambda on a fixed grid,
which is exact enough and takes well under a millisecond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Annotated

import numpy as np
from pydantic import Field, TypeAdapter

from .catalogue import ConditionSpec, catalogue, conditions
from .kirby_desai import kirby_desai_score
from .models import MAX_SESSION, Forecast, PatientProfile, Reference, SessionImprovement
from .text import wording

PERCENTILES = (0.1, 0.5, 0.9)
_MAX_SESSIONS = TypeAdapter(Annotated[int, Field(ge=1, le=MAX_SESSION)])
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Response:
    """What the evidence says for this patient before any session: median rate, spread, ceiling."""

    log_rate: float
    log_sd: float
    ceiling: float
    kirby_desai: int | None


class _Prior:
    """Log-normal spread of the per-session rate lambda, in closed form."""

    def __init__(self, mu: float, sd: float) -> None:
        self._dist = NormalDist(mu, sd)

    def survival(self, log_rate: float) -> float:
        return 1.0 - self._dist.cdf(log_rate)

    def quantile(self, q: float) -> float:
        return self._dist.inv_cdf(q)


class _Posterior:
    """The rate's distribution after observed improvements, on a grid of log lambda."""

    def __init__(self, response: Response, observations: list[tuple[int, float]]) -> None:
        settings = catalogue().model
        half = settings.grid_half_width_sd
        z = np.linspace(-half, half, settings.grid_points)
        self._grid = response.log_rate + response.log_sd * z
        sessions = np.array([s for s, _ in observations], dtype=float)
        seen = np.array([y for _, y in observations], dtype=float)
        expected = response.ceiling * -np.expm1(-np.outer(np.exp(self._grid), sessions))
        misfit = ((expected - seen) / settings.observation_sd_percent) ** 2
        log_weight = -0.5 * z**2 - 0.5 * misfit.sum(axis=1)
        weight = np.exp(log_weight - log_weight.max())
        self._cdf = np.cumsum(weight / weight.sum())

    def survival(self, log_rate: float) -> float:
        index = np.searchsorted(self._grid, log_rate)
        return 1.0 - (float(self._cdf[index - 1]) if index > 0 else 0.0)

    def quantile(self, q: float) -> float:
        index = min(int(np.searchsorted(self._cdf, q)), len(self._grid) - 1)
        return float(self._grid[index])


def response_for(profile: PatientProfile) -> Response:
    """The prior for this patient: condition and severity (or tattoo score), skin type, laser."""
    spec = conditions()[profile.condition]
    kd = None
    if spec.graded_by_kirby_desai:
        tattoo = catalogue().tattoo
        assert profile.tattoo is not None  # guaranteed by PatientProfile
        kd = kirby_desai_score(profile.fitzpatrick, profile.tattoo)
        laser_key = "qswitched" if profile.laser == "q-switched" else "picosecond"
        ceiling = tattoo.ceiling_percent[laser_key][profile.tattoo.colours]
        qswitched_sessions = kd * tattoo.qswitched_sessions_per_point
        qswitched_rate = -math.log(1 - tattoo.satisfactory_fraction_of_ceiling) / qswitched_sessions
        assert spec.qswitched is not None
        rate = qswitched_rate / spec.qswitched.lambda_factor
    else:
        assert spec.severity is not None
        level = spec.severity[profile.severity]
        rate, ceiling = -math.log(1 - level.p), level.ceiling
    rate *= spec.skin_type_step ** max(0, profile.fitzpatrick - 3)
    if profile.laser == "q-switched":
        assert spec.qswitched is not None  # guaranteed by PatientProfile
        rate *= spec.qswitched.lambda_factor
    return Response(math.log(rate), spec.log_sd, ceiling, kd)


def estimate(profile: PatientProfile, max_sessions: int | None = None) -> Forecast:
    """Forecast sessions, improvement, timeline and PIH risk for one patient."""
    spec = conditions()[profile.condition]
    if max_sessions is None:
        max_sessions = spec.max_sessions or catalogue().model.default_max_sessions
    horizon = _MAX_SESSIONS.validate_python(max_sessions)
    observed = [(o.session, o.improvement_percent) for o in profile.observations]
    if observed:
        horizon = max(horizon, observed[-1][0])
    response = response_for(profile)
    prior = _Prior(response.log_rate, response.log_sd)
    rate = _Posterior(response, observed) if observed else prior
    ceiling, goal = response.ceiling, profile.goal_percent
    sessions = range(1, horizon + 1)

    def improvement(n: int, log_rate: float) -> float:
        return ceiling * -math.expm1(-math.exp(log_rate) * n)

    band_rates = [rate.quantile(q) for q in PERCENTILES]
    bands = [
        SessionImprovement(
            session=n,
            **dict(
                zip(("low", "median", "high"), (improvement(n, r) for r in band_rates), strict=True)
            ),
        )
        for n in sessions
    ]
    reachable = goal < ceiling
    if reachable:
        needed = -math.log1p(-goal / ceiling)
        probs = [rate.survival(math.log(needed / n)) for n in sessions]
        probs = list(np.clip(np.maximum.accumulate(probs), 0.0, 1.0))
    else:
        probs = [0.0] * horizon

    def first_session(chance: float) -> int | None:
        return next(
            (n for n, p in zip(sessions, probs, strict=True) if p >= chance - _TOLERANCE), None
        )

    median, low, high = first_session(0.5), first_session(0.1), first_session(0.9)
    open_ended = reachable and low is not None and high is None
    session_range = (low, high or horizon) if low is not None else None
    low_w, high_w = spec.interval_weeks
    weeks = None
    if median is not None and session_range is not None:
        weeks = (
            (session_range[0] - 1) * low_w,
            (median - 1) * (low_w + high_w) / 2,
            (session_range[1] - 1) * high_w,
        )
    course = median or _plateau_session(bands, ceiling)
    return Forecast(
        condition=profile.condition,
        laser=profile.laser,
        goal_percent=goal,
        goal_reachable=reachable,
        max_sessions=horizon,
        prob_goal_by_session=[float(p) for p in probs],
        sessions_median=median,
        sessions_range=session_range,
        sessions_open_ended=open_ended,
        improvement=bands,
        ceiling_percent=ceiling,
        interval_weeks=spec.interval_weeks,
        weeks_to_goal=weeks,
        pih_risk_percent=_pih_risk(profile, spec, course),
        kirby_desai=response.kirby_desai,
        warnings=_warnings(profile, spec, response, prior, open_ended, horizon),
        references=[Reference(key=k, citation=catalogue().references[k]) for k in spec.sources],
        model_version=catalogue().model.version,
    )


def _plateau_session(bands: list[SessionImprovement], ceiling: float) -> int:
    """The session by which the typical patient has 90% of what they will get."""
    return next((b.session for b in bands if b.median >= 0.9 * ceiling), bands[-1].session)


def _pih_risk(profile: PatientProfile, spec: ConditionSpec, sessions: int) -> float:
    """Chance of post-inflammatory hyperpigmentation at least once over the course, percent."""
    per_session = catalogue().pih.per_session_percent[profile.fitzpatrick - 1] / 100
    per_session *= spec.pih_factor
    if profile.laser == "q-switched" and spec.qswitched is not None:
        per_session *= spec.qswitched.pih_factor
    per_session = min(per_session, 0.95)
    return round(100 * (1 - (1 - per_session) ** sessions), 1)


def _warnings(
    profile: PatientProfile,
    spec: ConditionSpec,
    response: Response,
    prior: _Prior,
    open_ended: bool,
    horizon: int,
) -> list[str]:
    """Plain-language cautions, most important first."""
    say = wording("warnings")
    notes: list[str] = []
    ceiling = response.ceiling
    if profile.goal_percent >= ceiling:
        notes.append(say["goal_beyond_ceiling"].format(
            goal=profile.goal_percent, condition=spec.label.lower(), ceiling=ceiling))
    if profile.observations:
        last = profile.observations[-1]
        usual_low = ceiling * -math.expm1(-math.exp(prior.quantile(0.1)) * last.session)
        if last.session >= 2 and last.improvement_percent < usual_low:
            notes.append(say["slow_response"].format(
                improvement=last.improvement_percent, session=last.session, usual_low=usual_low))
        best = max(o.improvement_percent for o in profile.observations)
        if best > ceiling:
            notes.append(say["above_ceiling"].format(best=best, ceiling=ceiling))
    if open_ended:
        notes.append(say["open_ended"].format(horizon=horizon))
    if profile.fitzpatrick >= 5:
        notes.append(say["dark_skin"].format(numeral=profile.fitzpatrick_numeral))
    notes.extend(spec.caveats)
    return notes
