"""What a stored course may hold: bad values are refused with a sentence, never stored."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pico_widget.i18n.problems import explain
from pico_widget.outcomes.record import CourseRecord
from tests.outcomes_helpers import course, course_data


def refusal(**change) -> str:
    with pytest.raises(ValidationError) as caught:
        CourseRecord.model_validate(course_data(**change))
    return explain(caught.value, "en")


def one_session(**values) -> list[dict]:
    return [{"session": 1, "improvement_percent": 20, "pih": False, "month": "2025-01",
             **values}]


def test_a_valid_course_keeps_its_values():
    record = course(count=3)
    assert [s.improvement_percent for s in record.sessions] == [15, 30, 45]
    assert record.profile().observations[-1].improvement_percent == 45


@pytest.mark.parametrize(("change", "words"), [
    ({"sessions": one_session(improvement_percent=150)},
     "The improvement seen must be a number from 0 to 100; got 150."),
    ({"sessions": one_session(session=0)},
     "The session number must be a whole number from 1 to 60; got 0."),
    ({"condition": "acne"}, "Unknown condition 'acne'."),
    ({"severity": None}, "needs its severity"),
    ({"course_id": "123"}, "32-character code"),
    ({"sessions": one_session(pih="maybe")}, "PIH followed session 1 must be yes or no"),
    ({"sessions": one_session(month="2025-13")}, "must be written year-month"),
    ({"sessions": one_session(month="2025-03-14")}, "must be written year-month"),
    ({"sessions": one_session(month="\u0662\u0660\u0662\u0665-01")}, "must be written"),
    ({"sessions": one_session(month="2999-01")}, "from 2000 to this month"),
    ({"sessions": []}, "at least one session"),
    ({"sessions": one_session(device={"fluence_j_cm2": 80})}, "fluence_j_cm2"),
    ({"sessions": one_session() + one_session()}, "Session 1 was recorded twice"),
])
def test_bad_values_are_refused_with_a_sentence(change, words):
    assert words in refusal(**change)


@pytest.mark.parametrize("change", [
    {"condition": "<b>melasma</b>"},
    {"severity": "<script>alert(1)</script>"},
    {"sessions": one_session(month="<i>2025-01</i>")},
    {"tattoo": {"location": "x&y"}},
])
def test_markup_in_any_field_is_refused_without_echoing_it(change):
    sentence = refusal(**change)
    assert "must be a plain value" in sentence
    assert "<" not in sentence.replace("<, >", "")


def test_nothing_identifying_has_a_place():
    """Extra fields (a name, a note) are refused, not dropped silently."""
    assert "not permitted" in refusal(patient_name="Ann Lee")
    assert "not permitted" in refusal(sessions=one_session(note="felt fine"))


def test_months_go_forward_with_the_sessions():
    sessions = [*one_session(month="2025-05"),
                {"session": 2, "improvement_percent": 30, "pih": False, "month": "2025-02"}]
    assert refusal(sessions=sessions) == (
        "Session 2 is in 2025-02, before the session before it (2025-05).")


def test_a_tattoo_has_its_details_and_no_severity():
    tattoo = {"location": "upper_trunk", "colours": "black", "ink": "moderate"}
    record = course(condition="tattoo", severity=None, tattoo=tattoo)
    assert record.tattoo is not None and record.severity is None
    assert "not a severity" in refusal(condition="tattoo", tattoo=tattoo)
    assert "Kirby-Desai details" in refusal(condition="tattoo", severity=None)
