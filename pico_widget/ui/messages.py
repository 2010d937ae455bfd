"""Where a refused input's sentence shows, and only there.

Above the inputs ("top"), beside the case file's upload ("upload") or beside the sessions
("rows"): where the doctor's eye is. One place at a time, so a screen reader hears it once.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..render.fragments import message_html


class Messages:
    """The sentence for the last refused input ("" when none) and the boxes it shows in."""

    def __init__(self, boxes: dict[str, widgets.HTML]) -> None:
        self.boxes = boxes
        self.sentence = ""

    def show(self, sentence: str, place: str = "top") -> None:
        """Show `sentence` at `place` and clear the others ("" clears them all)."""
        self.sentence = sentence
        # The sentence can quote a visitor's value (a case file field): the template
        # escapes it.
        for where, box in self.boxes.items():
            shown = message_html(sentence) if where == place else ""
            if shown and box.value == shown:
                # The same refusal again: drawn anew, so the page brings it into view
                # (static/a11y.js scrolls to a new alert) and a screen reader hears it.
                box.value = ""
            box.value = shown
