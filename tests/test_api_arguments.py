"""The public functions take a profile as a model or a dict, and refuse a wrong argument
with pydantic's ValidationError naming it, never an AttributeError from deep inside."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pico_widget import PatientProfile, clinical_note, estimate, handout_html

MELASMA = {"condition": "melasma", "fitzpatrick": 4, "goal_percent": 75}


def test_a_dict_is_a_profile_to_every_public_function():
    profile = PatientProfile(**MELASMA)
    assert estimate(MELASMA) == estimate(profile)
    assert clinical_note(MELASMA, today="2026-12-08") == clinical_note(profile, today="2026-12-08")
    assert "Melasma" in handout_html(MELASMA)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: estimate("melasma"), "0"),
        (lambda: estimate(MELASMA, max_sessions=0), "max_sessions"),
        (lambda: estimate(MELASMA, max_sessions=2.5), "max_sessions"),
        (lambda: estimate(MELASMA, clinic="clinic.toml"), "clinic"),
        (lambda: clinical_note(None), "0"),
        (lambda: clinical_note(MELASMA, today="soon"), "today"),
        (lambda: clinical_note(MELASMA, effect={}), "effect"),
        (lambda: handout_html(MELASMA, clinic=3), "clinic"),
    ],
)
def test_a_wrong_argument_is_refused_by_name(call, argument):
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.errors()[0]["loc"][0] == (int(argument) if argument.isdigit()
                                                    else argument)


@pytest.mark.parametrize("other", [{"goal_percent": 50}, {"laser": "q-switched"},
                                   {"condition": "nevus_of_ota"}])
def test_a_forecast_for_another_case_is_refused(other):
    """A note or handout must never pair one case's inputs with another case's numbers."""
    forecast = estimate({**MELASMA, **other})
    for make in (clinical_note, handout_html):
        with pytest.raises(ValueError, match="another case"):
            make(MELASMA, forecast=forecast)
    assert clinical_note(MELASMA, forecast=estimate(MELASMA), today="2026-12-08") == \
        clinical_note(MELASMA, today="2026-12-08")
