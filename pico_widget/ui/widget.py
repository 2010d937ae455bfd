"""PicoWidget: the controls, the headline answer and its views, in one widget.

One source of truth: the validated PatientProfile, on the widget's ScreenState traits
(state.py) with its forecast and the language. Controls are views of it (form.py). Any
control change reads all controls into a raw dict, validates it into a profile and shows
it: the forecast is made once, then the headline and the visible view (views.py), the
controls and the take-home panel follow it. A rejected value shows a sentence and puts the
controls back to the last good profile; nothing else changes.

The widget tree is built once. Three steps keep it current, each with one job: `_word`
gives every control its words (again when the language changes), `_sync_controls` makes
the controls show the profile, `_render` draws the forecast. A language switch runs all
three and nothing else: the same widgets, the same profile, the same forecast.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..core.cases import SavedCase
from ..core.clinic_effect import ClinicEffect
from ..core.forecast import estimate
from ..core.models import PatientProfile
from ..core.settings_models import Clinic
from ..i18n.problems import explain
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..outcomes.signin import SignIn, kernel_sign_in
from ..render.clinic import clinic_of
from ..render.fragments import disclaimer_html, style_html
from ..render.headline import answer, answer_html
from ..render.summary import case_name, warnings_html
from .a11y import Accessibility
from .band_toggle import BandToggle
from .clinic_band import band_source, kernel_band
from .compare import Comparison
from .form import CaseForm
from .messages import Messages
from .outcomes_panel import OutcomesPanel
from .sessions import Sessions
from .state import ScreenState
from .take_home import TakeHome
from .teaching import teaching_lesson
from .views import ResultViews, Shown

log = logging.getLogger(__name__)
FULL = widgets.Layout(width="100%")


def default_profile() -> PatientProfile:
    return PatientProfile.model_validate(wording("default_profile", language=DEFAULT_LANGUAGE))


class PicoWidget(ScreenState, widgets.VBox):
    """The forecast for one patient. Display it in a notebook cell or serve it with Voila.

    `profile` (a PatientProfile; the default case when None), `forecast` (read only: always
    estimate(profile)) and `language` ("en", "zh-Hans" or "ms") are traitlets: observe or
    link them; `message` is the sentence shown for the last input refused ("" if none).
    `clinic`: a Clinic, its settings as a dict or a clinic file's path, for the
    handout's name, contact and price. `mode="class"` opens the teaching view, whose
    answers wait behind "Reveal" for a class's guesses. `outcomes`: the clinic's sign-in to
    its recorded courses (what `pico-widget serve --outcomes` passes), else none."""

    def __init__(self, profile: PatientProfile | None = None,
                 language: str = DEFAULT_LANGUAGE,
                 clinic: Clinic | dict[str, Any] | str | None = None,
                 outcomes: SignIn | None = None, mode: str = "consult",
                 **kwargs: Any) -> None:
        # "class": the answer waits behind "Reveal" for a class's guesses (teaching.py).
        self.lesson = teaching_lesson(mode, self)
        # The clinic's outcomes (serve --outcomes), else none: then nothing offers to record.
        self._outcomes_service = outcomes or kernel_sign_in()
        # With outcomes, the clinic's own effect (read in the background, ui/clinic_band.py):
        # the state forecasts with it, so the first forecast is already the clinic's.
        self._band = kernel_band(self._outcomes_service.engine if self._outcomes_service
                                 else None)
        self.effect = self._effect()
        # The clinic's name, contact and usual price (a Clinic, its settings or a clinic
        # file's path), validated here: a bad one raises ClinicError with a sentence.
        self.clinic = clinic_of(clinic)
        self.language = language
        self.show(profile or default_profile())
        # First of the state's observers: the headline is drawn before the other parts.
        self.observe(self._shown, "profile")
        self.observe(self._respoken, "language")
        super().__init__(self._construct(), **kwargs)
        self.add_class("pico-app")
        self.add_class("pico-frame")
        # Before display, so the first paint is already the right forecast in its words.
        self._word()
        self._sync_controls()
        self._render()
        if self._band is not None:
            self._band.on_change(self._band_changed)

    def _construct(self) -> list[widgets.Widget]:
        """Every control and view, once. Their words come from `_word`, their values from
        `_sync_controls`: neither builds a widget."""
        self.form = CaseForm(lambda form: Sessions(
            self, lambda: form.read(self.profile),
            lambda raw: self._submit(raw, beside_rows=True),
            lambda sentence: self.refuse(sentence, beside_rows=True),
            self._rejected))
        self.sessions = self.form.sessions
        for percent, button in self.form.presets.items():
            button.on_click(lambda _b, v=percent: self._set_goal(v))
        self._dashed = Comparison(self, self.form.compare_box, self.form.pin_button)
        self.form.pin_button.on_click(
            lambda _b: self.unpin() if self._dashed.pinned else self.pin())
        self.headline = widgets.HTML(layout=FULL)  # the answer at the top, as drawn
        self.headline.add_class("pico-answer")
        self._disclaimer = widgets.HTML(layout=FULL)
        self.both_bands = BandToggle(lambda: self._render())  # the studies' band beside
        self.views = ResultViews()  # views.charts["curve"], views.pages["words"], ...
        self.views.choice.on_reject = self._rejected
        self.cautions = widgets.HTML(layout=FULL)  # under the views, as drawn
        self.take_home = TakeHome(self, lambda sentence: self.refuse(
            sentence, beside_upload=True), self.open_saved)
        self.messages = Messages({"top": self.form.error, "upload": self.take_home.problem,
                                  "rows": self.sessions.problem})
        self.outcomes = None if self._outcomes_service is None else OutcomesPanel(
            self._outcomes_service, self,
            stored=self._band.stored if self._band is not None else lambda: None)
        # Only the doctor's edits reach these callbacks (controls.py): the widget's own
        # writes to its controls never come back as edits.
        for control in self.form.case_controls():
            control.on_reject = self._rejected
            control.on_edit = self._changed
        self.form.compare_box.on_edit = lambda _control: self._render()  # not part of the case
        # The inputs a doctor sets for every patient come first (a compact band above the
        # answer when the widget is narrow); the rest follow the answer.
        more = widgets.Box([
            self.form.laser_field, self.form.observed,
            self.form.field("take_home", self.take_home,
                            *([self.outcomes] if self.outcomes is not None else [])),
        ])
        more.add_class("pico-more-inputs")
        results = widgets.VBox([self.headline, self.both_bands, self.views,
                                self._disclaimer, self.cautions]
                               if self.lesson is None else [self.lesson, self._disclaimer])
        results.add_class("pico-results")
        body = widgets.Box([self.form.inputs, results, more])
        body.add_class("pico-body")
        self.accessibility = Accessibility()
        return [_style(), body, self.accessibility]

    def _word(self) -> None:
        """Every word that does not depend on the case, in the widget's language."""
        language = self.language
        self.form.word(language, pinned=self._dashed.pinned)
        self._disclaimer.value = disclaimer_html(language)
        self.views.word(language)
        self.both_bands.word(language)
        self.accessibility.language = language
        self.accessibility.names = {"pico-seen-number": wording("labels", "seen_number",
                                                                language=language)}

    # -- public surface ---------------------------------------------------------------
    def open_saved(self, saved: SavedCase) -> None:
        """A saved case (file or page memory): its profile, and its course id if any."""
        self._apply(saved.profile, keep_course=False, course_id=saved.course_id)

    def _respoken(self, _change: Any) -> None:
        """Only the words change: the same profile, the same numbers, the same view."""
        self._dashed.reword()
        self.messages.show("")
        self._word()
        self._sync_controls()  # the words that describe the case (its severity, skin type)
        self._render()

    @property
    def message(self) -> str:
        """"" or the sentence shown for the last rejected input."""
        return self.messages.sentence

    # -- one path in: controls -> raw dict -> profile -> forecast -> views -------------
    def _changed(self, _control: Any = None) -> None:
        """The doctor changed a control: the case is what all the controls now say."""
        self._submit(self.form.read(self.profile))

    def _submit(self, raw: dict[str, Any], beside_rows: bool = False) -> None:
        """Validate raw input; on success show it, otherwise explain (beside the sessions
        for a session's value) and restore."""
        try:
            profile = PatientProfile.model_validate(raw)
        except ValidationError as error:
            self.refuse(explain(error, self.language), beside_rows=beside_rows)
            return
        self._apply(profile)

    def _apply(self, profile: PatientProfile, keep_course: bool = True,
               course_id: str | None = None) -> None:
        """Show `profile`: the doctor's edit of the course on screen, or (not `keep_course`)
        a case opened with its `course_id`. The state's observers draw it (`_shown`)."""
        try:
            unchanged = profile == self.profile
            self.show(profile, course_id, keep_course)
            if unchanged:  # nobody heard of it: the controls show it again all the same
                self._shown({"old": self.profile, "new": self.profile})
        except Exception:
            log.exception("forecast update failed")
            self.refuse(wording("errors", "unexpected", language=self.language))

    def _shown(self, change: dict[str, Any]) -> None:
        """A new profile (and its forecast) on the state: draw it, then the controls."""
        self.messages.show("")
        self._render()
        self._sync_controls(rebuild_rows=len(change["old"].observations)
                            != len(change["new"].observations))

    def refuse(self, sentence: str, beside_upload: bool = False,
               beside_rows: bool = False) -> None:
        """Show why an input was refused, where the eye is (beside the upload button for a
        case file, beside the sessions for a session), and put the controls back to the case
        on screen, a session being recorded back to its empty value. For the parts around
        the widget (a teaching-case menu, the case kept by the page) that take input too."""
        self.messages.show(sentence, "upload" if beside_upload else
                           "rows" if beside_rows else "top")
        self._sync_controls()
        self.sessions.reset_pending()

    def _rejected(self, control: Any, key: str, raw: Any, beside_rows: bool = False) -> None:
        """A control refused a browser value: say why (form.refusal) and restore."""
        self.refuse(self.form.refusal(self.profile, control, key, raw, self.language),
                    beside_rows=beside_rows)

    # -- views of the profile ------------------------------------------------------------
    def pin(self, title: str | None = None) -> None:
        """Keep the case now on screen, drawn dashed, while other inputs are explored."""
        self._dashed.pin(title)
        self._render()

    def compare_lasers(self, on: bool = True) -> None:
        """Draw the other laser dashed beside this case, or not (a teaching case that
        compares them opens so); a condition with no Q-switched evidence never does."""
        self._dashed.lasers(on)
        self._render()

    def unpin(self) -> None:
        self._dashed.unpin()
        self._render()

    def _render(self) -> None:
        """Push the forecast to the views: the headline first, then only the visible view."""
        profile, fc, language = self.profile, self.forecast, self.language
        band = band_source(self._band, estimate(profile) if self.both_bands.wanted(fc)
                           else None)
        self.headline.value = answer_html(answer(profile, fc, language, self.clinic, band))
        self.both_bands.show_for(fc)
        self.views.show(Shown(profile, fc, self._dashed.forecast(), language, band))
        self.cautions.value = warnings_html(fc, language)
        if self.lesson is not None:
            self.lesson.show(profile, fc, case_name(profile, language),
                             compare=self.form.compare_box.value)

    # -- this clinic's band (serve --outcomes: ui/clinic_band.py) ------------------------
    def _effect(self) -> ClinicEffect | None:
        return self._band.effect if self._band is not None else None

    def _band_changed(self) -> None:
        """The clinic's effect changed (a course stored here or by another replica, or the
        database went away or came back): the same case, forecast again (the state does)."""
        self.effect = self._effect()
        self._render()

    def _sync_controls(self, rebuild_rows: bool = False) -> None:
        """Make every control show the current profile (without re-running the forecast)."""
        self.form.show(self.profile, self.forecast, self.language, rebuild_rows)

    def _set_goal(self, percent: int) -> None:
        """A goal preset tapped: the same path as moving the slider there."""
        self._submit(self.form.read(self.profile) | {"goal_percent": percent})


def _style() -> widgets.HTML:
    css = resources.files("pico_widget").joinpath("static/pico.css").read_text("utf-8")
    return widgets.HTML(style_html(css), layout=widgets.Layout(display="none"))
