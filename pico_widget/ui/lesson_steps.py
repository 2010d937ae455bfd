"""A taught case's forecasts as a class steps through its course, each made once.

Stepping session by session, the lesson shows the case as it was known then: with only the
results recorded up to that session, and (comparing lasers) the other laser's forecast for
it. Each is a full forecast; a class steps back and forth, so each is kept once made.
"""

from __future__ import annotations

from ..core.forecast import estimate
from ..core.models import Forecast, PatientProfile
from ..i18n.wording import wording
from .state import ScreenState


class LessonSteps:
    """The forecasts of one case (`profile` and its `forecast` as on screen) by the number
    of its results known; `state` gives the clinic's effect and the language."""

    def __init__(self, state: ScreenState, profile: PatientProfile, forecast: Forecast
                 ) -> None:
        self.state, self.profile, self.forecast = state, profile, forecast
        self._known: dict[int, tuple[PatientProfile, Forecast]] = {}
        self._others: dict[int, Forecast] = {}

    def known(self, count: int) -> tuple[PatientProfile, Forecast]:
        """The case with only its first `count` results, and its forecast."""
        if count == len(self.profile.observations):
            return self.profile, self.forecast
        if count not in self._known:
            profile = self.profile.model_copy(
                update={"observations": self.profile.observations[:count]})
            # The whole course's sessions, so a step past the known results still has its
            # point; the clinic's effect as on screen, so the steps compare like with like.
            self._known[count] = (profile, estimate(
                profile, max_sessions=self.forecast.max_sessions, clinic=self.state.effect))
        return self._known[count]

    def other_laser(self, profile: PatientProfile) -> tuple[str, Forecast]:
        """The other laser's forecast for `profile` (one of `known`'s), named for the
        legend."""
        other = "q-switched" if profile.laser == "picosecond" else "picosecond"
        language = self.state.language
        name = wording("labels", "compare_laser", language=language).format(
            laser=wording("lasers", language=language)[other])
        key = len(profile.observations)
        if key not in self._others:
            self._others[key] = estimate(profile.model_copy(update={"laser": other}),
                                         clinic=self.state.effect)
        return name, self._others[key]
