"""Export for slides: a figure (render/slides.py) saved by the browser as a PNG or a PDF.

Why in the browser: the served page already holds plotly.js, which turns a figure into an
image with `Plotly.toImage`; a server-side renderer (kaleido) would need a Chromium on
every clinic's server and is not in every install. The PDF is one page holding that image
at 1920x1080, written by a few lines of script (static/slides.js): nothing is fetched, and
nothing is written on the server.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets

from ..render.slides import SLIDE_HEIGHT, SLIDE_WIDTH

KINDS = ("png", "pdf")


class SlideSaver(anywidget.AnyWidget):
    """Invisible: `export()` hands the browser a figure to save as an image or a PDF."""

    _esm = resources.files("pico_widget").joinpath("static/slides.js").read_text("utf-8")
    kind = traitlets.Unicode("slides").tag(sync=True)

    def export(self, figure: dict[str, Any], kind: str, name: str) -> None:
        """Save `figure` as `name`.png or `name`.pdf at the projector's resolution."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.send({"type": "export", "kind": kind, "filename": f"{name}.{kind}",
                   "figure": figure, "width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
