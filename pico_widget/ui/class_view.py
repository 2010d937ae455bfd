"""Side by side: up to four cases in columns for a class, each with its headline and chart.

Why: a trainer on a projector compares cases ("the same nevus at skin type III and V",
"picosecond or Q-switched") and the widget shows one case at a time (the pinned case is a
dashed line on its chart). Here each case the trainer adds keeps its own column, a Lesson
(teaching.py) drawn by the same pieces as the widget (answer_html, improvement_figure,
PlotlyView), so the numbers are the widget's. Every column is drawn on the same sessions
and percent (render/slides.py), so a 20-session tattoo course and a 12-session melasma
course read on one scale. In teaching mode each column's answer waits behind "Reveal".
The whole view exports as one slide. A case is kept only while the page is open.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ..core.cases import teaching_cases
from ..core.catalogue import conditions
from ..core.forecast import estimate
from ..core.models import Forecast, PatientProfile
from ..i18n.wording import teaching_words, wording
from ..render.chart_key import chart_key_html
from ..render.fragments import class_heading_html
from ..render.slides import slide
from ..render.summary import case_name
from .slides import SlideSaver
from .state import ScreenState
from .teaching import Lesson

MOST = 4  # a projector's 1920 px hold four readable columns


@dataclass(frozen=True)
class Case:
    """A case in a column: its profile, its forecast (made once: a language switch only
    rewords it) and, for a teaching case, its index (its title is worded in the language
    on screen when drawn) and whether it compares the lasers."""

    profile: PatientProfile
    forecast: Forecast
    teaching: int | None = None
    compare: bool = False
    horizon: int = 12  # the sessions its chart needs (the other laser's too, compared)


class ClassView(widgets.VBox):
    """The columns, and a heading with buttons that export or clear them; hidden while
    empty unless teaching. It words itself in `state`'s language; `on_change()` after a
    case comes or goes."""

    def __init__(self, state: ScreenState,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self._state, self._on_change = state, on_change
        self.cases: list[Case] = []
        self.lessons: list[Lesson] = []
        self.teaching = False
        self._made = 0  # columns made so far: each chart's name in the page is its own
        self._heading = widgets.HTML()
        self._png = widgets.Button(icon="image", layout=widgets.Layout(width="auto"))
        self._png.add_class("pico-class-png")
        self._png.on_click(lambda _b: self.export("png"))
        self._pdf = widgets.Button(icon="file-pdf-o", layout=widgets.Layout(width="auto"))
        self._pdf.add_class("pico-class-pdf")
        self._pdf.on_click(lambda _b: self.export("pdf"))
        self._clear = widgets.Button(icon="times", layout=widgets.Layout(width="auto"))
        self._clear.on_click(lambda _b: self.clear())
        self.saver = SlideSaver()
        top = widgets.HBox([self._heading, self._png, self._pdf, self._clear, self.saver])
        top.add_class("pico-class-top")
        self._key = widgets.HTML()  # the columns' lines named once (render/chart_key.py)
        self._key.add_class("pico-class-key")
        self._columns = widgets.Box()
        self._columns.add_class("pico-class-columns")
        super().__init__([top, self._key, self._columns],
                         layout=widgets.Layout(display="none"))
        self.add_class("pico-class")
        state.observe(self._respoken, "language")

    def _respoken(self, _change: Any) -> None:
        self.word()

    @property
    def full(self) -> bool:
        return len(self.cases) >= MOST

    def showing(self, profile: PatientProfile) -> bool:
        """Whether `profile` has a column already (a second one would repeat it)."""
        return any(c.profile == profile for c in self.cases)

    @property
    def horizon(self) -> int:
        """The sessions every column shows: the longest course on view (the other laser's
        too, where a column compares them)."""
        return max((c.horizon for c in self.cases), default=12)

    def add(self, profile: PatientProfile, teaching: int | None = None,
            compare: bool | None = None) -> bool:
        """Add a column for `profile` (False when the view is full or already shows it). A
        teaching case compares the lasers when its title promises so, unless told."""
        if self.full or self.showing(profile):
            return False
        if compare is None:
            compare = teaching is not None and teaching_cases()[teaching].compare_lasers
        compare = compare and bool(conditions()[profile.condition].qswitched)
        effect = self._state.effect  # the clinic's own band, as the widget shows it
        forecast = estimate(profile, clinic=effect)
        horizon = forecast.max_sessions
        if compare:
            other = "q-switched" if profile.laser == "picosecond" else "picosecond"
            horizon = max(horizon, estimate(profile.model_copy(update={"laser": other}),
                                            clinic=effect).max_sessions)
        self.cases.append(Case(profile, forecast, teaching, compare, horizon))
        self.lessons.append(self._lesson())
        self._columns.children = self.lessons
        self.draw()
        return True

    def remove(self, lesson: Lesson) -> None:
        index = self.lessons.index(lesson)
        del self.cases[index]
        del self.lessons[index]
        self._columns.children = self.lessons
        lesson.close()
        self.draw()

    def clear(self) -> None:
        self.cases, old, self.lessons = [], self.lessons, []
        self._columns.children = []
        for lesson in old:
            lesson.close()
        self.draw()

    def teach(self, on: bool) -> None:
        """Teaching mode on (every answer covered, guesses and steps offered) or off."""
        self.teaching = on
        for lesson in self.lessons:
            lesson.teach(on)
        self.draw()

    def draw(self) -> None:
        """Every column again after a case came or went (the axes follow the longest)."""
        self.word()
        self.layout.display = None if self.cases or self.teaching else "none"
        self._keyed()
        self._on_change()

    def word(self) -> None:
        """Every word of the view in the language on screen, into the same widgets (a
        language switch makes none and forecasts nothing)."""
        label = wording("labels", language=self._state.language)
        say = wording("teaching", language=self._state.language)
        heading = label["class_title"].format(n=len(self.cases), most=MOST)
        if self.teaching and not self.cases:
            heading = f"{heading}. {say['class_empty']}"
        self._heading.value = class_heading_html(heading)
        self._clear.description = label["class_clear"]
        self._png.description, self._pdf.description = say["class_png"], say["class_pdf"]
        self._exportable()
        horizon = self.horizon
        for case, lesson in zip(self.cases, self.lessons, strict=True):
            lesson.show(case.profile, case.forecast, self.title(case), case.compare,
                        horizon)
            lesson.extra[0].description = label["remove"]

    def _keyed(self) -> None:
        """The key for the charts on show (a column's guesses or results add their line)."""
        shown = [lesson.drawn for lesson in self.lessons if lesson.drawn is not None]
        key = chart_key_html(shown, self._state.language)
        if self._key.value != key:
            self._key.value = key

    def _exportable(self) -> None:
        """The view saves as a slide once a column's answer shows (covered ones stay out)."""
        self._png.disabled = self._pdf.disabled = all(lesson.covered
                                                      for lesson in self.lessons)

    def title(self, case: Case) -> str:
        """A teaching case's title, else the case described, in the language on screen."""
        language = self._state.language
        if case.teaching is not None:
            source = teaching_cases()[case.teaching]
            return teaching_words(case.teaching, source.title, source.point, language)[0]
        return case_name(case.profile, language)

    def export(self, kind: str) -> None:
        """The columns shown (a covered one is left out) as one slide, PNG or PDF."""
        language = self._state.language
        panels = [(html.escape(lesson.title or ""), lesson.words(), lesson.figure())
                  for lesson in self.lessons if not lesson.covered]
        if not panels:
            return
        heading = wording("labels", "class_title", language=language).format(
            n=len(panels), most=MOST)  # the cases on the slide, not the covered ones
        self.saver.export(slide(panels, html.escape(heading), language), kind,
                          wording("teaching", "class_file", language=language))

    def _lesson(self) -> Lesson:
        """A new column; `word` fills it."""
        remove = widgets.Button(icon="trash", layout=widgets.Layout(width="auto"))
        self._made += 1
        lesson = Lesson(self._state, f"class-{self._made}", covering=self.teaching,
                        extra=(remove,), keyed=True, on_reveal=self._exportable,
                        on_drawn=self._keyed)
        remove.on_click(lambda _b: self.remove(lesson))
        lesson.add_class("pico-class-case")
        return lesson
