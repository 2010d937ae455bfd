"""Properties every forecast must have, over random valid profiles."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pico_widget import Observation, PatientProfile, conditions, estimate
from pico_widget.i18n.wording import LANGUAGES, wording
from pico_widget.render.headline import answer
from tests.strategies import profiles

SEVERITY_ORDER = ["mild", "moderate", "severe"]


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_probabilities_are_ordered_and_bounded(profile):
    fc = estimate(profile)
    probs = fc.prob_goal_by_session
    assert len(probs) == fc.max_sessions
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert all(a <= b for a, b in itertools.pairwise(probs))


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_bands_ordered_and_bounded(profile):
    fc = estimate(profile)
    for band in fc.improvement:
        assert 0 <= band.low <= band.median <= band.high <= 100
    medians = [b.median for b in fc.improvement]
    assert all(a <= b + 0.5 for a, b in itertools.pairwise(medians))
    low, high = fc.ceiling_range
    assert 0 < low <= fc.ceiling_percent <= high <= 100


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_summary_numbers_agree(profile):
    fc = estimate(profile)
    assert 0 <= fc.pih_risk_percent <= 100
    assert fc.reach_percent == pytest.approx(100 * fc.prob_goal_by_session[-1])
    assert fc.reach_percent + fc.never_percent <= 100 + 1e-6
    assert fc.goal_reachable == (fc.sessions_range is not None) == (fc.reach_percent >= 5)
    assert fc.typical_reaches_goal == (fc.sessions_median is not None)
    assert fc.typical_reaches_goal == (fc.reach_percent >= 50)
    assert fc.target_percent == min(profile.goal_percent, 95)
    if fc.sessions_median is not None:
        low, high = fc.sessions_range
        assert 1 <= low <= fc.sessions_median <= high <= fc.max_sessions
        w_low, w_mid, w_high = fc.weeks_to_goal
        assert 0 <= w_low <= w_mid <= w_high
        assert w_high == (high - 1) * fc.usual_interval_weeks
    else:
        assert fc.weeks_to_goal is None


def chances(profile: PatientProfile) -> list[float]:
    return estimate(profile, max_sessions=20).prob_goal_by_session


def never_more_likely(a: PatientProfile, b: PatientProfile) -> None:
    """b's chance of the goal by any session is never above a's (a tiny numeric slack)."""
    for pa, pb in zip(chances(a), chances(b), strict=True):
        assert pb <= pa + 1e-6


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(0, 1))
def test_more_severe_never_more_likely(profile, step):
    if conditions()[profile.condition].graded_by_kirby_desai:
        return  # tattoo severity is the Kirby-Desai score, tested through skin type
    a = profile.model_copy(update={"severity": SEVERITY_ORDER[step]})
    b = profile.model_copy(update={"severity": SEVERITY_ORDER[step + 1]})
    never_more_likely(a, b)


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(1, 5))
def test_darker_skin_never_more_likely_and_never_less_pih(profile, fitz):
    a = profile.model_copy(update={"fitzpatrick": fitz})
    b = profile.model_copy(update={"fitzpatrick": fitz + 1})
    never_more_likely(a, b)
    assert estimate(b).pih_risk_percent >= estimate(a).pih_risk_percent


@settings(max_examples=200, deadline=None)
@given(profiles(), st.floats(1, 100), st.floats(1, 100))
def test_higher_goal_never_more_likely_and_pih_does_not_follow_the_goal(profile, g1, g2):
    low, high = sorted((g1, g2))
    a = profile.model_copy(update={"goal_percent": low})
    b = profile.model_copy(update={"goal_percent": high})
    never_more_likely(a, b)
    assert estimate(a).pih_risk_percent == estimate(b).pih_risk_percent


# Derandomized: a fault in a corner (a fast first session with a high goal, model
# 2026.12-8) was found by a random example on one run in many; CI must not pass or fail
# by chance. The examples are the same 200 on every run; the slow scan below searches
# the corners on a grid.
@settings(max_examples=200, deadline=None, derandomize=True)
@given(profiles(with_observations=False), st.integers(1, 8), st.floats(0, 100), st.floats(0, 100))
def test_better_response_never_less_likely(profile, session, y1, y2):
    """A better result at session s never lowers the chance of the goal by any session from s
    on. (Before s it may, by a hair: a higher result late can mean a higher ceiling reached
    more slowly, and the model lets rate and ceiling trade off.) The same trade-off, with the
    atypical patients and the grid, leaves differences of up to about 5e-5 from s on in most
    cases; the tolerance, 1e-4, is a hundredth of a point."""
    worse, better = sorted((y1, y2))

    def seen(y):
        return profile.model_copy(
            update={"observations": [Observation(session=session, improvement_percent=y)]})

    after = slice(session - 1, None)
    for pb, pw in zip(chances(seen(better))[after], chances(seen(worse))[after], strict=True):
        assert pb >= pw - 1e-4
    assert estimate(seen(better)).pih_risk_percent == estimate(seen(worse)).pih_risk_percent


def test_a_fast_first_session_never_lowers_the_chance_of_a_high_goal():
    """The case that found the fault (model 2026.12-8): an unusually fast first session was
    read as an atypical patient's, whose even ceilings stop some short of a high goal."""
    tattoo = PatientProfile(condition="tattoo", severity="mild", fitzpatrick=1,
                            goal_percent=95, laser="q-switched",
                            tattoo={"location": "distal_extremity", "colours": "black",
                                    "ink": "significant", "scarring": "significant",
                                    "layering": "cover_up"})

    def last_chance(y: float) -> float:
        seen = tattoo.model_copy(update={"observations": [
            Observation(session=1, improvement_percent=y)]})
        return estimate(seen).prob_goal_by_session[-1]

    assert last_chance(94) >= last_chance(52) - 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("cid", list(conditions()))
def test_a_better_early_session_never_lowers_a_later_chance_anywhere(cid):
    """The scan behind the test above, for every condition and laser: goals 50-95, the
    result after session 1 or 2 from 10 to 95 in steps of 5, every pair of results."""
    spec = conditions()[cid]
    tattoo = {"location": "distal_extremity", "colours": "black", "ink": "significant",
              "scarring": "significant", "layering": "cover_up"}
    for laser in ("picosecond", "q-switched") if spec.qswitched else ("picosecond",):
        for goal in (50, 75, 90, 95):
            extra = ({"tattoo": tattoo} if spec.graded_by_kirby_desai
                     else {"severity": "moderate"} if spec.severity
                     and "moderate" in spec.severity else {})
            profile = PatientProfile(condition=cid, fitzpatrick=3, goal_percent=goal,
                                     laser=laser, **extra)
            for session in (1, 2):
                rows = np.array([estimate(profile.model_copy(update={"observations": [
                    Observation(session=session, improvement_percent=y)]})
                ).prob_goal_by_session[session - 1:] for y in range(10, 100, 5)])
                # Each result's chances against those of every better result.
                worst = max((rows[i] - rows[i + 1:]).max() for i in range(len(rows) - 1))
                assert worst <= 1e-4, (laser, goal, session, worst)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_qswitched_never_more_likely_and_never_less_pih(data):
    cid = data.draw(st.sampled_from([c for c, s in conditions().items() if s.qswitched]))
    profile = data.draw(profiles(condition=cid, with_observations=False))
    pico = profile.model_copy(update={"laser": "picosecond"})
    qs = profile.model_copy(update={"laser": "q-switched"})
    never_more_likely(pico, qs)
    assert estimate(qs).pih_risk_percent >= estimate(pico).pih_risk_percent


# No cliffs: moving the goal by one point moves the chance by any session by at most 10
# points. Severity grades are meant to matter: a step may move it further where the
# evidence or a documented judgement says grades differ that much (data/conditions.toml,
# basis "response"), but never from likely to near-impossible.
SEVERITY_STEP_BASIS = {
    "cafe_au_lait": "C1: irregular borders 79% against smooth 31.5%",
    "acne_scars": "EVIDENCE: Goodman-Baron grade 4 scars do not flatten and respond less",
    "wrinkles": "EVIDENCE: Glogau IV (only wrinkles) responds least",
    "solar_lentigines": "judgement: numerous, merging spots clear more slowly",
    "melasma": "EVIDENCE: high mMASI or dermal melasma lowers the ceiling",
    "nevus_of_ota": "judgement: dark, extensive lesions need more sessions",
    "hori_nevus": "judgement: dark, confluent macules need more sessions",
    "pih": "judgement: dark, widespread PIH responds least",
}


@settings(max_examples=300, deadline=None)
@given(profiles(), st.floats(-1, 1))
def test_no_cliffs_when_the_goal_moves_one_point(profile, shift):
    """Over the goals the screen offers (10-100%). Recorded sessions near the goal rightly
    sharpen the forecast (the patient's own course is then known to within a few points),
    so with one or two recorded a point may move the chance up to 20 points; with more, the
    patient's own course decides and no limit is claimed."""
    profile = profile.model_copy(update={"goal_percent": max(profile.goal_percent, 10),
                                         "observations": profile.observations[:2]})
    goal = min(max(profile.goal_percent + shift, 10), 100)
    a, b = chances(profile), chances(profile.model_copy(update={"goal_percent": goal}))
    limit = 0.20 if profile.observations else 0.10
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= limit


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(0, 1))
def test_no_cliffs_between_severity_steps(profile, step):
    assume(not conditions()[profile.condition].graded_by_kirby_desai)
    a = chances(profile.model_copy(update={"severity": SEVERITY_ORDER[step]}))
    b = chances(profile.model_copy(update={"severity": SEVERITY_ORDER[step + 1]}))
    largest = max(abs(x - y) for x, y in zip(a, b, strict=True))
    assert largest <= (0.5 if profile.condition in SEVERITY_STEP_BASIS else 0.10)


@settings(max_examples=200, deadline=None)
@given(profiles(condition="tattoo", with_observations=False))
def test_no_cliffs_between_tattoo_colour_steps(profile):
    colours = ["black", "black_some_red", "black_red_other", "multicolour"]
    assert profile.tattoo is not None
    index = colours.index(profile.tattoo.colours)
    assume(index < len(colours) - 1)
    other = profile.tattoo.model_copy(update={"colours": colours[index + 1]})
    a = chances(profile)
    b = chances(profile.model_copy(update={"tattoo": other}))
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 0.5


def test_observations_change_the_forecast():
    base = PatientProfile(condition="hori_nevus", fitzpatrick=4, goal_percent=90)
    good = base.model_copy(
        update={"observations": [Observation(session=1, improvement_percent=70)]}
    )
    poor = base.model_copy(update={"observations": [Observation(session=1, improvement_percent=5)]})
    by_four = [estimate(p).prob_goal_by_session[3] for p in (good, base, poor)]
    assert by_four[0] > by_four[1] > by_four[2]


def test_poor_response_after_two_sessions_warns():
    profile = PatientProfile(
        condition="nevus_of_ota",
        fitzpatrick=3,
        goal_percent=90,
        observations=[
            Observation(session=1, improvement_percent=2),
            Observation(session=2, improvement_percent=4),
        ],
    )
    assert any("Review the diagnosis" in w for w in estimate(profile).warnings)


def test_a_result_at_the_goal_is_named_and_the_summary_says_its_session():
    """Recorded 80% at session 8 against a goal of 75: the chances still allow the
    assessment's error, so a caution says the goal is met as recorded; the summary's last
    line names session 8, not the count of results (2)."""
    from pico_widget.render.summary import sentences
    from pico_widget.render.templates import text_of

    seen = [Observation(session=1, improvement_percent=10),
            Observation(session=8, improvement_percent=80)]
    met = PatientProfile(condition="melasma", fitzpatrick=4, goal_percent=75, observations=seen)
    short = met.model_copy(update={"goal_percent": 85})
    assert estimate(met).cautions[0].code == "goal_recorded"
    assert "already meets the goal of 75%" in estimate(met).warnings[0]
    assert "goal_recorded" not in [c.code for c in estimate(short).cautions]
    assert text_of(sentences(met, estimate(met), "en")[-1]).endswith("up to session 8.")


def test_dark_skin_and_relapse_warnings():
    fc = estimate(PatientProfile(condition="melasma", fitzpatrick=6, goal_percent=30))
    text = " ".join(fc.warnings)
    assert "Skin type VI" in text and "returns after treatment stops" in text


def _level_off(warning: str) -> float:
    return float(re.search(r"half of them below (\d+)%", warning).group(1))


def test_goal_most_never_reach_says_how_many_and_where_they_level_off():
    fc = estimate(
        PatientProfile(condition="acne_scars", severity="severe", fitzpatrick=3, goal_percent=90)
    )
    assert fc.never_percent > 50 and fc.reach_percent < fc.never_percent
    assert f"About {round(fc.never_percent)} in 100 patients" in fc.warnings[0]
    assert "for atrophic acne scars with" in fc.warnings[0]
    # Nearly everyone levels off below 90% here: where they do is the usual ceiling.
    assert abs(_level_off(fc.warnings[0]) - fc.ceiling_percent) <= 2


@pytest.mark.parametrize("goal", [90, 99, 100])
def test_where_those_who_never_reach_level_off_is_their_own_ceiling(goal):
    """Cafe-au-lait macules (C4: 30% clear completely, a fifth hardly respond): some clear
    completely and the rest level off far lower, so the median of everyone falls between
    the groups; the warning names the second group's, for a goal above complete clearance
    (read as complete clearance) too. (Nevus of Ota served here until model 2026.12-7,
    where O11-all and O9-all took the share who never reach 90% below half.)"""
    fc = estimate(PatientProfile(condition="cafe_au_lait", fitzpatrick=4, goal_percent=goal))
    assert fc.never_percent >= 50
    assert "for cafe-au-lait macules with" in fc.warnings[0]
    level = _level_off(fc.warnings[0])
    assert level < 90 and level < fc.ceiling_percent - 10


def test_max_sessions_sets_the_horizon():
    profile = PatientProfile(condition="wrinkles", fitzpatrick=2, goal_percent=30)
    assert len(estimate(profile, max_sessions=20).prob_goal_by_session) == 20
    assert len(estimate(profile).improvement) == 12


def test_references_cite_the_condition_rows():
    fc = estimate(PatientProfile(condition="hori_nevus", fitzpatrick=4, goal_percent=80))
    keys = [r.key for r in fc.references]
    assert "H1" in keys and "H3" in keys and all(r.citation for r in fc.references)


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_clinic_band_is_ordered_bounded_and_gives_the_headline(profile):
    """The 80% band across clinics, per session: a band (low <= high) of shares, each end
    non-decreasing as sessions add up, and reach_band is its value at the headline's
    session (summary.headline: the range's top, else the horizon)."""
    fc = estimate(profile)
    band = fc.prob_goal_band
    assert len(band) == fc.max_sessions
    assert all(0.0 <= low <= high <= 1.0 for low, high in band)
    assert all(a[0] <= b[0] + 1e-12 and a[1] <= b[1] + 1e-12
               for a, b in itertools.pairwise(band))
    k = fc.sessions_range[1] if fc.sessions_range is not None else fc.max_sessions
    assert fc.reach_band == band[k - 1]


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False))
def test_a_patients_chance_lies_within_the_band_across_clinics(profile):
    """A patient's own chance mixes patient and clinic spread; the band is where the share
    lies at 8 clinics in 10. The mixture's mean sits inside that band (a point of slack for
    the band's logit-normal summary)."""
    fc = estimate(profile)
    for p, (low, high) in zip(fc.prob_goal_by_session, fc.prob_goal_band, strict=True):
        assert low - 0.02 <= p <= high + 0.02


@settings(max_examples=300, deadline=None)
@given(profiles(with_observations=False))
def test_one_meaning_of_typical(profile):
    """Issue 22: the headline's typical sessions and the curve's typical patient agree.
    sessions_median is where the curve's median line reaches the goal (within one session,
    the curve's percentiles being read to 1.25 points); when fewer than half reach it, the
    typical patient never does within the horizon and there is no typical count. Before any
    recorded result, which is when the headline first speaks of sessions."""
    fc = estimate(profile)
    medians = [b.median for b in fc.improvement]
    if fc.sessions_median is not None:
        assert fc.reach_percent >= 50 - 1e-6
        # Where the curve is flat near the goal, its 1.25 points of reading error span
        # sessions: the median line is within one session of the headline's, either side
        # of that reading error.
        beyond = len(medians) + 1
        early = next((i + 1 for i, m in enumerate(medians) if m >= fc.target_percent - 1.25),
                     beyond)
        late = next((i + 1 for i, m in enumerate(medians) if m >= fc.target_percent + 1.25),
                    beyond)
        assert early - 1 <= fc.sessions_median <= late + 1
    else:
        assert fc.reach_percent < 50
        assert medians[-1] <= fc.target_percent + 1.25


def _typical_sessions(profile: PatientProfile) -> int:
    """The headline's typical sessions as a rank: the count, then 'later' (past the horizon),
    then 'never' (most level off below the goal), then under 1 in 20 reaching it."""
    fc = estimate(profile)
    beyond = {"later": 1, "never": 2, "rare": 3}
    if fc.sessions_median is not None:
        return fc.sessions_median
    return fc.max_sessions + beyond[fc.typical_outcome]


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(1, 10))
def test_a_higher_goal_never_takes_fewer_typical_sessions(profile, step):
    """A patient who asks for more is never told it takes fewer sessions. Models 2026.12-8
    and -9 gave the median among those who reach the goal when fewer than half did:
    melasma, moderate, type III, goal 55, 12 sessions; goal 56, 5."""
    higher = profile.model_copy(update={"goal_percent": min(profile.goal_percent + step, 100)})
    assert _typical_sessions(higher) >= _typical_sessions(profile)


def test_the_headline_never_grows_quicker_as_the_goal_rises():
    """The case that found it (models 2026.12-8 and -9: melasma, moderate, type III, 12
    sessions and about 10 months for goal 55, 5 and 4 for goal 56), in the figures a patient
    reads, in every language: past the point where half reach the goal, the sessions and the
    time read 'N+', and past the point where most never do, words without a number."""
    def figures(goal: int, language: str) -> tuple[float, float]:
        profile = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=3,
                                 goal_percent=goal)
        shown = {f.key: f for f in answer(profile, estimate(profile), language).figures}
        months = wording("headline", "months_unit", language=language)

        def rank(figure) -> float:  # 'N+' is more than N, '~N' about N; words, more still
            number = re.fullmatch(r"[~约]?(\d+)(\+?)", figure.value)
            if number is None:
                return math.inf
            return (int(number.group(1)) + bool(number.group(2))) * (
                4.345 if figure.unit == months else 1.0)

        return rank(shown["sessions"]), rank(shown["time"])

    for language in LANGUAGES:
        seen = [figures(goal, language) for goal in range(40, 80, 2)]
        for (sessions, time), (more_sessions, more_time) in itertools.pairwise(seen):
            assert more_sessions >= sessions and more_time >= time, (language, seen)
        # The scan passes through all three: a count, 'N+' and words.
        assert seen[0][0] <= 12 and 13 in {s for s, _ in seen} and seen[-1][0] == math.inf
