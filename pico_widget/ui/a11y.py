"""The accessible names and states ipywidgets leaves out, set in the page (static/a11y.js).

Why a widget of its own: ipywidgets renders its own DOM and offers no way to set
`aria-pressed` on a toggle, `aria-labelledby` on a dropdown or slider handle, or the page's
`lang`. This invisible anywidget sits inside the app and sets those attributes from the
visible headings, so a screen reader hears what a sighted user reads, in the widget's
language.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets


class Accessibility(anywidget.AnyWidget):
    """Invisible. `language` goes on the app (and, with `page`, on the whole page);
    `names` maps a CSS class to the accessible name of the control inside it."""

    _esm = resources.files("pico_widget").joinpath("static/a11y.js").read_text("utf-8")
    language = traitlets.Unicode("en").tag(sync=True)
    page = traitlets.Bool(False).tag(sync=True)
    names = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"
