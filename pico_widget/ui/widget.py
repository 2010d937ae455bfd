"""PicoWidget: the controls, the headline answer and its views, in one widget.

One source of truth: the validated PatientProfile. Controls are views of it. Any control
change reads all controls into a raw dict, validates it into a profile, calls estimate()
once and pushes the result into the headline and the visible view (views.py). A rejected
value shows a sentence and puts the controls back to the last good profile; nothing else
changes.

The widget tree is built once. Three steps keep it current, each with one job:
`_word` gives every control its words (again when the language changes), `_sync_controls`
makes the controls show the profile, `_render` draws the forecast. A language switch runs
all three and nothing else: the same widgets, the same profile, the same forecast.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

import ipywidgets as widgets
from pydantic import ValidationError

from ..core.cases import SavedCase
from ..core.catalogue import conditions
from ..core.forecast import estimate
from ..core.models import (
    FITZPATRICK_NUMERALS,
    LASERS,
    TATTOO_OPTIONS,
    Forecast,
    Observation,
    PatientProfile,
)
from ..i18n.formats import percent as percent_text
from ..i18n.problems import explain
from ..i18n.wording import DEFAULT_LANGUAGE, check_language, condition_words, speaking, wording
from ..outcomes.signin import SignIn, kernel_sign_in
from ..render.clinic import Clinic, clinic_of
from ..render.fragments import disclaimer_html, heading_html, message_html, style_html
from ..render.headline import answer, answer_html
from ..render.summary import case_name, warnings_html
from ..render.templates import sentence
from . import controls
from .a11y import Accessibility
from .device import DeviceLog
from .observations import ObservationRow
from .outcomes_panel import OutcomesPanel
from .take_home import TakeHome
from .teaching import teaching_lesson
from .views import ResultViews, Shown

log = logging.getLogger(__name__)
FULL = widgets.Layout(width="100%")
Method = TypeVar("Method", bound=Callable[..., Any])


def _spoken(method: Method) -> Method:
    """Run a method (a control's callback, say) in the widget's language."""
    @functools.wraps(method)
    def run(self: PicoWidget, *args: Any, **kwargs: Any) -> Any:
        with speaking(self._language):
            return method(self, *args, **kwargs)
    return run  # type: ignore[return-value]


def default_profile() -> PatientProfile:
    return PatientProfile.model_validate(wording("default_profile"))


def _inline(field: widgets.VBox) -> widgets.VBox:
    """A group whose parts sit side by side across the band when the widget is narrow."""
    field.add_class("pico-inline")
    return field


class PicoWidget(widgets.VBox):
    """The forecast for one patient. Display it in a notebook cell or serve it with Voila."""

    def __init__(self, profile: PatientProfile | None = None,
                 language: str = DEFAULT_LANGUAGE,
                 clinic: Clinic | dict[str, Any] | str | None = None,
                 outcomes: SignIn | None = None, mode: str = "consult",
                 **kwargs: Any) -> None:
        # "class": the answer waits behind "Reveal" for a class's guesses (teaching.py).
        self.lesson = teaching_lesson(mode, lambda: self._language)
        self._listeners: list[Callable[[PatientProfile], None]] = []
        # The clinic's outcomes (serve --outcomes), else none: then nothing offers to record.
        self._outcomes_service = outcomes or kernel_sign_in()
        # The course's random id once recorded or opened from a case file (no identifier).
        self.course_id: str | None = None
        # The clinic's name, contact and usual price (a Clinic, its settings or a clinic
        # file's path), validated here: a bad one raises ClinicError with a sentence.
        self.clinic = clinic_of(clinic)
        self._language = check_language(language)
        self._profile = profile or default_profile()
        self._forecast = estimate(self._profile)
        self._message = ""
        self._pinned: tuple[str, Forecast] | None = None
        self._pin_source: tuple[PatientProfile, str | None] | None = None
        self._headings: dict[str, widgets.HTML] = {}
        # Device settings per session, for the note only; they outlive redrawn rows.
        self._device = DeviceLog(on_change=lambda: self.take_home.refresh())
        super().__init__(self._construct(), **kwargs)
        self.add_class("pico-app")
        self.add_class("pico-frame")
        # Before display, so the first paint is already the right forecast in its words.
        self._word()
        self._sync_controls()
        self._render()

    def _construct(self) -> list[widgets.Widget]:
        """Every control and view, once. Their words come from `_word`, their values from
        `_sync_controls`: neither builds a widget."""
        self._error = widgets.HTML("", layout=FULL)
        self._error.add_class("pico-error")
        self._condition = controls.Dropdown(options=[(c, c) for c in conditions()],
                                            layout=FULL)
        self._severity = controls.Dropdown(options=[], layout=FULL)
        self._fitzpatrick = controls.ToggleButtons(
            options=list(zip(FITZPATRICK_NUMERALS, range(1, 7), strict=True)))
        self._fitzpatrick.add_class("pico-fitz")
        self._fitz_text = widgets.HTML()
        self._presets = {int(p["percent"]): widgets.Button()
                         for p in wording("goal_presets", language=DEFAULT_LANGUAGE).values()}
        for percent, button in self._presets.items():
            button.on_click(lambda _b, v=percent: self._set_goal(v))
        self._goal = controls.IntSlider(min=1, max=100, step=1, description="",
                                        readout_format="d", layout=FULL)
        self._laser = controls.ToggleButtons(options=[(k, k) for k in LASERS])
        self._laser.add_class("pico-laser")
        self._compare_box = controls.Checkbox(indent=False)
        self._laser_note = widgets.HTML()
        self._tattoo = {field: controls.Dropdown(options=[(o, o) for o in options],
                                                 value=wording("default_tattoo")[field],
                                                 layout=FULL)
                        for field, options in TATTOO_OPTIONS.items()}
        self._kd = widgets.HTML()
        self._tattoo_box = self._field("tattoo", *self._tattoo.values(), self._kd)
        self._tattoo_box.add_class("pico-wide")
        self._severity_text = widgets.HTML()
        self._severity_box = self._field("severity", self._severity, self._severity_text)
        self._rows = widgets.VBox()  # the sessions recorded in the profile
        self._pending = widgets.VBox()  # a session being recorded: no value yet
        # A session's refusal shows beside the sessions, where the doctor is typing (the
        # top of the page may be off-screen).
        self._rows_problem = widgets.HTML(layout=FULL)
        self._rows_problem.add_class("pico-error")
        self._rows_problem.add_class("pico-rows-problem")
        self._add = widgets.Button(icon="plus")
        self._add.on_click(lambda _b: self._add_observation())
        self._pin_button = widgets.Button(icon="thumb-tack")
        self._pin_button.on_click(lambda _b: self.unpin() if self._pinned else self.pin())
        self._headline = widgets.HTML(layout=FULL)
        self._headline.add_class("pico-answer")
        self._disclaimer = widgets.HTML(layout=FULL)
        self._views = ResultViews()
        self._views.choice.on_reject = self._rejected
        self._improvement, self._probability = (self._views.charts["curve"],
                                                self._views.charts["chance"])
        self._warnings = widgets.HTML(layout=FULL)
        self.take_home = TakeHome(lambda: self._profile, self._apply,
                                  lambda sentence: self.refuse(sentence, beside_upload=True),
                                  lambda: self._language, lambda: self.clinic,
                                  lambda: self._device.recorded(self._profile),
                                  lambda: self.course_id, self._open_saved)
        self.outcomes = None if self._outcomes_service is None else OutcomesPanel(
            self._outcomes_service, lambda: self._profile,
            lambda: self._device.recorded(self._profile), lambda: self._language,
            lambda: self.course_id, self._keep_course)
        # Only the doctor's edits reach these callbacks (controls.py): the widget's own
        # writes to its controls never come back as edits.
        for control in self._all_controls():
            control.on_reject = self._rejected
            control.on_edit = self._changed
        self._compare_box.on_edit = lambda _control: self._render()  # not part of the case

        presets = widgets.HBox(list(self._presets.values()))
        presets.add_class("pico-presets")
        observed = self._field("observations", self._rows, self._pending, self._rows_problem,
                               self._add)
        observed.add_class("pico-wide")
        # The inputs a doctor sets for every patient come first (a compact band above the
        # answer when the widget is narrow); the rest follow the answer.
        inputs = widgets.Box([
            self._error,
            self._field("condition", self._condition),
            self._severity_box, self._tattoo_box,
            _inline(self._field("fitzpatrick", self._fitzpatrick, self._fitz_text)),
            _inline(self._field("goal", presets, self._goal)),
        ])
        inputs.add_class("pico-inputs")
        more = widgets.Box([
            self._field("laser", self._laser, self._compare_box, self._laser_note,
                        self._pin_button),
            observed,
            self._field("take_home", self.take_home,
                        *([self.outcomes] if self.outcomes is not None else [])),
        ])
        more.add_class("pico-more-inputs")
        results = widgets.VBox([self._headline, self._views, self._disclaimer, self._warnings]
                               if self.lesson is None else [self.lesson, self._disclaimer])
        results.add_class("pico-results")
        body = widgets.Box([inputs, results, more])
        body.add_class("pico-body")
        self.accessibility = Accessibility()
        return [_style(), body, self.accessibility]

    def _field(self, key: str, *children: widgets.Widget) -> widgets.VBox:
        """One input group headed by label `key`; the stylesheet lays groups out in one or
        two columns."""
        title = self._headings[key] = widgets.HTML()
        title.add_class("pico-label-box")
        box = widgets.VBox([title, *children])
        box.add_class("pico-field")
        return box

    @_spoken
    def _word(self) -> None:
        """Every word that does not depend on the case, in the widget's language."""
        label = wording("labels")
        for key, title in self._headings.items():
            title.value = heading_html(label[key])
        self._condition.relabel([
            (label["condition_option"].format(group=w.group, label=w.label), cid)
            for cid, w in ((c, condition_words(c)) for c in conditions())])
        for preset, button in zip(wording("goal_presets").values(), self._presets.values(),
                                  strict=True):
            button.description = label["goal_preset"].format(label=preset["label"],
                                                             percent=percent_text(preset["percent"]))
        self._laser.relabel([(wording("lasers")[k], k) for k in LASERS])
        self._compare_box.description = label["compare"]
        tattoo_labels = wording("tattoo_labels")
        for field, control in self._tattoo.items():
            control.relabel([(tattoo_labels[field][o], o) for o in TATTOO_OPTIONS[field]])
            control.description = wording("tattoo_fields")[field]
        self._add.description = label["add_observation"]
        self._pin_button.description = label["unpin" if self._pinned else "pin"]
        self._disclaimer.value = disclaimer_html()
        self._views.word()
        self.take_home.word()
        if self.outcomes is not None:
            self.outcomes.word()
        for row in (*self._rows.children, *self._pending.children):
            row.word()
        self.accessibility.language = self._language
        self.accessibility.names = {"pico-seen-number": label["seen_number"]}

    # -- public surface ---------------------------------------------------------------
    @property
    def profile(self) -> PatientProfile:
        """The profile now on screen (always valid)."""
        return self._profile

    @profile.setter
    def profile(self, value: PatientProfile) -> None:
        """Another case (a teaching case, say): not the recorded course any more."""
        self.course_id = None
        self._apply(PatientProfile.model_validate(value))

    def open_saved(self, saved: SavedCase) -> None:
        """A saved case (file or page memory): its profile, and its course id if any."""
        self._open_saved(saved)

    def _open_saved(self, saved: SavedCase) -> None:
        self.course_id = saved.course_id
        self._apply(PatientProfile.model_validate(saved.profile))

    def _keep_course(self, course_id: str) -> None:
        """The course is recorded under `course_id`: a saved case file now carries it."""
        self.course_id = course_id
        for callback in self._listeners:
            callback(self._profile)

    def on_profile(self, callback: Callable[[PatientProfile], None]) -> None:
        """Call `callback(profile)` after each new profile is shown (case_memory.py)."""
        self._listeners.append(callback)

    @property
    def forecast(self) -> Forecast:
        """The forecast now on screen; always estimate(self.profile)."""
        return self._forecast

    @property
    def language(self) -> str:
        """The language on screen: "en", "zh-Hans" or "ms"."""
        return self._language

    @language.setter
    def language(self, value: str) -> None:
        """Only the words change: the same profile, the same numbers, the same view."""
        value = check_language(value)
        if value == self._language:
            return
        self._language = value
        if self._pinned is not None and self._pin_source is not None:
            # Its name is worded; its numbers are not.
            self._pinned = (self._pin_name(*self._pin_source), self._pinned[1])
        self._show_message("")
        self._word()
        self._sync_controls()  # the words that describe the case (its severity, skin type)
        self._render()

    @property
    def message(self) -> str:
        """"" or the sentence shown for the last rejected input."""
        return self._message

    # -- one path in: controls -> raw dict -> profile -> forecast -> views -------------
    def _all_controls(self) -> list[Any]:
        rows = [c for row in (*self._rows.children, *self._pending.children)
                for c in row.guarded]
        return [self._condition, self._severity, self._fitzpatrick, self._goal, self._laser,
                self._compare_box, *self._tattoo.values(), *rows]

    def _read_controls(self) -> dict[str, Any]:
        condition = self._condition.value
        spec = conditions().get(condition)
        laser = self._laser.value if spec is None or spec.qswitched else "picosecond"
        tattoo = None
        if spec is not None and spec.graded_by_kirby_desai:
            tattoo = {field: control.value for field, control in self._tattoo.items()}
        return {
            "condition": condition,
            "severity": self._severity.value or self._profile.severity,
            "fitzpatrick": self._fitzpatrick.value,
            "goal_percent": self._goal.value,
            "laser": laser,
            "tattoo": tattoo,
            "observations": [row.read() for row in self._rows.children],
        }

    def _changed(self, _control: Any = None) -> None:
        """The doctor changed a control: the case is what all the controls now say."""
        self._submit(self._read_controls())

    @_spoken
    def _submit(self, raw: dict[str, Any], beside_rows: bool = False) -> None:
        """Validate raw input; on success show it, otherwise explain (beside the sessions
        for a session's value) and restore."""
        try:
            profile = PatientProfile.model_validate(raw)
        except ValidationError as error:
            self.refuse(explain(error), beside_rows=beside_rows)
            return
        self._apply(profile)

    @_spoken
    def _apply(self, profile: PatientProfile) -> None:
        try:
            forecast = estimate(profile)
            previous = self._profile
            self._profile, self._forecast = profile, forecast
            if not profile.observations:  # every session removed: a course starts anew
                self.course_id = None
            self._show_message("")
            self._render()
            self._sync_controls(rebuild_rows=len(previous.observations)
                                != len(profile.observations))
            for callback in self._listeners:
                callback(profile)
        except Exception:
            log.exception("forecast update failed")
            self.refuse(wording("errors", "unexpected"))

    @_spoken
    def refuse(self, sentence: str, beside_upload: bool = False,
               beside_rows: bool = False) -> None:
        """Show why an input was refused, where the eye is (beside the upload button for a
        case file, beside the sessions for a session), and put the controls back to the case
        on screen, a session being recorded back to its empty value. For the parts around
        the widget (a teaching-case menu, the case kept by the page) that take input too."""
        self._show_message(sentence, "upload" if beside_upload else
                           "rows" if beside_rows else "top")
        self._sync_controls()
        for row in self._pending.children:
            row.reset()

    @_spoken
    def _rejected(self, control: Any, key: str, raw: Any, beside_rows: bool = False) -> None:
        """A control refused a browser value: explain a value in pydantic's words, else say
        that the choice (a list index) is not on offer."""
        sentence = wording("errors", "not_on_offer").format(value=f"{raw!r:.40}")
        candidate = self._with_value(control, raw) if key == "value" else None
        if candidate is not None:
            try:
                PatientProfile.model_validate(candidate)
            except ValidationError as error:
                sentence = explain(error)
        self.refuse(sentence, beside_rows=beside_rows)

    def _with_value(self, control: Any, raw: Any) -> dict[str, Any] | None:
        """The controls' raw input with `raw` in place of `control`'s value."""
        candidate = self._read_controls()
        fields = {id(self._condition): "condition", id(self._severity): "severity",
                  id(self._fitzpatrick): "fitzpatrick", id(self._goal): "goal_percent",
                  id(self._laser): "laser"}
        if id(control) in fields:
            return candidate | {fields[id(control)]: raw}
        for row in self._pending.children:  # as if its value were entered
            candidate["observations"].append(row.read())
        rows = (*self._rows.children, *self._pending.children)
        for index, row in enumerate(rows):
            keys = {id(row.session): "session", id(row.improvement): "improvement_percent"}
            if id(control) in keys:
                candidate["observations"][index][keys[id(control)]] = raw
                return candidate
        return None

    # -- views of the profile ------------------------------------------------------------
    def _compare_forecast(self) -> tuple[str, Forecast] | None:
        """What is drawn dashed beside this case: the pinned case, else the other laser."""
        if self._pinned is not None:
            return self._pinned
        if not self._compare_box.value or not conditions()[self._profile.condition].qswitched:
            return None
        other = "q-switched" if self._profile.laser == "picosecond" else "picosecond"
        name = wording("labels", "compare_laser").format(laser=wording("lasers")[other])
        return name, estimate(self._profile.model_copy(update={"laser": other}))

    @_spoken
    def pin(self, title: str | None = None) -> None:
        """Keep the case now on screen, drawn dashed, while other inputs are explored."""
        self._pin_source = (self._profile, title)
        self._pinned = (self._pin_name(self._profile, title), self._forecast)
        self._pin_button.description = wording("labels", "unpin")
        self._render()

    @_spoken
    def _pin_name(self, profile: PatientProfile, title: str | None) -> str:
        return str(wording("labels", "pinned").format(title=title or case_name(profile)))

    @_spoken
    def compare_lasers(self, on: bool = True) -> None:
        """Draw the other laser dashed beside this case, or not (a teaching case that
        compares them opens so); a condition with no Q-switched evidence never does."""
        self._compare_box.value = bool(on and conditions()[self._profile.condition].qswitched)
        self._render()

    @_spoken
    def unpin(self) -> None:
        self._pinned = self._pin_source = None
        self._pin_button.description = wording("labels", "pin")
        self._render()

    @_spoken
    def _render(self) -> None:
        """Push the forecast to the views: the headline first, then only the visible view."""
        fc = self._forecast
        self._headline.value = answer_html(answer(self._profile, fc, self.clinic))
        self._views.show(Shown(self._profile, fc, self._compare_forecast(), self._language))
        self._warnings.value = warnings_html(fc)
        if self.lesson is not None:
            self.lesson.show(self._profile, fc, case_name(self._profile),
                             compare=self._compare_box.value)
        self.take_home.refresh()
        if self.outcomes is not None:
            self.outcomes.refresh()

    def _show_message(self, sentence: str, place: str = "top") -> None:
        """Show `sentence` at `place`: "top" (above the inputs), "upload" or "rows"."""
        self._message = sentence
        # The sentence can quote a visitor's value (a case file field): the template
        # escapes it. One place shows it, so a screen reader hears it once.
        for where, box in (("top", self._error), ("upload", self.take_home.problem),
                           ("rows", self._rows_problem)):
            box.value = message_html(sentence) if where == place else ""

    @_spoken
    def _sync_controls(self, rebuild_rows: bool = False) -> None:
        """Make every control show the current profile (without re-running the forecast)."""
        p, label = self._profile, wording("labels")
        spec = conditions()[p.condition]
        self._condition.value = p.condition
        kd = spec.graded_by_kirby_desai
        self._severity_box.layout.display = "none" if kd else None
        self._tattoo_box.layout.display = None if kd else "none"
        if spec.severity is not None:
            words = condition_words(p.condition).severity
            # The grade in the box, its description beneath: a whole description does
            # not fit a dropdown on a tablet or phone ("Moderat...").
            self._severity.relabel([(_grade(words[key])[0], key) for key in spec.severity])
            self._severity.value = p.severity
            self._severity_text.value = sentence(_grade(words[p.severity])[1])
        if p.tattoo is not None:  # the forecast carries its Kirby-Desai score
            for field, control in self._tattoo.items():
                control.value = getattr(p.tattoo, field)
            score = self._forecast.kirby_desai
            self._kd.value = sentence(label["kd_score"], score=score, sessions=score)
        self._fitzpatrick.value = p.fitzpatrick
        self._fitz_text.value = sentence(wording("fitzpatrick")[str(p.fitzpatrick)])
        self._goal.value = max(1, round(p.goal_percent))  # a goal under 1% shows as 1
        for percent, button in self._presets.items():
            button.button_style = "info" if percent == round(p.goal_percent) else ""
        self._laser.value = p.laser
        self._laser.disabled = self._compare_box.disabled = spec.qswitched is None
        if spec.qswitched is None:
            self._compare_box.value = False
        self._laser_note.value = "" if spec.qswitched else sentence(label["no_qswitched"])
        if rebuild_rows or len(self._rows.children) != len(p.observations):
            self._rows.children = [self._observation_row(o) for o in p.observations]
        else:
            for row, obs in zip(self._rows.children, p.observations, strict=True):
                row.show(obs)

    # -- observed response -----------------------------------------------------------------
    def _observation_row(self, obs: Observation | dict[str, Any],
                         on_remove: Callable[[ObservationRow], None] | None = None,
                         on_change: Callable[[ObservationRow], None] | None = None
                         ) -> ObservationRow:
        row = ObservationRow(obs, on_remove or self._remove_row,
                             on_change or (lambda _row: self._submit(self._read_controls(),
                                                                     beside_rows=True)),
                             self._device)
        for control in row.guarded:
            control.on_reject = functools.partial(self._rejected, beside_rows=True)
        return row

    @_spoken
    def _add_observation(self) -> None:
        """An empty row for the next session: the forecast waits for the doctor's value."""
        if self._pending.children:
            return
        done = self._profile.observations
        session = done[-1].session + 1 if done else 1
        self._pending.children = [self._observation_row(
            {"session": session, "improvement_percent": None}, self._drop_pending,
            self._pending_changed)]

    def _drop_pending(self, row: ObservationRow) -> None:
        self._pending.children = []
        row.close()

    @_spoken
    def _pending_changed(self, row: ObservationRow) -> None:
        """A value entered in the new row: record the session (or explain, and keep it)."""
        if not str(row.number.value).strip():  # a session number alone records nothing,
            try:  # but one that can never be recorded is refused now, where it was typed
                Observation.model_validate({"session": row.session.value,
                                            "improvement_percent": 0})
            except ValidationError as error:
                self.refuse(explain(error), beside_rows=True)
                return
            row.keep_session()
            return
        raw = self._read_controls()
        raw["observations"].append(row.read())
        before = self._profile
        self._submit(raw, beside_rows=True)
        if self._profile is not before:
            self._drop_pending(row)

    @_spoken
    def _remove_row(self, row: ObservationRow) -> None:
        raw = self._read_controls()
        index = self._rows.children.index(row)
        raw["observations"] = raw["observations"][:index] + raw["observations"][index + 1:]
        self._submit(raw, beside_rows=True)

    def _set_goal(self, percent: int) -> None:
        """A goal preset tapped: the same path as moving the slider there."""
        self._submit(self._read_controls() | {"goal_percent": percent})


def _grade(words: str) -> tuple[str, str]:
    """'Moderate: blue-grey or brown, ...' -> ('Moderate', 'blue-grey or brown, ...');
    a severity without a description is its own grade."""
    for mark in ("\uff1a", ": "):  # the full-width colon of Chinese, then ": "
        grade, found, description = words.partition(mark)
        if found:
            return grade.strip(), description.strip()
    return words, ""


def _style() -> widgets.HTML:
    css = resources.files("pico_widget").joinpath("static/pico.css").read_text("utf-8")
    return widgets.HTML(style_html(css), layout=widgets.Layout(display="none"))
