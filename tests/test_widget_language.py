"""The widget and dashboard in each language; switching changes the words, not the case."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from ipywidgets.widgets.widget import _instances

from pico_widget import PatientProfile, PicoWidget, estimate
from pico_widget.i18n.problems import caution_sentence
from pico_widget.i18n.wording import wording
from pico_widget.ui.dashboard import Dashboard
from tests.widget_client import browser_sends, widgets_under

PROFILE = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                         goal_percent=75, observations=[{"session": 1,
                                                         "improvement_percent": 20}])
# A few words each language's headline, summary and charts must use.
KNOWN = {
    "en": {"headline": ["sessions", "in 100"], "words": ["patients like this"]},
    "zh-Hans": {"headline": ["次", "100人中"], "words": ["位这样的患者", "太田痣"]},
    "ms": {"headline": ["sesi", "daripada 100"], "words": ["pesakit seperti ini", "Nevus Ota"]},
}


def numbers(w: PicoWidget) -> dict:
    return w.forecast.model_dump()


def titles_and_legends(w: PicoWidget) -> tuple[str, str, list[str]]:
    figure = w.views.charts["curve"].figure
    return (figure["layout"]["title"]["text"], figure["layout"]["xaxis"]["title"]["text"],
            [t["name"] for t in figure["data"]])


@pytest.mark.parametrize("language", list(KNOWN))
def test_widget_speaks_its_language(language):
    w = PicoWidget(PROFILE, language=language)
    assert w.language == language
    for word in KNOWN[language]["headline"]:
        assert word in w.headline.value
    title, axis, legend = titles_and_legends(w)
    say = wording("charts", language=language)
    assert (title, axis) == (say["improvement_title"], say["session_axis"])
    # A long entry is on more lines (charts.legend_lines): read it as one line.
    assert {say["median"], say["observed"], say["band"]} <= {
        name.replace(say["line_break"], " ") for name in legend}
    browser_sends(w.views.choice, index=list(wording("views", language="en")).index("words"))
    for word in KNOWN[language]["words"]:
        assert word in w.views.pages["words"].value
    browser_sends(w.views.choice, index=list(wording("views", language="en")).index("chance"))
    assert w.views.charts["chance"].figure["layout"]["title"]["text"] == say["probability_title"]
    assert w.form.condition.label.endswith(KNOWN[language]["words"][-1]) or language == "en"
    ended = wording("errors", "session_ended", language=language)
    assert w.views.charts["curve"].ended_message == ended


def test_switching_keeps_the_case_the_forecast_and_the_view():
    w = PicoWidget(PROFILE)
    browser_sends(w.views.choice, index=list(wording("views", language="en")).index("chance"))
    browser_sends(w.form.compare_box, value=True)
    before_profile, before = w.profile, numbers(w)
    for language in ("zh-Hans", "ms", "en"):
        w.language = language
        assert w.profile == before_profile
        assert numbers(w) == before
        assert w.views.visible == "chance"
        assert w.form.compare_box.value is True
        assert w.views.charts["chance"].figure["layout"]["title"]["text"] == wording(
            "charts", "probability_title", language=language)
        # The compared laser is still drawn.
        assert len(w.views.charts["chance"].figure["data"]) == 3
    assert w.forecast == estimate(PROFILE)


def test_switching_changes_words_in_place_and_never_reruns_the_forecast(monkeypatch):
    """The same widgets (no comm opened or closed), the same forecast object, new words."""
    w = PicoWidget(PROFILE)
    browser_sends(w.views.choice, index=list(wording("views", language="en")).index("chance"))
    tree = widgets_under(w)
    live, forecast = len(_instances), w.forecast
    import pico_widget.ui.state as module

    monkeypatch.setattr(module, "estimate", lambda *_a, **_k: pytest.fail("re-ran estimate"))
    for language in ("zh-Hans", "ms", "en", "zh-Hans"):
        w.language = language
        assert widgets_under(w).keys() == tree.keys()
        assert len(_instances) == live
        assert w.forecast is forecast
        assert w.form.laser.label == wording("lasers", PROFILE.laser, language=language)
        assert w.views.choice.label == wording("views", "chance", language=language)
        assert w.views.charts["chance"].figure["layout"]["title"]["text"] == wording(
            "charts", "probability_title", language=language)
    assert all(widget.comm is not None for widget in tree.values())
    monkeypatch.undo()
    browser_sends(w.form.goal, value=60)  # the controls still answer
    assert w.profile.goal_percent == 60


def test_relabelling_is_not_an_edit():
    """New words for the same choices keep each control's value and send no edit."""
    w = PicoWidget(PROFILE.model_copy(update={"laser": "q-switched"}))
    edits: list[Any] = []
    for control in w.form.case_controls():
        control.on_edit = edits.append
    w.language = "ms"
    assert edits == []
    assert (w.form.condition.value, w.form.severity.value, w.form.laser.value) == (
        "nevus_of_ota", "moderate", "q-switched")


def test_controls_after_a_switch_answer_in_the_new_language():
    """Callbacks run in the widget's language, not the module's default."""
    w = PicoWidget(PROFILE, language="ms")
    browser_sends(w.form.fitzpatrick, index=5)  # type VI: the dark-skin caution appears
    assert w.profile.fitzpatrick == 6
    assert "Jenis kulit VI mempunyai risiko" in w.cautions.value
    assert "Untuk nevus Ota, jenis kulit VI" in w.headline.value
    assert ">sessions<" not in w.headline.value
    assert w.forecast == estimate(w.profile)
    browser_sends(w.form.goal, value=150)
    assert w.message and w.profile.goal_percent == 75
    w.pin()
    assert any(name.startswith("Disemat: Nevus Ota") for name in
               (t["name"] for t in w.views.charts["curve"].figure["data"]))
    w.language = "zh-Hans"
    assert any(name.startswith("已固定：太田痣") for name in  # noqa: RUF001
               (t["name"] for t in w.views.charts["curve"].figure["data"]))


def test_note_is_english_unless_the_doctor_asks_for_the_patients_language():
    w = PicoWidget(PROFILE, language="zh-Hans")
    w.take_home.show_note()
    assert "Forecast:" in w.take_home.note.value
    browser_sends(w.take_home.note_language, value=True)
    assert "预测：" in w.take_home.note.value  # noqa: RUF001
    assert PicoWidget(PROFILE).take_home.note_language.layout.display == "none"


def test_dashboard_language_control_switches_everything_but_the_case():
    d = Dashboard(PROFILE)
    control = d.language_choice
    assert list(control.options) == [("English", "en"), ("中文", "zh-Hans"),
                                      ("Bahasa Melayu", "ms")]
    before = numbers(d.widget)
    browser_sends(control, index=1)
    assert d.widget.language == "zh-Hans"
    assert wording("tagline", language="zh-Hans") in d.header.value
    assert d.model_button.description == "这些数字是怎么算出来的"
    assert numbers(d.widget) == before and d.widget.profile == PROFILE
    browser_sends(d.model_button, value=True)
    assert "模型说明和参考文献只有英文版。" in d.model_page.value


def test_dashboard_opens_in_the_clinics_language(monkeypatch):
    monkeypatch.setenv("PICO_WIDGET_LANGUAGE", "ms")
    d = Dashboard()
    assert d.widget.language == "ms" and d.language_choice.value == "ms"
    assert "sesi" in d.widget.headline.value
    with pytest.raises(ValueError):
        PicoWidget(language="xx")


def test_teaching_cases_follow_the_language():
    d = Dashboard()
    browser_sends(d.cases, index=3)  # "Melasma, modest goal"
    chosen = d.widget.profile
    assert "Melasma, modest goal." in d.point.value
    browser_sends(d.language_choice, index=2)
    assert d.cases.label == "Melasma, matlamat pudar separuh"
    assert "Matlamat sederhana adalah realistik" in d.point.value
    assert d.widget.profile == chosen


@pytest.mark.parametrize(("language", "words"), [("zh-Hans", "必须是1到6之间的整数"),
                                                  ("ms", "mestilah nombor bulat")])
def test_a_refused_value_is_explained_in_the_widget_language(language, words):
    w = PicoWidget(language=language)
    before = w.profile
    w._submit(before.model_dump() | {"fitzpatrick": 9})
    assert words in w.message and w.profile == before


def test_the_servers_own_pages_speak_the_clinics_language(monkeypatch):
    """`pico-widget serve --language ms`: the busy page and the page's notices (shown when no
    kernel is there to speak) are in Malay too, as is a new dashboard."""
    from pico_widget.server.gate import busy_page
    from pico_widget.server.serve import page_config
    from pico_widget.settings import LANGUAGE_ENV

    monkeypatch.setenv(LANGUAGE_ENV, "ms")
    page = busy_page()
    assert 'lang="ms"' in page and wording("service", "busy", language="ms") in page
    assert wording("service", "busy", language="ms") != wording("service", "busy", language="en")
    text = page_config({})["picoText"]
    assert text["ended"] == wording("errors", "session_ended", language="ms")
    assert text["slow"] == wording("service", "slow", language="ms")
    assert Dashboard().widget.language == "ms"


def test_a_forged_choice_is_refused_in_the_widgets_language():
    w = PicoWidget(PROFILE, language="ms")
    before = w.profile
    browser_sends(w.form.condition, index=99)
    assert w.message == wording("errors", "not_on_offer", language="ms").format(value="99")
    assert w.profile == before


def test_switching_language_rewords_without_forecasting_again(monkeypatch):
    """The forecast holds no words, so a language switch has nothing to recompute."""
    w = PicoWidget(PROFILE)
    before = w.forecast
    calls = []
    monkeypatch.setattr("pico_widget.ui.state.estimate",
                        lambda *a, **k: calls.append(a) or estimate(*a, **k))
    w.language = "ms"
    assert calls == []
    assert w.forecast is before
    assert escape(caution_sentence(before.cautions[-1], "ms")) in w.cautions.value


@pytest.mark.parametrize(("language", "label"), [
    ("en", "Clear (75%)"), ("zh-Hans", "明显淡化\uff0875%\uff09"), ("ms", "Pudar ketara (75%)")])
def test_goal_buttons_are_worded_by_each_language(language, label):
    """A goal button is the language's own pattern (full-width brackets in Chinese), its
    percentage written by Babel, not an English f-string."""
    w = PicoWidget(PROFILE, language=language)
    assert label in [button.description for button in w.form.presets.values()]
