"""The clinic's own effect: learned from its courses, used only from 10 courses, floored."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pico_widget import PatientProfile, estimate
from pico_widget.core.clinic_effect import (
    FLOOR,
    MIN_COURSES,
    ClinicEffect,
    at_clinic,
    clinic_effect,
    clinic_nodes,
)
from pico_widget.core.forecast import _clinic_band
from pico_widget.core.models import ClinicCourse
from pico_widget.core.population import Population, Spread, U, V, predictive_spread
from pico_widget.core.response import Case, clinic_sd, spread_for
from pico_widget.fit import clinic_sbc

FIXTURE = Path(__file__).parent / "fixtures" / "forecasts_before_clinic.json"
OTA = PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=75)


def courses(results: list[float], count: int, condition: str = "nevus_of_ota"
            ) -> list[ClinicCourse]:
    return [ClinicCourse(condition=condition, fitzpatrick=4,
                         observations=[{"session": s, "improvement_percent": y}
                                       for s, y in enumerate(results, start=1)])
            for _ in range(count)]


SLOW = [5, 10, 15, 20, 25]
FAST = [35, 60, 75, 85, 90]


def test_effect_moves_toward_a_slow_and_a_fast_clinic() -> None:
    slow = clinic_effect(courses(SLOW, 20)).conditions["nevus_of_ota"]
    fast = clinic_effect(courses(FAST, 20)).conditions["nevus_of_ota"]
    assert slow.offset("log_rate")[0] < fast.offset("log_rate")[0]
    before = estimate(OTA).prob_goal_by_session[4]
    after_slow = estimate(OTA, clinic=clinic_effect(courses(SLOW, 20)))
    after_fast = estimate(OTA, clinic=clinic_effect(courses(FAST, 20)))
    assert after_slow.band_source == after_fast.band_source == "this_clinic"
    assert after_slow.prob_goal_by_session[4] < before < after_fast.prob_goal_by_session[4]
    assert after_slow.prob_goal_band[4][1] < after_fast.prob_goal_band[4][0]


@pytest.mark.parametrize("case", json.loads(FIXTURE.read_text()),
                         ids=lambda c: c["profile"]["condition"])
def test_without_a_clinic_the_forecast_is_as_before(case: dict) -> None:
    """Against forecasts written by the code before clinic effects (tests/fixtures): the
    same to 1e-12. Not bit for bit: numpy's sums differ in their last places between
    builds and processors (up to 1.5e-14 relative here on 2026-12-07, against the
    fixture's)."""
    got = json.loads(estimate(PatientProfile(**case["profile"])).model_dump_json())
    for added in ("band_source", "clinic_courses", "clinic_courses_needed"):
        got.pop(added)
    _assert_close(got, case["forecast"])


def _assert_close(got: object, want: object, where: str = "forecast") -> None:
    """Equal, floats to 1e-12 of each other, through nested dicts and lists."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            _assert_close(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _assert_close(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert isinstance(got, float | int) and got == pytest.approx(want, rel=1e-12,
                                                                      abs=1e-15), where
    else:
        assert got == want, where


def test_below_ten_courses_the_band_stays_the_studies() -> None:
    bare = estimate(OTA)
    few = estimate(OTA, clinic=clinic_effect(courses(SLOW, MIN_COURSES - 3)))
    assert few.band_source == "studies"
    assert (few.clinic_courses, few.clinic_courses_needed) == (MIN_COURSES - 3, 3)
    assert few.model_copy(update={"clinic_courses": 0, "clinic_courses_needed": 0}) == bare
    enough = estimate(OTA, clinic=clinic_effect(courses(SLOW, MIN_COURSES)))
    assert (enough.band_source, enough.clinic_courses, enough.clinic_courses_needed) == (
        "this_clinic", MIN_COURSES, 0)


def test_other_conditions_courses_do_not_count() -> None:
    melasma = courses([10, 20, 30], 30, condition="melasma")
    got = estimate(OTA, clinic=clinic_effect(melasma))
    assert (got.band_source, got.clinic_courses, got.clinic_courses_needed) == (
        "studies", 0, MIN_COURSES)


def test_the_floor_holds_at_160_courses() -> None:
    rng = np.random.default_rng(5)
    many = [ClinicCourse(condition="nevus_of_ota", fitzpatrick=int(rng.integers(2, 6)),
                         observations=[{"session": s, "improvement_percent": float(y)}
                                       for s, y in enumerate(rng.choice(
                                           [[10, 25, 40], [20, 45, 60], [30, 55, 75]]),
                                           start=1)])
            for _ in range(160)]
    shipped = clinic_effect(many).conditions["nevus_of_ota"]
    assert shipped.courses == 160 and min(shipped.sd) >= FLOOR
    unfloored = clinic_effect(many, floor=0.0).conditions["nevus_of_ota"]
    floored = clinic_effect(many, floor=0.5).conditions["nevus_of_ota"]
    assert min(unfloored.sd) < 0.5 and min(floored.sd) == pytest.approx(0.5, abs=1e-4)
    root = floored.root()  # no direction surer than the floor, not only each offset
    assert np.linalg.eigvalsh(root @ root.T).min() == pytest.approx(0.25, rel=1e-9)
    assert floored.mean == unfloored.mean
    wide = estimate(OTA, clinic=clinic_effect(many, floor=0.5)).reach_band
    narrow = estimate(OTA, clinic=clinic_effect(many, floor=0.0)).reach_band
    assert wide[1] - wide[0] > narrow[1] - narrow[0]


def _simulated(condition: str, count: int) -> list[ClinicCourse]:
    """A typical clinic's courses as the calibration simulates them (1-6 sessions each)."""
    rng = np.random.default_rng(7)
    return clinic_sbc.simulated_courses(rng, clinic_sbc.Clinic(np.zeros(4), 0.0), condition,
                                        count)


MELASMA = PatientProfile(condition="melasma", fitzpatrick=4, goal_percent=50)


def test_the_posterior_keeps_rate_and_ceiling_anti_correlated() -> None:
    """Short courses fix the early curve, which a faster rate with a lower ceiling explains
    as well as a slower rate with a higher one."""
    effect = clinic_effect(_simulated("melasma", 80)).conditions["melasma"]
    correlation = np.array(effect.correlation)
    assert correlation.shape == (len(effect.dims),) * 2
    np.testing.assert_allclose(correlation, correlation.T)
    np.testing.assert_allclose(np.diag(correlation), 1.0)
    assert correlation[0, 1] < -0.4
    root = effect.root()
    np.testing.assert_allclose(root @ root.T, np.outer(effect.sd, effect.sd) * correlation,
                               atol=1e-12)


def test_the_band_over_correlated_offsets_is_narrower() -> None:
    effect = clinic_effect(_simulated("melasma", 80)).conditions["melasma"]
    kept = estimate(MELASMA, clinic=ClinicEffect({"melasma": effect})).prob_goal_band[8]
    dropped = estimate(MELASMA, clinic=ClinicEffect({"melasma": dataclasses.replace(
        effect, correlation=())})).prob_goal_band[8]
    assert kept[1] - kept[0] < 0.9 * (dropped[1] - dropped[0])


@pytest.mark.parametrize("profile", [OTA, MELASMA], ids=lambda p: p.condition)
def test_clinics_one_by_one_match_the_product_of_nodes(profile: PatientProfile) -> None:
    """Uncorrelated, clinic_nodes' clinics are clinic_shares' product of nodes: the two
    band paths agree."""
    effect = clinic_effect(_simulated(profile.condition, 20)).conditions[profile.condition]
    effect = dataclasses.replace(effect, correlation=())
    case = Case(profile.condition, "moderate", profile.fitzpatrick, "picosecond")
    studies_sd = clinic_sd(condition=profile.condition)
    typical, scaled_sd, atypical = at_clinic(spread_for(case), studies_sd, effect)
    people = Population(predictive_spread(typical, scaled_sd))
    sessions = np.arange(1, 13)
    product = _clinic_band(typical, scaled_sd, people, [], profile.goal_percent, sessions,
                           atypical)
    one_by_one = _clinic_band(typical, scaled_sd, people, [], profile.goal_percent, sessions,
                              atypical, clinic_nodes(studies_sd, effect))
    np.testing.assert_allclose(one_by_one, product, atol=1e-12)


def test_batched_likelihoods_match_one_at_a_time() -> None:
    """Float32 tables, each course scaled: the same likelihood as float64 one at a time
    (to 2e-5 of its largest value), its largest value 1 or a little below, for the
    fixture's 951 courses, 60-session courses and results the grid's ceilings cannot
    reach (100 at session 1, 0 after 8), at the model's noise and at a smaller one. A
    course with no result tells nothing: all ones."""
    people = Population(Spread(-1.0, 0.6, 0.5, 1.2, 0.1))
    fixture = json.loads((Path(__file__).parent / "fixtures" / "clinic_effect_before.json"
                          ).read_text("utf-8"))
    rng = np.random.default_rng(1)
    long = [[(s, float(np.clip(90 * (1 - np.exp(-0.15 * s)) + rng.normal(0, 8), 0, 100)))
             for s in range(1, 61)] for _ in range(20)]
    observed = [*([tuple(o) for o in c["observations"]] for c in fixture["courses"]),
                *long, [(1, 100.0)], [(s, 0.0) for s in range(1, 9)], []]
    for noise in (10.0, 7.15):
        batch = people.likelihoods(observed, noise)
        assert batch.dtype == np.float32
        assert batch.shape == (len(U), len(V), len(observed))
        for i, one in enumerate(observed[:-1]):
            exact = np.exp(people.log_likelihood(one, noise))
            exact /= exact.max()
            got = batch[:, :, i] / batch[:, :, i].max()
            np.testing.assert_allclose(got, exact, rtol=0, atol=2e-5)
            # below the grid's best by at most half a ceiling cell's misfit
            floor = np.exp(-0.11 * len(one) * (10.0 / noise) ** 2)
            assert floor < batch[:, :, i].max() <= 1.0 + 1e-5
        assert (batch[:, :, -1] == 1.0).all()


def test_a_course_is_checked_as_a_profile_is() -> None:
    with pytest.raises(ValueError, match="tattoo"):
        ClinicCourse(condition="tattoo", fitzpatrick=3)


def test_the_effect_imports_no_database() -> None:
    code = ("import sys; from pico_widget.core.clinic_effect import clinic_effect; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'psycopg', 'sqlite3', 'argon2') "
            "or m.startswith('pico_widget.outcomes')]; print(bad); assert not bad")
    subprocess.run([sys.executable, "-c", code], check=True)
