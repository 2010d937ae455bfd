"""The standalone dashboard: a header with the model page, around PicoWidget."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..core.cases import teaching_cases
from ..core.models import PatientProfile
from ..core.settings_models import Clinic
from ..i18n.wording import (
    check_language,
    clinic_language,
    language_names,
    teaching_words,
    wording,
)
from ..render.clinic import clinic_from_env
from ..render.fragments import header_html, model_panel_html, point_html
from . import controls
from .a11y import Accessibility
from .case_memory import CaseMemory
from .class_view import ClassView
from .controls import NO_CHOICE
from .kernel_log import log_to_server
from .widget import PicoWidget


class Dashboard(widgets.VBox):
    """What the Voila app shows: product name, model page on demand, and the widget."""

    def __init__(self, profile: PatientProfile | None = None, language: str | None = None,
                 clinic: Clinic | None = None, **kwargs: Any) -> None:
        log_to_server()  # errors go to Voila's log, never over a visitor's websocket
        # The clinic's default (pico-widget serve --language) unless one is given.
        language = check_language(language) if language else clinic_language()
        # The clinic `pico-widget serve --clinic` was started with, unless one is given.
        self.widget = PicoWidget(profile, language=language,
                                 clinic=clinic or clinic_from_env())
        self.header = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
        self.language_choice = controls.ToggleButtons(
            options=[(name, code) for code, name in language_names().items()],
            value=language, style={"button_width": "auto"})
        self.language_choice.add_class("pico-language")
        self.language_choice.on_edit = self._switch_language
        cases = teaching_cases()
        self.cases = controls.Dropdown(
            options=[("", NO_CHOICE), *((case.title, index) for index, case in enumerate(cases))],
            layout=widgets.Layout(width="auto", max_width="100%"))
        self.cases.add_class("pico-cases")
        self.cases.on_edit = self._teaching_case
        self.cases.on_reject = lambda *_args: self.widget.refuse(
            wording("errors", "no_case", language=self.widget.language))
        self.model_button = widgets.ToggleButton(icon="book")
        self.model_button.add_class("pico-model-button")
        self.model_button.observe(self._toggle_model, "value")
        # The model page opens as a dialog over the page: the controls stay where they are.
        self.model_page = widgets.HTML()
        self.model_page.add_class("pico-model")
        self._model_close = widgets.Button(icon="times")
        self._model_close.add_class("pico-model-close")
        self._model_close.on_click(lambda _b: setattr(self.model_button, "value", False))
        self._model_dialog = widgets.VBox([self._model_close, self.model_page],
                                          layout=widgets.Layout(display="none"))
        self._model_dialog.add_class("pico-model-dialog")
        # Dims the page behind the dialog; a tap on it closes (static/a11y.js), and the
        # page keeps the keyboard out while the dialog is open.
        self._model_backdrop = widgets.Box(layout=widgets.Layout(display="none"))
        self._model_backdrop.add_class("pico-model-backdrop")
        # Side by side for a class: the case on screen joins up to four columns.
        self.class_view = ClassView(self.widget, on_change=self._word_class)
        self.class_add = widgets.Button(icon="columns")
        self.class_add.add_class("pico-class-add")
        self.class_add.on_click(lambda _b: self.add_to_class())
        # Teaching mode: the class view alone on the screen, each answer behind "Reveal".
        self._class_mode = widgets.ToggleButton(icon="graduation-cap")
        self._class_mode.add_class("pico-class-mode")
        self._class_mode.observe(lambda change: self.teach(change["new"]), "value")
        top = widgets.HBox([self.header, self.language_choice, self.cases, self.model_button,
                            self.class_add, self._class_mode])
        top.add_class("pico-header-row")
        self.point = widgets.HTML()
        # The whole page speaks the widget's language (screen readers pick their voice).
        self._accessibility = Accessibility(language=language, page=True)
        self._word_header()
        self.widget.observe(self._edited, "profile")
        # Another case on screen may have its column already: the add button says so.
        self.widget.observe(lambda _change: self._word_class(), "profile")
        self.widget.observe(self._respoken, "language")
        self.memory = CaseMemory(self.widget)  # the case outlives the kernel, in this tab
        super().__init__([top, self.point, self.class_view, self.widget, self._model_backdrop,
                          self._model_dialog, self.memory,
                          self._accessibility], **kwargs)
        self.add_class("pico-app")

    def _word_header(self) -> None:
        """The header's and the teaching cases' words in the widget's language."""
        language = self.widget.language
        label = wording("labels", language=language)
        self.header.value = header_html(language)
        self.cases.relabel([(label["teaching_none"], NO_CHOICE), *(
            (teaching_words(i, case.title, case.point, language)[0], i)
            for i, case in enumerate(teaching_cases()))])
        self._show_point()
        self.model_button.description = label["model_link"]
        self._model_close.description = wording("model_intro", "close", language=language)
        self._accessibility.language = language
        self._accessibility.names = {"pico-cases": label["teaching_case"],
                                     "pico-model": label["model_link"]}
        self.language_choice.tooltips = [label["language"]] * len(self.language_choice.options)
        self.model_page.value = ""  # drawn again, with its note, when next opened
        self._word_class()  # the class view words itself (it observes the language)
        if self.model_button.value:
            self._toggle_model({"new": True})

    def _switch_language(self, _control: Any = None) -> None:
        """Only the words change: the widget keeps its case and forecast."""
        self.widget.language = self.language_choice.value

    def _respoken(self, change: dict[str, Any]) -> None:
        """The widget's language changed (here or from a notebook): the header follows."""
        self.language_choice.value = change["new"]
        self._word_header()

    def _teaching_case(self, _control: Any = None) -> None:
        """Trainer mode: show a shipped case (its teaching point appears with the summary)."""
        if self.cases.value == NO_CHOICE:
            self.point.value = ""
            return
        case = teaching_cases()[self.cases.value]
        self.widget.profile = case.profile
        self.widget.compare_lasers(case.compare_lasers)  # the state its title promises
        self._show_point()

    def _edited(self, change: dict[str, Any]) -> None:
        """A teaching case changed by hand is no longer that case: its title and point go."""
        index = self.cases.value
        if index == NO_CHOICE or change["new"] == teaching_cases()[index].profile:
            return
        self.cases.value = NO_CHOICE
        self.point.value = ""

    def _show_point(self) -> None:
        """The chosen teaching case's point, in the widget's language."""
        index = self.cases.value
        if index == NO_CHOICE:
            return
        case = teaching_cases()[index]
        title, point = teaching_words(index, case.title, case.point, self.widget.language)
        self.point.value = point_html(title, point)

    def add_to_class(self) -> None:
        """The case on screen into the next column (a teaching case keeps its title)."""
        index = self.cases.value
        self.class_view.add(self.widget.profile, None if index == NO_CHOICE else index)

    def _word_class(self) -> None:
        """The add button's words; it rests while four columns are full, and says so when
        the case on screen has its column already (a second tap did nothing, unsaid)."""
        language = self.widget.language
        there = self.class_view.showing(self.widget.profile)
        self.class_add.description = wording("labels", "class_added" if there else "class_add",
                                             language=language)
        self._class_mode.description = wording("teaching", "class_mode", language=language)
        self.class_add.disabled = self.class_view.full or there

    def teach(self, on: bool = True) -> None:
        """Class mode: the side-by-side view fills the screen (the consultation's widget
        steps aside, its case kept) and each column's answer waits behind "Reveal"."""
        if self._class_mode.value != on:
            self._class_mode.value = on  # its observer comes back here, once
            return
        self.class_view.teach(on)
        self.widget.layout.display = "none" if on else None
        self.point.layout.display = "none" if on else None
        if on:
            self.add_class("pico-teaching")
        else:
            self.remove_class("pico-teaching")

    def _toggle_model(self, change: dict[str, Any]) -> None:
        if change["new"] and not self.model_page.value:
            from ..render.model_page import model_page_html

            self.model_page.value = model_panel_html(model_page_html(), self.widget.language)
        shown = None if change["new"] else "none"
        self._model_backdrop.layout.display = shown
        self._model_dialog.layout.display = shown
