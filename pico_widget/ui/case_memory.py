"""The case survives the kernel: the page keeps the case on screen, the kernel takes it back.

Why: a culled or crashed kernel, or a reload, used to lose the case. The browser tab keeps
the current case as saved-case JSON (cases.save_case: the PatientProfile and the course's
random id, no identifier) in sessionStorage (static/case_memory.js); a fresh kernel's page
sends it back once, and it is validated like a case file (cases.read_case). A bad or
forged value is refused with the widget's normal sentence and changes nothing.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets

from ..core.cases import CaseFileError, read_case, save_case
from ..i18n.problems import case_file_sentence
from .widget import PicoWidget


class CaseMemory(anywidget.AnyWidget):
    """Invisible: mirrors `widget`'s profile into the page and restores it from there."""

    _esm = resources.files("pico_widget").joinpath("static/case_memory.js").read_text("utf-8")
    case = traitlets.Unicode("").tag(sync=True)

    def __init__(self, widget: PicoWidget, **kwargs: Any) -> None:
        super().__init__(case=save_case(widget.profile, widget.course_id), **kwargs)
        self.layout.display = "none"
        self._widget = widget
        widget.observe(self._remember, ["profile", "course_id"])
        self.on_msg(self._on_custom)

    def _remember(self, _change: Any) -> None:
        self.case = save_case(self._widget.profile, self._widget.course_id)

    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "restore":
            return
        text = content.get("case")
        try:  # anything but text is refused as "not JSON"
            saved = read_case(text if isinstance(text, str) else "")
        except CaseFileError as error:
            self._widget.refuse(case_file_sentence(error, self._widget.language))
            self.send({"type": "refused"})
            return
        self._widget.open_saved(saved)
