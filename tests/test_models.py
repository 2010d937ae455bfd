"""Bad input is refused with a sentence a clinician understands."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pico_widget import Observation, PatientProfile, TattooDetails, estimate
from pico_widget.i18n.problems import explain

BLACK_ARM = {"location": "proximal_extremity", "colours": "black", "ink": "moderate"}


def profile(**changes):
    values = {
        "condition": "hori_nevus",
        "severity": "moderate",
        "fitzpatrick": 4,
        "goal_percent": 75,
    } | changes
    return PatientProfile(**values)


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"condition": "freckle"}, "Unknown condition 'freckle'. Choose one of: solar_lentigines"),
        ({"fitzpatrick": 7}, "Fitzpatrick skin type must be a whole number from 1 to 6; got 7."),
        ({"fitzpatrick": 0}, "Fitzpatrick skin type must be a whole number from 1 to 6; got 0."),
        ({"fitzpatrick": 2.5}, "Fitzpatrick skin type must be a whole number from 1 to 6"),
        ({"goal_percent": 0}, "The goal must be a number from 1 to 100; got 0."),
        # A fraction for a percent: the slider's least goal is 1%, and so is the model's.
        ({"goal_percent": 0.75}, "The goal must be a number from 1 to 100; got 0.75."),
        ({"goal_percent": 150}, "The goal must be a number from 1 to 100; got 150."),
        ({"goal_percent": float("nan")}, "The goal must be a number from 1 to 100; got nan."),
        ({"severity": "extreme"}, "Severity must be one of: mild, moderate, severe"),
        ({"laser": "co2"}, "Laser must be one of: picosecond, q-switched"),
        ({"condition": "tattoo"}, "A tattoo forecast needs the Kirby-Desai details"),
        (
            {"condition": "melasma", "tattoo": BLACK_ARM},
            "Tattoo details were given, but the condition is melasma.",
        ),
        (  # the condition as it reads mid-sentence, proper names kept
            {"condition": "hori_nevus", "tattoo": BLACK_ARM},
            "Tattoo details were given, but the condition is Hori's nevus (ABNOM).",
        ),
        ({"condition": "acne_scars", "laser": "q-switched"}, "no Q-switched evidence for atrophic"),
        (
            {
                "observations": [
                    {"session": 2, "improvement_percent": 30},
                    {"session": 1, "improvement_percent": 20},
                ]
            },
            "Observations must be in session order; session 1 comes after session 2.",
        ),
        (
            {
                "observations": [
                    {"session": 1, "improvement_percent": 30},
                    {"session": 1, "improvement_percent": 40},
                ]
            },
            "Session 1 was recorded twice",
        ),
    ],
)
def test_invalid_profiles_are_explained(changes, sentence):
    with pytest.raises(ValidationError) as caught:
        profile(**changes)
    assert sentence in explain(caught.value, "en")


@pytest.mark.parametrize(
    ("session", "improvement", "sentence"),
    [
        (0, 30, "The session number must be a whole number from 1 to 60; got 0."),
        (1, 130, "The improvement seen must be a number from 0 to 100; got 130."),
        (1, -5, "The improvement seen must be a number from 0 to 100; got -5."),
        ("two", 30, "The session number must be a whole number from 1 to 60; got 'two'."),
    ],
)
def test_invalid_observations_are_explained(session, improvement, sentence):
    with pytest.raises(ValidationError) as caught:
        Observation(session=session, improvement_percent=improvement)
    assert sentence in explain(caught.value, "en")


def test_invalid_tattoo_choice_is_explained():
    with pytest.raises(ValidationError) as caught:
        TattooDetails(location="elbow", colours="black", ink="moderate")
    assert "Tattoo location must be one of: head_neck" in explain(caught.value, "en")


def test_profiles_are_values():
    p = profile()
    with pytest.raises(ValidationError):
        p.fitzpatrick = 5  # frozen: a profile on screen is never half-edited
    assert p == profile() and p.model_copy(update={"fitzpatrick": 5}) != p


def test_max_sessions_is_validated():
    with pytest.raises(ValidationError):
        estimate(profile(), max_sessions=0)


def test_no_identifier_fields():
    fields = set(PatientProfile.model_fields)
    assert fields == {
        "condition",
        "severity",
        "fitzpatrick",
        "goal_percent",
        "laser",
        "tattoo",
        "observations",
    }
    with pytest.raises(ValidationError):
        profile(name="Jane Doe")
