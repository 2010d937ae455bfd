"""The standalone dashboard: a header with the model page, around PicoWidget."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from . import controls
from .case_memory import CaseMemory
from .cases import teaching_cases
from .controls import NO_CHOICE
from .models import PatientProfile
from .server_log import log_to_server
from .text import wording
from .widget import PicoWidget


class Dashboard(widgets.VBox):
    """What the Voila app shows: product name, model page on demand, and the widget."""

    def __init__(self, profile: PatientProfile | None = None, **kwargs: Any) -> None:
        log_to_server()  # errors go to Voila's log, never over a visitor's websocket
        self.widget = PicoWidget(profile)
        header = widgets.HTML(
            f'<div class="pico-header"><h1>{wording("app_name")}</h1>'
            f'<span class="pico-tagline">{wording("tagline")}</span></div>',
            layout=widgets.Layout(flex="1 1 auto"))
        cases = teaching_cases()
        self._cases = controls.Dropdown(
            options=[(wording("labels", "teaching_none"), NO_CHOICE),
                     *((case.title, index) for index, case in enumerate(cases))],
            layout=widgets.Layout(width="auto", max_width="100%"))
        self._cases.observe(self._teaching_case, "value")
        self._cases.on_reject = lambda *_args: self.widget._refuse(wording("errors", "no_case"))
        self._model_button = widgets.ToggleButton(description=wording("labels", "model_link"),
                                                  icon="book")
        self._model_button.observe(self._toggle_model, "value")
        self._model = widgets.HTML(layout=widgets.Layout(display="none"))
        self._model.add_class("pico-model")
        top = widgets.HBox([header, self._cases, self._model_button])
        top.add_class("pico-header-row")
        self._point = widgets.HTML()
        self.memory = CaseMemory(self.widget)  # the case outlives the kernel, in this tab
        super().__init__([top, self._model, self._point, self.widget, self.memory], **kwargs)
        self.add_class("pico-app")

    def _teaching_case(self, change: dict[str, Any]) -> None:
        """Trainer mode: show a shipped case (its teaching point appears with the summary)."""
        if change["new"] == NO_CHOICE:
            return
        case = teaching_cases()[change["new"]]
        self.widget.profile = case.profile
        self._point.value = (f'<p class="pico-point"><b>{escape(case.title)}.</b> '
                             f"{escape(case.point)}</p>")

    def _toggle_model(self, change: dict[str, Any]) -> None:
        if change["new"] and not self._model.value:
            from .model_page import model_page_html

            self._model.value = model_page_html()
        self._model.layout.display = None if change["new"] else "none"
