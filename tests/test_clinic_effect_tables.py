"""The clinic's effect from case tables built once: the same fits as before they were
shared (tests/fixtures/clinic_effect_before.json, fitted by the code of commit 502c172),
for all courses and for parts of them taken as column slices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pico_widget.core.clinic_effect import (
    ConditionEffect,
    CourseResults,
    condition_courses,
    effect_of_results,
    fitted,
)
from pico_widget.core.models import ClinicCourse

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "clinic_effect_before.json"
                      ).read_text())
# In prior (clinic) sds. The grid's products are float32: the code before moved by up to
# 1.7e-5 against the same algorithm in float64 (on 10,000 courses), and summing the same
# numbers in another order moves the offsets by as much again.
TOLERANCE = 1e-4


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
        assert sliced == own  # the same tables, so the same numbers exactly
