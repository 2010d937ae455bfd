"""The forecast against the evidence rows (data/evidence.toml), as `make calibrate` fits them.

`test_shipped_parameters_are_what_calibrate_produces` refits everything (a few minutes,
marked slow) and compares with data/fitted.toml to a tolerance. The other tests read the
shipped fit and data/accuracy.toml (each study left out whole, make calibrate) against the
published figures and the issue's targets.
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


@pytest.mark.slow
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


def test_a_new_clinics_pih_carries_the_uncertainty_of_the_condition_factor():
    """Model 2026.12-8: a condition's PIH factor estimated from J studies widens the clinic
    sd by sqrt(1 + 1/J), as the efficacy clinic sds are widened; with no PIH study of its
    own (cafe-au-lait macules) the factor is a judgement and its prior sd adds; and the
    studies left out choose a factor on it, as for efficacy. With the study sd alone the
    80% band held 11 of 19 PIH figures left out (docs/calibration.md)."""
    from pico_widget.core.catalogue import catalogue
    from pico_widget.core.evidence import shipped_pih_spread_factor
    from pico_widget.core.pih import clinic_sd

    pih = fitted().pih
    lentigo_studies = {r.source for r in rows("solar_lentigines", efficacy=False) if r.fitted}
    assert len(lentigo_studies) == 6
    lentigo = clinic_sd(pih, "solar_lentigines", factor=1.0)
    assert lentigo == pytest.approx(pih.study_sd * math.sqrt(7 / 6))
    prior = catalogue().model.prior_sd.pih_factor
    assert clinic_sd(pih, "cafe_au_lait", 1.0) == pytest.approx(math.hypot(pih.study_sd, prior))
    factor = shipped_pih_spread_factor()
    assert 1.0 <= factor <= 2.0
    assert clinic_sd(pih, "solar_lentigines") == pytest.approx(factor * lentigo)


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
    # T11's own clinic was faster (6 sessions) than a typical one, which its clinic offset
    # takes: at a clinic like those studied half have cleared by about session 10.
    assert fc.sessions_median is not None and 4 <= fc.sessions_median <= 12


def test_the_fit_keeps_the_best_of_its_starting_points():
    """A posterior with two peaks: from the prior the fit climbs the nearer, lower one
    (x = -2, a misfit of 1), from the restart the better one (x = 2, no misfit)."""
    from pico_widget.fit.calibrate import Param, _minimise

    def two_wells(theta) -> float:
        x = float(theta[0])
        return 0.5 * min((x + 2) ** 2 + 1, (x - 2) ** 2)

    params = [Param("x", -1.5, 10.0, -5.0, 5.0)]
    assert _minimise(params, two_wells)[0] == pytest.approx(-2, abs=0.05)
    assert _minimise(params, two_wells, restarts=[{"x": 2.5}])[0] == pytest.approx(2, abs=0.05)


def test_smooth_bordered_cafe_au_lait_macules_clear_completely_less_often():
    """C1: smooth borders 31.5% mean improvement after 4 sessions, irregular 79%. With one
    complete share for every border, a third of smooth ones cleared completely and C1-smooth
    was forecast at 42.5; severity now moves the share where rows say so. With clinic
    offsets (2026.12-7) C1's own offset takes part of the difference: 16% against 12%."""
    from pico_widget.core.response import Case, spread_for

    share = {sev: spread_for(Case("cafe_au_lait", sev, 3, "picosecond", None)).complete_share
             for sev in ("mild", "moderate", "severe")}
    assert share["moderate"] > 1.25 * share["severe"]  # 1.34 in model 2026.12-7
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


def test_the_fit_predicts_what_the_app_shows():
    """The fit's vectorised prediction (smooth CDF, many clinics at once) and the app's
    Population give one figure to within the app's table error, for every row."""
    from pico_widget.core.population import Population
    from pico_widget.core.response import spread_for
    from pico_widget.fit.calibrate import _cases

    for row in rows(efficacy=True):
        params = fitted().conditions[row.condition]
        app = []
        for case in _cases(row):
            people = Population(spread_for(case, params))
            if row.kind == "shares":
                app.append([100 * float(people.share_reaching(t, np.array(row.sessions_mixed))
                                        .mean()) for t in row.thresholds])
            elif row.kind == "mean":
                app.append([people.mean_improvement(row.session)])
            else:
                continue
        if app:
            assert forecast_row(row, fitted()) == pytest.approx(np.mean(app, axis=0), abs=1e-3)


def test_adaptive_quadrature_integrates_a_peaked_study():
    """A study of 471 patients pins its own clinic offset far more tightly than fixed nodes
    are spaced; the adaptive rule must still give the integral (checked against a fine
    fixed rule of 201 nodes a dimension on a one-dimensional toy)."""
    from pico_widget.core.evidence import EvidenceRow
    from pico_widget.fit.calibrate import study_log_marginal

    row = EvidenceRow(id="toy", source="C4", condition="cafe_au_lait", laser="q-switched",
                      fitzpatrick=(3,), patients=471, kind="shares", session=4,
                      thresholds=(50,), values=(70.0,), note="a made-up peaked study")

    def share(_: EvidenceRow, offsets: np.ndarray) -> np.ndarray:
        return 100 / (1 + np.exp(-(0.2 + offsets[:, :1])))

    scale = np.array([1.5])
    got = study_log_marginal([row], share, scale)
    z = np.linspace(-8, 8, 20001)
    p = (1 / (1 + np.exp(-(0.2 + 1.5 * z))))
    log_like = 471 * (0.7 * np.log(p) + 0.3 * np.log1p(-p))
    integrand = np.exp(log_like - log_like.max()) * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    exact = log_like.max() + math.log(float(integrand.sum() * (z[1] - z[0])))
    assert got == pytest.approx(exact, abs=0.01)


def test_the_laser_effect_rests_on_trials_that_treated_both():
    """Nevus of Ota: the head-to-head trials O2 (5.87 against 5.26 sessions) and O3 (5.4
    against 4.2) put Q-switched at 1.1-1.3 times the picosecond sessions. Model 2026.11-6
    read 2.5 times (a rate factor of 0.41) off the difference between clinics."""
    ota = fitted().conditions["nevus_of_ota"]
    assert ota.qswitched_rate_factor is not None and ota.qswitched_rate_factor >= 0.5
    by_id = {r.id: r for r in rows("nevus_of_ota")}
    for pico, qs in (("O2", "O2-QS"), ("O3", "O3-QS")):
        ratio = forecast_row(by_id[qs], fitted())[0] / forecast_row(by_id[pico], fitted())[0]
        assert 1.0 <= ratio <= 1.6, (pico, ratio)


def _out_of_sample() -> dict[str, float]:
    text = (FITTED.parent / "accuracy.toml").read_text("utf-8")
    return tomllib.loads(text)["out_of_sample"]


def test_bands_for_a_new_clinic_hold_what_they_claim():
    """Issue 22's targets on studies left out whole (data/accuracy.toml, make calibrate):
    the 80% band holds 70-90% of the left-out figures, the 50% band 40-60% (nested, the
    published figure's band, since issue 30)."""
    scores = _out_of_sample()
    assert 70 <= scores["coverage_80"] <= 90
    assert 40 <= scores["coverage_50"] <= 60


def test_forecast_for_a_new_clinic_beats_the_naive_baseline():
    """Per condition, the logit mean and spread of the other studies' figures is the naive
    forecast: the model's interval score and point error must be no worse."""
    scores = _out_of_sample()
    assert scores["interval_score_80"] <= scores["interval_score_80_naive"]
    assert scores["mae"] <= scores["mae_naive"]


@pytest.mark.xfail(strict=True, reason="issue 22's target, missed once the check is nested "
                   "(issue 30): log score -4.010 against the naive -4.182 in model 2026.12-10, "
                   "0.172 nats better (target 0.2; 0.180 in 2026.12-9, 0.208 before the "
                   "check was nested; docs/calibration.md)")
def test_log_score_beats_the_naive_baseline_by_0_2():
    scores = _out_of_sample()
    assert scores["log_score"] >= scores["log_score_naive"] + 0.2


def test_bands_are_narrow_enough_to_inform():
    """Issue 22: the 80% band's interval score <= 65 points (62.5 nested in 2026.12-9,
    60.9 not nested)."""
    assert _out_of_sample()["interval_score_80"] <= 65


@pytest.mark.xfail(strict=True, reason="issue 22's target, missed once the check is nested "
                   "and the band holds the figure's exact binomial error (issue 30): mean "
                   "width 45.9 points in model 2026.12-10 (46.1 in 2026.12-9; 44.4 with the "
                   "logit-normal error and no nesting)")
def test_bands_are_as_narrow_as_issue_22_asks():
    """Issue 22: the 80% band is at most 45 points wide on average."""
    assert _out_of_sample()["mean_width_80"] <= 45


@pytest.mark.xfail(strict=True, reason="issue 22's secondary target missed narrowly (models "
                   "2026.12-7 to -10): point error 14.35 nested in 2026.12-10 (target <= 14). "
                   "Tried in the eighth session, none reaching it: a Q-switched-series or "
                   "within-study laser shift on the ceiling and the complete share (nevus of "
                   "Ota left out 19.2-21.1 against 19.6), more alternation rounds (a flat "
                   "ridge, 0.4 nats), a spread factor per clinic offset (14.15); "
                   "docs/experiments.md")
def test_point_error_meets_the_secondary_target():
    assert _out_of_sample()["mae"] <= 14


# -- issue 30's validation targets: nested folds, published-figure bands, both baselines -------
def test_the_left_out_check_is_nested():
    """Each fold refits the clinic sds and chooses its spread factor without its study."""
    assert _out_of_sample()["nested"] is True


def test_nested_80_band_holds_75_to_88_percent():
    """Issue 30: the published-figure 80% band of a study left out whole (nested) holds
    75-88% of the share and mean figures (75.8 in 2026.12-9, cluster-bootstrap 95% CI
    64-86: the target is met on the point, not beyond doubt)."""
    assert 75 <= _out_of_sample()["coverage_80"] <= 88


def test_nested_50_band_holds_42_to_58_percent():
    assert 42 <= _out_of_sample()["coverage_50"] <= 58


@pytest.mark.xfail(strict=True, reason="issue 30 target missed by model 2026.12-10: nested "
                   "log score -4.010 against the threshold-aware baseline's -4.091, 0.081 "
                   "nats better (target 0.1; 0.089 in 2026.12-9, whose bands collapsed; the "
                   "variants tried: grading offsets at the held clinic sds 0.077, Student-t "
                   "clinic offsets 0.055, docs/experiments.md); "
                   "not to be tuned in: the model change of issue 30 is judged by it")
def test_log_score_beats_the_threshold_aware_baseline():
    """Issue 30: at least 0.1 nats a figure better than a ridge on condition, threshold,
    log session and laser fitted to the other studies."""
    scores = _out_of_sample()
    assert scores["log_score"] >= scores["log_score_naive_threshold"] + 0.1


def _cells(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")][1:-1] for line in text.splitlines()
            if line.startswith("|") and not line.startswith("|---")]


def test_the_report_traces_the_log_score_to_its_figures():
    """docs/calibration.md gives each left-out figure's log score beside the threshold-aware
    baseline's, and per condition the nats the model wins or loses; they add up to the
    totals of data/accuracy.toml, so a reader can see where issue 30's lead comes from."""
    report = (FITTED.parents[2] / "docs" / "calibration.md").read_text("utf-8")
    scores = _out_of_sample()
    every = report.partition("## Every figure")[2].partition("\n## ")[0]
    pairs = [[float(v) for v in row[-1].split(";")] for row in _cells(every)[1:]
             if ";" in row[-1]]
    assert len(pairs) == scores["figures"]
    assert np.mean([m for m, _ in pairs]) == pytest.approx(scores["log_score"], abs=0.005)
    assert np.mean([a for _, a in pairs]) == pytest.approx(
        scores["log_score_naive_threshold"], abs=0.005)
    by_condition = report.partition("Where the log score is won and lost")[2].partition(
        "## The folds")[0]
    rows_ = _cells(by_condition)[1:]
    assert sum(int(r[1]) for r in rows_) == scores["figures"]
    assert sum(float(r[4]) for r in rows_) == pytest.approx(
        scores["figures"] * (scores["log_score"] - scores["log_score_naive_threshold"]),
        abs=0.05)


def test_interval_score_beats_the_threshold_aware_baseline():
    scores = _out_of_sample()
    assert scores["interval_score_80"] < scores["interval_score_80_naive_threshold"]


@pytest.mark.slow
def test_shipped_accuracy_is_what_calibrate_produces():
    """What the app tells a doctor per condition (data/accuracy.toml): each study left out
    of the fit in turn (a nested fold: its condition and the clinic sds refitted without
    it) and predicted for a new clinic, refitted here for two conditions (all nine take
    the minutes `make calibrate` spends), each with the spread factor its fold chose (the
    report's table of folds). Slack for the fit: make calibrate judges from a fresh fit,
    which differs from the shipped one in the fourth digit between machines."""
    from pico_widget.core.evidence import accuracies
    from pico_widget.fit.calibrate import predictive
    from pico_widget.fit.calibration_report import figure_forecast
    from pico_widget.fit.nested import OtherConditions, nested_fold

    report = (FITTED.parents[2] / "docs" / "calibration.md").read_text("utf-8")
    folds = report.partition("## The folds")[2].partition("## Every figure")[0]
    chosen = {cells[1]: float(cells[4]) for line in folds.splitlines()
              if (cells := [c.strip() for c in line.split("|")])[1:2] and cells[1][:1].isupper()
              and cells[1] != "study"}
    others = OtherConditions(fitted())
    for cid in ("melasma", "wrinkles"):
        errors = []
        for source in dict.fromkeys(r.source for r in rows(cid, efficacy=True) if r.fitted):
            fold = nested_fold(fitted(), cid, source, others)
            for row in rows(cid, efficacy=True):
                if row.source != source or not row.fitted or row.kind not in ("shares", "mean"):
                    continue
                values, weights = predictive(row, fold.params, fold.clinic, chosen[source])
                for i, (_, value) in enumerate(row.published):
                    errors.append(abs(figure_forecast(row, value, values[:, i], weights).mean
                                      - value))
        assert accuracies()[cid].left_out_error == pytest.approx(np.mean(errors), abs=0.1), cid


# -- the face-validity faults of issue 22, each tied to the rows it answers to --------------------
def _ota(laser: str, goal: float = 75):
    return estimate(PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=goal,
                                   laser=laser))


@pytest.mark.xfail(strict=True, reason="issue 22 target not met (models 2026.12-7 to -10): "
                   "median 3 sessions, but 28 in 100 never reach 75% (target <= 15; 23 at the "
                   "typical clinic, without the spread between clinics). The three studies "
                   "that report the whole spread of outcomes hold it there: O6 (212 patients, "
                   "42% under 75%), O12 (32, 88% under 75%) and O13 (59, 93% under 95%). "
                   "Refitted without O6 it stays 28, without O12 and O13 26, without all "
                   "three 16; O11, O9 and O3 do not outweigh them. Issue 30's O6 read over "
                   "1-11 sessions gave 29, the 15 candidate rows 33 (28.0 fitted with all "
                   "conditions, a worse nested score), an offset for named "
                   "grades 28.8 (refits of nevus of Ota alone, not nested); grading offsets "
                   "in the full fit 7.6, but they scored worse on the nested check and were "
                   "not adopted, and with the clinic sds held 28.8 (docs/experiments.md). "
                   "The model page's section on nevus of Ota shows the grading and "
                   "session-mix analysis issue 30 accepts instead")
def test_nevus_of_ota_picosecond_clears_as_the_series_report():
    """O11: 83 of 86 (96.5%) over 95% in a mean 4.3 sessions; O9: all 48 reached 75%; O3:
    4.2 sessions to 75%. Model 2026.11-6 read 'fast but capped': median 2 sessions and 39 in
    100 never reaching 75%."""
    fc = _ota("picosecond")
    assert fc.sessions_median is not None and 3 <= fc.sessions_median <= 6
    assert fc.never_percent <= 15


@pytest.mark.xfail(strict=True, reason="issue 22 target not met (models 2026.12-7 to -10): 5 "
                   "against 3 sessions (1.67; target 1.0-1.6). The rate factor 0.65 rests on "
                   "the trials that treated both lasers (their own rows come out at 1.12 and "
                   "1.42, test above) and gives 1.54 times the sessions: half of patients "
                   "reach 75% at 2.95 sessions picosecond and 4.57 Q-switched, which whole "
                   "sessions round to 3 and 5. Issue 30's O6 read over 1-11 sessions gave "
                   "4 and 5, the 15 candidate rows 4 and 5 (fitted with all conditions; 4 and "
                   "6 refitting nevus of Ota alone) but a worse nested score (not adopted), "
                   "grading offsets 3 and 4 but a worse nested score (not adopted), with the "
                   "clinic sds held 3 and 5 (docs/experiments.md)")
def test_qswitched_takes_1_to_1_6_times_the_picosecond_sessions():
    """O2 (5.87 against 5.26 sessions) and O3 (5.4 against 4.2), the trials that treated
    both lasers; 2026.11-6 read 2.5 times from the difference between clinics."""
    pico, qs = _ota("picosecond"), _ota("q-switched")
    assert pico.sessions_median is not None and qs.sessions_median is not None
    assert 1.0 <= qs.sessions_median / pico.sessions_median <= 1.6


def test_darker_skin_clears_lentigines_more_slowly():
    """L12 (Q-switched, types IV-VI): 53% over 75% after 1-2 sessions, against L1's 93% in
    types III-IV; 2026.11-6 gave type VI the first-session chance of type II (62%)."""
    def first(fitzpatrick: int) -> float:
        return estimate(PatientProfile(condition="solar_lentigines", fitzpatrick=fitzpatrick,
                                       goal_percent=95, laser="q-switched")
                        ).prob_goal_by_session[0]

    assert first(6) <= first(2) - 0.05


def test_some_lentigines_lag_as_l3_reports():
    """L3: 90% moderate-to-significant improvement within 3 sessions, so about one in ten
    is under 50% then; 2026.11-6's band had its low end at 92% after one session. (At
    session 3 the low end is still about 93: L1 and L11 outweigh L3's 20 patients; model
    page.)"""
    fc = estimate(PatientProfile(condition="solar_lentigines", fitzpatrick=4, goal_percent=75))
    assert fc.improvement[0].low <= 80


def test_a_professional_black_tattoo_is_not_quick():
    """T16: 4.6 Q-switched sessions to 60% (black, arms and legs, types II-IV); KD24: 5.09 to
    75%; T15: professional tattoos 6-10 sessions to 90%. 2026.11-6: median 2 sessions."""
    tattoo = TattooDetails(location="proximal_extremity", colours="black", ink="moderate")
    fc = estimate(PatientProfile(condition="tattoo", fitzpatrick=3, laser="q-switched",
                                 goal_percent=60, tattoo=tattoo))
    assert fc.sessions_median is not None and 3 <= fc.sessions_median <= 8
