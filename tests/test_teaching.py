"""Teaching mode (issue 33): a class guesses before the answer shows, steps through a course
and sees every case on the same axes; a case or the class view saves as a slide."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pico_widget import PatientProfile, PicoWidget, estimate
from pico_widget.core.cases import teaching_cases
from pico_widget.i18n.wording import wording
from pico_widget.render.headline import answer, answer_html
from pico_widget.render.slides import SLIDE_HEIGHT, SLIDE_WIDTH, session_step
from pico_widget.ui.dashboard import Dashboard
from pico_widget.ui.teaching import MAX_GUESSES, read_guesses
from tests.widget_client import browser_sends

CASES = {case.title: index for index, case in enumerate(teaching_cases())}
OTA = "Nevus of Ota, picosecond or Q-switched"
HORI = "Hori's nevus after two slow sessions"
TATTOO = "Multicolour cover-up tattoo on the ankle"


def class_with(*titles: str) -> Dashboard:
    d = Dashboard(language="en")
    d.teach(True)
    for title in titles:
        browser_sends(d.cases, index=CASES[title] + 1)
        d.add_to_class()
    return d


def names(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"]]


def test_guesses_are_a_few_whole_sessions_on_the_chart():
    assert read_guesses(" 6, 4 8;4", 12).sessions == [4, 4, 6, 8]
    for bad in ("four", "0", "13", "4.5", "", ", ".join(["3"] * (MAX_GUESSES + 1))):
        with pytest.raises(ValidationError):
            read_guesses(bad, 12)
    assert read_guesses("20", 20).sessions == [20]


def test_the_answer_waits_for_the_reveal_and_the_guesses_are_drawn_after():
    d = class_with("Melasma, modest goal")
    lesson = d.class_view.lessons[0]
    profile = teaching_cases()[CASES["Melasma, modest goal"]].profile
    fc = estimate(profile)
    shown = answer_html(answer(profile, fc, "en"))
    assert d.widget.layout.display == "none"  # the class view alone
    assert lesson.covered and shown not in lesson.heading.value
    assert "hidden until the class has guessed" in lesson.heading.value
    assert lesson.chart.layout.display == "none" and lesson.png.disabled
    browser_sends(lesson.guess, value="4, 6 6")
    assert lesson.guesses == (4, 6, 6) and lesson.guess.value == "4, 6, 6"
    assert lesson.covered  # guessing reveals nothing
    lesson.reveal.click()
    assert not lesson.covered and shown in lesson.heading.value
    assert lesson.chart.layout.display is None
    guessed = lesson.chart.figure["data"][-1]
    assert guessed["name"] == wording("teaching", "guesses", language="en")
    assert guessed["x"] == [4, 6] and guessed["y"] == [fc.goal_percent] * 2
    assert guessed["text"] == ["", "2"]  # two guessed 6


def test_a_bad_guess_gets_a_sentence_and_changes_nothing():
    d = class_with("Melasma, modest goal")
    lesson = d.class_view.lessons[0]
    browser_sends(lesson.guess, value="4, 6")
    lesson.uncover()
    before = lesson.chart.figure
    browser_sends(lesson.guess, value="<b>four</b>, 99")
    assert lesson.guesses == (4, 6) and lesson.guess.value == "4, 6"
    assert lesson.chart.figure == before
    assert "whole numbers of sessions from 1 to 12" in lesson.problem.value
    assert "<b>four" not in lesson.problem.value
    browser_sends(lesson.guess, value="5")
    assert lesson.problem.value == "" and lesson.guesses == (5,)
    lesson.teach(True)
    browser_sends(lesson.guess, value="lots")
    assert lesson.problem.value
    lesson.uncover()  # the field is put away with the guesses: so is its sentence
    assert lesson.problem.value == "" and lesson.guess_row.layout.display == "none"


def test_next_session_draws_the_course_so_far_and_the_forecast_after_each_result():
    d = class_with(HORI)
    lesson = d.class_view.lessons[0]
    lesson.uncover()
    profile = teaching_cases()[CASES[HORI]].profile
    lesson.next.click()
    assert lesson.step == 1
    assert all(x <= 1 for trace in lesson.chart.figure["data"] for x in trace["x"])
    after_one = profile.model_copy(update={"observations": profile.observations[:1]})
    assert answer_html(answer(after_one, estimate(after_one), "en")) in lesson.heading.value
    before = estimate(profile.model_copy(update={"observations": []}))
    from pico_widget.render.summary import headline

    note = lesson.note.value
    assert "Session 1 of 12: 5% seen" in note
    assert f"before it: {headline(before).reach} in 100" in note
    assert f"{headline(estimate(after_one)).reach} in 100 reach the goal" in note
    lesson.next.click()
    lesson.next.click()  # session 3: no result recorded there
    assert lesson.step == 3 and "the typical patient has improved" in lesson.note.value
    assert answer_html(answer(profile, estimate(profile), "en")) in lesson.heading.value
    for _ in range(12 - 3):
        lesson.next.click()
    assert lesson.step == 12
    lesson.next.click()
    assert lesson.step is None and lesson.note.value == ""  # the whole course again
    # "Whole course" leaves the steps from any of them, and shows only while stepping.
    assert lesson.whole.layout.display == "none"
    lesson.next.click()
    lesson.next.click()
    assert lesson.whole.layout.display is None and "Session 2 of 12" in lesson.words()
    lesson.whole.click()
    assert lesson.step is None and lesson.whole.layout.display == "none"


def test_columns_share_their_axes_and_ticks_never_crowd():
    d = class_with("Melasma, modest goal", TATTOO, OTA, HORI)
    horizon = max(estimate(teaching_cases()[CASES[t]].profile).max_sessions
                  for t in ("Melasma, modest goal", TATTOO, OTA, HORI))
    assert horizon > 12  # the tattoo's course is longer
    for lesson in d.class_view.lessons:
        lesson.uncover()
    axes = {(tuple(lesson.chart.figure["layout"]["xaxis"]["range"]),
             lesson.chart.figure["layout"]["xaxis"]["dtick"],
             tuple(lesson.chart.figure["layout"]["yaxis"]["range"]))
            for lesson in d.class_view.lessons}
    assert axes == {((-0.3, horizon + 0.3), session_step(horizon), (0, 102))}
    assert session_step(horizon) in (2, 5)
    ota = d.class_view.lessons[2]
    assert any("Q-switched" in n for n in names(ota.chart.figure))  # as its title promises
    assert not any("Q-switched" in n for n in names(d.class_view.lessons[0].chart.figure))


def test_a_case_and_the_class_save_as_slides_at_projector_size():
    d = class_with("Melasma, modest goal", OTA)
    sent: list[dict] = []
    first, second = d.class_view.lessons
    first.saver.send = d.class_view.saver.send = sent.append
    first.export("png")
    assert sent == []  # a covered answer is not exported
    assert d.class_view._pdf.disabled
    first.uncover()
    assert not d.class_view._pdf.disabled
    first.export("png")
    d.class_view.export("pdf")
    case, whole = sent
    assert case["kind"] == "png" and case["filename"] == "pico-case-slide.png"
    assert whole["kind"] == "pdf" and whole["filename"] == "pico-class-slide.pdf"
    for message in sent:
        assert (message["width"], message["height"]) == (SLIDE_WIDTH, SLIDE_HEIGHT)
        assert message["figure"]["layout"]["width"] == SLIDE_WIDTH
    # the class slide holds only the revealed column, and its heading counts only it
    assert {t["xaxis"] for t in whole["figure"]["data"]} == {"x"}
    assert "1 of 4" in whole["figure"]["layout"]["annotations"][0]["text"]
    second.uncover()
    d.class_view.export("png")
    assert {t["xaxis"] for t in sent[-1]["figure"]["data"]} == {"x", "x2"}
    # A case's own slide runs to its own last session, not to the longest on view.
    second.export("png")
    ota = estimate(teaching_cases()[CASES[OTA]].profile)
    assert sent[-1]["figure"]["layout"]["xaxis"]["range"][1] == ota.max_sessions + 0.3


def test_class_mode_off_shows_every_answer_and_the_widget_again():
    d = class_with("Melasma, modest goal")
    d.teach(False)
    lesson = d.class_view.lessons[0]
    assert not lesson.covered and lesson.guess_row.layout.display == "none"
    assert d.widget.layout.display is None


def test_picowidget_in_class_mode_covers_each_new_case():
    w = PicoWidget(mode="class")
    assert w.lesson is not None and w.lesson.covered
    w.lesson.uncover()
    assert answer_html(answer(w.profile, w.forecast, "en")) in w.lesson.heading.value
    w.language = "ms"  # the same case: still revealed, in Malay
    assert not w.lesson.covered and w.lesson.reveal.description == "Dedahkan"
    w.profile = PatientProfile(condition="melasma", fitzpatrick=3, goal_percent=50)
    assert w.lesson.covered  # a new case: the class guesses again
    with pytest.raises(ValueError, match="mode"):
        PicoWidget(mode="lecture")
