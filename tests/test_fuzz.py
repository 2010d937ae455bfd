"""Bad input everywhere: random and extreme values only ever raise ValidationError."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pico_widget import PatientProfile, conditions, estimate
from pico_widget.core.models import TATTOO_OPTIONS
from pico_widget.i18n.problems import explain
from tests.strategies import profiles

anything = st.one_of(
    st.none(), st.booleans(), st.text(max_size=30), st.binary(max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "NaN", "inf", "-1", "1e309", "Ⅳ", "melasma\x00", "🙂", "0x10"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)
near_valid = {
    "condition": st.one_of(st.sampled_from(list(conditions())), anything),
    "severity": st.one_of(st.sampled_from(["mild", "moderate", "severe"]), anything),
    "fitzpatrick": st.one_of(st.integers(0, 7), anything),
    "goal_percent": st.one_of(st.floats(-10, 110), anything),
    "laser": st.one_of(st.sampled_from(["picosecond", "q-switched"]), anything),
    "tattoo": st.one_of(st.none(), st.fixed_dictionaries(
        {k: st.one_of(st.sampled_from(v), anything) for k, v in TATTOO_OPTIONS.items()}),
        anything),
    "observations": st.one_of(st.lists(st.fixed_dictionaries(
        {"session": st.one_of(st.integers(-2, 70), anything),
         "improvement_percent": st.one_of(st.floats(-5, 105), anything)}), max_size=4),
        anything),
}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional=near_valid), st.dictionaries(
    st.text(max_size=8), anything, max_size=2))
def test_only_validation_errors_escape(raw, extra):
    try:
        profile = PatientProfile.model_validate(raw | extra)
    except ValidationError as error:
        sentence = explain(error, "en")
        assert sentence and "Traceback" not in sentence
        return
    fc = estimate(profile)
    assert all(math.isfinite(p) and 0 <= p <= 1 for p in fc.prob_goal_by_session)


@settings(max_examples=300, deadline=None)
@given(profiles(), st.integers(1, 60))
def test_valid_forecasts_are_finite_and_ordered(profile, horizon):
    fc = estimate(profile, max_sessions=horizon)
    assert len(fc.prob_goal_by_session) == fc.max_sessions
    assert all(a <= b + 1e-12 for a, b in zip(fc.prob_goal_by_session,
                                              fc.prob_goal_by_session[1:], strict=False))
    for band in fc.improvement:
        assert all(math.isfinite(v) for v in (band.low, band.median, band.high))
        assert 0 <= band.low <= band.median <= band.high <= 100
    assert math.isfinite(fc.pih_risk_percent) and 0 <= fc.pih_risk_percent <= 100
