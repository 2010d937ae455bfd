"""One recorded session as a labelled row: "Session 2: improvement seen 35%".

Why its own module: the row is read back into the profile by the widget, and its parts
(session number, slider, quartile band, remove) must be found by name, not by position.
The title repeats the slider's value in words, so the number beside the slider is never
mistaken for another session number.
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


class ObservationRow(widgets.Box):
    """The response seen after one session; `on_remove(row)` when its remove button is tapped."""

    def __init__(self, obs: Observation, on_remove: Callable[[ObservationRow], None]) -> None:
        label = wording("labels")
        self.title = widgets.HTML()
        self.title.add_class("pico-row-title")
        self.session = controls.IntText(value=obs.session, description=label["session_number"],
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="150px"))
        self.improvement = controls.FloatSlider(
            value=obs.improvement_percent, min=0, max=100, step=1, readout=False,
            description=label["improvement_seen"], style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 180px", min_width="0"))
        self.band = controls.Dropdown(options=[(label["quartile_hint"], NO_CHOICE),
                                               *wording("quartiles").items()],
                                      layout=widgets.Layout(width="auto"))
        self.remove = widgets.Button(description=label["remove"], icon="trash",
                                     layout=widgets.Layout(width="auto"))
        self.remove.on_click(lambda _b: on_remove(self))
        self.band.observe(self._pick_band, "value")
        super().__init__([self.title, self.remove, self.session, self.improvement, self.band])
        self.add_class("pico-row")
        self.show(obs)

    @property
    def guarded(self) -> list[Any]:
        """The controls whose values make up the observation."""
        return [self.session, self.improvement]

    def read(self) -> dict[str, Any]:
        return {"session": self.session.value, "improvement_percent": self.improvement.value}

    def show(self, obs: Observation) -> None:
        self.session.value = obs.session
        self.improvement.value = obs.improvement_percent
        self.title.value = sentence(wording("labels", "observation_title"),
                                    n=obs.session, percent=f"{obs.improvement_percent:.0f}")

    def _pick_band(self, change: dict[str, Any]) -> None:
        """A band sets the slider to its middle, then the dropdown shows its hint again."""
        if change["new"] != NO_CHOICE:
            self.improvement.value = change["new"]
            self.band.value = NO_CHOICE
