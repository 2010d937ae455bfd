"""This clinic's own effect: where its offsets sit, learned from its recorded courses.

The model (data/model.md) gives every clinic its own offsets: log rate, logit ceiling, the
logit of the complete share (where patients clear completely) and the logit of the atypical
share. A forecast for a clinic "like those studied" integrates them out over the spread the
studies show (response.clinic_sd, population.atypical_shares). A clinic's own courses tell
where it sits: per condition, the posterior over its offsets is the studies' spread (the
prior, in clinic sds) times each course's likelihood under the population model at those
offsets (the same grid, rate and ceiling weights population.clinic_shares uses), computed
on a grid of offsets refined around the posterior (a fixed grid would collapse onto one
node as courses pile up, the overconfidence issue 31 measured). The effect keeps the
posterior's mean, sd and correlations; the band integrates over all three
(clinic_nodes): the sds alone made it up to twice too wide where the courses tie the rate
to the ceiling.

The model is not the truth (grading differs, case mix differs, the curve is a shape): with
no floor the posterior sd falls as 1/sqrt(courses) and the band with it, below what the
clinic's next patients do. So the posterior may be no surer than FLOOR prior sds in any
direction (floored), checked by the simulation pico_widget/fit/clinic_sbc.py (docs/model.md
"This clinic").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .catalogue import catalogue
from .models import ClinicCourse
from .population import (
    Population,
    Spread,
    U,
    V,
    atypical_centre,
    atypical_rates,
    atypical_shares,
    clinic_ceilings,
    clinic_rates,
    predictive_spread,
)
from .response import Case, clinic_sd, spread_for

MIN_COURSES = 10  # below this a condition's forecast stays "clinics like those studied"
FLOOR = 0.1  # posterior sd floor, in prior (clinic) sds: chosen by fit/clinic_sbc.py
_POINTS = 5  # grid nodes per offset in each refinement
_PASSES = 6  # refinements: the grid re-centred on the posterior mean, spanning 4 sds
# (or, where the posterior fell within one node, half the last span)
_SPAN = 4.0  # the first grid spans +-4 prior sds
# A part of courses already fitted whole (`outcomes stats`'s recent year and earlier
# courses) starts from the whole's posterior, its sds widened by the square root of how
# many more courses the whole has: 2 refinements then place the last grid nearly as well
# as 6 from the prior. On 53 parts of model-simulated clinics (40-640 courses, a quarter or
# three quarters of them) their means and sds were at most 0.132 posterior sds from 16
# refinements from the prior (median 0.006; 6 from the prior: 0.044), in half the time
# (tests/test_clinic_effect_tables.py re-runs it; the same with the move past an edge).
_NEAR_PASSES = 2
# Where most of a grid's weight sits on an edge node, the next grid moves on without
# narrowing that offset (at most _TRAVEL times; such passes are not refinements). When
# every pass narrowed, a search could go no further than 4 + 2 + 1 + ... = 8 prior sds
# from where it began: a clinic grading melasma far above the studies (a ceiling offset
# of 10.1 prior sds after 30 refinements) was fitted at 7.95. In 60 clinics simulated
# from the model it acted in 7 and moved no offset by more than 0.02 prior sds. A fit
# started about `near` that has to move is refined _PASSES times, as from the prior: with
# 2 the recent melasma of tests/test_clinic_effect_tables.py ended 8% too sure.
_TRAVEL = 10
# The moments are read off one last grid over +-3 posterior sds, 7 nodes an offset (1 sd
# apart): the refinements' 5 nodes 2 sds apart put the sds 5-10% low and the rate-ceiling
# correlation too strong (-0.91 for -0.78 at 160 melasma courses), a band 20% too narrow.
# The atypical share's offset, near its prior and correlated with none, gets 5 (1.5 sds
# apart, its sd within 0.1%): 7 would cost a third of clinic_effect's time again.
_FINAL_POINTS = {"logit_atypical": 5}
_FINAL_POINTS_ELSE = 7
_FINAL_SPAN = 3.0
_CHUNK = 128  # courses whose likelihoods are made at once (they fit in a cache)
# The courses' likelihoods and their mixtures are float32 (sums of their logs float64):
# half the memory traffic for the largest arrays; offsets move by up to 3e-5 prior sds
# against float64 on the benchmark's 10,000 courses (tests/test_clinic_effect_tables.py),
# and by as much again with the likelihoods made in float32 (Population.likelihoods).
TINY = float(np.finfo(np.float32).tiny)
DIMS = ("log_rate", "logit_ceiling", "logit_complete", "logit_atypical")


@dataclass(frozen=True)
class ConditionEffect:
    """One condition's clinic offsets, in prior (clinic) sds: the posterior's mean and sd
    per offset (DIMS, the complete share's only where the condition has one; its sd floored
    at `floor`), and how many courses with results it is from."""

    condition: str
    courses: int
    mean: tuple[float, ...]
    sd: tuple[float, ...]
    dims: tuple[str, ...]
    floor: float = FLOOR
    # The posterior's correlations between the offsets (rows and columns in dims order;
    # empty: independent). The courses fix the early part of the curve, which a faster rate
    # with a lower ceiling explains as well as a slower one with a higher ceiling, so rate
    # and ceiling are strongly anti-correlated (-0.5 to -0.8 at 20-80 courses); a band
    # built from the sds alone was too wide (docs/model.md "This clinic").
    correlation: tuple[tuple[float, ...], ...] = ()

    def offset(self, dim: str) -> tuple[float, float]:
        """(mean, sd) of one offset in prior sds; (0, 1), the prior, for one it lacks."""
        if dim not in self.dims:
            return 0.0, 1.0
        i = self.dims.index(dim)
        return self.mean[i], self.sd[i]

    def root(self) -> np.ndarray:
        """A square root A of the posterior covariance (A A' = covariance, prior sds, dims
        order): the offsets are mean + A x for x standard normal."""
        sd = np.array(self.sd)
        correlation = np.array(self.correlation) if self.correlation else np.eye(len(sd))
        values, vectors = np.linalg.eigh(correlation)
        return sd[:, None] * (vectors * np.sqrt(np.maximum(values, 0.0)))


@dataclass(frozen=True)
class ClinicEffect:
    """A clinic's effect per condition (conditions without courses absent)."""

    conditions: dict[str, ConditionEffect] = field(default_factory=dict)

    def courses(self, condition: str) -> int:
        effect = self.conditions.get(condition)
        return effect.courses if effect else 0

    def usable(self, condition: str) -> ConditionEffect | None:
        """The condition's effect when it rests on at least MIN_COURSES courses."""
        effect = self.conditions.get(condition)
        return effect if effect is not None and effect.courses >= MIN_COURSES else None


def at_clinic(typical: Spread, clinic_sd: tuple[float, float, float], effect: ConditionEffect
              ) -> tuple[Spread, tuple[float, float, float], tuple[float, float]]:
    """The typical patients at this clinic and how unsure its offsets still are: `typical`
    moved by the posterior means, the clinic sds (log rate, logit ceiling, logit complete
    share) scaled by the posterior sds, and the atypical share's (logit, sd), all in the
    form forecast.estimate integrates clinics with (a normal per offset)."""
    (rate_m, rate_s), (ceiling_m, ceiling_s), (complete_m, complete_s), (atyp_m, atyp_s) = (
        effect.offset(d) for d in DIMS)
    rate_tau, ceiling_tau, complete_tau = clinic_sd
    complete = typical.complete_share
    if complete:
        logit_k = math.log(complete / (1.0 - complete)) + complete_tau * complete_m
        complete = 1.0 / (1.0 + math.exp(-logit_k))
    moved = Spread(typical.log_rate + rate_tau * rate_m, typical.rate_sd,
                   typical.logit_ceiling + ceiling_tau * ceiling_m, typical.ceiling_sd,
                   complete)
    centre, sd = atypical_centre()
    return (moved, (rate_tau * rate_s, ceiling_tau * ceiling_s, complete_tau * complete_s),
            (centre + sd * atyp_m, sd * atyp_s))


_NODES, _NODE_WEIGHTS = np.polynomial.hermite_e.hermegauss(3)
_NODE_WEIGHTS = _NODE_WEIGHTS / _NODE_WEIGHTS.sum()


def clinic_nodes(clinic_sd: tuple[float, float, float], effect: ConditionEffect
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Where this clinic may sit, as the band integrates it: 3 Gauss-Hermite nodes per
    offset on the posterior's own axes (its correlations kept), each node's offsets from
    the posterior mean in the model's units (log rate, logit ceiling, logit complete share,
    logit atypical share; 0 for an offset the condition lacks), and their weights.
    Returns (offsets (nodes, 4), weights (nodes,))."""
    rate_tau, ceiling_tau, complete_tau = clinic_sd
    scale = {"log_rate": rate_tau, "logit_ceiling": ceiling_tau,
             "logit_complete": complete_tau, "logit_atypical": atypical_centre()[1]}
    grid, weights = _product_nodes(len(effect.dims))
    moved = grid @ effect.root().T  # (nodes, dims), prior sds
    offsets = np.zeros((len(grid), len(DIMS)))
    for i, dim in enumerate(effect.dims):
        offsets[:, DIMS.index(dim)] = scale[dim] * moved[:, i]
    return offsets, weights


@lru_cache(maxsize=4)
def _product_nodes(dims: int) -> tuple[np.ndarray, np.ndarray]:
    """The 3-node Gauss-Hermite product grid in `dims` dimensions and its weights."""
    grid = np.stack([g.ravel() for g in np.meshgrid(*[_NODES] * dims, indexing="ij")],
                    axis=1)
    weights = np.prod(np.stack([g.ravel() for g in np.meshgrid(
        *[_NODE_WEIGHTS] * dims, indexing="ij")], axis=1), axis=1)
    for table in (grid, weights):
        table.setflags(write=False)  # shared by every forecast
    return grid, weights


@dataclass(frozen=True)
class CourseResults:
    """What the effect reads of a course: its case and the improvements seen (session,
    percent). Why not the ClinicCourse itself: a stored course was validated on its way in,
    and building 10,000 pydantic models again to read them back cost a second of
    `pico-widget outcomes stats` (benchmarks/outcomes.py)."""

    case: Case
    observed: tuple[tuple[int, float], ...]

    @classmethod
    def of(cls, course: ClinicCourse) -> CourseResults:
        return cls(Case(course.condition, course.severity, course.fitzpatrick, course.laser,
                        course.tattoo), tuple(course.observed))


def clinic_effect(courses: Iterable[ClinicCourse], floor: float = FLOOR,
                  noise: float | None = None) -> ClinicEffect:
    """Estimate the clinic's offsets per condition from its recorded courses (courses
    without results tell nothing and are not counted). `noise`: the likelihood's sd of a
    recorded result in points, the model's (observation_sd_percent) unless a check of the
    fit (fit/clinic_sbc_diagnosis.py) asks for another."""
    return effect_of_results((CourseResults.of(c) for c in courses), floor, noise)


def effect_of_results(courses: Iterable[CourseResults], floor: float = FLOOR,
                      noise: float | None = None) -> ClinicEffect:
    """clinic_effect, from the courses' results (those without any are not counted)."""
    by_condition: dict[str, list[CourseResults]] = {}
    for course in courses:
        if course.observed:
            by_condition.setdefault(course.case.condition, []).append(course)
    return ClinicEffect({cid: fitted(condition_courses(cid, group, noise), floor)
                         for cid, group in sorted(by_condition.items())})


@dataclass(frozen=True)
class _CaseTables:
    """Courses whose cases share one typical spread (one table: a forecast depends on
    the case only through it), with the studies' predictive population (whose grid the
    likelihoods live on) and each course's likelihood on that grid
    (Population.likelihoods: scaled, its largest value 1 or a little below)."""

    typical: Spread
    own: Spread
    likelihood: np.ndarray  # (U, V, courses), float32: a course's column is contiguous
    atypical: np.ndarray  # (courses,): the likelihood's mean over the atypical patients
    positions: np.ndarray  # (courses,): where each course stands in the condition's list


@dataclass(frozen=True)
class ConditionCourses:
    """One condition's courses as the fit reads them, built once.

    Why a value of its own: building these tables is most of a fit's work outside the
    grid, and `outcomes stats` fits a condition's courses three times (all, the recent
    year, the earlier ones); `subset` takes a part as column slices of the same tables."""

    condition: str
    clinic_sd: tuple[float, float, float]
    cases: tuple[_CaseTables, ...]
    courses: int

    def subset(self, keep: np.ndarray) -> ConditionCourses:
        """The courses where `keep` (a bool per course, in the order given) is true."""
        index = np.cumsum(keep) - 1  # a kept course's position among the kept
        cases = []
        for t in self.cases:
            mine = np.flatnonzero(keep[t.positions])
            if len(mine):
                cases.append(_CaseTables(t.typical, t.own, t.likelihood.take(mine, axis=2),
                                         t.atypical[mine], index[t.positions[mine]]))
        return ConditionCourses(self.condition, self.clinic_sd, tuple(cases),
                                int(np.count_nonzero(keep)))


def condition_courses(cid: str, group: Sequence[CourseResults], noise: float | None = None
                      ) -> ConditionCourses:
    """The tables of one condition's courses (each with results); `noise` as in
    clinic_effect."""
    sd = clinic_sd(condition=cid)
    if noise is None:
        noise = catalogue().model.observation_sd_percent
    cases: dict[Case, list[int]] = {}
    for i, course in enumerate(group):
        cases.setdefault(course.case, []).append(i)
    spreads: dict[Spread, list[int]] = {}
    for case, members in cases.items():
        spreads.setdefault(spread_for(case), []).extend(members)
    tables = []
    for typical, members in spreads.items():
        people = Population(predictive_spread(typical, sd))
        likelihood = np.empty((len(U), len(V), len(members)), dtype=np.float32)
        atypical = np.empty(len(members), dtype=np.float32)
        for start in range(0, len(members), _CHUNK):
            part = slice(start, start + _CHUNK)
            fits = people.likelihoods([group[i].observed for i in members[part]], noise)
            likelihood[:, :, part] = fits  # (U, V, n)
            atypical[part] = np.einsum("u,uvn->n", atypical_rates(), fits) / len(V)
        tables.append(_CaseTables(typical, people.spread, likelihood, atypical,
                                  np.array(members)))
    return ConditionCourses(cid, sd, tuple(tables), len(group))


def fitted(courses: ConditionCourses, floor: float = FLOOR,
           near: ConditionEffect | None = None) -> ConditionEffect:
    """The posterior of one condition's offsets: a grid of _POINTS nodes per offset,
    refined _PASSES times around the posterior's mean and sd, its moments read off one
    finer last grid (_FINAL_POINTS) and floored; a grid whose weight piles on an edge is
    moved on, not narrowed (_TRAVEL). `near`: the effect of courses these are a part of;
    the grid starts about it and is refined _NEAR_PASSES times."""
    has_complete = any(t.typical.complete_share for t in courses.cases)
    dims = tuple(d for d in DIMS if has_complete or d != "logit_complete")
    centre, spread = np.zeros(len(dims)), np.full(len(dims), _SPAN)
    passes = _PASSES
    if near is not None and near.dims == dims and courses.courses:
        wider = math.sqrt(max(near.courses / courses.courses, 1.0))
        centre = np.array(near.mean)
        spread = np.clip(_SPAN * wider * np.array(near.sd), 0.01, _SPAN)
        passes = _NEAR_PASSES
    mean, sd, correlation = centre, np.ones(len(dims)), np.eye(len(dims))
    refined = travelled = 0
    while refined < passes:
        axes = [c + s * np.linspace(-1.0, 1.0, _POINTS) for c, s in zip(centre, spread,
                                                                       strict=True)]
        log_post = log_posterior(courses, dims, axes)
        weight = np.exp(log_post - log_post.max())
        weight /= weight.sum()
        mean, sd, correlation = moments(weight, axes)
        step = np.array([a[1] - a[0] for a in axes])
        narrower = np.clip(np.maximum(_SPAN * sd, step), 0.01, _SPAN)
        edge = at_edge(weight)
        if edge.any() and travelled < _TRAVEL:  # the posterior goes on past the grid
            travelled += 1
            spread = np.where(edge, spread, narrower)
            passes = _PASSES  # a start about `near` that had to move: refine in full
        else:
            refined += 1
            spread = narrower
        centre = mean
    axes = [c + s * (_FINAL_SPAN / _SPAN)
            * np.linspace(-1.0, 1.0, _FINAL_POINTS.get(dim, _FINAL_POINTS_ELSE))
            for c, s, dim in zip(centre, spread, dims, strict=True)]
    log_post = log_posterior(courses, dims, axes)
    weight = np.exp(log_post - log_post.max())
    mean, sd, correlation = moments(weight / weight.sum(), axes)
    return floored(ConditionEffect(courses.condition, courses.courses,
                                   tuple(float(m) for m in mean),
                                   tuple(float(s) for s in sd), dims, floor,
                                   tuple(tuple(float(r) for r in row) for row in correlation)),
                   floor)


def at_edge(weight: np.ndarray) -> np.ndarray:
    """Per offset (axis of a grid's posterior weights), whether most of the weight sits on
    its first or last node: the posterior goes on past the grid."""
    edges = []
    for axis in range(weight.ndim):
        marginal = weight.sum(axis=tuple(a for a in range(weight.ndim) if a != axis))
        edges.append(max(marginal[0], marginal[-1]) > 0.5)
    return np.array(edges)


def floored(effect: ConditionEffect, floor: float) -> ConditionEffect:
    """The effect no surer than `floor` prior sds in any direction: the posterior
    covariance's eigenvalues raised to at least floor squared. With the correlations kept,
    a floor on each offset's sd alone would not bound the band: the band reads a
    combination of rate and ceiling far surer than either, and raising one sd under a
    strong correlation can even narrow it. Without correlations it is max(sd, floor)."""
    sd = np.array(effect.sd)
    correlation = np.array(effect.correlation) if effect.correlation else np.eye(len(sd))
    values, vectors = np.linalg.eigh(sd[:, None] * correlation * sd[None, :])
    covariance = (vectors * np.maximum(values, floor**2)) @ vectors.T
    sd = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(sd, sd)
    np.fill_diagonal(correlation, 1.0)
    return dataclasses.replace(effect, sd=tuple(float(s) for s in sd), floor=floor,
                               correlation=tuple(tuple(float(r) for r in row)
                                                 for row in correlation))


def moments(weight: np.ndarray, axes: list[np.ndarray]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The posterior's mean, sd and correlation matrix per offset, from its grid (weights
    in the order of np.meshgrid(*axes, indexing="ij"), i.e. itertools.product(*axes))."""
    nodes = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    w = weight.ravel()
    mean = w @ nodes
    centred = nodes - mean
    covariance = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    scale = np.where(sd > 0, sd, 1.0)
    correlation = np.clip(covariance / np.outer(scale, scale), -1.0, 1.0)
    np.fill_diagonal(correlation, 1.0)
    return mean, sd, correlation


def log_posterior(courses: ConditionCourses, dims: tuple[str, ...],
                   axes: list[np.ndarray]) -> np.ndarray:
    """log prior + sum of the courses' log likelihoods on the grid `axes` (one array of
    nodes per dim, in prior sds): shape (rate, ceiling, [complete], atypical)."""
    rate_tau, ceiling_tau, complete_tau = courses.clinic_sd
    named = dict(zip(dims, axes, strict=True))
    complete_nodes = named.get("logit_complete", np.zeros(1))
    atypical32 = atypical_shares(named["logit_atypical"]).astype(np.float32)[:, None]
    kept32 = 1.0 - atypical32  # (A, 1)
    shape = tuple(len(a) for a in axes)
    total = -0.5 * sum(z**2 for z in np.meshgrid(*axes, indexing="ij"))  # the prior
    for t in courses.cases:
        rate = clinic_rates(t.typical, t.own, rate_tau, named["log_rate"])  # (R, U)
        ceiling = clinic_ceilings(t.typical, ceiling_tau, complete_tau,
                                  named["logit_ceiling"], complete_nodes)
        if not t.typical.complete_share and len(complete_nodes) > 1:
            ceiling = np.repeat(ceiling, len(complete_nodes), axis=0)
        # einsum, not @: OpenBLAS threads these thin products, and on a server's busy cores
        # its threads waiting for each other made them 10-25x slower (benchmarks/core.py).
        n = len(t.atypical)
        by_rate = np.einsum("ru,uk->rk", rate.astype(np.float32),
                            t.likelihood.reshape(len(U), -1)).reshape(len(rate), len(V), n)
        typical = np.einsum("cv,rvn->rcn", ceiling.astype(np.float32), by_rate)
        # (R, C * K, A, n): the course axis last, so the sum over courses reads memory
        # in order; the typical part times 1 - share, the atypical part times share.
        mixed = typical[:, :, None, :] * kept32
        mixed += t.atypical * atypical32
        np.log(np.maximum(mixed, TINY, out=mixed), out=mixed)
        total = total + mixed.sum(axis=-1, dtype=np.float64).reshape(shape)
    return total
