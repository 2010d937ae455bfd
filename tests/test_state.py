"""The screen's one state: a forecast per edit, and traits a notebook can observe and link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pico_widget.core.forecast as forecast_module
from pico_widget.ui.widget import PicoWidget
from tests.widget_client import browser_sends


@pytest.fixture
def estimates(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the forecasts made, however estimate() was imported: each makes one case's
    spread once (core/forecast.py)."""
    made: list[int] = []
    original = forecast_module.spread_for

    def counted(case):  # type: ignore[no-untyped-def]
        made.append(1)
        return original(case)

    monkeypatch.setattr(forecast_module, "spread_for", counted)
    yield made


def test_an_edit_forecasts_once_with_the_note_open(estimates: list[int]) -> None:
    w = PicoWidget()
    w.take_home.show_note()
    estimates.clear()
    browser_sends(w.form.goal, value=60)
    assert w.profile.goal_percent == 60
    assert "60" in w.take_home.note.value
    assert len(estimates) == 1


def test_the_handout_and_the_note_draw_the_forecast_on_screen(estimates: list[int]) -> None:
    w = PicoWidget()
    estimates.clear()
    w.take_home.show_note()
    w.take_home.save_handout()
    assert estimates == []


def test_a_notebook_observes_the_forecast_of_a_profile_it_sets() -> None:
    from pico_widget.core.forecast import estimate

    w = PicoWidget()
    heard: list[tuple[str, object]] = []
    w.observe(lambda change: heard.append((change.name, change.new)), ["profile", "forecast"])
    other = w.profile.model_copy(update={"goal_percent": 55})
    w.profile = other
    assert [name for name, _ in heard] == ["forecast", "profile"]  # the forecast is ready
    assert heard[0][1] == estimate(other) == w.forecast
    assert w.form.goal.value == 55


def test_linked_widgets_share_one_language() -> None:
    import traitlets

    from pico_widget.i18n.wording import wording

    first, second = PicoWidget(), PicoWidget()
    traitlets.link((first, "language"), (second, "language"))
    forecast = second.forecast
    first.language = "ms"
    assert second.language == "ms"
    handout = wording("labels", "handout", language="ms")
    assert second.take_home.handout_button.description == handout
    assert second.form.headings["goal"].value != PicoWidget().form.headings["goal"].value
    assert second.forecast is forecast  # words only: nothing forecast again
    with pytest.raises(ValueError, match="language must be one of"):
        first.language = "fr"
    assert first.language == second.language == "ms"


def test_a_case_set_from_outside_is_not_the_recorded_course() -> None:
    from pico_widget.core.models import Observation

    w = PicoWidget()
    w.profile = w.profile.model_copy(
        update={"observations": [Observation(session=1, improvement_percent=30)]})
    w.course_id = "c0ffee"  # recorded, or opened from a case file
    browser_sends(w.form.goal, value=70)  # the doctor's edit: the same course
    assert w.course_id == "c0ffee"
    w.profile = w.profile.model_copy(update={"fitzpatrick": 5})
    assert w.course_id is None


def test_a_case_file_without_a_course_is_not_the_course_on_screen() -> None:
    from pico_widget.core.cases import SavedCase
    from pico_widget.core.models import Observation

    w = PicoWidget()
    seen = w.profile.model_copy(
        update={"observations": [Observation(session=1, improvement_percent=30)]})
    w.open_saved(SavedCase(profile=seen, course_id="c0ffee"))
    assert (w.profile, w.course_id) == (seen, "c0ffee")
    w.open_saved(SavedCase(profile=seen, course_id=None))
    assert w.course_id is None
