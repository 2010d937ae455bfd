"""The take-home panel: patient handout, clinical note, and saved cases (export and import).

It reads the widget's profile and, on import, hands a validated profile back; it keeps no
state of its own and asks for no name (the handout leaves a line to write one by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

from ..core.cases import MAX_CASE_BYTES, CaseFileError, SavedCase, read_case, save_case
from ..core.models import PatientProfile
from ..i18n.problems import case_file_sentence
from ..i18n.review import signed_off
from ..i18n.wording import DEFAULT_LANGUAGE, speaking, wording
from ..render.clinic import Clinic
from ..render.fragments import unreviewed_html
from ..render.handout import handout_html
from ..render.note import DeviceSettings, clinical_note
from .files import CopyButton, FileOpener, Saver


class TakeHome(widgets.VBox):
    def __init__(self, current: Callable[[], PatientProfile],
                 open_case: Callable[[PatientProfile], None],
                 refuse: Callable[[str], None], language: Callable[[], str],
                 clinic: Callable[[], Clinic | None] = lambda: None,
                 settings: Callable[[], Mapping[int, DeviceSettings]] = dict,
                 course: Callable[[], str | None] = lambda: None,
                 open_saved: Callable[[SavedCase], None] | None = None) -> None:
        self._clinic, self._settings, self._course = clinic, settings, course
        # A case file's course id goes with its profile (the widget keeps both).
        self._open_saved = open_saved or (lambda saved: open_case(saved.profile))
        self._current, self._refuse = current, refuse
        self._language = language
        self._saver = Saver()
        self._handout = widgets.Button(icon="print")
        self._handout.on_click(lambda _b: self.print_handout())
        self._download = widgets.Button(icon="download")
        self._download.on_click(lambda _b: self.save_handout())
        self._note_button = widgets.Button(icon="file-text")
        self._note_button.on_click(lambda _b: self.show_note())
        # The note is for the record, in English, unless the doctor asks for the patient's.
        self._note_language = widgets.Checkbox(indent=False, value=False)
        self._note_language.observe(lambda _c: self.refresh(), "value")
        self._note = widgets.Textarea(layout=widgets.Layout(width="100%", height="220px",
                                                            display="none"))
        self._copy = CopyButton(layout=widgets.Layout(display="none"))
        self._save = widgets.Button(icon="download")
        self._save.on_click(lambda _b: self.save_case())
        self._upload = FileOpener(self._opened, accept=".json,application/json",
                                  max_bytes=MAX_CASE_BYTES)
        buttons = widgets.HBox([self._handout, self._download, self._note_button, self._save,
                                 self._upload])
        buttons.add_class("pico-presets")
        # Beside the handout button, for the doctor: a translation no clinician has signed off.
        self.unreviewed = widgets.HTML()
        # A case file's problem shows here, beside the button that opened it, where the
        # doctor is looking (the top of the page may be off-screen on a tablet).
        self.problem = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.problem.add_class("pico-error")
        self.problem.add_class("pico-upload-problem")
        super().__init__([buttons, self.unreviewed, self.problem, self._note_language,
                          self._note, self._copy, self._saver])
        self.word()

    def word(self) -> None:
        """The buttons' words in the language in effect; an open note follows it."""
        label = wording("labels")
        self._handout.description = label["handout"]
        self.unreviewed.value = ("" if signed_off(self._language())
                                 else unreviewed_html(label["unreviewed"]))
        self._download.description = label["download_handout"]
        self._note_button.description = label["note"]
        self._note_language.description = label["note_in_language"]
        self._note_language.layout.display = (None if self._language() != DEFAULT_LANGUAGE
                                              else "none")
        self._copy.label, self._copy.done_label = label["copy"], label["copied"]
        self._save.description = label["save_case"]
        self._upload.label = label["open_case"]
        self.refresh()

    def _handout_html(self) -> str:
        return handout_html(self._current(), language=self._language(), clinic=self._clinic())

    def print_handout(self) -> None:
        """The browser's print dialog on the handout, from the page itself."""
        self._saver.print(self._handout_html())

    def save_handout(self) -> None:
        self._saver.save(wording("handout", "download_name", self._language()), "text/html",
                         self._handout_html())

    def show_note(self) -> None:
        language = self._language() if self._note_language.value else DEFAULT_LANGUAGE
        self._note.value = self._copy.text = clinical_note(self._current(), language=language,
                                                           settings=self._settings())
        self._note.layout.display = self._copy.layout.display = None

    def refresh(self) -> None:
        """Keep an open note in step with the forecast on screen."""
        if self._note.layout.display is None:
            self.show_note()

    def case_text(self) -> str:
        """The case file of the case on screen (with its course id once recorded)."""
        return save_case(self._current(), self._course())

    def save_case(self) -> None:
        self._saver.save(wording("case_file", "download_name"), "application/json",
                         self.case_text())

    def _opened(self, text: str, size: int) -> None:
        """A file picked in the browser: open it as a case, or say why not beside the
        button (a file over the limit arrives as its size alone)."""
        with speaking(self._language()):
            try:
                if size > MAX_CASE_BYTES:
                    raise CaseFileError("too_large")
                saved = read_case(text)
            except CaseFileError as error:
                self._refuse(case_file_sentence(error))
            else:
                self._open_saved(saved)
