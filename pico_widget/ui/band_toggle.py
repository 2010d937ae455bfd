"""The toggle that shows the studies' band beside this clinic's (issue 31).

Why a toggle: a doctor plans with the clinic's own band, and a trainer or a sceptical
patient asks how it compares with the published studies. It is offered only when the band
on screen is the clinic's; otherwise there is one band and nothing to compare.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.models import Forecast
from ..i18n.wording import wording
from . import controls


class BandToggle(controls.Checkbox):
    """'Show the studies' band too': ticked, the headline and the chance view show both."""

    def __init__(self, on_toggle: Callable[[], None]) -> None:
        super().__init__(value=False, indent=False)
        self.add_class("pico-both-bands")
        self.on_edit = lambda _control: on_toggle()
        self.layout.display = "none"

    def word(self, language: str) -> None:
        self.description = wording("band", "show_both", language=language)

    def show_for(self, fc: Forecast) -> None:
        self.layout.display = None if fc.band_source == "this_clinic" else "none"

    def wanted(self, fc: Forecast) -> bool:
        """Both bands asked for, and there are two."""
        return bool(self.value) and fc.band_source == "this_clinic"
