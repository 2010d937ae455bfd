"""Patients like this one: a grid over each patient's own rate and own ceiling.

Improvement after n sessions is I(n) = C (1 - exp(-lambda n)). Both lambda (how fast) and
C (how far this patient can clear) vary between patients: log lambda is normal and
logit(C / 100) is normal, independently, plus (where the evidence reports it) a share of
patients whose ceiling is complete clearance. The grid holds these two standard-normal
coordinates (u for the rate, v for the ceiling) with their weights; observed improvements
reweight the same grid (Bayes' rule, exact on the grid), so the prior and every update
share one code path. Shares are smooth in the goal: along the ceiling axis each grid weight
is spread over its cell (and, after observations, along the rate axis too), so no goal,
severity or session step makes a chance jump.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .catalogue import catalogue
from .heap import warm_heap_thresholds

warm_heap_thresholds()  # else the grid's temporaries page-fault on every forecast

U = np.linspace(-6.0, 6.0, 41)  # rate axis, in standard deviations of log lambda
V = np.linspace(-5.0, 6.0, 31)  # ceiling axis: logit(C / 100), from 0.7% to 99.75%
_DU = float(U[1] - U[0])
_DV = float(V[1] - V[0])
CEILING_EDGES = np.append(V - _DV / 2, V[-1] + _DV / 2)  # the ceiling cells' bounds
# Atypical patients' rates spread twice as widely toward slow responses (in typical sds),
# and as the typical patients' toward fast ones, so the group leans slow (a third of it
# above the typical median, its mean 0.8 sd below): it is there for patients who respond
# less than the studies' patients; were it as wide on the fast side, an unusually fast
# first session would be read as atypical, and their even ceilings would then lower the
# chance of a high goal (a better result giving a worse forecast).
ATYPICAL_RATE_SD = 2.0
# The grid's weights along the rate axis before any session, typical and atypical
# patients' (public with U, V, CEILINGS, CEILING_EDGES, complete_cells and target_tables:
# the fit computes the same figures vectorised over clinics, fit/calibrate.py).
RATE_WEIGHTS = np.exp(-0.5 * U**2) / np.exp(-0.5 * U**2).sum()
ATYPICAL_RATE_WEIGHTS = np.exp(-0.5 * (np.minimum(U, 0.0) / ATYPICAL_RATE_SD) ** 2
                               - 0.5 * np.maximum(U, 0.0) ** 2)
ATYPICAL_RATE_WEIGHTS /= ATYPICAL_RATE_WEIGHTS.sum()
for _table in (CEILING_EDGES, RATE_WEIGHTS, ATYPICAL_RATE_WEIGHTS):
    _table.setflags(write=False)  # shared by every forecast and the fit


def atypical_rate_above(u: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Share of atypical patients whose rate is at least u typical sds above the median:
    a normal with sd ATYPICAL_RATE_SD below the median and 1 above it, joined smoothly."""
    s = ATYPICAL_RATE_SD
    u = np.asarray(u, dtype=float)
    return np.where(u >= 0, 2.0 * cdf(-u) / (s + 1.0),
                    (1.0 + 2.0 * s * (0.5 - cdf(u / s))) / (s + 1.0))
CEILINGS = 100.0 / (1.0 + np.exp(-V))
_COLUMNS = np.arange(len(V))


def ceiling_weights(spread: Spread) -> tuple[np.ndarray, np.ndarray]:
    """Share of typical and of atypical patients in each ceiling cell, before any session.

    Typical ceilings are logit-normal; where some patients clear completely (the
    condition's complete share, fitted), those patients form a second group whose own
    ceilings sit at complete clearance. One wide normal could not give both the partial
    responders and the papers' complete clearance: it put nevus of Ota and cafe-au-lait
    macules at the spread's upper bound. A small share of atypical patients (a judgement,
    data/conditions.toml) have their ceiling spread evenly over the whole axis and a rate
    that varies twice as widely toward slow responses: without them a patient who shows no
    change at all would still be forecast to clear as the studies' patients do, because the
    normal tails are too thin to move to.
    """
    typical = _normal_cells(spread.logit_ceiling, spread.ceiling_sd)
    if spread.complete_share:
        typical = ((1 - spread.complete_share) * typical
                   + spread.complete_share * complete_cells())
    atypical = catalogue().model.atypical_share
    return (1 - atypical) * typical, np.full(len(V), atypical / len(V))


@lru_cache(maxsize=1)
def complete_cells() -> np.ndarray:
    """Ceiling cells of the patients who clear completely (data/conditions.toml [model])."""
    settings = catalogue().model
    share = settings.complete_ceiling_percent / 100.0
    cells = _normal_cells(math.log(share / (1.0 - share)), settings.complete_ceiling_sd)
    cells.setflags(write=False)
    return cells


def _normal_cells(mean: float, sd: float) -> np.ndarray:
    """Share of a normal(mean, sd) on the ceiling axis in each cell (tails in the end cells)."""
    edges = normal_cdf((CEILING_EDGES - mean) / sd)
    cells = np.diff(edges)
    cells[0] += edges[0]
    cells[-1] += 1.0 - edges[-1]
    return cells


def _exact_cdf(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF to full precision (math.erfc), for building the tables below
    once at import; normal_cdf reads them quickly."""
    return np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in np.ravel(x)]).reshape(
        np.shape(x))


_PHI_X = np.linspace(-9.0, 9.0, 4501)
_PHI_Y = _exact_cdf(_PHI_X)


_PHI_STEP = float(_PHI_X[1] - _PHI_X[0])
_PHI_TOP = len(_PHI_X) - 1 - 1e-9

# Before any observation, the share of typical and of atypical patients whose rate is at
# least u sds above the median, on one table (with slopes to interpolate): one index
# computation serves both, where two normal_cdf calls would compute it twice.
_RATE_X = np.linspace(-2 * 9.0, 2 * 9.0, 9001)
_RATE_STEP = float(_RATE_X[1] - _RATE_X[0])
_RATE_TOP = len(_RATE_X) - 1 - 1e-9
_RATE_ABOVE = np.array([_exact_cdf(-_RATE_X), atypical_rate_above(_RATE_X, _exact_cdf)])
_RATE_SLOPE = np.diff(_RATE_ABOVE, axis=1, append=_RATE_ABOVE[:, -1:])


def _clip(x: np.ndarray | float, low: float, high: float) -> np.ndarray:
    """np.clip without its Python wrapper, which costs twice the clipping itself on these
    small arrays (about a tenth of a forecast, measured with cProfile)."""
    return np.minimum(np.maximum(x, low), high)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, numpy only: a uniform table read by index (error < 1e-6);
    faster here than np.interp's search or a polynomial with an exp."""
    position = _clip((np.asarray(x, dtype=float) - _PHI_X[0]) / _PHI_STEP, 0.0, _PHI_TOP)
    index = position.astype(np.intp)
    low = _PHI_Y[index]
    return low + (_PHI_Y[index + 1] - low) * (position - index)


def _part_above(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each target and ceiling cell: the share of the cell whose ceiling lies above
    the target, and that part's middle ceiling. Spreading each cell over its width keeps
    every share continuous in the goal (a node crossing the goal is no jump)."""
    centre, half = V, _DV / 2
    with np.errstate(divide="ignore"):
        share = _clip(np.asarray(targets, dtype=float)[..., None] / 100.0, 0.0, 1.0)
        cut = np.log(share) - np.log1p(-share)  # logit of the target, -inf..inf
    above = _clip((centre + half - cut) / (2 * half), 0.0, 1.0)
    middle = (np.maximum(centre - half, cut) + centre + half) / 2
    return above, 100.0 / (1.0 + np.exp(-middle))


def target_tables(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per target and ceiling cell: the share of the cell above the target, and
    log(-log(1 - target / ceiling)) (+inf where the ceiling is at the target). The rate a
    patient needs by session n is then log lambda = that - log n: the logs are taken once
    per (target, ceiling), not once per session as well."""
    above, ceiling = _part_above(targets)
    room = _clip(1.0 - np.asarray(targets, dtype=float)[:, None] / ceiling, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return above, np.log(-np.log(room))


IMPROVEMENT_LEVELS = 41  # improvement_quantiles' grid of y: 2.5 points apart


@lru_cache(maxsize=1)
def _level_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The improvement levels improvement_quantiles reads percentiles off, with their tables."""
    tables = (levels := np.linspace(0.0, 100.0, IMPROVEMENT_LEVELS), *target_tables(levels))
    for table in tables:
        table.setflags(write=False)  # shared by every call: never to be changed in place
    return tables


@dataclass(frozen=True)
class Spread:
    """Where patients like this one sit: medians and spreads of rate and ceiling."""

    log_rate: float  # log lambda of the median patient
    rate_sd: float  # between-patient sd of log lambda
    logit_ceiling: float  # logit(C / 100) of the median patient
    ceiling_sd: float  # between-patient sd of logit(C / 100)
    complete_share: float = 0.0  # patients who clear completely (their own component)


class Population:
    """The grid of patients like this one before any session; `updated` reweights it by
    observed improvements."""

    def __init__(self, spread: Spread) -> None:
        self.spread = spread
        self.rates = np.exp(spread.log_rate + spread.rate_sd * U)
        self.ceilings = CEILINGS
        self._typical, self._atypical = ceiling_weights(spread)
        self.weight = (np.outer(RATE_WEIGHTS, self._typical)
                       + np.outer(ATYPICAL_RATE_WEIGHTS, self._atypical))
        self.observed = False
        self.fit: np.ndarray | None = None  # log-likelihood of the observations on the grid

    def updated(self, observations: Sequence[tuple[float, float]],
                observation_sd: float = 10.0) -> Population:
        """These patients reweighted by observed improvements; the prior grid is reused."""
        if not observations:
            return self
        people = copy.copy(self)
        people._observe(observations, observation_sd)
        return people

    def _observe(self, observations: Sequence[tuple[float, float]],
                 observation_sd: float) -> None:
        self.fit = self.log_likelihood(observations, observation_sd)
        log_weight = np.log(self.weight) + self.fit
        weight = np.exp(log_weight - log_weight.max())
        weight /= weight.sum()
        self.weight = weight
        self.observed = True
        # Flat, row-major tables read by index in _survival (a flat take is about twice as
        # fast as a 2-D gather): the weight of each cell and the mass at or above each rate
        # node per ceiling column (tail[i, j] = sum over i' >= i), padded with zero rows so
        # that a rate beyond the grid reads as no one.
        cell, tail = np.zeros((2, len(U) + 2, len(V)))
        cell[:-2] = weight
        tail[:-2] = np.cumsum(weight[::-1], axis=0)[::-1]
        self._cell, self._tail = cell.ravel(), tail.ravel()

    def log_likelihood(self, observations: Sequence[tuple[float, float]],
                       observation_sd: float) -> np.ndarray:
        """log P(observations | a patient's rate and ceiling) on the grid, up to a constant."""
        sessions = np.array([s for s, _ in observations], dtype=float)
        seen = np.array([y for _, y in observations], dtype=float)
        reached = self.reached(sessions)  # (u, obs)
        # sum over obs of (C r - y)^2 = C^2 sum r^2 - 2 C sum r y + sum y^2: a (u, v) table,
        # never a (u, v, obs) one.
        c = self.ceilings
        misfit = (np.outer((reached * reached).sum(axis=1), c * c)
                  - np.outer(2.0 * (reached @ seen), c) + seen @ seen) / observation_sd**2
        return -0.5 * misfit

    def likelihoods(self, courses: Sequence[Sequence[tuple[int, float]]],
                    observation_sd: float) -> np.ndarray:
        """The likelihood of many patients' observations (whole-numbered sessions, 1-60)
        on the grid, float32, shape (U, V, patients); each patient's divided by its best
        fit over the grid's ceiling range, so its largest value on the grid is 1 (to
        float32's rounding) or a little below (a course's scale cancels in a clinic's
        posterior, core/clinic_effect.py). A patient with no observation: all ones.

        Why not exp(log_likelihood) in float64: for a patient at rate node u the log
        likelihood is a quadratic in the ceiling c, a c^2 + b c plus a constant (sums read
        off one table of the response curve). Written as a (c - m)^2 + (top(u) - top),
        with m the best ceiling at that rate and top the best over the grid's range, both
        terms are at most 0 wherever m lies in that range: float32 keeps every value
        within 2e-5 of the largest, also for 60 sessions at a noise of 7 points (as a c^2
        + b c, two large terms that cancel, it lost 1e-4; tests/test_clinic_effect.py).
        For the benchmark's 10,000 courses the tables took 0.25 s where float64 took
        0.45 s."""
        reached = self.reached(np.arange(1.0, 61.0))  # (u, 60)
        seen, shown = np.zeros((2, len(courses), 60))
        for i, course in enumerate(courses):
            for session, value in course:
                seen[i, session - 1], shown[i, session - 1] = value, 1.0
        k = -0.5 / observation_sd**2
        a = (shown @ (reached * reached).T).T * k  # (u, patients), < 0 where observed
        b = (seen @ reached.T).T * (-2.0 * k)
        empty = ~shown.any(axis=1)
        a[:, empty] = -1.0  # any curvature: b is 0 there, and the column is set to 1 below
        best = -b / (2.0 * a)  # the ceiling that fits best at each rate
        c = self.ceilings
        inside = np.clip(best, c[0], c[-1])
        # The best fit on the grid's ceiling range, above the grid's own best by at most
        # a half ceiling cell's misfit (0.11 a recorded session at an sd of 10 points).
        top = (a * inside * inside + b * inside).max(axis=0)
        values = (c.astype(np.float32)[None, :, None]
                  - best.astype(np.float32)[:, None, :])  # (u, v, patients)
        np.square(values, out=values)
        values *= a.astype(np.float32)[:, None, :]
        values += (-b * b / (4.0 * a) - top).astype(np.float32)[:, None, :]
        np.exp(values, out=values)
        values[:, :, empty] = 1.0  # nothing observed: every node as likely
        return values

    # -- shares --------------------------------------------------------------------------
    def _reaching(self, targets: np.ndarray, sessions: np.ndarray) -> np.ndarray:
        """P(I(n) >= target) for every target (rows) and session count (columns)."""
        return self._reaching_from(*target_tables(targets), sessions)

    def _reaching_from(self, above: np.ndarray, log_need: np.ndarray,
                       sessions: np.ndarray) -> np.ndarray:
        """_reaching, from the targets' tables (target_tables): those depend on the
        targets alone, so a fixed grid of targets computes them once per process."""
        u_needed = (log_need[:, None, :] - np.log(sessions)[None, :, None]
                    - self.spread.log_rate) / self.spread.rate_sd  # (t, n, v)
        return (self._survival(u_needed) * above[:, None, :]).sum(axis=2)

    def share_reaching(self, target: float, sessions: np.ndarray) -> np.ndarray:
        """Chance of an improvement of at least `target` percent by each session count."""
        return self._reaching(np.array([float(target)]), np.asarray(sessions, dtype=float))[0]

    def share_never(self, target: float) -> float:
        """Share of patients whose own ceiling is at or below `target`: they never reach it."""
        above, _ = _part_above(np.array([float(target)]))
        return float(1.0 - (self.weight.sum(axis=0) * above[0]).sum())

    def _survival(self, u_needed: np.ndarray) -> np.ndarray:
        """Per ceiling column, the weight with a rate at or above u_needed. Before any
        observation the rate is exactly normal (smooth, which the calibration needs);
        after, each grid weight is spread over its cell."""
        if not self.observed:
            position = _clip((u_needed - _RATE_X[0]) / _RATE_STEP, 0.0, _RATE_TOP)
            index = position.astype(np.intp)
            part = position - index
            above, slope = _RATE_ABOVE.take(index, axis=1), _RATE_SLOPE.take(index, axis=1)
            return (self._typical * (above[0] + slope[0] * part)
                    + self._atypical * (above[1] + slope[1] * part))
        position = _clip((u_needed - (U[0] - _DU / 2)) / _DU, 0.0, len(U))
        index = position.astype(np.intp)
        part = position - index  # share of cell `index` below the needed rate
        flat = index * len(V) + _COLUMNS  # cell (index, column) in the flat tables
        return self._tail.take(flat + len(V)) + self._cell.take(flat) * (1.0 - part)

    # -- improvement -----------------------------------------------------------------------
    def reached(self, sessions: np.ndarray) -> np.ndarray:
        """The part of their own ceiling a patient at each rate node has cleared by each
        session count, 1 - exp(-lambda n), shape (rate nodes, sessions): the response curve,
        written once for the update, the mean and the non-response check (its inverse, the
        rate a target needs, is target_tables)."""
        return -np.expm1(-np.outer(self.rates, sessions))

    def mean_improvement(self, session: float) -> float:
        reached = self.reached(np.array([float(session)]))[:, 0]
        return float(reached @ self.weight @ self.ceilings)

    def improvement_quantiles(self, sessions: np.ndarray, quantiles: Sequence[float]
                              ) -> np.ndarray:
        """Improvement percentiles across patients, shape (len(quantiles), len(sessions)).

        The share of patients at or above y is computed on a grid of y 2.5 points apart, and
        each percentile is read off it by linear interpolation: a few tenths of a point from a
        fine inversion, at most 1.25 (tests/test_population.py). Refining a coarser grid by
        regula falsi was slower and less exact: it stalls at the kinks that spreading each
        grid weight over its cell puts into the shares (2 points off)."""
        sessions = np.asarray(sessions, dtype=float)
        levels, above_levels, need_levels = _level_tables()
        # P(I(n) >= y): (y, n), falls with y
        above = self._reaching_from(above_levels, need_levels, sessions)
        wanted = 1.0 - np.asarray(quantiles, dtype=float)[:, None, None]  # share above it
        # The grid interval where the share above falls through `wanted`, per (q, n).
        count = (above[None, :, :] >= wanted - 1e-12).sum(axis=1)
        hi_index = _clip(count, 1, len(levels) - 1)
        columns = np.arange(len(sessions))
        lo_a, hi_a = above[hi_index - 1, columns], above[hi_index, columns]
        step = _clip((lo_a - wanted[:, :, 0]) / np.maximum(lo_a - hi_a, 1e-12), 0.0, 1.0)
        lo_y = levels[hi_index - 1]
        return _clip(lo_y + (levels[hi_index] - lo_y) * step, 0.0, 100.0)

    def _ceiling_cdf(self) -> np.ndarray:
        """The share of patients whose own ceiling lies below each cell edge
        (CEILING_EDGES, logit scale). Each cell's weight is spread over its width, as the
        shares reaching a goal have it (_part_above): read at the nodes instead, every
        ceiling came out half a cell (up to 4 points) low, and the median ceiling fell
        below the typical patient's own curve, which can never pass it."""
        return np.concatenate([[0.0], np.cumsum(self.weight.sum(axis=0))])

    def ceiling_median_below(self, target: float) -> float:
        """The median own ceiling of the patients who never reach `target`: half of them
        level off below it (with a group that clears completely, the median of everyone
        lies between the two groups, where few patients are)."""
        cdf = self._ceiling_cdf()
        share = min(max(float(target), 1e-9), 100.0 - 1e-9) / 100.0
        below = float(np.interp(math.log(share / (1.0 - share)), CEILING_EDGES, cdf))
        if below <= 0:
            raise ValueError(f"no patient levels off below {target}%")
        return _percent(float(np.interp(below / 2, cdf, CEILING_EDGES)))

    def ceiling_quantiles(self, quantiles: Sequence[float]) -> list[float]:
        """Quantiles of the patients' own ceilings, percent (the median: half level off at
        or above it)."""
        cdf = self._ceiling_cdf()
        return [_percent(float(np.interp(q * cdf[-1], cdf, CEILING_EDGES))) for q in quantiles]


def _percent(logit: float) -> float:
    return 100.0 / (1.0 + math.exp(-logit))


# -- between clinics ------------------------------------------------------------------------------
_CLINIC_X, _CLINIC_W = np.polynomial.hermite_e.hermegauss(3)
_CLINIC_W = _CLINIC_W / _CLINIC_W.sum()
_MEAN_X, _MEAN_W = np.polynomial.hermite_e.hermegauss(20)  # for a mean over clinics
_MEAN_W = _MEAN_W / _MEAN_W.sum()


def atypical_shares(nodes: np.ndarray, centre: tuple[float, float] | None = None
                    ) -> np.ndarray:
    """The atypical share at clinics whose own logit offset is `nodes` clinic sds from the
    typical clinic's (data/conditions.toml atypical_clinic_sd, a judgement). The typical
    clinic's logit is set so that the mean over clinics is `atypical_share`, the share the
    patient's own chances (Population) and the fit use: the clinics spread around it and
    do not move it. Without this spread a goal that every clinic's typical patients reach
    alike had a band of no width (98-98 across clinics, issue 30). `centre`: another
    (logit, sd) to spread the share around, as one clinic's own estimate (clinic_effect)."""
    middle, sd = centre or _atypical_centre()
    return 1.0 / (1.0 + np.exp(-(middle + sd * np.asarray(nodes, dtype=float))))


def atypical_centre() -> tuple[float, float]:
    """The studies' (logit of the typical clinic's atypical share, its clinic sd)."""
    return _atypical_centre()


@lru_cache(maxsize=1)
def _atypical_centre() -> tuple[float, float]:
    """(logit of the typical clinic's atypical share, its clinic sd): Newton steps on the
    mean over clinics (20-node Gauss-Hermite) until it is atypical_share."""
    settings = catalogue().model
    share, sd = settings.atypical_share, settings.atypical_clinic_sd
    centre = math.log(share / (1.0 - share))
    for _ in range(20):
        at = 1.0 / (1.0 + np.exp(-(centre + sd * _MEAN_X)))
        gap = float(_MEAN_W @ at) - share
        centre -= gap / float(_MEAN_W @ (at * (1.0 - at)))
        if abs(gap) < 1e-12:
            break
    return centre, sd


def predictive_spread(spread: Spread, clinic_sd: tuple[float, float, float]) -> Spread:
    """Patients like this one at a clinic like those studied, the clinic not known: each
    clinic's own offset (normal, sds `clinic_sd` on log rate, logit ceiling and the logit of
    the complete share) integrated out. The rate and typical ceilings stay normal with the
    variances added; the share who clear completely is its mean over clinics."""
    rate_tau, ceiling_tau, complete_tau = clinic_sd
    complete = spread.complete_share
    if complete:
        logit_k = math.log(complete / (1.0 - complete))
        complete = float(_MEAN_W @ (1.0 / (1.0 + np.exp(-(logit_k + complete_tau * _MEAN_X)))))
    return Spread(spread.log_rate, math.hypot(spread.rate_sd, rate_tau), spread.logit_ceiling,
                  math.hypot(spread.ceiling_sd, ceiling_tau), complete)


def clinic_shares(typical: Spread, clinic_sd: tuple[float, float, float], people: Population,
                  observations: Sequence[tuple[float, float]], observation_sd: float,
                  target: float, sessions: np.ndarray,
                  atypical_centre: tuple[float, float] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The share of patients like this one (with these recorded results) reaching `target`
    by each session, at each of 27 or 81 clinics (3 Gauss-Hermite nodes a clinic offset: log
    rate, logit ceiling, the logit of the complete share where there is one, and the logit
    of the atypical share, atypical_shares), and each
    clinic's weight given the results (its prior weight times how well it explains them).
    `people` is the predictive population (predictive_spread), whose grid every clinic
    shares: a clinic is a reweighting of it, so one likelihood table serves all 27.
    `atypical_centre`: the (logit, sd) of the atypical share across the clinics weighed,
    by default the studies' (atypical_shares).
    Returns (shares (clinics, sessions), weights (clinics,))."""
    rate_tau, ceiling_tau, complete_tau = clinic_sd
    rate = clinic_rates(typical, people.spread, rate_tau, _CLINIC_X)
    ceiling = clinic_ceilings(typical, ceiling_tau, complete_tau, _CLINIC_X, _CLINIC_X)
    ceiling_w = (np.outer(_CLINIC_W, _CLINIC_W).ravel() if typical.complete_share
                 else _CLINIC_W)
    likelihood, gained = _gained(people, observations, target, sessions)
    rates = np.vstack([rate, ATYPICAL_RATE_WEIGHTS])  # the atypical patients' rates last: (4, U)
    by_rate = rates @ gained  # (N, 4, V)
    # Each clinic's own atypical share (A nodes) mixes its typical and atypical patients:
    # (N, 3, C, A), the typical part times 1 - share, the atypical part's even ceilings
    # times share / len(V).
    atypical = atypical_shares(_CLINIC_X, atypical_centre)
    kept, flat = 1.0 - atypical, atypical / len(V)
    numerator = ((by_rate[:, :3, :] @ ceiling.T)[..., None] * kept
                 + by_rate[:, 3, :].sum(axis=1)[:, None, None, None] * flat)
    fitted_rates = rates @ likelihood  # (4, V)
    evidence = (fitted_rates[:3] @ ceiling.T)[..., None] * kept + fitted_rates[3].sum() * flat
    weight = np.multiply.outer(np.outer(_CLINIC_W, ceiling_w), _CLINIC_W) * evidence
    shares = numerator / evidence[None]
    return shares.reshape(len(sessions), -1).T, (weight / weight.sum()).ravel()


def _gained(people: Population, observations: Sequence[tuple[float, float]], target: float,
            sessions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The likelihood of the patient's own results on the grid (ones without any), and per
    session the part of each cell that reaches the target, times it: (U, V), (N, U, V)."""
    own = people.spread
    fit = people.fit if people.fit is not None and observations else None
    likelihood = np.exp(fit - fit.max()) if fit is not None else np.ones((len(U), len(V)))
    above, log_need = target_tables(np.array([float(target)]))
    u_needed = (log_need[0][None, :] - np.log(sessions)[:, None] - own.log_rate) / own.rate_sd
    position = _clip((u_needed - (U[0] - _DU / 2)) / _DU, 0.0, len(U))
    reach = _clip(np.arange(len(U))[None, :, None] + 1.0 - position[:, None, :], 0.0, 1.0)
    gained = reach * above[0]
    if fit is not None:
        gained *= likelihood
    return likelihood, gained


def clinic_shares_at(typical: Spread, people: Population,
                     observations: Sequence[tuple[float, float]], target: float,
                     sessions: np.ndarray, offsets: np.ndarray, prior: np.ndarray,
                     atypical_logit: float) -> tuple[np.ndarray, np.ndarray]:
    """clinic_shares at clinics given one by one rather than as a product of nodes per
    offset: clinic i's offsets from `typical` are offsets[i] (log rate, logit ceiling,
    logit complete share, and the logit of its atypical share from `atypical_logit`), its
    prior weight prior[i]. Offsets that are correlated (a clinic's own posterior,
    clinic_effect.clinic_nodes) cannot be a product of nodes.
    Returns (shares (clinics, sessions), weights (clinics,))."""
    ceiling = clinic_ceilings(dataclasses.replace(typical, complete_share=0.0), 1.0, 0.0,
                              offsets[:, 1], np.zeros(1))
    if typical.complete_share:
        logit_k = math.log(typical.complete_share / (1.0 - typical.complete_share))
        share = 1.0 / (1.0 + np.exp(-(logit_k + offsets[:, 2:3])))
        ceiling = (1 - share) * ceiling + share * complete_cells()[None, :]
    rate = clinic_rates(typical, people.spread, 1.0, offsets[:, 0])
    atypical = 1.0 / (1.0 + np.exp(-(atypical_logit + offsets[:, 3])))
    likelihood, gained = _gained(people, observations, target, sessions)
    kept, flat = 1.0 - atypical, atypical / len(V)
    # Products, not a three-operand einsum: that one loops over (N, C, U, V) unblocked and
    # made a forecast at a clinic 3x slower.
    numerator = (((rate @ gained) * ceiling).sum(axis=2) * kept
                 + (ATYPICAL_RATE_WEIGHTS @ gained).sum(axis=1)[:, None] * flat)
    evidence = (((rate @ likelihood) * ceiling).sum(axis=1) * kept
                + (ATYPICAL_RATE_WEIGHTS @ likelihood).sum() * flat)
    weight = prior * evidence
    return (numerator / evidence).T, weight / weight.sum()


def clinic_rates(typical: Spread, own: Spread, rate_tau: float, nodes: np.ndarray
                 ) -> np.ndarray:
    """Typical patients' rate weights on the grid of `own` (a Population's spread, u in its
    sds) at clinics whose log-rate offset is `nodes` clinic sds: (len(nodes), U), each row
    summing to 1."""
    centre = (rate_tau * np.asarray(nodes, dtype=float)[:, None]) / own.rate_sd
    rate = np.exp(-0.5 * ((U[None, :] - centre) * own.rate_sd / typical.rate_sd) ** 2)
    rate /= rate.sum(axis=1, keepdims=True)
    return rate


def clinic_ceilings(typical: Spread, ceiling_tau: float, complete_tau: float,
                    nodes: np.ndarray, complete_nodes: np.ndarray) -> np.ndarray:
    """Typical patients' ceiling cells at clinics whose logit-ceiling offset is `nodes`
    clinic sds and (where some clear completely) whose complete-share offset is
    `complete_nodes`: (len(nodes) * len(complete_nodes), V), the complete node fastest, or
    (len(nodes), V) when no one clears completely."""
    edges = normal_cdf((CEILING_EDGES[None, :] - typical.logit_ceiling
                        - ceiling_tau * np.asarray(nodes, dtype=float)[:, None])
                       / typical.ceiling_sd)
    cells = np.diff(edges, axis=1)
    cells[:, 0] += edges[:, 0]
    cells[:, -1] += 1.0 - edges[:, -1]
    if not typical.complete_share:
        return cells
    logit_k = math.log(typical.complete_share / (1.0 - typical.complete_share))
    share = 1.0 / (1.0 + np.exp(-(logit_k + complete_tau * np.asarray(complete_nodes))))
    ceiling = ((1 - share)[None, :, None] * cells[:, None, :]
               + share[None, :, None] * complete_cells()[None, None, :])
    return ceiling.reshape(-1, len(V))


def atypical_rates() -> np.ndarray:
    """The atypical patients' rate weights on any Population's grid, (U,)."""
    return ATYPICAL_RATE_WEIGHTS
