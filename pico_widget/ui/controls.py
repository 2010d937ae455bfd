"""ipywidgets controls that never trust the browser, and that tell the doctor's edits
apart from the program's own writes.

A browser can send any value to a synced trait. These controls do not clamp or coerce
silently: anything the control itself cannot take (an index off the list, a slider value
out of range, a wrong type) is handed to `on_reject` with the key and raw value, so the widget can
explain it with the same pydantic sentence as any other bad input, and the browser is sent
back the value the server holds.

A value the control accepts from the browser is handed to `on_edit`. Only the browser's
messages reach it: when the widget shows a new profile, or new words for the same choices
(`relabel`), it writes the controls without hearing its own writes as edits, so it needs
no flag to ignore them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import ipywidgets as widgets
from traitlets import TraitError, validate

from .compat import Apply, BrowserUpdates

log = logging.getLogger(__name__)
Reject = Callable[[widgets.Widget, str, Any], None]
Edit = Callable[[widgets.Widget], None]
_VALUE_KEYS = ("value", "index")
# The value of a dropdown's "nothing chosen" entry. Not None: ipywidgets reads a None value
# as "no selection", and the browser then shows an empty box instead of the entry's label.
NO_CHOICE = -1


class Guarded(BrowserUpdates):
    """Mixin: a browser-sent value the control takes goes to `on_edit`, one it refuses to
    `on_reject`."""

    on_reject: Reject | None = None
    on_edit: Edit | None = None
    send_state: Callable[[], None]  # the ipywidgets control's, which it is mixed into

    def browser_update(self, sync_data: dict[str, Any], apply: Apply) -> None:
        before = getattr(self, "value", None)
        try:
            apply(sync_data)
        except (TraitError, TypeError, ValueError) as exc:
            key = next((k for k in _VALUE_KEYS if k in sync_data), "")
            log.info("control refused a browser value (%s)", type(exc).__name__)
            self.send_state()
            if self.on_reject is not None:
                self.on_reject(self, key, sync_data.get(key))
            return
        edited = any(k in sync_data for k in _VALUE_KEYS)
        if edited and self.on_edit is not None and getattr(self, "value", None) != before:
            self.on_edit(self)


class Relabelled:
    """Mixin for choice controls: new words for the same choices."""

    # The ipywidgets choice control's, which it is mixed into.
    value: Any
    options: Any
    hold_sync: Callable[[], AbstractContextManager[None]]

    def relabel(self, options: list[tuple[str, Any]]) -> None:
        """Show `options` (label, value), keeping the chosen value when it is still offered.

        ipywidgets jumps to the first option when the options change; the value is put
        back before the browser hears of either, in one message. `on_edit` is not called:
        the doctor chose nothing.
        """
        value = self.value
        with self.hold_sync():
            self.options = options
            if any(v == value for _label, v in options):
                self.value = value


class _Strict:
    """Mixin for bounded sliders: refuse out-of-range values instead of clamping them."""

    min: Any  # the ipywidgets slider's bounds, which it is mixed into
    max: Any

    @validate("value")
    def _validate_value(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        if not self.min <= value <= self.max:
            raise TraitError(f"{value} is outside {self.min}-{self.max}")
        return value


class Dropdown(Guarded, Relabelled, widgets.Dropdown):
    pass


class ToggleButtons(Guarded, Relabelled, widgets.ToggleButtons):
    pass


class Checkbox(Guarded, widgets.Checkbox):
    pass


class IntSlider(Guarded, _Strict, widgets.IntSlider):
    pass


class FloatSlider(Guarded, _Strict, widgets.FloatSlider):
    pass


class IntText(Guarded, widgets.IntText):
    pass


class Text(Guarded, widgets.Text):
    pass
