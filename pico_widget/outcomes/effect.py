"""The stored courses as the clinic's effect reads them, and what `outcomes stats` says of
it: per condition, the clinic's offsets against the studies, and whether the courses of
its recent year sit elsewhere than its earlier ones.

Why "recent year" is by the course's last month: a course belongs to when its results
were seen. The year is the 12 months up to the newest month stored (not today's date, so
an export re-imported years later says the same). Recent and earlier differ when any
offset's difference is beyond `differs_z` of its combined posterior sds, each side having
at least MIN_COURSES courses (fewer: too few to tell, said as such).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..core.clinic_effect import (
    DIMS,
    MIN_COURSES,
    ClinicEffect,
    ConditionEffect,
    condition_courses,
    fitted,
)
from .clinic_courses import StoredCourse
from .stats import ConditionCount, condition_counts

RECENT_MONTHS = 12
DIFFERS_P = 0.05  # two-sided, for all of a condition's offsets together


def differs_z(offsets: int) -> float:
    """The z the largest of `offsets` moves must pass for a condition to differ: 5% over
    all of them (Bonferroni), so a clinic whose years are alike is told "differs" at most
    1 time in 20. Against 2 for each, the largest of 3 or 4 said so up to 1 time in 5
    (and on the benchmark's random courses, alike in every year, for two conditions)."""
    return NormalDist().inv_cdf(1.0 - DIFFERS_P / (2 * max(offsets, 1)))


def months_before(month: str, months: int) -> str:
    """'YYYY-MM' `months` months before `month`."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Drift:
    """Recent year against earlier courses, for one condition."""

    recent: int
    earlier: int
    largest_z: float | None  # None: too few courses on a side to tell
    dim: str = ""
    offsets: int = 0  # how many offsets were compared

    @property
    def differs(self) -> bool:
        return self.largest_z is not None and self.largest_z > differs_z(self.offsets)


def drift(recent: ConditionEffect | None, earlier: ConditionEffect | None) -> Drift:
    r, e = (recent.courses if recent else 0), (earlier.courses if earlier else 0)
    if recent is None or earlier is None or min(r, e) < MIN_COURSES:
        return Drift(r, e, None)
    zs = {dim: abs(recent.offset(dim)[0] - earlier.offset(dim)[0])
          / math.hypot(recent.offset(dim)[1], earlier.offset(dim)[1])
          for dim in recent.dims if dim in earlier.dims}
    dim = max(zs, key=zs.__getitem__)
    return Drift(r, e, zs[dim], dim, len(zs))


@dataclass(frozen=True)
class ClinicSummary:
    """The clinic's effect on every course, recent year against earlier, and the counts
    of courses and sessions per condition."""

    effect: ClinicEffect
    drift: dict[str, Drift]
    newest_month: str
    counts: tuple[ConditionCount, ...]


def summarise(courses: Sequence[StoredCourse], known: ClinicEffect | None = None
              ) -> ClinicSummary:
    """The effect on every course and, per condition, its recent year against earlier.
    `known`: the effect already fitted on these courses (a kernel's band fits it when a
    course is stored): a condition whose course count it matches is not fitted again.

    Each condition's tables are built once (core.clinic_effect.condition_courses) and the
    recent and earlier fits read column slices of them: the same fits as building each
    part's tables again (tests/test_clinic_effect_tables.py), without that work. The
    parts' grids start about the whole's posterior (`fitted(..., near=)`): 2 refinements
    instead of 6 from the prior.

    Conditions are fitted apart, as many at once as there are cores: numpy lets go of
    the interpreter for its array work, so on this 2-core machine at load 3 the fits of
    10,000 courses took 0.8-0.95 s of wall time where one at a time took 1.1-1.4 s (the
    same numbers; a little more CPU time)."""
    if not courses:
        return ClinicSummary(ClinicEffect(), {}, "", ())
    newest = max(c.last_month for c in courses)
    start = months_before(newest, RECENT_MONTHS)  # recent: after this month
    by_condition: dict[str, list[StoredCourse]] = {}
    for c in courses:
        if c.course.observed:
            by_condition.setdefault(c.course.case.condition, []).append(c)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        fits = list(pool.map(lambda item: _condition_fits(item[0], item[1], start, known),
                             sorted(by_condition.items())))
    return ClinicSummary(ClinicEffect({cid: effect for cid, effect, _ in fits}),
                         {cid: seen for cid, _, seen in fits}, newest,
                         tuple(condition_counts(courses)))


def _condition_fits(cid: str, group: list[StoredCourse], start: str,
                    known: ClinicEffect | None) -> tuple[str, ConditionEffect, Drift]:
    """One condition's effect, and its courses after `start` against the others."""
    tables = condition_courses(cid, [c.course for c in group])
    done = known.conditions.get(cid) if known else None
    whole = done if done and done.courses == len(group) else fitted(tables)
    recent = np.array([c.last_month > start for c in group])
    counts = int(recent.sum()), int((~recent).sum())
    # Only where both sides have enough courses to tell (the other fits would say nothing).
    # Each part's grid starts about the whole's posterior (core.clinic_effect._NEAR_PASSES).
    seen = (drift(fitted(tables.subset(recent), near=whole),
                  fitted(tables.subset(~recent), near=whole))
            if min(counts) >= MIN_COURSES else Drift(*counts, None))
    return cid, whole, seen


SHORT = {"log_rate": "rate", "logit_ceiling": "ceiling", "logit_complete": "complete",
         "logit_atypical": "atypical"}


def summary_lines(summary: ClinicSummary) -> Iterable[str]:
    """The offsets (posterior mean +- sd, in the studies' clinic sds: 0 is a clinic like
    those studied, +-1 one clinic sd away) and the recent-year line, per condition."""
    if not summary.effect.conditions:
        yield "No courses with results yet: no offsets to show."
        return
    yield ("The clinic's offsets against the studies, in the studies' clinic sds (0: like "
           "the studies' typical clinic; mean +- sd):")
    header = f"{'condition':<20} {'courses':>8} " + " ".join(
        f"{SHORT[d]:>12}" for d in DIMS)
    yield header
    for cid, effect in summary.effect.conditions.items():
        cells = []
        for dim in DIMS:
            mean, sd = effect.offset(dim)
            cells.append(f"{mean:+6.2f} +-{sd:4.2f}" if dim in effect.dims else f"{'-':>12}")
        enough = "" if effect.courses >= MIN_COURSES else \
            f"  (the forecast uses it from {MIN_COURSES} courses)"
        yield f"{cid:<20} {effect.courses:>8} " + " ".join(cells) + enough
    yield ""
    yield (f"Recent year (last session after {months_before(summary.newest_month, 12)}) "
           "against earlier courses:")
    for cid, seen in summary.drift.items():
        yield f"{cid:<20} " + drift_sentence(seen)


def drift_sentence(seen: Drift) -> str:
    counts = f"{seen.recent} recent, {seen.earlier} earlier"
    if seen.largest_z is None:
        return f"{counts}: too few to tell (needs {MIN_COURSES} on each side)."
    if seen.differs:
        return (f"{counts}: differs ({SHORT[seen.dim]} offset moved by "
                f"{seen.largest_z:.1f} sds of its uncertainty).")
    return (f"{counts}: no clear difference (largest {seen.largest_z:.1f} sds, "
            f"{SHORT[seen.dim]}; a difference needs {differs_z(seen.offsets):.1f}).")
