"""Side by side: up to four cases in columns for a class, each with its headline and chart.

Why: a trainer on a projector compares cases ("the same nevus at skin type III and V",
"picosecond or Q-switched") and the widget shows one case at a time (the pinned case is a
dashed line on its chart). Here each case the trainer adds keeps its own column, drawn by
the same pieces as the widget (answer_html, improvement_figure, PlotlyView), so the numbers
are the widget's. On a 1920 px projector the columns sit in one row with the projector's
type sizes; on a tablet they wrap. A case is kept only while the page is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ..core.cases import teaching_cases
from ..core.forecast import estimate
from ..core.models import Forecast, PatientProfile
from ..i18n.wording import speaking, teaching_words, wording
from ..render.charts import improvement_figure
from ..render.fragments import class_case_html, class_heading_html
from ..render.headline import answer, answer_html
from ..render.summary import case_name
from .plotly_view import PlotlyView
from .state import ScreenState
from .views import chart_label

MOST = 4  # a projector's 1920 px hold four readable columns


@dataclass(frozen=True)
class Case:
    """A case in a column: its profile, its forecast (made once: a language switch only
    rewords it) and, for a teaching case, its index (its title is worded in the language
    on screen when drawn)."""

    profile: PatientProfile
    forecast: Forecast
    teaching: int | None = None


class ClassView(widgets.VBox):
    """The columns, and a heading with a button that clears them; hidden while empty.
    It words itself in `state`'s language; `on_change()` after a case comes or goes."""

    def __init__(self, state: ScreenState,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self._state, self._on_change = state, on_change
        self.cases: list[Case] = []
        self._heading = widgets.HTML()
        self._clear = widgets.Button(icon="times", layout=widgets.Layout(width="auto"))
        self._clear.on_click(lambda _b: self.clear())
        top = widgets.HBox([self._heading, self._clear])
        top.add_class("pico-class-top")
        self._columns = widgets.Box()
        self._columns.add_class("pico-class-columns")
        super().__init__([top, self._columns], layout=widgets.Layout(display="none"))
        self.add_class("pico-class")
        state.observe(self._respoken, "language")

    def _respoken(self, _change: Any) -> None:
        self.word()

    @property
    def full(self) -> bool:
        return len(self.cases) >= MOST

    def add(self, profile: PatientProfile, teaching: int | None = None) -> bool:
        """Add a column for `profile` (False when the view is full or already shows it)."""
        if self.full or any(c.profile == profile for c in self.cases):
            return False
        self.cases.append(Case(profile, estimate(profile), teaching))
        self.draw()
        return True

    def remove(self, index: int) -> None:
        del self.cases[index]
        self.draw()

    def clear(self) -> None:
        self.cases = []
        self.draw()

    def draw(self) -> None:
        """The columns again after a case came or went, in the language on screen."""
        old = list(self._columns.children)
        self._columns.children = [self._column(i) for i in range(len(self.cases))]
        for column in old:  # each part is a comm held open in kernel and browser
            for part in column.children:
                part.close()
            column.close()
        self.word()
        self.layout.display = None if self.cases else "none"
        self._on_change()

    def word(self) -> None:
        """Every word of the view in the language on screen, into the same widgets (a
        language switch makes none and forecasts nothing)."""
        with speaking(self._state.language):
            label = wording("labels")
            self._heading.value = class_heading_html(
                label["class_title"].format(n=len(self.cases), most=MOST))
            self._clear.description = label["class_clear"]
            for case, column in zip(self.cases, self._columns.children, strict=True):
                heading, chart, remove = column.children
                if case.teaching is not None:
                    source = teaching_cases()[case.teaching]
                    title = teaching_words(case.teaching, source.title, source.point)[0]
                else:
                    title = case_name(case.profile)
                heading.value = class_case_html(
                    title, answer_html(answer(case.profile, case.forecast)))
                figure = improvement_figure(case.forecast, case.profile.observations)
                chart.show(figure, chart_label(figure))
                chart.ended_message = str(wording("errors", "session_ended"))
                remove.description = label["remove"]

    def _column(self, index: int) -> widgets.VBox:
        """Column `index`'s widgets; `word` fills them."""
        remove = widgets.Button(icon="trash", layout=widgets.Layout(width="auto"))
        remove.on_click(lambda _b, i=index: self.remove(i))
        column = widgets.VBox([widgets.HTML(), PlotlyView(name=f"class-{index + 1}"), remove])
        column.add_class("pico-class-case")
        return column
