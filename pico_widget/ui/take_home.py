"""The take-home panel: patient handout, clinical note, and saved cases (export and import).

It observes the screen's state (state.py): the handout and the note are made from the
forecast on screen, never a second one, in the language on screen. On import it hands a
validated case back; it keeps no state of its own and asks for no name (the handout
leaves a line to write one by hand).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..core.cases import MAX_CASE_BYTES, CaseFileError, SavedCase, read_case, save_case
from ..i18n.problems import case_file_sentence
from ..i18n.review import signed_off
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..render.fragments import unreviewed_html
from ..render.handout import handout_html
from ..render.note import clinical_note
from .files import CopyButton, FileOpener, Saver
from .state import ScreenState


class TakeHome(widgets.VBox):
    """Handout, note and case files of `state`'s case; `refuse(sentence)` explains a bad
    case file, `open_saved(saved)` shows a good one (its course id with it)."""

    def __init__(self, state: ScreenState, refuse: Callable[[str], None],
                 open_saved: Callable[[SavedCase], None]) -> None:
        self._state, self._refuse, self._open_saved = state, refuse, open_saved
        self.saver = Saver()
        self.handout_button = widgets.Button(icon="print")
        self.handout_button.on_click(lambda _b: self.print_handout())
        self.download_button = widgets.Button(icon="download")
        self.download_button.on_click(lambda _b: self.save_handout())
        self.note_button = widgets.Button(icon="file-text")
        self.note_button.on_click(lambda _b: self.show_note())
        # The note is for the record, in English, unless the doctor asks for the patient's.
        self.note_language = widgets.Checkbox(indent=False, value=False)
        self.note_language.observe(lambda _c: self.refresh(), "value")
        self.note = widgets.Textarea(layout=widgets.Layout(width="100%", height="220px",
                                                            display="none"))
        self.copy = CopyButton(layout=widgets.Layout(display="none"))
        self.save_button = widgets.Button(icon="download")
        self.save_button.on_click(lambda _b: self.save_case())
        self.upload = FileOpener(self._opened, accept=".json,application/json",
                                 max_bytes=MAX_CASE_BYTES)
        buttons = widgets.HBox([self.handout_button, self.download_button, self.note_button,
                                self.save_button, self.upload])
        buttons.add_class("pico-presets")
        # Beside the handout button, for the doctor: a translation no clinician has signed off.
        self.unreviewed = widgets.HTML()
        # A case file's problem shows here, beside the button that opened it, where the
        # doctor is looking (the top of the page may be off-screen on a tablet).
        self.problem = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.problem.add_class("pico-error")
        self.problem.add_class("pico-upload-problem")
        super().__init__([buttons, self.unreviewed, self.problem, self.note_language,
                          self.note, self.copy, self.saver])
        self.word()
        state.observe(lambda _change: self.word(), "language")
        # The note gives the case and its forecast; the forecast also follows the clinic's
        # effect (a course stored, the database gone or back) while the case stays.
        state.observe(lambda _change: self.refresh(), ["profile", "forecast"])
        state.device.observe(lambda _change: self.refresh(), "by_session")

    def word(self) -> None:
        """The buttons' words in the language on screen; an open note follows it."""
        language = self._state.language
        label = wording("labels", language=language)
        self.handout_button.description = label["handout"]
        self.unreviewed.value = ("" if signed_off(language)
                                 else unreviewed_html(label["unreviewed"]))
        self.download_button.description = label["download_handout"]
        self.note_button.description = label["note"]
        self.note_language.description = label["note_in_language"]
        self.note_language.layout.display = (None if language != DEFAULT_LANGUAGE
                                              else "none")
        self.copy.label, self.copy.done_label = label["copy"], label["copied"]
        self.save_button.description = label["save_case"]
        self.upload.label = label["open_case"]
        self.refresh()

    def _handout_html(self) -> str:
        state = self._state
        return handout_html(state.profile, language=state.language, clinic=state.clinic,
                            forecast=state.forecast)

    def print_handout(self) -> None:
        """The browser's print dialog on the handout, from the page itself."""
        self.saver.print(self._handout_html())

    def save_handout(self) -> None:
        self.saver.save(wording("handout", "download_name", language=self._state.language),
                         "text/html",
                         self._handout_html())

    def show_note(self) -> None:
        state = self._state
        language = state.language if self.note_language.value else DEFAULT_LANGUAGE
        self.note.value = self.copy.text = clinical_note(
            state.profile, language=language, settings=state.device.recorded(state.profile),
            forecast=state.forecast)
        self.note.layout.display = self.copy.layout.display = None

    def refresh(self) -> None:
        """Keep an open note in step with the forecast on screen."""
        if self.note.layout.display is None:
            self.show_note()

    def case_text(self) -> str:
        """The case file of the case on screen (with its course id once recorded)."""
        return save_case(self._state.profile, self._state.course_id)

    def save_case(self) -> None:
        self.saver.save(wording("case_file", "download_name", language=self._state.language),
                         "application/json",
                         self.case_text())

    def _opened(self, text: str, size: int) -> None:
        """A file picked in the browser: open it as a case, or say why not beside the
        button (a file over the limit arrives as its size alone)."""
        try:
            if size > MAX_CASE_BYTES:
                raise CaseFileError("too_large")
            saved = read_case(text)
        except CaseFileError as error:
            self._refuse(case_file_sentence(error, self._state.language))
        else:
            self._open_saved(saved)
