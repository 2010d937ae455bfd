"""Teaching mode: one case as a class meets it. Guess first, reveal, then step through.

Why: a trainer asked the class "how many sessions?" while the answer was already on the
projector. Here the answer (headline, curve, chance) stays covered until the trainer taps
"Reveal"; the class's guesses, typed as a few numbers, are drawn against the forecast once
it shows. "Next session" then walks the course one session at a time: the curve drawn up
to that session and, where the case has recorded results, the forecast as it stood after
each (the headline follows, and a line says how the chance moved). The forecasts are the
widget's own (estimate, improvement_figure, answer); nothing here computes a number.

A Lesson is a column of the class view (class_view.py) and the answer of
PicoWidget(mode="class"). It holds the lesson's state (covered, guesses, step); the case
comes from its owner through `show`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ..core.catalogue import conditions
from ..core.models import Forecast, PatientProfile
from ..i18n.wording import wording
from ..render.charts import Figure, improvement_figure
from ..render.fragments import class_case_html, covered_html, message_html
from ..render.headline import answer, answer_html
from ..render.slides import keyed, shared_axes, untitled, up_to
from ..render.summary import headline
from ..render.templates import sentence, text_of
from . import controls
from .lesson_steps import LessonSteps
from .plotly_view import PlotlyView
from .slides import SlideSaver
from .state import ScreenState
from .views import chart_label

MODES = ("consult", "class")  # PicoWidget(mode=...): a consultation, or a class's lesson
MAX_GUESSES = 8  # a few numbers: a show of hands, not a survey
GUESS_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: apart from the forecast's colours


class Guesses(BaseModel):
    """The class's guesses of the sessions this case needs to reach its goal, each a whole
    session within the chart (the horizon comes as validation context)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    sessions: list[int] = Field(min_length=1, max_length=MAX_GUESSES)

    @field_validator("sessions")
    @classmethod
    def _on_the_chart(cls, sessions: list[int], info: ValidationInfo) -> list[int]:
        horizon = (info.context or {}).get("horizon", 12)
        if any(not 1 <= s <= horizon for s in sessions):
            raise ValueError("off the chart")
        return sorted(sessions)


def read_guesses(text: str, horizon: int) -> Guesses:
    """'4, 6 8' -> Guesses([4, 6, 8]); raises ValidationError for anything else."""
    parts = [p for p in re.split(r"[\s,;\uff0c\u3001]+", text.strip()) if p]
    return Guesses.model_validate({"sessions": parts}, context={"horizon": horizon})


def guesses_trace(sessions: list[int] | tuple[int, ...], goal: float,
                  language: str) -> dict[str, Any]:
    """The guesses as marks on the goal line, each at the session guessed (a number beside a
    mark says how many guessed the same)."""
    counts = {s: sessions.count(s) for s in sorted(set(sessions))}
    return {"type": "scatter", "mode": "markers+text",
            "name": wording("teaching", "guesses", language=language),
            "x": list(counts), "y": [goal] * len(counts),
            "text": [str(n) if n > 1 else "" for n in counts.values()],
            "textposition": "top center",
            "marker": {"symbol": "x-thin", "size": 18, "color": GUESS_COLOUR,
                       "line": {"color": GUESS_COLOUR, "width": 4}},
            "hovertemplate": "%{x}"}


class Lesson(widgets.VBox):
    """A case's answer for a class. `covering` (teaching) keeps it behind "Reveal" and offers
    the guesses and the steps; otherwise the answer shows at once. `state` gives the
    language on screen and the clinic's effect its forecasts use; `name` names its chart
    in the page; `extra` buttons join its tools; `keyed`: the view around it names the
    chart's lines (the class view's key), so the chart shows no legend of its own;
    `on_drawn()` after every drawing, `on_reveal()` after the answer is uncovered."""

    def __init__(self, state: ScreenState, name: str, covering: bool = True,
                 extra: tuple[widgets.Widget, ...] = (), keyed: bool = False,
                 on_reveal: Callable[[], None] = lambda: None,
                 on_drawn: Callable[[], None] = lambda: None) -> None:
        self._state, self._on_reveal, self._on_drawn = state, on_reveal, on_drawn
        self.keyed = keyed
        self.covering = covering
        self.profile: PatientProfile | None = None
        self.forecast: Forecast | None = None
        self.title: str | None = None
        self.compare = False
        self.horizon = 12
        self.covered = covering
        self.guesses: tuple[int, ...] = ()
        self.step: int | None = None  # the session the course is drawn to; None: all of it
        self._steps: LessonSteps | None = None  # the case's forecasts step by step
        self.extra = extra
        self.heading = widgets.HTML()
        self.guess = controls.Text(value="", continuous_update=False,
                                   layout=widgets.Layout(width="auto", flex="1 1 120px"))
        self.guess.add_class("pico-guess")
        self.guess.on_edit = lambda _c: self._guessed()
        self.problem = widgets.HTML()
        self.problem.add_class("pico-error")
        self.reveal = widgets.Button(icon="eye", button_style="primary")
        self.reveal.add_class("pico-reveal")
        self.reveal.on_click(lambda _b: self.uncover())
        self.next = widgets.Button(icon="step-forward")
        self.next.add_class("pico-next-session")
        self.next.on_click(lambda _b: self.next_session())
        # Back to the whole course from any step (past the last step did so unannounced).
        self.whole = widgets.Button(icon="fast-forward")
        self.whole.add_class("pico-whole-course")
        self.whole.on_click(lambda _b: self.whole_course())
        self.chart = PlotlyView(name=name)
        self.note = widgets.HTML()
        self.note.add_class("pico-step-note")
        self.saver = SlideSaver()
        self.png = widgets.Button(icon="image")
        self.png.add_class("pico-export-png")
        self.png.on_click(lambda _b: self.export("png"))
        self.pdf = widgets.Button(icon="file-pdf-o")
        self.pdf.add_class("pico-export-pdf")
        self.pdf.on_click(lambda _b: self.export("pdf"))
        self.chart.add_class("pico-lesson-chart")
        self.guess_row = widgets.HBox([self.guess, self.reveal])
        self.guess_row.add_class("pico-guess-row")
        tools = widgets.HBox([self.next, self.whole, self.png, self.pdf, *extra])
        tools.add_class("pico-lesson-tools")
        super().__init__([self.heading, self.guess_row, self.problem, self.chart, self.note,
                          tools, self.saver])
        self.add_class("pico-lesson")

    def show(self, profile: PatientProfile, forecast: Forecast, title: str | None = None,
             compare: bool = False, horizon: int | None = None) -> None:
        """The case to teach (a new one is covered again, its guesses and steps cleared),
        with the other laser dashed beside it if `compare`, on sessions 0..`horizon`."""
        if profile != self.profile:
            self.covered, self.guesses, self.step = self.covering, (), None
            self.guess.value = ""
            self.problem.value = ""
        if profile != self.profile or forecast is not self.forecast:
            self._steps = LessonSteps(self._state, profile, forecast)
        self.profile, self.forecast, self.title = profile, forecast, title
        self.compare = compare and bool(conditions()[profile.condition].qswitched)
        self.horizon = horizon or forecast.max_sessions
        self.draw()

    def teach(self, covering: bool) -> None:
        """Into teaching (the answer covered again) or out of it (the answer shown)."""
        self.covering = self.covered = covering
        self.step = None
        self.draw()

    def uncover(self) -> None:
        """The answer shown; the guesses are in (a refused one's sentence goes with the
        field that took it)."""
        self.covered = False
        self.problem.value = ""
        self.draw()
        self._on_reveal()

    def next_session(self) -> None:
        """One session further; past the last, the whole course again."""
        if self.forecast is None:
            return
        step = 1 if self.step is None else self.step + 1
        self.step = step if step <= self.forecast.max_sessions else None
        self.draw()

    @property
    def drawn(self) -> Figure | None:
        """The chart on show; None before the first or while the answer is covered (the
        chart keeps its last)."""
        return None if self.covered or not self.chart.figure else self.chart.figure

    def whole_course(self) -> None:
        """Out of the steps: the whole course drawn again."""
        self.step = None
        self.draw()

    def _guessed(self) -> None:
        """The class's guesses typed: drawn (once revealed), or a sentence and no change."""
        text = str(self.guess.value).strip()
        if not text:
            self.guesses, self.problem.value = (), ""
            self.draw()
            return
        try:
            guesses = read_guesses(text, self.horizon)
        except ValidationError:
            problem = wording("teaching", "guess_problem", language=self._state.language)
            self.problem.value = message_html(problem.format(horizon=self.horizon,
                                                             most=MAX_GUESSES))
            self.guess.value = ", ".join(str(g) for g in self.guesses)
            return
        self.guesses, self.problem.value = tuple(guesses.sessions), ""
        self.guess.value = ", ".join(str(g) for g in self.guesses)
        self.draw()

    def at_step(self) -> tuple[PatientProfile, Forecast]:
        """The case and its forecast as known at the step: the results recorded up to it."""
        assert self.profile is not None and self._steps is not None
        seen = self.profile.observations
        return self._steps.known(len(seen) if self.step is None
                                 else sum(o.session <= self.step for o in seen))

    def figure(self, own_axis: bool = False) -> Figure:
        """The chart as drawn now: shared axes (or, `own_axis`, this case's sessions alone,
        for its own slide), the course so far, the guesses."""
        profile, forecast = self.at_step()
        language = self._state.language
        compare = self._steps.other_laser(profile) if self.compare and self._steps else None
        horizon = (max(forecast.max_sessions, compare[1].max_sessions if compare else 0)
                   if own_axis else self.horizon)
        figure = shared_axes(improvement_figure(forecast, profile.observations, language,
                                                compare), horizon)
        if self.guesses:
            figure["data"].append(guesses_trace(self.guesses, forecast.goal_percent, language))
        return figure if self.step is None else up_to(figure, self.step)

    def words(self) -> str:
        """The answer as plain lines, for a slide; mid-course, where the course is."""
        profile, forecast = self.at_step()
        language = self._state.language
        lines = [line for f in answer(profile, forecast, language).figures for line in (
            " ".join(part for part in (f.value, f.unit, f.caption) if part), f.note, f.caveat)
            if line]
        if self.step is not None:
            lines.append(text_of(self._step_note()))
        return str(wording("charts", "line_break", language=language)).join(
            html.escape(line) for line in lines)

    def draw(self) -> None:
        """Every part in the language on screen, for the state the lesson is in."""
        if self.profile is None:
            return
        language = self._state.language
        say = wording("teaching", language=language)
        profile, forecast = self.at_step()
        shown = covered_html(say["covered"]) if self.covered else answer_html(
            answer(profile, forecast, language))
        self.heading.value = class_case_html(self.title or "", shown)
        self.guess.placeholder = say["guess_placeholder"]
        self.guess.description = say["guess_label"]
        self.reveal.description = say["reveal"]
        self.next.description = say["next_session"]
        self.whole.description = say["whole_course"]
        self.png.description, self.pdf.description = say["png"], say["pdf"]
        # The guesses are typed while covered; then the steps are offered.
        self.guess_row.layout.display = None if self.covered else "none"
        self.next.layout.display = None if self.covering and not self.covered else "none"
        self.whole.layout.display = None if self.step is not None else "none"
        for button in self.extra:  # (Remove) back with the whole course: one row of tools
            button.layout.display = "none" if self.step is not None else None
        self.chart.layout.display = "none" if self.covered else None
        self.png.disabled = self.pdf.disabled = self.covered
        if not self.covered:
            figure = self.figure()
            self.chart.show(keyed(untitled(figure), language) if self.keyed
                            else untitled(figure), chart_label(figure, language))
        self.chart.ended_message = str(wording("errors", "session_ended", language=language))
        self.note.value = "" if self.covered else self._step_note()
        self._on_drawn()

    def _step_note(self) -> str:
        """Where the course is: the session, and after a recorded result how the chance of
        the goal moved with it."""
        if self.step is None or self.forecast is None or self.profile is None:
            return ""
        say = wording("teaching", language=self._state.language)
        profile, forecast = self.at_step()
        seen = next((o for o in profile.observations if o.session == self.step), None)
        if seen is None:
            band = forecast.improvement[self.step - 1]
            return sentence(say["step"], n=self.step, of=forecast.max_sessions,
                            median=f"{band.median:.0f}", low=f"{band.low:.0f}",
                            high=f"{band.high:.0f}")
        assert self._steps is not None
        was = headline(self._steps.known(len(profile.observations) - 1)[1])
        now = headline(forecast)
        return sentence(say["step_recorded"], n=self.step, of=forecast.max_sessions,
                        seen=f"{seen.improvement_percent:.0f}", reach=now.reach,
                        by=now.session, was=was.reach, was_by=was.session)

    def export(self, kind: str) -> None:
        """This case as a slide (PNG, or a one-page PDF) saved by the browser."""
        if self.covered or self.profile is None:
            return
        from ..render.slides import slide

        language = self._state.language
        figure = slide([(html.escape(self.title or ""), self.words(),
                         self.figure(own_axis=True))], "", language)
        self.saver.export(figure, kind, wording("teaching", "case_file", language=language))

    def close(self) -> None:
        """Close every part (each a comm held open in kernel and browser), then the lesson."""
        def parts(widget: widgets.Widget) -> list[widgets.Widget]:
            inner = getattr(widget, "children", ())
            return [w for child in inner for w in (*parts(child), child)]
        for part in parts(self):
            part.close()
        super().close()


def teaching_lesson(mode: str, state: ScreenState) -> Lesson | None:
    """PicoWidget's answer in `mode`: a Lesson for a class, else None (the usual views)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if mode == "consult":
        return None
    lesson = Lesson(state, "lesson")
    lesson.add_class("pico-class-case")
    return lesson
