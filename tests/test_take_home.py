"""Take-home outputs: clinical note, saved cases, teaching cases, and the widget's panel."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from pico_widget import PatientProfile, PicoWidget, conditions, estimate
from pico_widget.core.cases import (
    CaseFileError,
    SavedCase,
    load_case,
    read_case,
    save_case,
    teaching_cases,
)
from pico_widget.render.note import clinical_note
from pico_widget.render.summary import headline
from tests.strategies import profiles
from tests.widget_client import browser_sends, widgets_under

MELASMA = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=5,
                         goal_percent=50, observations=[{"session": 1,
                                                         "improvement_percent": 10}])


def test_note_states_the_forecast():
    note = clinical_note(MELASMA)
    fc = estimate(MELASMA)
    top = headline(fc)
    assert f"about {top.reach} reach the goal by session {top.session}" in note
    assert "Inputs: Melasma, Moderate: mMASI 5 to 10; Fitzpatrick V; Picosecond laser" in note
    assert "Response recorded: S1 10%." in note
    assert f"about {fc.pih_risk_percent:.0f}%" in note
    low, high = (round(100 * b) for b in fc.prob_goal_band[top.session - 1])
    assert f"between about {low} and {high} in 100 reach it by session {top.session}" in note
    for warning in fc.warnings:
        assert f"- {warning}" in note
    assert f"Model {fc.model_version}." in note
    assert "<" not in note


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_saved_cases_round_trip_exactly(profile):
    assert load_case(save_case(profile)) == profile
    assert load_case(save_case(profile).encode()) == profile


def _tampered(**changes) -> str:
    body = json.loads(save_case(MELASMA))
    for key, value in changes.items():
        if key == "profile_extra":
            body["profile"] |= value
        else:
            body[key] = value
    return json.dumps(body)


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("not json at all", "not a pico-widget case (it is not valid JSON)"),
        ("[1, 2]", "This file is not a pico-widget case."),
        ('{"format": "something else"}', "This file is not a pico-widget case."),
        (_tampered(version=99), "made by a different version or was edited"),
        (_tampered(name="Jane Doe"), "made by a different version or was edited"),
        (_tampered(profile_extra={"patient_name": "Jane"}), "This case file has a problem:"),
        (_tampered(profile_extra={"fitzpatrick": 9}),
         "Fitzpatrick skin type must be a whole number from 1 to 6; got 9."),
        (_tampered(profile_extra={"goal_percent": "NaN"}), "The goal must be a number"),
        ("x" * 200_000, "too large"),
        (_tampered(course_id="Jane Doe"), "This file is not a pico-widget case."),
        (_tampered(course_id=12), "This file is not a pico-widget case."),
    ],
)
def test_bad_case_files_are_refused_with_a_sentence(text, sentence):
    with pytest.raises(CaseFileError) as caught:
        load_case(text)
    assert sentence in str(caught.value)


def test_a_saved_case_carries_its_course_id_and_old_files_still_open():
    course_id = "0123456789abcdef" * 2
    saved = read_case(save_case(MELASMA, course_id))
    assert saved == SavedCase(MELASMA, course_id)
    assert read_case(save_case(MELASMA)) == SavedCase(MELASMA, None)  # an older file
    with pytest.raises(ValueError):
        save_case(MELASMA, "not-a-course-id")


def test_saved_case_holds_no_identifiers():
    body = json.loads(save_case(MELASMA))
    assert set(body) == {"format", "version", "profile"}
    assert set(body["profile"]) == set(PatientProfile.model_fields)


def test_teaching_cases_cover_every_condition_and_forecast():
    cases = teaching_cases()
    assert {c.profile.condition for c in cases} == set(conditions())
    for case in cases:
        assert case.title and case.point
        fc = estimate(case.profile)
        assert fc.prob_goal_by_session
    assert any(c.profile.tattoo is not None and estimate(c.profile).kirby_desai for c in cases)
    assert any(not estimate(c.profile).goal_reachable for c in cases)


def upload(w: PicoWidget, text: str) -> None:
    """A file chosen in the browser's upload button, delivered as the front end sends it."""
    w.take_home.upload._handle_custom_msg(
        {"type": "open", "size": len(text.encode()), "text": text}, [])


class Sent:
    def __init__(self, saver):
        self.messages = []
        saver.send = self.messages.append


def test_widget_exports_and_imports_a_case():
    w = PicoWidget(MELASMA)
    sent = Sent(w.take_home.saver)
    w.take_home.save_case()
    saved = sent.messages[-1]
    assert saved["filename"] == "pico-case.json"
    other = PicoWidget()
    upload(other, saved["text"])
    assert other.profile == MELASMA
    assert other.message == ""
    assert other.forecast == estimate(MELASMA)


def test_widget_refuses_a_tampered_upload_and_keeps_the_forecast():
    w = PicoWidget()
    before = w.forecast
    upload(w, _tampered(version=2))
    assert "made by a different version or was edited" in w.message
    assert w.forecast == before


def test_widget_handout_asks_for_no_name_and_note_follows_the_forecast():
    w = PicoWidget(MELASMA)
    fields = [c for c in widgets_under(w.take_home).values()
              if isinstance(c, widgets.Text)]
    assert not fields, "the take-home panel has no free-text field to type a name into"
    sent = Sent(w.take_home.saver)
    w.take_home.save_handout()
    page = sent.messages[-1]["text"]
    assert 'Prepared for <span class="blank"></span>' in page  # a line to write on by hand
    w.take_home.show_note()
    assert w.take_home.note.value == clinical_note(MELASMA)
    assert w.take_home.copy.text == w.take_home.note.value
    w.profile = MELASMA.model_copy(update={"goal_percent": 40})
    assert w.take_home.note.value == clinical_note(w.profile)


def test_dashboard_teaching_case_picker_loads_cases_and_refuses_unknown_ones():
    from pico_widget.ui.dashboard import Dashboard

    d = Dashboard()
    assert d.cases.index == 0  # "Choose a teaching case..." shows, not an empty box
    case = teaching_cases()[3]
    browser_sends(d.cases, index=4)  # after "Choose a teaching case..."
    assert d.widget.profile == case.profile
    assert case.point in d.point.value
    browser_sends(d.cases, index=99)
    assert "that teaching case is not on offer" in d.widget.message
    assert d.widget.profile == case.profile


def test_markup_in_an_uploaded_case_is_shown_as_text_and_runs_nothing():
    w = PicoWidget(MELASMA)
    attack = "<img src=x onerror=alert(1)>"
    upload(w, _tampered(profile_extra={"condition": attack}))
    assert attack in w.message  # the sentence quotes the value...
    shown = w.take_home.problem.value  # beside the upload button, where the eye is
    assert "<img" not in shown  # ...but the page receives it as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert w.form.error.value == ""  # said once, not also at the top
    assert w.profile == MELASMA


def test_a_case_file_problem_shows_beside_the_upload_in_plain_names():
    w = PicoWidget(MELASMA)
    upload(w, _tampered(profile_extra={"condition": "hori_nevus_2"}))
    shown = w.take_home.problem.value
    assert "Hori" in shown and "Nevus of Ota" in shown  # the conditions by their names
    assert "hori_nevus," not in shown and "solar_lentigines" not in shown
    assert w.form.error.value == "" and w.profile == MELASMA
    w.profile = MELASMA.model_copy(update={"goal_percent": 40})  # the next good input
    assert w.take_home.problem.value == "" and w.message == ""


def test_the_note_carries_device_settings_per_session_when_given():
    from pico_widget.render.note import clinical_note as note

    profile = PatientProfile.model_validate(MELASMA.model_dump() | {"observations": [
        {"session": 1, "improvement_percent": 20}, {"session": 2, "improvement_percent": 30}]})
    text = note(profile, settings={2: {"wavelength_nm": 1064, "fluence_j_cm2": 0.8},
                                   1: {"spot_mm": 8}})
    assert "Device settings: S1: 8 mm spot; S2: 1064 nm and 0.8 J/cm2." in text
    assert "Device settings" not in note(profile)  # optional: no line without them
    chinese = note(profile, language="zh-Hans", settings={1: {"spot_mm": 8}})
    assert "设备参数" in chinese and "光斑 8 mm" in chinese
    with pytest.raises(ValidationError):
        note(profile, settings={1: {"wavelength_nm": 5}})
    with pytest.raises(ValidationError):
        note(profile, settings={1: {"patient": "Aisha"}})  # nothing else is kept
