"""The forecast: how improvement builds up session by session, and how sure we are.

Model (data/model.md): each patient has their own rate and their own ceiling
(population.py); observed improvements reweight both. The chance of reaching a goal by
session n levels off at the share of patients whose ceiling lies above the goal, so a
goal few can reach reads as "about 70 in 100 never reach it", never as a cliff to 0%.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

import numpy as np
from pydantic import Field, InstanceOf, validate_call

from .catalogue import ConditionSpec, catalogue, conditions, fitted
from .clinic_effect import MIN_COURSES, ClinicEffect, at_clinic, clinic_nodes
from .codes import english
from .evidence import evidence, strength
from .kirby_desai import kirby_desai_score
from .models import (
    MAX_SESSION,
    Caution,
    Forecast,
    PatientProfile,
    Reference,
    SessionImprovement,
    TypicalOutcome,
)
from .pih import clinic_sd as pih_clinic_sd
from .pih import course_risk, per_session_mean
from .population import (
    Population,
    Spread,
    clinic_shares,
    clinic_shares_at,
    normal_cdf,
    predictive_spread,
)
from .response import Case, clinic_sd, course_sessions, spread_for

PERCENTILES = (0.1, 0.5, 0.9)
_TOLERANCE = 1e-9


@validate_call
def estimate(profile: PatientProfile,
             max_sessions: Annotated[int, Field(ge=1, le=MAX_SESSION)] | None = None,
             clinic: InstanceOf[ClinicEffect] | None = None) -> Forecast:
    """Forecast sessions, improvement, timeline and PIH risk for one patient (cautions as
    codes: the forecast is the same in every language). `profile`: a PatientProfile or its
    fields as a dict. `max_sessions` (1-60): the sessions shown, the condition's own by
    default; a result recorded later than it extends them. With `clinic` (clinic_effect) and
    at least MIN_COURSES of its courses of this condition, the clinic's own offsets replace
    the spread of clinics like those studied (band_source "this_clinic"); PIH stays the
    studies'. Arguments are checked as pydantic checks a model: a wrong one raises
    ValidationError naming it."""
    spec = conditions()[profile.condition]
    settings = catalogue().model
    horizon = max_sessions or spec.max_sessions or settings.default_max_sessions
    observed = [(o.session, o.improvement_percent) for o in profile.observations]
    if observed:
        horizon = max(horizon, observed[-1][0])
    case = Case.of(profile)
    typical = spread_for(case)  # the typical clinic's patients
    clinic_sd = _clinic_sd(profile.condition)
    spread = predictive_spread(typical, clinic_sd)  # at a clinic like those studied
    studied = spread
    own = clinic.usable(profile.condition) if clinic is not None else None
    atypical = nodes = None
    if own is not None:  # this clinic's patients: its offsets, as sure as its courses make them
        nodes = clinic_nodes(clinic_sd, own)
        typical, clinic_sd, atypical = at_clinic(typical, clinic_sd, own)
        spread = predictive_spread(typical, clinic_sd)
    prior = Population(spread)
    people = prior.updated(observed, settings.observation_sd_percent)  # prior if none
    target = min(profile.goal_percent, evidence().complete_clearance_percent)
    sessions = np.arange(1, horizon + 1)

    probs = np.clip(np.maximum.accumulate(people.share_reaching(target, sessions)), 0.0, 1.0)
    reach = float(probs[-1])
    never = people.share_never(target)
    median = low = high = None
    typical_reaches = reach >= 0.5
    reachable = reach >= settings.min_reach_share
    if reachable:
        # Among the patients who reach the goal within the horizon: when they get there.
        def first(share: float) -> int:
            return int(np.argmax(probs / reach >= share - _TOLERANCE)) + 1

        low, high = first(PERCENTILES[0]), first(PERCENTILES[-1])
    if typical_reaches:  # the typical patient's session: half of everyone by then
        median = int(np.argmax(probs >= 0.5 - _TOLERANCE)) + 1
        low, high = min(low or median, median), max(high or median, median)
    outcome: TypicalOutcome = ("reaches" if median is not None else "rare" if not reachable
                               else "never" if never >= 0.5 else "later")
    band = _clinic_band(typical, clinic_sd, people, observed, target, sessions, atypical, nodes)
    headline_session = high if high is not None else horizon
    open_ended = (1.0 - never) - reach > 0.1
    bands = people.improvement_quantiles(sessions, PERCENTILES)
    usual = spec.usual_interval_weeks
    weeks = None
    if median is not None and low is not None and high is not None:
        weeks = ((low - 1) * usual, (median - 1) * usual, (high - 1) * usual)
    ceiling_low, ceiling_mid, ceiling_high = people.ceiling_quantiles(PERCENTILES)
    pih_risk, pih_band = _pih_risk(profile, case, studied)
    courses = clinic.courses(profile.condition) if clinic is not None else 0
    return Forecast(
        condition=profile.condition,
        laser=profile.laser,
        goal_percent=profile.goal_percent,
        target_percent=target,
        goal_reachable=reachable,
        max_sessions=horizon,
        prob_goal_by_session=[float(p) for p in probs],
        prob_goal_band=[(float(lo), float(hi)) for lo, hi in band],
        reach_band=(float(band[headline_session - 1, 0]), float(band[headline_session - 1, 1])),
        typical_reaches_goal=typical_reaches,
        typical_outcome=outcome,
        reach_percent=100 * reach,
        never_percent=100 * never,
        sessions_median=median,
        sessions_range=(low, high) if low is not None and high is not None else None,
        sessions_open_ended=open_ended,
        improvement=[SessionImprovement(session=int(n), low=float(lo), median=float(mid),
                                        high=float(hi))
                     for n, lo, mid, hi in zip(sessions, *bands, strict=True)],
        ceiling_percent=ceiling_mid,
        ceiling_range=(ceiling_low, ceiling_high),
        interval_weeks=spec.interval_weeks,
        usual_interval_weeks=usual,
        weeks_to_goal=weeks,
        pih_risk_percent=pih_risk,
        pih_band=pih_band,
        pih_extrapolated=pih_extrapolated(profile.fitzpatrick, profile.laser),
        kirby_desai=_kirby_desai(profile),
        cautions=_cautions(profile, spec, prior, people, target, never, open_ended, horizon,
                           course_weeks=None if weeks is None else weeks[1],
                           beyond_weeks=(horizon - 1) * usual if outcome == "later" else None),
        evidence=strength(profile.condition, profile.laser),
        references=[Reference(key=k, citation=catalogue().references[k]) for k in spec.sources],
        model_version=fitted().model_version,
        band_source="this_clinic" if own is not None else "studies",
        clinic_courses=courses,
        clinic_courses_needed=0 if own is not None or clinic is None
        else MIN_COURSES - courses,
    )


def forecast_for(profile: PatientProfile, forecast: Forecast | None = None,
                 clinic: ClinicEffect | None = None) -> Forecast:
    """`forecast` when the caller holds this profile's already (the widget does), else a
    new one. A forecast made for another condition, laser or goal is refused: a handout or
    note must never pair one case's inputs with another's numbers."""
    if forecast is None:
        return estimate(profile, clinic=clinic)
    made_for = (forecast.condition, forecast.laser, forecast.goal_percent)
    if made_for != (profile.condition, profile.laser, profile.goal_percent):
        raise ValueError(english("validation", "forecast_mismatch", {}))
    return forecast


@cache
def _clinic_sd(condition: str) -> tuple[float, float, float]:
    return clinic_sd(condition=condition)


_Z80 = 1.2815515655446004  # the standard normal's 90th percentile


def _clinic_band(typical: Spread, clinic_sd: tuple[float, float, float], people: Population,
                 observed: list[tuple[int, float]], target: float,
                 sessions: np.ndarray,
                 atypical: tuple[float, float] | None = None,
                 nodes: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Per session, the 80% band across clinics of the share reaching the target, (N, 2).

    The share at 27 clinics (population.clinic_shares) is summarised on the logit scale by
    its weighted mean and sd, and the band read as a logit-normal's 10th and 90th
    percentiles: smooth in the goal and the session, where percentiles of 27 points would
    jump. Each end is made non-decreasing over sessions, as every clinic's share is.
    With `nodes` (clinic_effect.clinic_nodes: this clinic's posterior, its offsets'
    correlations kept) the clinics are those nodes around `typical` instead."""
    if nodes is not None and atypical is not None:
        shares, weights = clinic_shares_at(typical, people, observed, target, sessions,
                                           nodes[0], nodes[1], atypical[0])
    else:
        shares, weights = clinic_shares(typical, clinic_sd, people, observed,
                                        catalogue().model.observation_sd_percent, target,
                                        sessions, atypical)
    logits = np.log(np.clip(shares, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(shares, 1e-6, 1 - 1e-6))
    mean = weights @ logits
    sd = np.sqrt(np.maximum(weights @ (logits - mean) ** 2, 0.0))
    band = 1.0 / (1.0 + np.exp(-(mean[:, None] + _Z80 * sd[:, None] * np.array([-1.0, 1.0]))))
    return np.maximum.accumulate(band, axis=0)


def _kirby_desai(profile: PatientProfile) -> int | None:
    return None if profile.tattoo is None else kirby_desai_score(profile.fitzpatrick,
                                                                 profile.tattoo)


def _pih_risk(profile: PatientProfile, case: Case, spread: Spread
              ) -> tuple[float, tuple[float, float]]:
    """Chance of PIH over the rest of a typical course, percent (not driven by the goal), at
    a clinic like those studied (each clinic's own factor on the risk integrated out), and
    its 80% band across clinics: the risk at the clinics whose log factor is at the 10th and
    90th percentiles (the risk rises with the factor, so these are the risk's percentiles)."""
    params = fitted().pih
    course = course_sessions(case, spread)
    done = float(profile.observations[-1].session) if profile.observations else 0.0
    remaining = max(course - done, 1.0)
    tau = pih_clinic_sd(params, profile.condition)

    def at(log_factor: float) -> float:
        mean = per_session_mean(params, profile.condition, profile.laser, profile.fitzpatrick,
                                log_factor)
        return course_risk(mean, params.concentration, remaining, done)

    risk = sum(weight * at(tau * float(node))
               for node, weight in zip(*_PIH_NODES, strict=True))
    band = (round(100 * at(-_Z80 * tau), 1), round(100 * at(_Z80 * tau), 1))
    return round(100 * risk, 1), band


def pih_extrapolated(fitzpatrick: int, laser: str) -> bool:
    """Whether no PIH evidence row reports on this skin type with this laser: the risk is
    then the fitted skin-type table carried beyond the studies' patients."""
    return (fitzpatrick, laser) not in _pih_covered()


@cache
def _pih_covered() -> frozenset[tuple[int, str]]:
    return frozenset((fst, row.laser) for row in evidence().row if not row.efficacy
                     for fst in row.fitzpatrick)


_PIH_X, _PIH_W = np.polynomial.hermite_e.hermegauss(5)
_PIH_NODES = (_PIH_X, _PIH_W / _PIH_W.sum())


def shares_showing_at_most(prior: Population, observed: list[tuple[int, float]],
                           noise: float) -> np.ndarray:
    """For each observation, the share of patients like this one who would be assessed at
    that improvement or lower by then (assessment noise included)."""
    sessions = np.array([s for s, _ in observed], dtype=float)
    seen = np.array([y for _, y in observed], dtype=float)
    reached = prior.reached(sessions)  # (u, obs)
    expected = reached[:, None, :] * prior.ceilings[None, :, None]  # (u, v, obs)
    below = normal_cdf((seen - expected) / noise)
    return np.einsum("uv,uvk->k", prior.weight, below)


def _cautions(profile: PatientProfile, spec: ConditionSpec, prior: Population,
              people: Population, target: float, never: float, open_ended: bool,
              horizon: int, course_weeks: float | None = None,
              beyond_weeks: float | None = None) -> list[Caution]:
    """Cautions, most important first (`target`: the goal as the model reads it, complete
    clearance for any goal above it). The condition's own cautions get the intervals and the
    typical course (`course_weeks`, or `beyond_weeks`, what the sessions shown take when the
    typical patient needs more, as the headline has them) so that their words can quote the
    forecast's timing instead of a figure of their own."""
    settings = catalogue().model
    notes: list[Caution] = []
    if never >= 0.5:
        notes.append(Caution(code="goal_beyond_most", values={
            "never": round(100 * never), "goal": profile.goal_percent, "condition": spec.id,
            "ceiling": people.ceiling_median_below(target)}))
    if profile.observations:
        # The latest result decides: a slow first session followed by a good second needs
        # no review, and a poor latest one does, from session 1 on.
        obs = profile.observations[-1]
        if obs.improvement_percent >= target:  # the chances still allow assessment error
            notes.append(Caution(code="goal_recorded", values={
                "session": obs.session, "seen": obs.improvement_percent,
                "goal": profile.goal_percent, "sd": settings.observation_sd_percent}))
        below = shares_showing_at_most(prior, [(obs.session, obs.improvement_percent)],
                                       settings.observation_sd_percent)
        if below[0] < settings.non_response_quantile:
            usual = prior.improvement_quantiles(np.array([obs.session]), [0.1])[0, 0]
            notes.append(Caution(code="slow_response", values={
                "improvement": obs.improvement_percent, "session": obs.session,
                "usual_low": float(usual)}))
        best = max(o.improvement_percent for o in profile.observations)
        usual_high = prior.ceiling_quantiles([0.9])[0]
        if best > usual_high:
            notes.append(Caution(code="above_ceiling",
                                 values={"best": best, "ceiling": float(usual_high)}))
    if open_ended:
        notes.append(Caution(code="open_ended", values={"horizon": horizon}))
    if profile.fitzpatrick >= 5:
        notes.append(Caution(code="dark_skin", values={"numeral": profile.fitzpatrick_numeral}))
    timing: dict[str, str | int | float] = {
        "interval_low": spec.interval_weeks[0], "interval_high": spec.interval_weeks[1],
        "usual": spec.usual_interval_weeks}
    if course_weeks is not None:
        timing["course_weeks"] = course_weeks
    if beyond_weeks is not None:
        timing["course_beyond_weeks"] = beyond_weeks
    black_only = profile.tattoo is not None and profile.tattoo.colours == "black"
    notes.extend(Caution(code="caveat", values={"condition": spec.id, "index": i, **timing})
                 for i in range(len(spec.caveats))
                 if not (black_only and i in spec.colour_caveats))
    return notes
