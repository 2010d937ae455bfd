"""The screen's state: the case, its forecast, the language, the clinic, the device settings.

Why one observable object: every part of the screen (the controls, the headline and views,
the take-home panel, the class view, the dashboard's header, the page's case memory) shows
some of these, and each used to ask the widget for them through a callable of its own, the
language through six routes. Here each lives once, as a traitlet: a part observes what it
shows, and a notebook can `observe` or `link` them on a PicoWidget (which is a ScreenState).

The forecast follows the profile: `show` makes it once, before anyone hears of either, and
everything that draws it (the views, the handout, the note) takes this one.
"""

from __future__ import annotations

from typing import Any

import traitlets

from ..core.clinic_effect import ClinicEffect
from ..core.forecast import estimate
from ..core.models import Forecast, PatientProfile
from ..core.settings_models import Clinic
from ..i18n.wording import DEFAULT_LANGUAGE, check_language
from .device import DeviceLog


class Validated(traitlets.Instance):
    """A pydantic model trait: a dict (or the model) is validated into the model, a bad
    one raises pydantic's ValidationError, whose sentence names the field."""

    def validate(self, obj: Any, value: Any) -> Any:
        return self.klass.model_validate(value)  # type: ignore[union-attr]


class ScreenState(traitlets.HasTraits):
    """What the screen shows. Set `profile` to show another case: its forecast follows."""

    profile = Validated(PatientProfile)
    forecast = traitlets.Instance(Forecast, read_only=True)  # always estimate(profile)
    language = traitlets.Unicode(DEFAULT_LANGUAGE)  # "en", "zh-Hans" or "ms"
    clinic = traitlets.Instance(Clinic, allow_none=True)
    # The course's random id once recorded or opened from a case file (no identifier).
    course_id = traitlets.Unicode(None, allow_none=True)
    # Device settings per session, for the note only; they outlive redrawn rows.
    device = traitlets.Instance(DeviceLog, args=())
    # The clinic's own effect (serve --outcomes, ui/clinic_band.py), else None: every
    # forecast is made with it, so its band is the clinic's once it has enough courses.
    effect = traitlets.Instance(ClinicEffect, allow_none=True)

    _showing = False  # True while `show` sets a case it was given with its course
    _forecast_of: PatientProfile | None = None  # the profile `forecast` was made for

    @traitlets.validate("profile")
    def _valid_profile(self, proposal: dict[str, Any]) -> PatientProfile:
        """Any case from outside (a notebook, a teaching case) is not the recorded course."""
        if not self._showing:
            self.course_id = None
        return proposal["value"]

    @traitlets.validate("language")
    def _valid_language(self, proposal: dict[str, Any]) -> str:
        return check_language(proposal["value"])  # a ValueError naming those offered

    @traitlets.observe("profile")
    def _forecast_follows(self, change: dict[str, Any]) -> None:
        """A profile set directly (`w.profile = p`) gets its forecast before other observers
        hear of it (this observer is the class's own, so it runs first)."""
        if self._forecast_of != change["new"]:
            self._forecast_of = change["new"]
            self.set_trait("forecast", estimate(change["new"], clinic=self.effect))

    @traitlets.observe("effect")
    def _forecast_follows_effect(self, change: dict[str, Any]) -> None:
        """The clinic's effect changed: the same case, forecast again with it."""
        if self._forecast_of is not None:
            self.set_trait("forecast", estimate(self._forecast_of, clinic=change["new"]))

    def show(self, profile: PatientProfile, course_id: str | None = None,
             keep_course: bool = True) -> None:
        """`profile` on screen with its forecast, made once. The forecast is made before
        anything changes (a failure changes nothing); observers hear of both together,
        the forecast first. With `keep_course` the recorded course stays (else `course_id`
        replaces it), until every session is removed: then a course starts anew."""
        profile = PatientProfile.model_validate(profile)
        forecast = estimate(profile, clinic=self.effect)
        self._showing = True
        try:
            with self.hold_trait_notifications():
                self._forecast_of = profile
                self.set_trait("forecast", forecast)
                if not keep_course:
                    self.course_id = course_id
                if not profile.observations:
                    self.course_id = None
                self.profile = profile
        finally:
            self._showing = False
