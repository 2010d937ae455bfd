"""The forecast against the evidence rows (data/evidence.toml), as `make calibrate` fits them.

`test_shipped_parameters_are_what_calibrate_produces` refits everything (about half a
minute) and compares with data/fitted.toml. The other tests read the shipped fit against
the published figures; the leave-one-row-out test refits once per row (a few minutes).
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest

from pico_widget import Observation, PatientProfile, TattooDetails, estimate
from pico_widget.core.catalogue import fitted
from pico_widget.core.evidence import rows
from pico_widget.fit.calibrate import FITTED, fit_all, fitted_toml, forecast_row, parse


def _flatten(data: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        out |= _flatten(value, name + ".") if isinstance(value, dict) else {name: value}
    return out


def test_shipped_parameters_are_what_calibrate_produces():
    fresh = _flatten(tomllib.loads(fitted_toml(parse(fitted_toml(fit_all())))))
    shipped = _flatten(tomllib.loads(FITTED.read_text("utf-8")))
    assert fresh.keys() == shipped.keys()
    for key, value in shipped.items():
        assert _same_fit(fresh[key], value), (key, fresh[key], value)


def _same_fit(fresh: object, shipped: object) -> bool:
    """Fitted floats agree to the optimiser's tolerance, in lists too: the fit stops on ftol,
    so the sixth digit differs between machines (0.907583 here, 0.907559 shipped)."""
    if isinstance(shipped, float):
        return fresh == pytest.approx(shipped, rel=1e-3, abs=1e-4)
    if isinstance(shipped, list):
        return (isinstance(fresh, list) and len(fresh) == len(shipped)
                and all(_same_fit(f, s) for f, s in zip(fresh, shipped, strict=True)))
    return fresh == shipped


def _errors(kinds: tuple[str, ...]) -> list[float]:
    out = []
    for row in rows():
        if row.fitted and row.kind in kinds:
            out += [abs(f - v) for (_, v), f in zip(row.published, forecast_row(row, fitted()),
                                                    strict=True)]
    return out


def test_fitted_shares_and_means_within_eight_points_on_average():
    """The issue's target: a mean error of 8 points or less over the fitted share and mean
    figures. It is 7.94 over 60 (7.9 in docs/calibration.md), only just met: the studies added
    from search disagree with the earlier ones more than their patient counts allow."""
    errors = _errors(("shares", "mean"))
    assert np.mean(errors) <= 8.0


def test_fitted_sessions_to_an_endpoint_within_one_session_on_average():
    assert np.mean(_errors(("sessions", "sessions_capped"))) <= 1.0


def test_pih_over_a_course_close_to_the_rows():
    """Against the typical study (what the app shows), not each study's own factor."""
    errors = _errors(("pih", "pih_rate"))
    assert np.mean(errors) <= 9.0


def test_trials_comparing_the_lasers_decide_the_qswitched_pih_factor():
    """L2, H1 and O2 compare the lasers in the same patients: Q-switched PIH 1.3-6 times
    picosecond. The per-study factor keeps single-laser series from setting it to 1."""
    assert 1.2 <= fitted().pih.qswitched_factor <= 3.0


@pytest.mark.parametrize("laser", ["picosecond", "q-switched"])
def test_pih_over_a_course_within_published_ranges(laser):
    """Course-level PIH published for skin types III-IV runs 5-34% picosecond and 8-54%
    Q-switched (rows L2, H3, A2, O2, H1, R1); the forecast stays inside for every condition
    that offers the laser."""
    low, high = (3, 40) if laser == "picosecond" else (5, 60)
    for cid in ("solar_lentigines", "nevus_of_ota", "hori_nevus", "cafe_au_lait"):
        for fitz in (3, 4):
            fc = estimate(PatientProfile(condition=cid, fitzpatrick=fitz, laser=laser,
                                         goal_percent=75))
            assert low <= fc.pih_risk_percent <= high, (cid, fitz, fc.pih_risk_percent)


def test_t11_tattoo_pih_matches_the_published_38_percent():
    tattoo = TattooDetails(location="proximal_extremity", colours="black", ink="amateur")
    fc = estimate(PatientProfile(condition="tattoo", fitzpatrick=5, laser="q-switched",
                                 tattoo=tattoo, goal_percent=95))
    assert fc.pih_risk_percent == pytest.approx(38, abs=10)


def test_complete_clearance_is_possible_where_papers_report_it():
    """O6: 37.7% complete clearance of nevus of Ota; T2: 47% of tattoos by 10 sessions."""
    ota = estimate(PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=100))
    assert ota.reach_percent > 20 and ota.sessions_median is not None
    tattoo = TattooDetails(location="proximal_extremity", colours="black", ink="moderate")
    fc = estimate(PatientProfile(condition="tattoo", fitzpatrick=3, laser="q-switched",
                                 goal_percent=100, tattoo=tattoo), max_sessions=10)
    assert 25 <= 100 * fc.prob_goal_by_session[9] <= 70


def test_nearly_every_amateur_tattoo_clears_as_t11_reports():
    """T11: all 100 amateur tattoos (type V, Q-switched) cleared, after a mean 6 sessions.
    The other reading of the tattoo rows (over half clear completely, the rest level off
    far lower) leaves 4 in 10 uncleared; the 1 in 20 atypical patients cap it near 95."""
    tattoo = TattooDetails(location="proximal_extremity", colours="black", ink="amateur")
    fc = estimate(PatientProfile(condition="tattoo", fitzpatrick=5, laser="q-switched",
                                 goal_percent=100, tattoo=tattoo), max_sessions=20)
    assert fc.never_percent < 10 and fc.reach_percent >= 80
    assert fc.sessions_median is not None and 4 <= fc.sessions_median <= 8


def test_the_fit_keeps_the_best_of_its_starting_points():
    """A posterior with two peaks: from the prior the fit climbs the nearer, lower one
    (x = -2, a misfit of 1), from the restart the better one (x = 2, no misfit)."""
    from pico_widget.core.evidence import EvidenceRow
    from pico_widget.fit.calibrate import Param, _fit

    row = EvidenceRow(id="toy", source="M3", condition="melasma", laser="picosecond",
                      fitzpatrick=(3,), patients=10, kind="mean", session=1, value=0.0,
                      se=1.0, note="a made-up row with two peaks")

    def two_wells(_: EvidenceRow, theta, __: float) -> list[float]:
        x = float(theta[0])
        return [math.sqrt(min((x + 2) ** 2 + 1, (x - 2) ** 2))]

    params = [Param("x", -1.5, 10.0, -5.0, 5.0)]
    assert _fit(params, [row], two_wells)[0] == pytest.approx(-2, abs=0.05)
    assert _fit(params, [row], two_wells, restarts=[{"x": 2.5}])[0] == pytest.approx(2, abs=0.05)


def test_smooth_bordered_cafe_au_lait_macules_clear_completely_less_often():
    """C1: smooth borders 31.5% mean improvement after 4 sessions, irregular 79%. With one
    complete share for every border, a third of smooth ones cleared completely and C1-smooth
    was forecast at 42.5; severity now moves the share where rows say so."""
    from pico_widget.core.response import Case, spread_for

    share = {sev: spread_for(Case("cafe_au_lait", sev, 3, "picosecond", None)).complete_share
             for sev in ("mild", "moderate", "severe")}
    assert share["moderate"] > 1.5 * share["severe"]
    smooth = next(r for r in rows("cafe_au_lait") if r.id == "C1-smooth")
    assert abs(forecast_row(smooth, fitted())[0] - 31.5) <= 5


def test_nevus_of_ota_median_sessions_in_the_published_range():
    # O3 4.2, O5 2.5, O2 5.26 sessions (picosecond) to excellent or clear.
    fc = estimate(PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=90))
    assert fc.sessions_median is not None and 2 <= fc.sessions_median <= 6


def test_kirby_desai_is_re_anchored_to_modern_series():
    """KD24: 5.09 Q-switched sessions where the score predicted 9.9."""
    tattoo = TattooDetails(location="proximal_extremity", colours="black", ink="minimal")
    fc = estimate(PatientProfile(condition="tattoo", fitzpatrick=3, laser="q-switched",
                                 goal_percent=75, tattoo=tattoo), max_sessions=20)
    assert fc.kirby_desai == 10
    assert fc.sessions_median is not None and fc.sessions_median < 0.8 * fc.kirby_desai


def test_a_result_above_the_usual_ceiling_raises_the_forecast():
    """Cafe-au-lait macules, goal 95: most patients' own ceiling is far below it, but a
    patient who shows 97% after one session is believed (v1 said 0 in 100 however well
    the patient did). The issue's lentigines example must not be 0 either."""
    base = PatientProfile(condition="cafe_au_lait", fitzpatrick=4, goal_percent=95)
    seen = base.model_copy(update={"observations": [Observation(session=1,
                                                                improvement_percent=97)]})
    assert estimate(base).ceiling_percent < 95
    assert estimate(seen).reach_percent > estimate(base).reach_percent + 10
    assert estimate(seen).reach_percent > 50
    lentigo = PatientProfile(condition="solar_lentigines", fitzpatrick=4, goal_percent=95,
                             observations=[Observation(session=1, improvement_percent=97)])
    assert estimate(lentigo).reach_percent > 50


def test_no_response_where_most_respond_prompts_a_review_from_session_1():
    fc = estimate(PatientProfile(condition="solar_lentigines", fitzpatrick=4, goal_percent=75,
                                 observations=[Observation(session=1, improvement_percent=0)]))
    assert any("Review the diagnosis" in w for w in fc.warnings)


def test_a_usual_response_prompts_no_review():
    """A response at the median of patients like this one, for every condition."""
    for cid in ("solar_lentigines", "melasma", "nevus_of_ota", "cafe_au_lait", "acne_scars"):
        base = PatientProfile(condition=cid, fitzpatrick=4, goal_percent=75)
        usual = estimate(base).improvement[0].median
        fc = estimate(base.model_copy(update={"observations": [
            Observation(session=1, improvement_percent=usual)]}))
        assert not any("Review the diagnosis" in w for w in fc.warnings), (cid, usual)


@pytest.mark.slow
def test_leave_one_row_out_error_does_not_regress():
    """Each share or mean row predicted by a fit that never saw it. The issue's target is a
    mean error of 10 points; the model reaches 13.85 over 60 figures (13.9 in docs/calibration.md
    says which rows and why), so this guards against getting worse rather than claiming
    the target."""
    from pico_widget.fit.calibrate import leave_one_out

    errors = []
    for row in rows():
        if row.fitted and row.kind in ("shares", "mean"):
            errors += [abs(f - v) for (_, v), f in zip(row.published, leave_one_out(row),
                                                       strict=True)]
    assert not math.isnan(float(np.mean(errors)))
    assert np.mean(errors) <= 15.0


@pytest.mark.slow
def test_shipped_accuracy_is_what_calibrate_produces():
    """What the app tells a doctor per condition (data/accuracy.toml): each study left out
    of the fit in turn and predicted, refitted here."""
    from pico_widget.core.evidence import accuracies
    from pico_widget.fit.calibration_report import by_condition

    fresh, shipped = by_condition(), accuracies()
    assert fresh.keys() == shipped.keys()
    for cid, (studies, figures, error) in fresh.items():
        assert (shipped[cid].studies, shipped[cid].figures) == (studies, figures), cid
        assert shipped[cid].left_out_error == pytest.approx(error, abs=0.006), cid
