"""One recorded session as a labelled row: "Session 2: improvement seen 35%".

Why its own module: the row is read back into the profile by the widget, and its parts
(session number, slider, typed number, quartile band, remove) must be found by name, not
by position. The title repeats the value in words, so the number beside the slider is never
mistaken for another session number.

A new row starts empty (`entered` is False): nothing is assumed about a session the doctor
has not described, so the forecast does not change until a value is typed, the slider is
tapped or a band is chosen. The typed number is the row's value (the slider follows it);
the widget validates it like any input, so "abc" or 130 gets the usual sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..core.models import Observation
from ..i18n.wording import wording
from ..render.templates import sentence
from . import controls
from .controls import NO_CHOICE
from .device import DeviceFields, DeviceLog


class ObservationRow(widgets.Box):
    """The response seen after one session (or, with `obs.improvement_percent` missing, a
    session still to be described). `on_remove(row)` when its remove button is tapped,
    `on_change(row)` when the doctor changes its session number or value. With a `device`
    log, the row also takes the device settings used that session (for the note)."""

    def __init__(self, obs: Observation | dict[str, Any],
                 on_remove: Callable[[ObservationRow], None],
                 on_change: Callable[[ObservationRow], None] | None = None,
                 device: DeviceLog | None = None) -> None:
        label = wording("labels")
        self._on_change = on_change
        self._quiet = False
        self.title = widgets.HTML()
        self.title.add_class("pico-row-title")
        self.session = controls.IntText(value=1, description=label["session_number"],
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="150px"))
        self.improvement = controls.FloatSlider(
            value=0, min=0, max=100, step=1, readout=False,
            description=label["improvement_seen"], style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 160px", min_width="0"))
        self.number = widgets.Text(value="", placeholder=label["seen_placeholder"],
                                   continuous_update=False,
                                   layout=widgets.Layout(width="88px"))
        self.number.add_class("pico-seen-number")
        percent = widgets.HTML("%")
        percent.add_class("pico-percent")
        self.band = controls.Dropdown(options=[(label["quartile_hint"], NO_CHOICE),
                                               *wording("quartiles").items()],
                                      layout=widgets.Layout(width="auto"))
        self.remove = widgets.Button(description=label["remove"], icon="trash",
                                     layout=widgets.Layout(width="auto"))
        self._device_log = device
        self.device = None if device is None else DeviceFields(device,
                                                                lambda: self.session.value)

        def removed(_b: Any) -> None:
            if device is not None:
                device.drop(self.session.value)
            on_remove(self)

        self.remove.on_click(removed)
        self.band.observe(self._pick_band, "value")
        self.improvement.observe(self._slid, "value")
        self.number.observe(self._typed, "value")
        self.session.observe(self._changed, "value")
        super().__init__([self.title, self.remove, self.session, self.improvement, self.number,
                          percent, self.band, *([self.device] if self.device else [])])
        self.add_class("pico-row")
        self.entered = False
        self.show(obs)

    @property
    def guarded(self) -> list[Any]:
        """The controls that refuse a browser value they cannot take."""
        return [self.session, self.improvement]

    def read(self) -> dict[str, Any]:
        """The observation as typed (the widget validates it)."""
        return {"session": self.session.value, "improvement_percent": self.number.value}

    def show(self, obs: Observation | dict[str, Any]) -> None:
        """Show an observation, or an empty session when it has no improvement yet."""
        if isinstance(obs, Observation):
            obs = obs.model_dump()
        percent = obs.get("improvement_percent")
        self._quiet = True
        try:
            self.session.value = obs["session"]
            self.entered = percent is not None
            self.improvement.value = percent if percent is not None else 0
            self.number.value = f"{percent:g}" if percent is not None else ""
        finally:
            self._quiet = False
        if self.device is not None:
            self.device.show(obs["session"])
        self._word(obs["session"], percent)

    def _word(self, session: int, percent: float | None) -> None:
        label = wording("labels")
        if percent is None:
            self.title.value = sentence(label["observation_empty"], n=session)
            self.add_class("pico-pending")
        else:
            self.title.value = sentence(label["observation_title"], n=session,
                                        percent=f"{percent:.0f}")
            self.remove_class("pico-pending")

    def _changed(self, _change: Any = None) -> None:
        if not self._quiet and self._on_change is not None:
            self._on_change(self)

    def _slid(self, change: dict[str, Any]) -> None:
        """The slider moved (a tap or a drag): its value is now the row's value."""
        if self._quiet:
            return
        self._quiet = True
        try:
            self.number.value = f"{change['new']:g}"
        finally:
            self._quiet = False
        self._changed()

    def _typed(self, change: dict[str, Any]) -> None:
        """A number typed: the slider follows when it is one; the widget judges it."""
        if self._quiet:
            return
        text = str(change["new"]).strip()
        if not text and not self.entered:
            return  # still empty: nothing to record
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is not None and 0 <= value <= 100:
            self._quiet = True
            try:
                self.improvement.value = value
            finally:
                self._quiet = False
        self._changed()

    def _pick_band(self, change: dict[str, Any]) -> None:
        """A band sets the value to its middle, then the dropdown shows its hint again."""
        if change["new"] != NO_CHOICE:
            self.number.value = f"{change['new']:g}"
            self.band.value = NO_CHOICE
