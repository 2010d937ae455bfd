"""The "this clinic" band's validation (issue 31), as data/this_clinic.toml records it.

The simulation (fit/clinic_sbc.py) against the issue's targets: the 80% band holds
75-88% of simulated clinics at every N, and its median width at 20 courses is at most
0.6x the new-clinic band; each target missed is a strict xfail with its reason. The
retrospective check (fit/clinic_retrospective.py) against what it should show. The file
and the model page's table are what the commands produce: a reduced simulation here, the
full ones marked slow (`make calibrate` runs them).
"""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from pico_widget.core.clinic_effect import FLOOR
from pico_widget.fit import clinic_sbc
from pico_widget.fit.clinic_retrospective import (
    RETROSPECTIVE_MARKER,
    band_points,
    new_clinic,
    posterior,
    retrospective_toml,
    score_all,
    studies_as_clinics,
    write_part,
)
from pico_widget.fit.this_clinic_page import PAGE, PAGE_END, PAGE_START, TABLE, block

DATA = tomllib.loads(TABLE.read_text("utf-8"))
SBC = DATA["this_clinic"]
LOW, HIGH = clinic_sbc.COVERAGE_TARGET
# (condition, courses): why the target is missed. None since the band keeps the
# posterior's correlations (docs/model.md "This clinic"): nevus of Ota 79.6-86.4%,
# melasma 75.0-81.6%, widths at 20 courses 0.41 and 0.50.
MISSED: dict[tuple[str, int], str] = {}
WIDTH_MISSED: dict[str, str] = {}


def _shipped(condition: str) -> dict:
    return SBC[condition]["floor"][f"{FLOOR:g}"]


def _coverage_cases() -> list:
    out = []
    for profile in clinic_sbc.PROFILES:
        for j, n in enumerate(clinic_sbc.COURSES):
            reason = MISSED.get((profile.condition, n))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(profile.condition, j, id=f"{profile.condition}-{n}",
                                    marks=marks))
    return out


def test_the_file_is_of_the_shipped_floor_and_profiles():
    assert SBC["floor"] == FLOOR
    assert SBC["courses"] == list(clinic_sbc.COURSES)
    for profile in clinic_sbc.PROFILES:
        assert SBC[profile.condition]["clinics"] == profile.clinics
        assert f"{FLOOR:g}" in SBC[profile.condition]["floor"]


@pytest.mark.parametrize(("condition", "index"), _coverage_cases())
def test_the_band_holds_75_to_88_percent_of_clinics(condition, index):
    assert LOW <= _shipped(condition)["coverage"][index] <= HIGH


@pytest.mark.parametrize("condition", [
    pytest.param(p.condition, marks=[pytest.mark.xfail(strict=True, reason=WIDTH_MISSED[
        p.condition])] if p.condition in WIDTH_MISSED else []) for p in clinic_sbc.PROFILES])
def test_the_band_at_20_courses_is_at_most_0_6_of_the_new_clinic_band(condition):
    courses, at_most = clinic_sbc.WIDTH_TARGET
    width = _shipped(condition)["width"][clinic_sbc.COURSES.index(courses)]
    assert width <= at_most


@pytest.mark.parametrize("condition", [p.condition for p in clinic_sbc.PROFILES])
def test_the_coverage_carries_a_monte_carlo_error_of_a_few_points(condition):
    got = _shipped(condition)
    for c, a, b in zip(got["coverage"], got["coverage_low"], got["coverage_high"], strict=True):
        assert a <= c <= b
        assert b - a <= 0.1  # a 95% interval of at most +-5 points


@pytest.mark.parametrize("condition", [p.condition for p in clinic_sbc.PROFILES])
def test_the_band_narrows_as_courses_pile_up(condition):
    width = _shipped(condition)["width"]
    assert width[-1] < width[0] and max(width) <= 1.0


def test_wilson_interval_holds_the_share():
    low, high = clinic_sbc.wilson(80, 100)
    assert 0.70 < low < 0.8 < high < 0.88
    assert clinic_sbc.wilson(0, 10)[0] == 0.0


def test_a_clinic_is_the_same_whatever_runs_it():
    a, b = clinic_sbc.simulate_clinic((1, 3)), clinic_sbc.simulate_clinic((1, 3))
    assert np.array_equal(a.inside, b.inside) and np.array_equal(a.width, b.width)
    assert not np.array_equal(a.width, clinic_sbc.simulate_clinic((1, 4)).width)


def test_a_reduced_simulation_writes_the_shipped_file_s_form(tmp_path):
    out = tmp_path / "this_clinic.toml"
    out.write_text(f"{RETROSPECTIVE_MARKER}\n[retrospective]\nfigures = 1\n", "utf-8")
    clinic_sbc.run(out, scale=0.01, processes=1)
    fresh = tomllib.loads(out.read_text("utf-8"))
    assert fresh["retrospective"] == {"figures": 1}  # the other part is kept
    assert fresh["this_clinic"].keys() == SBC.keys()
    for profile in clinic_sbc.PROFILES:
        assert fresh["this_clinic"][profile.condition]["floor"].keys() == \
            SBC[profile.condition]["floor"].keys()


def test_writing_one_part_keeps_the_other(tmp_path):
    out = tmp_path / "t.toml"
    write_part(out, "[a]\nx = 1\n", retrospective=False)
    write_part(out, f"{RETROSPECTIVE_MARKER}\n[b]\ny = 2\n", retrospective=True)
    write_part(out, "[a]\nx = 3\n", retrospective=False)
    assert tomllib.loads(out.read_text("utf-8")) == {"a": {"x": 3}, "b": {"y": 2}}


def test_the_studies_standing_in_for_clinics_are_those_with_several_sessions():
    found = {(s.condition, s.source) for s in studies_as_clinics()}
    retro = DATA["retrospective"]
    assert {(f["condition"], f["source"]) for f in retro["figure"]} == found
    assert retro["studies"] == len(found)
    for study in studies_as_clinics():
        assert max(r.session for r in study.early) < min(r.session for r in study.later)


def _node_moments(effect) -> tuple[np.ndarray, np.ndarray]:
    z, w = band_points(effect)
    mean = w @ z
    return mean, ((z - mean) * w[:, None]).T @ (z - mean)


@pytest.mark.parametrize("condition", ["nevus_of_ota", "melasma"])
def test_the_retrospective_band_follows_the_posterior_s_correlations(condition):
    """As the app's band: nodes on the posterior's axes, not a normal per offset."""
    dims = len(new_clinic(condition).dims)
    sd = np.array([0.5, 0.4, 0.7, 0.9][-dims:])
    correlation = np.eye(dims)
    correlation[0, 1] = correlation[1, 0] = -0.85  # rate and ceiling
    correlation[0, -1] = correlation[-1, 0] = 0.2  # and the atypical share
    mean = np.linspace(-0.5, 0.5, dims)
    effect = posterior(condition, 3, mean, sd, correlation)
    got_mean, covariance = _node_moments(effect)
    assert got_mean == pytest.approx(mean, abs=1e-9)
    assert covariance == pytest.approx(np.outer(sd, sd) * correlation, abs=1e-9)


def test_the_retrospective_band_is_no_surer_than_the_floor_in_any_direction():
    """A posterior sure of a combination of rate and ceiling (sds 0.3, correlation
    -0.99: one direction at 0.04 prior sds) is widened there to FLOOR; a floor on each
    sd alone would leave it."""
    sd = np.array([0.3, 0.3, 1.0])
    correlation = np.eye(3)
    correlation[0, 1] = correlation[1, 0] = -0.99
    effect = posterior("melasma", 3, np.zeros(3), sd, correlation)
    _, covariance = _node_moments(effect)
    values = np.linalg.eigvalsh(covariance)
    assert values.min() == pytest.approx(FLOOR**2, rel=1e-6)
    raw = np.linalg.eigvalsh(np.outer(sd, sd) * correlation)
    assert raw.min() < 0.2 * FLOOR**2  # the floor did the widening
    assert values[1:] == pytest.approx(raw[1:], rel=1e-6)  # and only there


def test_a_new_clinic_s_band_is_the_prior():
    _, covariance = _node_moments(new_clinic("melasma"))
    assert covariance == pytest.approx(np.eye(len(covariance)), abs=1e-12)


def test_the_retrospective_totals_are_its_figures():
    retro = DATA["retrospective"]
    figures = retro["figure"]
    assert retro["figures"] == len(figures)
    for key in ("own_clinic80", "new_clinic80", "own_band80", "new_band80"):
        held = sum(f[key][0] <= f["published"] <= f[key][1] for f in figures)
        assert retro[f"{key}_holds"] == held, key
    assert retro["own_log_score"] == pytest.approx(
        np.mean([f["own_log_score"] for f in figures]), abs=2e-3)


def test_the_model_page_shows_the_file():
    text = PAGE.read_text("utf-8")
    shown = text.partition(PAGE_START)[2].partition(PAGE_END)[0]
    assert shown.strip() == block(DATA).strip()


def _without_seconds(text: str) -> dict:
    data = tomllib.loads(text)
    data["this_clinic"].pop("seconds")
    return data


@pytest.mark.slow
def test_the_shipped_simulation_is_what_the_command_produces(tmp_path):
    out = tmp_path / "this_clinic.toml"
    clinic_sbc.run(out)
    fresh, shipped = _without_seconds(out.read_text("utf-8")), _without_seconds(
        TABLE.read_text("utf-8"))
    shipped.pop("retrospective")
    assert fresh == shipped


@pytest.mark.slow
def test_the_shipped_retrospective_is_what_the_command_produces():
    """Slack for the refit: the fit stops on the optimiser's tolerance."""
    fresh = tomllib.loads(retrospective_toml(score_all()))["retrospective"]
    shipped = DATA["retrospective"]
    assert fresh.keys() == shipped.keys()
    for key in ("studies", "figures", "own_clinic80_holds", "new_clinic80_holds"):
        assert fresh[key] == shipped[key]
    assert fresh["own_log_score"] == pytest.approx(shipped["own_log_score"], abs=0.02)
    assert fresh["new_log_score"] == pytest.approx(shipped["new_log_score"], abs=0.02)
