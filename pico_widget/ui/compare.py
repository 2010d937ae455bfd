"""What is drawn dashed beside the case on screen: a pinned case, else the other laser.

Why apart from the widget: the pinned case outlives edits (it is what the doctor compares
them with) and its name is worded again when the language changes; its numbers are not.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.catalogue import conditions
from ..core.forecast import estimate
from ..core.models import Forecast, PatientProfile
from ..i18n.wording import wording
from ..render.summary import case_name
from .state import ScreenState


class Comparison:
    """The pin button's case and the compare box's laser, for `state`'s case."""

    def __init__(self, state: ScreenState, box: widgets.Checkbox,
                 button: widgets.Button) -> None:
        self._state, self._box, self._button = state, box, button
        self._pinned: tuple[str, Forecast] | None = None
        self._source: tuple[PatientProfile, str | None] | None = None

    @property
    def pinned(self) -> bool:
        return self._pinned is not None

    def pin(self, title: str | None = None) -> None:
        """Keep the case now on screen, drawn dashed, while other inputs are explored."""
        state = self._state
        self._source = (state.profile, title)
        self._pinned = (self._name(state.profile, title), state.forecast)
        self._button.description = wording("labels", "unpin", language=state.language)

    def unpin(self) -> None:
        self._pinned = self._source = None
        self._button.description = wording("labels", "pin", language=self._state.language)

    def reword(self) -> None:
        """The pinned case's name in the language on screen (its numbers stay)."""
        if self._pinned is not None and self._source is not None:
            self._pinned = (self._name(*self._source), self._pinned[1])

    def lasers(self, on: bool) -> None:
        """The other laser drawn or not (never for a condition with no Q-switched evidence)."""
        self._box.value = bool(on and conditions()[self._state.profile.condition].qswitched)

    def forecast(self) -> tuple[str, Forecast] | None:
        """The name and forecast drawn dashed, or None."""
        if self._pinned is not None:
            return self._pinned
        profile, language = self._state.profile, self._state.language
        if not self._box.value or not conditions()[profile.condition].qswitched:
            return None
        other = "q-switched" if profile.laser == "picosecond" else "picosecond"
        lasers = wording("lasers", language=language)
        name = wording("labels", "compare_laser", language=language).format(
            laser=lasers[other])
        return name, estimate(profile.model_copy(update={"laser": other}),
                              clinic=self._state.effect)

    def _name(self, profile: PatientProfile, title: str | None) -> str:
        language = self._state.language
        return str(wording("labels", "pinned", language=language).format(
            title=title or case_name(profile, language)))
