"""Properties every forecast must have, over random valid profiles."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import profiles

from pico_widget import Observation, PatientProfile, conditions, estimate

SEVERITY_ORDER = ["mild", "moderate", "severe"]
INFINITE = math.inf


def sessions_needed(profile: PatientProfile) -> float:
    """Median sessions, with 'never within 60' as infinity so comparisons stay total."""
    median = estimate(profile, max_sessions=60).sessions_median
    return INFINITE if median is None else median


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
def test_bands_ordered_and_under_ceiling(profile):
    fc = estimate(profile)
    for band in fc.improvement:
        assert 0 <= band.low <= band.median <= band.high <= fc.ceiling_percent
    medians = [b.median for b in fc.improvement]
    assert medians == sorted(medians)


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_summary_numbers_agree(profile):
    fc = estimate(profile)
    assert fc.goal_reachable == (profile.goal_percent < fc.ceiling_percent)
    assert 0 <= fc.pih_risk_percent <= 100
    if fc.sessions_median is not None:
        assert fc.prob_goal_by_session[fc.sessions_median - 1] >= 0.5 - 1e-9
        low, high = fc.sessions_range
        assert low <= fc.sessions_median <= high
        w_low, w_mid, w_high = fc.weeks_to_goal
        assert 0 <= w_low <= w_mid <= w_high
    if not fc.goal_reachable:
        assert fc.sessions_median is None and fc.weeks_to_goal is None
        assert any("beyond what this treatment usually achieves" in w for w in fc.warnings)


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(0, 2))
def test_more_severe_never_needs_fewer_sessions(profile, step):
    if conditions()[profile.condition].graded_by_kirby_desai:
        return  # tattoo severity is the Kirby-Desai score, tested below
    lighter = SEVERITY_ORDER[min(step, 1)]
    heavier = SEVERITY_ORDER[min(step, 1) + 1]
    a = profile.model_copy(update={"severity": lighter})
    b = profile.model_copy(update={"severity": heavier})
    assert sessions_needed(b) >= sessions_needed(a)


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(1, 5))
def test_darker_skin_never_needs_fewer_sessions(profile, fitz):
    a = profile.model_copy(update={"fitzpatrick": fitz})
    b = profile.model_copy(update={"fitzpatrick": fitz + 1})
    assert sessions_needed(b) >= sessions_needed(a)


@settings(max_examples=200, deadline=None)
@given(profiles(), st.floats(1, 99), st.floats(1, 99))
def test_higher_goal_never_needs_fewer_sessions(profile, g1, g2):
    low, high = sorted((g1, g2))
    a = profile.model_copy(update={"goal_percent": low})
    b = profile.model_copy(update={"goal_percent": high})
    assert sessions_needed(b) >= sessions_needed(a)


@settings(max_examples=200, deadline=None)
@given(profiles(with_observations=False), st.integers(1, 8), st.floats(0, 100), st.floats(0, 100))
def test_better_response_never_needs_more_sessions(profile, session, y1, y2):
    worse, better = sorted((y1, y2))

    def seen(y):
        return profile.model_copy(
            update={"observations": [Observation(session=session, improvement_percent=y)]}
        )

    assert sessions_needed(seen(better)) <= sessions_needed(seen(worse))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_picosecond_never_needs_more_than_qswitched(data):
    cid = data.draw(st.sampled_from(["tattoo", "nevus_of_ota", "hori_nevus"]))
    profile = data.draw(profiles(condition=cid, with_observations=False))
    pico = profile.model_copy(update={"laser": "picosecond"})
    qs = profile.model_copy(update={"laser": "q-switched"})
    assert sessions_needed(pico) <= sessions_needed(qs)


def test_observations_change_the_forecast():
    base = PatientProfile(condition="hori_nevus", fitzpatrick=4, goal_percent=90)
    good = base.model_copy(
        update={"observations": [Observation(session=1, improvement_percent=70)]}
    )
    poor = base.model_copy(update={"observations": [Observation(session=1, improvement_percent=5)]})
    assert sessions_needed(good) < sessions_needed(base) < sessions_needed(poor)


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


def test_dark_skin_and_relapse_warnings():
    fc = estimate(PatientProfile(condition="melasma", fitzpatrick=6, goal_percent=30))
    text = " ".join(fc.warnings)
    assert "Skin type VI" in text and "returns after treatment stops" in text


def test_unreachable_goal_names_the_ceiling():
    fc = estimate(
        PatientProfile(condition="acne_scars", severity="severe", fitzpatrick=3, goal_percent=90)
    )
    assert not fc.goal_reachable and fc.sessions_median is None and fc.sessions_range is None
    assert f"about {fc.ceiling_percent:.0f}%" in fc.warnings[0]


def test_max_sessions_sets_the_horizon():
    profile = PatientProfile(condition="wrinkles", fitzpatrick=2, goal_percent=30)
    assert len(estimate(profile, max_sessions=20).prob_goal_by_session) == 20
    assert len(estimate(profile).improvement) == 12


def test_references_cite_the_condition_rows():
    fc = estimate(PatientProfile(condition="hori_nevus", fitzpatrick=4, goal_percent=80))
    keys = [r.key for r in fc.references]
    assert "H1" in keys and "H3" in keys and all(r.citation for r in fc.references)
