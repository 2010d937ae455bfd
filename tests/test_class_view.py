"""Side by side for a class: up to four cases in columns, each drawn with the widget's own
headline and chart, worded in the language on screen (issue 23, projector mode)."""

from __future__ import annotations

import pytest
from markupsafe import escape

from pico_widget import estimate
from pico_widget.core.cases import teaching_cases
from pico_widget.i18n.wording import wording
from pico_widget.render.charts import improvement_figure
from pico_widget.render.headline import answer, answer_html
from pico_widget.render.slides import keyed, shared_axes, untitled
from pico_widget.ui.class_view import MOST
from pico_widget.ui.dashboard import Dashboard
from tests.widget_client import browser_sends


def add(d: Dashboard, index: int | None, **update) -> None:
    if index is not None:  # as a tap in the menu would (its first entry is "none")
        browser_sends(d.cases, index=index + 1)
    if update:
        d.widget.profile = d.widget.profile.model_copy(update=update)
    d.add_to_class()


def test_cases_join_columns_up_to_four():
    d = Dashboard(language="en")
    assert d.class_view.layout.display == "none"  # nothing to show yet
    cases = teaching_cases()
    for index in range(MOST):
        add(d, index)
        assert len(d.class_view.lessons) == index + 1
    assert d.class_view.layout.display is None
    assert d.class_add.disabled and d.class_view.full
    assert not d.class_view.add(cases[MOST].profile)  # a fifth is refused
    column = d.class_view.lessons[0]
    heading, chart = column.heading, column.chart
    assert cases[0].title in heading.value
    fc = estimate(cases[0].profile)
    assert answer_html(answer(cases[0].profile, fc, "en")) in heading.value
    horizon = max(estimate(c.profile).max_sessions for c in cases[:MOST])
    # The column's chart names its lines in the view's key, not in a legend of its own.
    assert chart.figure == keyed(untitled(shared_axes(
        improvement_figure(fc, cases[0].profile.observations, "en"), horizon)), "en")
    assert chart.figure["layout"]["showlegend"] is False
    assert chart.label  # a name for a screen reader
    key = d.class_view._key.value
    assert all(escape(name) in key for name in (
        "Typical patient", "Shaded: 8 in 10 patients", wording("charts", "goal_key",
                                                               language="en")))
    column.extra[0].click()
    assert len(d.class_view.cases) == MOST - 1
    assert [c.teaching for c in d.class_view.cases] == [1, 2, 3]
    # The case on screen (the fourth) still has its column: the button says so.
    assert d.class_add.disabled and d.class_add.description == "Already side by side"
    d.class_view.clear()
    assert d.class_view.cases == [] and d.class_view.layout.display == "none"
    assert not d.class_add.disabled and d.class_add.description == "Add to side by side"
    assert d.class_view._key.value == ""


def test_an_edited_case_is_named_by_its_inputs_and_not_added_twice():
    d = Dashboard(language="en")
    add(d, 0)
    add(d, None, fitzpatrick=5)  # edited: no longer the teaching case
    assert d.class_add.disabled and d.class_add.description == "Already side by side"
    add(d, None)  # the same case again
    assert len(d.class_view.cases) == 2
    assert d.class_view.cases[1].teaching is None
    assert "skin type V" in d.class_view.lessons[1].heading.value


def test_columns_follow_the_language_in_the_same_widgets(monkeypatch):
    d = Dashboard(language="en")
    add(d, 0)
    add(d, None, fitzpatrick=5)
    columns = [(c, *c.children) for c in d.class_view.lessons]
    import pico_widget.ui.class_view as module
    import pico_widget.ui.lesson_steps as steps

    monkeypatch.setattr(module, "estimate", lambda *_a: pytest.fail("forecast again"))
    monkeypatch.setattr(steps, "estimate", lambda *_a: pytest.fail("forecast again"))
    browser_sends(d.language_choice, index=1)  # 中文
    assert [(c, *c.children) for c in d.class_view.lessons] == columns
    heading = d.class_view.lessons[0].heading.value
    assert "次" in heading and "并排比较" in d.class_view._heading.value
    assert "皮肤类型V" in d.class_view.lessons[1].heading.value
    assert d.class_view.lessons[0].extra[0].description == wording(
        "labels", "remove", language="zh-Hans")
    assert d.class_add.description == wording("labels", "class_added", language="zh-Hans")


def test_a_case_name_keeps_the_capital_of_q_switched():
    """Inside a phrase 'Picosecond' reads 'picosecond', but 'q-switched' is a misspelling."""
    from pico_widget import PatientProfile
    from pico_widget.render.summary import case_name

    profile = PatientProfile(condition="melasma", fitzpatrick=6, goal_percent=50)
    assert case_name(profile, "en") == "Melasma, skin type VI, picosecond, goal 50%"
    qswitched = profile.model_copy(update={"laser": "q-switched"})
    assert "VI, Q-switched, goal" in case_name(qswitched, "en")
