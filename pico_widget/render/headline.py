"""The answer first: a few big numbers at the top of the results, and who they are for.

Why a pure function of (profile, forecast): the screen and the handout show the same
headline, tests can check it without a browser, and a new forecast field (say, the share
who never reach the goal) is a line or two here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.models import Forecast, PatientProfile
from ..core.settings_models import Clinic
from ..i18n.formats import plural
from ..i18n.wording import condition_words, laser_name, wording
from ..i18n.wording import course_length as course_in_units
from .band_source import BandSource, band_caveat, band_line
from .clinic import cost_range, price
from .summary import course_length, headline, pih_band, severity_text
from .templates import html


@dataclass(frozen=True)
class Figure:
    """One big number with its unit and a one-line caption saying what it means."""

    key: str
    value: str
    caption: str
    unit: str = ""
    note: str = ""  # a second caption line: the band across clinics (chance, PIH)
    caveat: str = ""  # a third: where the figure is an estimate beyond the studies
    in_words: bool = False  # no number to give ("Most never"): set smaller, to fit a line


@dataclass(frozen=True)
class Answer:
    figures: tuple[Figure, ...]
    who: str


def answer(profile: PatientProfile, fc: Forecast, language: str, clinic: Clinic | None = None,
           band: BandSource | None = None) -> Answer:
    """How many sessions, how long, how sure, what risk; then who the numbers are for.
    With a clinic's usual price, the likely cost of the session range beside the sessions.
    `band`: whether the clinic's outcomes were read, and the studies' forecast to show
    beside the clinic's band (render/band_source.py)."""
    figures = [_sessions(fc, language), _time(fc, language),
               _chance(fc, band or BandSource(), language), _pih(fc, language)]
    cost = _cost(fc, clinic, language)
    if cost is not None:
        figures.insert(1, cost)
    return Answer(tuple(figures), _who(profile, fc, language))


def _cost(fc: Forecast, clinic: Clinic | None, language: str) -> Figure | None:
    """The cost of the typical range of sessions (most need low to high) at the clinic's
    usual price per session; None without a price, or where the typical patient does not
    reach the goal (a price for a goal most never reach would read as a promise). An
    open-ended range keeps its "+" in the cost as in the sessions."""
    if (clinic is None or clinic.price_per_session is None or fc.sessions_range is None
            or fc.typical_outcome != "reaches"):
        return None
    low_n, high_n = fc.sessions_range
    more = _say("open_mark", language) if fc.sessions_open_ended else ""
    caption = (_say("cost_caption_single", language) if high_n == 1 and not more else
               _say("cost_caption", language, low_n=low_n, high_n=f"{high_n}{more}",
                    price=price(clinic, clinic.price_per_session, language)))
    return Figure("cost", (cost_range(clinic, low_n, high_n, language) or "") + more,
                  caption)


def _say(key: str, language: str, **values: Any) -> str:
    return str(wording("headline", key, language=language)).format(**values)


def _sessions(fc: Forecast, language: str) -> Figure:
    """The typical number of sessions (where half of patients like this one have reached the
    goal, as on the curve) and the range of those who reach it; where the typical patient
    does not reach it, whether they get there later or never."""
    ceiling = f"{fc.ceiling_percent:.0f}"
    if fc.sessions_range is None:  # typical_outcome "rare": under 1 in 20 reach it
        return Figure("sessions", _say("sessions_none", language),
                      _say("sessions_none_caption", language, horizon=fc.max_sessions,
                           ceiling=ceiling),
                      in_words=True)
    low, high = fc.sessions_range
    unit = _say("sessions_unit", language)
    if fc.typical_outcome == "never":
        return Figure("sessions", _say("sessions_never", language),
                      _say("sessions_never_caption", language, ceiling=ceiling, low=low, high=high),
                      in_words=True)
    if fc.sessions_median is None:  # typical_outcome "later"
        return Figure("sessions", _say("sessions_beyond", language, horizon=fc.max_sessions),
                      _say("sessions_beyond_caption", language, horizon=fc.max_sessions, low=low,
                           high=high), unit)
    median = fc.sessions_median
    if fc.sessions_open_ended and high == median:  # not "9 typical (most need 2 to 9+)"
        caption = _say("sessions_open_top", language, low=low, horizon=fc.max_sessions)
    elif fc.sessions_open_ended:
        caption = _say("sessions_open", language, low=low, high=high)
    elif high == 1:
        caption = _say("sessions_single", language)
    else:
        caption = _say("sessions_range", language, low=low, high=high)
    if median == 1:
        unit = _say("session_unit", language)
    return Figure("sessions", _say("sessions", language, median=median), caption, unit)


def _time(fc: Forecast, language: str) -> Figure:
    """Time to the goal for the typical patient at the usual interval between sessions; when
    the typical patient reaches it only later, the time the sessions shown take, as a floor
    (the conditions' cautions quote the same, i18n.problems.caveat_sentence)."""
    low_w, high_w = fc.interval_weeks
    beyond = (course_in_units((fc.max_sessions - 1) * fc.usual_interval_weeks)
              if fc.typical_outcome == "later" else None)
    if beyond is not None:
        unit, count = beyond
        return Figure("time", _say(f"time_{unit}_beyond", language, **{unit: count}),
                      _say("time_caption", language, interval_low=low_w, interval_high=high_w),
                      _say(f"{unit}_unit", language))
    if fc.weeks_to_goal is None:
        return Figure("time", _say("time_none", language),
                      _say("time_none_caption", language, interval_low=low_w, interval_high=high_w),
                      in_words=True)
    length = course_length(fc)
    if length is None:  # one session suffices
        return Figure("time", _say("time_single", language),
                      _say("time_single_caption", language, interval_low=low_w,
                           interval_high=high_w))
    unit, count = length
    return Figure("time", _say(f"time_{unit}", language, **{unit: count}),
                  _say("time_caption", language, interval_low=low_w, interval_high=high_w),
                  _say(f"{unit}_unit", language))


def _chance(fc: Forecast, band: BandSource, language: str) -> Figure:
    """Who reaches the goal by the session the summary speaks of, and who never does; the
    band says whose it is (this clinic's or the studies'), the line under it the studies'
    band too, the courses still needed, or that the clinic's outcomes cannot be read."""
    top = headline(fc)
    caption = (_say("chance_never_caption", language, session=top.session, never=top.never)
               if top.never >= 5 else _say("chance_caption", language, session=top.session))
    return Figure("chance", _say("chance", language, reach=top.reach), caption,
                  note=band_line(fc, top.session, language),
                  caveat=band_caveat(fc, top.session, band, language))


def _pih(fc: Forecast, language: str) -> Figure:
    """The PIH risk, its band across clinics, and whether it rests on no study of this skin
    type with this laser."""
    low, high = pih_band(fc)
    return Figure("pih", _say("pih", language, pih=f"{fc.pih_risk_percent:.0f}"),
                  _say("pih_caption", language),
                  note=_say("pih_clinics", language, low=low, high=high),
                  caveat=_say("pih_extrapolated", language) if fc.pih_extrapolated else "")


def _who(profile: PatientProfile, fc: Forecast, language: str) -> str:
    spec = condition_words(profile.condition, language)
    return _say("who", language, condition=spec.in_sentence,
                severity=severity_text(profile, fc, language),
                fitzpatrick=profile.fitzpatrick_numeral,
                laser=laser_name(profile.laser, language),
                goal=f"{profile.goal_percent:.0f}",
                evidence=plural("headline", "evidence", fc.evidence.studies, language,
                                grade=wording("evidence", "grades",
                                              language=language)[fc.evidence.grade]))


def answer_html(result: Answer) -> str:
    """The headline as one small HTML block (values in large type, captions beneath)."""
    return html("headline.html.j2", answer=result)
