"""The same forecast in five views, one tap apart: curve, chance, 100 people, words, evidence.

Why only the visible view is drawn: every control change would otherwise send and repaint
charts and HTML nobody sees. Each view remembers that it is out of date and is brought up
to date when it is chosen, so switching never shows a stale forecast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from ..core.models import Forecast, PatientProfile
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..render import charts
from ..render.band_source import BandSource
from ..render.forest import forest_html
from ..render.fragments import panel_html
from ..render.summary import (
    compared_icons_html,
    icon_array_html,
    references_html,
    summary_html,
)
from . import controls
from .plotly_view import PlotlyView


@dataclass(frozen=True)
class Shown:
    """What every view is a view of."""

    profile: PatientProfile
    forecast: Forecast
    compare: charts.Compare = None
    language: str = DEFAULT_LANGUAGE
    band: BandSource = field(default_factory=BandSource)  # whose band; the studies' too?


def curve(state: Shown) -> dict[str, Any]:
    return charts.improvement_figure(state.forecast, state.profile.observations,
                                     state.language, state.compare)


def chance(state: Shown) -> dict[str, Any]:
    return charts.probability_figure(state.forecast, state.language, state.compare,
                                     state.band.studies)


def icons(state: Shown) -> str:
    if state.compare is not None:
        return panel_html("pico-icon-view", compared_icons_html(state.forecast, state.compare,
                                                                state.language))
    return panel_html("pico-icon-view", icon_array_html(state.forecast, state.language))


def words(state: Shown) -> str:
    return panel_html("pico-summary",
                      summary_html(state.profile, state.forecast, state.language,
                                   state.compare))


def evidence(state: Shown) -> str:
    """The studies behind the forecast; with the clinic's own band, first the chart of
    this clinic among them (render/forest.py)."""
    forest = forest_html(state.forecast.condition, state.band.effect, state.language)
    return forest + references_html(state.forecast, state.language, open=True)


def chart_label(figure: dict[str, Any], language: str) -> str:
    """A chart's accessible name: its title and subtitle, and where its numbers are in words."""
    title = figure["layout"].get("title", {})
    text = ". ".join(t for t in (title.get("text", ""),
                                 title.get("subtitle", {}).get("text", "")) if t)
    return str(wording("charts", "chart_alt", language=language)).format(
        title=text, words=wording("views", "words", language=language))


class ResultViews(widgets.VBox):
    """A segmented control over one panel per view; only the chosen panel is ever updated."""

    def __init__(self) -> None:
        self.charts = {"curve": PlotlyView(name="improvement"),
                       "chance": PlotlyView(name="probability")}
        self.pages = {key: widgets.HTML(layout=widgets.Layout(width="100%"))
                      for key in ("icons", "words", "evidence")}
        self._draw: dict[str, Callable[[Shown], Any]] = {
            "curve": curve, "chance": chance, "icons": icons, "words": words,
            "evidence": evidence}
        self.panels: dict[str, widgets.Widget] = {**self.charts, **self.pages}
        self.choice = controls.ToggleButtons(options=[(key, key) for key in self._draw],
                                             tooltips=[], style={"button_width": "auto"})
        self.choice.add_class("pico-views")
        self.choice.on_edit = lambda _control: self.choose(self.visible)
        self._state: Shown | None = None
        self._stale = set(self.panels)
        self._unhide(self.visible)
        super().__init__([self.choice, *self.panels.values()])
        self.add_class("pico-view-stack")
        self.word(DEFAULT_LANGUAGE)

    def word(self, language: str) -> None:
        """The views' names in `language`; the drawn view is redrawn by the next `show`
        (its words are part of the drawing)."""
        labels = wording("views", language=language)
        self.choice.relabel([(labels[key], key) for key in self._draw])
        for chart in self.charts.values():
            chart.ended_message = str(wording("errors", "session_ended", language=language))

    @property
    def visible(self) -> str:
        return str(self.choice.value)

    def show(self, state: Shown) -> None:
        """A new forecast: draw the visible view now, the others when they are chosen."""
        self._state = state
        self._stale = set(self.panels)
        self._refresh(self.visible)

    def choose(self, key: str) -> None:
        """Show view `key`, brought up to date before it is unhidden, so its old content
        never shows: the browser marks the chart as being redrawn before it appears."""
        self.choice.value = key
        self._refresh(key)
        self._unhide(key)

    def _unhide(self, key: str) -> None:
        for name, panel in self.panels.items():
            panel.layout.display = None if name == key else "none"

    def _refresh(self, key: str) -> None:
        if self._state is None or key not in self._stale:
            return
        self._stale.discard(key)
        content = self._draw[key](self._state)
        label = chart_label(content, self._state.language) if key in self.charts else ""
        if key in self.charts:
            self.charts[key].show(content, label)
        else:
            self.pages[key].value = content
