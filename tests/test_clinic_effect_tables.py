"""The clinic's effect from case tables built once: the same fits as before they were
shared (tests/fixtures/clinic_effect_before.json, fitted by main's estimator at commit
55143b3, with its correlations, finer last grid and floored eigenvalues, and the move past
an edge patched in: clinic_effect_before_travel.patch), for all
courses and for parts of them taken as column slices, as `outcomes stats` compares a
clinic's recent year with its earlier ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pico_widget.core.clinic_effect import (
    MIN_COURSES,
    ConditionEffect,
    CourseResults,
    condition_courses,
    effect_of_results,
    fitted,
)
from pico_widget.core.models import ClinicCourse
from pico_widget.outcomes.clinic_courses import StoredCourse
from pico_widget.outcomes.effect import Drift, drift, summarise

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "clinic_effect_before.json"
                      ).read_text())
# In prior (clinic) sds. The grid's products are float32: the code before moved by up to
# 1.7e-5 against the same algorithm in float64 (on 10,000 courses), and summing the same
# numbers in another order moves the offsets by as much again.
TOLERANCE = 1e-4
# A part fitted from about the whole (core.clinic_effect._NEAR_PASSES): at most 0.132
# posterior sds from 16 refinements from the prior on 53 parts of simulated clinics
# (test_parts_started_about_the_whole_on_simulated_clinics).
NEAR_TOLERANCE = 0.14


def results(data: dict) -> CourseResults:
    fields = {k: v for k, v in data.items() if k not in ("observations", "recent")}
    return CourseResults.of(ClinicCourse(**fields, observations=[
        {"session": s, "improvement_percent": y} for s, y in data["observations"]]))


COURSES = [results(c) for c in FIXTURE["courses"]]
RECENT = np.array([c["recent"] for c in FIXTURE["courses"]])


def assert_as_before(got: ConditionEffect, before: dict) -> None:
    assert (got.courses, list(got.dims)) == (before["courses"], before["dims"])
    np.testing.assert_allclose(got.mean, before["mean"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(got.sd, before["sd"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(got.correlation, before["correlation"], rtol=0,
                               atol=TOLERANCE)


def test_the_effect_of_every_course_is_as_before() -> None:
    effect = effect_of_results(COURSES)
    assert list(effect.conditions) == list(FIXTURE["all"])
    for cid, before in FIXTURE["all"].items():
        assert_as_before(effect.conditions[cid], before)


@pytest.mark.parametrize("part", ["recent", "earlier"])
def test_a_part_of_the_tables_fits_as_its_own_courses(part: str) -> None:
    keep = RECENT if part == "recent" else ~RECENT
    for cid, before in FIXTURE[part].items():
        mine = [i for i, c in enumerate(COURSES) if c.case.condition == cid]
        sliced = fitted(condition_courses(cid, [COURSES[i] for i in mine]).subset(keep[mine]))
        assert_as_before(sliced, before)
        own = fitted(condition_courses(cid, [COURSES[i] for i in mine if keep[i]]))
        # The same tables, so the same numbers but for the last bits: the moments'
        # matrix products may sum in another order for arrays laid out elsewhere.
        for field in ("mean", "sd", "correlation"):
            np.testing.assert_allclose(getattr(sliced, field), getattr(own, field),
                                       rtol=0, atol=1e-12)


@pytest.mark.parametrize("part", ["recent", "earlier"])
def test_a_part_started_about_the_whole_fits_as_from_the_prior(part: str) -> None:
    """A part's grid started about the whole's posterior (2 refinements, not 6) gives its
    offsets within NEAR_TOLERANCE posterior sds of the fit from the prior."""
    keep = RECENT if part == "recent" else ~RECENT
    for cid, before in FIXTURE[part].items():
        mine = [i for i, c in enumerate(COURSES) if c.case.condition == cid]
        tables = condition_courses(cid, [COURSES[i] for i in mine])
        got = fitted(tables.subset(keep[mine]), near=fitted(tables))
        sd = np.array(before["sd"])
        assert np.all(np.abs(np.array(got.mean) - before["mean"]) <= NEAR_TOLERANCE * sd)
        assert np.all(np.abs(np.array(got.sd) / sd - 1) <= NEAR_TOLERANCE)


def test_stats_compares_the_recent_year_as_fitted_apart() -> None:
    """`outcomes stats` fits the recent and earlier courses from one condition's tables:
    its comparison is the one of the parts fitted apart from the prior by the code
    before, to a twentieth of a posterior sd (its parts start about the whole)."""
    stored = [StoredCourse(c, "2025-12" if recent else "2024-06")
              for c, recent in zip(COURSES, RECENT, strict=True)]
    summary = summarise(stored)
    for cid, got in summary.drift.items():
        recent, earlier = FIXTURE["recent"].get(cid), FIXTURE["earlier"].get(cid)
        counts = (recent["courses"] if recent else 0, earlier["courses"] if earlier else 0)
        if min(counts) < MIN_COURSES:
            assert got == Drift(*counts, None)
            continue
        before = drift(*(ConditionEffect(cid, e["courses"], tuple(e["mean"]),
                                         tuple(e["sd"]), tuple(e["dims"]),
                                         correlation=tuple(map(tuple, e["correlation"])))
                         for e in (recent, earlier)))
        assert (got.recent, got.earlier, got.dim) == (before.recent, before.earlier,
                                                      before.dim)
        assert got.largest_z == pytest.approx(before.largest_z, abs=0.05)
        assert got.differs == before.differs
    assert summary.drift["melasma"].differs  # the fixture's recent melasma is slower


@pytest.mark.slow
def test_parts_started_about_the_whole_on_simulated_clinics(monkeypatch) -> None:
    """The claim behind core.clinic_effect._NEAR_PASSES, re-run: 53 parts (a quarter and
    three quarters of 40-640 courses) of clinics simulated from the model fit from about
    the whole within NEAR_TOLERANCE posterior sds of 16 refinements from the prior."""
    from pico_widget.core import clinic_effect
    from pico_widget.fit.clinic_sbc import Clinic, simulated_courses

    rng = np.random.default_rng(7)
    errors = []
    for cid in ("nevus_of_ota", "melasma", "solar_lentigines", "hori_nevus", "cafe_au_lait"):
        for _ in range(6):
            clinic = Clinic(rng.standard_normal(4), float(rng.normal(0, 5)))
            count = int(rng.choice([40, 160, 640]))
            simulated = simulated_courses(rng, clinic, cid, count)
            tables = condition_courses(cid, [CourseResults.of(c) for c in simulated])
            whole = fitted(tables)
            recent = rng.random(count) < 0.25
            for keep in (recent, ~recent):
                if keep.sum() < MIN_COURSES:
                    continue
                part = tables.subset(keep)
                with monkeypatch.context() as patched:
                    patched.setattr(clinic_effect, "_PASSES", 16)
                    settled = fitted(part, floor=0.0)
                got = fitted(part, floor=0.0, near=whole)
                sd = np.array(settled.sd)
                errors.append(max(np.max(np.abs(np.subtract(got.mean, settled.mean)) / sd),
                                  np.max(np.abs(np.array(got.sd) / sd - 1))))
    assert len(errors) == 53
    assert max(errors) <= NEAR_TOLERANCE
    assert np.median(errors) <= 0.01
