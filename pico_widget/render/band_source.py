"""Whose band it is: this clinic's own (from its recorded courses) or the studies'.

Why one module: the headline, the chance chart, the words, the handout and the note all
name the band's source, and they must never disagree. `Forecast.band_source` says which
band the forecast holds (core/clinic_effect.py); `BandSource` adds what only the screen
knows: whether the clinic's outcomes could be read at all, and, when the doctor asks for
both, the studies' forecast to show beside the clinic's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.clinic_effect import ClinicEffect
from ..core.models import Forecast
from ..i18n.wording import wording
from .summary import clinics_band

# "none": no outcomes database (serve without --outcomes); "loading": not read yet;
# "ok": read; "unavailable": it did not answer (the studies' band until it does).
Status = Literal["none", "loading", "ok", "unavailable"]


@dataclass(frozen=True)
class BandSource:
    """What the screen knows about the clinic's outcomes beyond the forecast."""

    status: Status = "none"
    studies: Forecast | None = None  # the studies' forecast, shown beside the clinic's
    effect: ClinicEffect | None = None  # the clinic's effect the forecast used


def _say(key: str, language: str, **values: object) -> str:
    return str(wording("band", key, language=language)).format(**values)


def _required(fc: Forecast) -> int:
    """The courses a condition needs for the clinic's own band. Said as "needs 10, has 1"
    rather than "1 more": the counts then never need a singular form in any language."""
    return fc.clinic_courses + fc.clinic_courses_needed


def band_line(fc: Forecast, session: int, language: str) -> str:
    """'at this clinic, from 34 courses: 48-66 in 100' or '21-81 in 100 at 8 in 10 clinics
    like those studied'."""
    low, high = clinics_band(fc, session)
    if fc.band_source == "this_clinic":
        return _say("this_clinic", language, courses=fc.clinic_courses, low=low, high=high)
    return str(wording("headline", "chance_clinics", language=language)).format(low=low, high=high)


def band_caveat(fc: Forecast, session: int, source: BandSource, language: str) -> str:
    """The line under the band: the studies' band too (when asked for), how many more
    courses the clinic needs for its own, or that its outcomes cannot be read now."""
    if fc.band_source == "this_clinic" and source.studies is not None:
        return band_line(source.studies, session, language)
    if source.status == "unavailable":
        return _say("unavailable", language)
    if fc.clinic_courses_needed > 0:
        return _say("needed", language, courses=fc.clinic_courses, total=_required(fc))
    return ""


def chart_legend(fc: Forecast, language: str) -> str:
    """The chance chart's whisker legend, naming the band's source."""
    if fc.band_source == "this_clinic":
        return _say("whiskers_this_clinic", language, courses=fc.clinic_courses)
    return str(wording("charts", "clinics_band", language=language))


def source_sentence(fc: Forecast, language: str) -> str:
    """One plain sentence naming the band's source, for the note and the handout."""
    if fc.band_source == "this_clinic":
        return _say("source_this_clinic", language, courses=fc.clinic_courses)
    if fc.clinic_courses_needed > 0:
        return _say("source_studies_needed", language, courses=fc.clinic_courses,
                    total=_required(fc))
    return _say("source_studies", language)
