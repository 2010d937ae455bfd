"""Saving files and copying text in the visitor's browser (nothing is written on the server)."""

from __future__ import annotations

from importlib import resources

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
