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
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..render.templates import sentence
from . import controls
from .controls import NO_CHOICE
from .device import DeviceFields, DeviceLog


class ObservationRow(widgets.Box):
    """The response seen after one session (or, with `obs.improvement_percent` missing, a
    session still to be described). `on_remove(row)` when its remove button is tapped,
    `on_change(row)` when the doctor changes its session number or value. With a `device`
    log, the row also takes the device settings used that session (for the note). Its
    words are in `language` until `word` gives another."""

    def __init__(self, obs: Observation | dict[str, Any],
                 on_remove: Callable[[ObservationRow], None],
                 on_change: Callable[[ObservationRow], None] | None = None,
                 device: DeviceLog | None = None, language: str = DEFAULT_LANGUAGE) -> None:
        self._on_change, self._language = on_change, language
        self.title = widgets.HTML()
        self.title.add_class("pico-row-title")
        self.session = controls.IntText(value=1, style={"description_width": "initial"},
                                        layout=widgets.Layout(width="150px"))
        self.improvement = controls.FloatSlider(
            value=0, min=0, max=100, step=1, readout=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 160px", min_width="0"))
        self.number = controls.Text(value="", continuous_update=False,
                                    layout=widgets.Layout(width="88px"))
        self.number.add_class("pico-seen-number")
        percent = widgets.HTML("%")
        percent.add_class("pico-percent")
        self.band = controls.Dropdown(options=[("", NO_CHOICE)],
                                      layout=widgets.Layout(width="auto"))
        self.remove = widgets.Button(icon="trash", layout=widgets.Layout(width="auto"))
        self.device = None if device is None else DeviceFields(device,
                                                                lambda: self.session.value,
                                                                language)

        def removed(_b: Any) -> None:
            if device is not None:
                device.drop(self.session.value)
            on_remove(self)

        self.remove.on_click(removed)
        # Only the doctor's edits (browser messages) reach these: show() writes quietly.
        self.band.on_edit = self._pick_band
        self.improvement.on_edit = self._slid
        self.number.on_edit = self._typed
        self.session.on_edit = self._changed
        super().__init__([self.title, self.remove, self.session, self.improvement, self.number,
                          percent, self.band, *([self.device] if self.device else [])])
        self.add_class("pico-row")
        self.entered = False
        self._shown: dict[str, Any] = {}
        self.show(obs)
        self.word(language)

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
        self.session.value = obs["session"]
        self.entered = percent is not None
        self.improvement.value = percent if percent is not None else 0
        self.number.value = f"{percent:g}" if percent is not None else ""
        self._shown = {"session": obs["session"], "percent": percent}
        if self.device is not None:
            self.device.show(obs["session"])
        self._title()

    def keep_session(self) -> None:
        """The session number typed is good: a later refusal puts the row back to it."""
        self._shown["session"] = self.session.value
        self._title()

    def reset(self) -> None:
        """Back to what the row last showed (a refused value is not left in the field)."""
        self.show({"session": self._shown["session"],
                   "improvement_percent": self._shown["percent"]})

    def word(self, language: str) -> None:
        """Every word of the row in `language` (the screen's); the title keeps to it."""
        self._language = language
        label = wording("labels", language=language)
        self.session.description = label["session_number"]
        self.improvement.description = label["improvement_seen"]
        self.number.placeholder = label["seen_placeholder"]
        # A band says what it records: its middle (the model's 10-point assessment noise
        # is about as wide as the band), so "37%" is not read as a measurement.
        self.band.relabel([(label["quartile_hint"], NO_CHOICE), *(
            (label["quartile_option"].format(band=band, percent=f"{middle:g}"), middle)
            for band, middle in wording("quartiles", language=language).items())])
        self.remove.description = label["remove"]
        if self.device is not None:
            self.device.word(language)
        self._title()

    def _title(self) -> None:
        """'Session 2: improvement seen 35%', or the empty session's prompt."""
        label = wording("labels", language=self._language)
        session, percent = self._shown["session"], self._shown["percent"]
        if percent is None:
            self.title.value = sentence(label["observation_empty"], n=session)
            self.add_class("pico-pending")
        else:
            self.title.value = sentence(label["observation_title"], n=session,
                                        percent=f"{percent:.0f}")
            self.remove_class("pico-pending")

    def _changed(self, _control: Any = None) -> None:
        if self._on_change is not None:
            self._on_change(self)

    def _slid(self, _control: Any) -> None:
        """The slider moved (a tap or a drag): its value is now the row's value."""
        self.number.value = f"{self.improvement.value:g}"
        self._changed()

    def _typed(self, _control: Any) -> None:
        """A number typed: the slider follows when it is one; the widget judges it."""
        text = str(self.number.value).strip()
        if not text and not self.entered:
            return  # still empty: nothing to record
        self._take(text)

    def _pick_band(self, _control: Any) -> None:
        """A band sets the value to its middle (its option says so), then the dropdown
        shows its hint again."""
        middle = self.band.value
        self.band.value = NO_CHOICE
        if middle != NO_CHOICE:
            self.number.value = f"{middle:g}"
            self._take(self.number.value)

    def _take(self, text: str) -> None:
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is not None and 0 <= value <= 100:
            self.improvement.value = value
        self._changed()
