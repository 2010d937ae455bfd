"""Saving files and copying text in the visitor's browser (nothing is written on the server)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import anywidget
import traitlets

_ESM = resources.files("pico_widget").joinpath("static/files.js").read_text("utf-8")


class Saver(anywidget.AnyWidget):
    """Invisible: `save()` hands the browser a file to download."""

    _esm = _ESM
    kind = traitlets.Unicode("save").tag(sync=True)

    def save(self, filename: str, mime: str, text: str) -> None:
        self.send({"type": "save", "filename": filename, "mime": mime, "text": text})

    def print(self, html: str) -> None:
        """Open the browser's print dialog on a page (the handout), without leaving this one."""
        self.send({"type": "print", "text": html})


class CopyButton(anywidget.AnyWidget):
    """A button that copies `text` to the clipboard in the browser (a user gesture there)."""

    _esm = _ESM
    kind = traitlets.Unicode("copy").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    done_label = traitlets.Unicode("").tag(sync=True)


class FileOpener(anywidget.AnyWidget):
    """A button that opens a file from the visitor's device: `on_open(text, size)` with its
    text, or "" when it is larger than `max_bytes` (then only its size is sent). It shows its
    words alone (ipywidgets' FileUpload adds a meaningless "(0)")."""

    _esm = _ESM
    kind = traitlets.Unicode("open").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)

    def __init__(self, on_open: Callable[[str, int], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_open = on_open
        self.on_msg(self._opened)

    def _opened(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "open":
            text, size = content.get("text"), content.get("size")
            self._on_open(text if isinstance(text, str) else "",
                          size if isinstance(size, int) else 0)
