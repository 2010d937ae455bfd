"""Forecast -> the plain-language results as HTML fragments (pure; wording from the data file;
HTML from render/templates).

The same sentences serve the screen, the handout and the clinical note, so what a patient
reads and what goes into the record never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..core.catalogue import catalogue
from ..core.models import Forecast, PatientProfile, Reference
from ..i18n.formats import join, number, plural
from ..i18n.problems import caution_sentence
from ..i18n.wording import condition_words, laser_name, wording
from ..i18n.wording import course_length as course_in_units
from .templates import html, sentence


@dataclass(frozen=True)
class Headline:
    """'About n in 100 reach the goal by session k' and 'about m in 100 never reach it':
    the numbers behind the icon array."""

    reach: int
    session: int
    never: int


def headline(fc: Forecast) -> Headline:
    """The session the summary speaks of (by when 9 in 10 of those who reach the goal have,
    else the horizon), how many of 100 reach it by then, and how many never do."""
    k = fc.sessions_range[1] if fc.sessions_range is not None else fc.max_sessions
    never = min(round(fc.never_percent), 100 - round(100 * fc.prob_goal_by_session[k - 1]))
    return Headline(round(100 * fc.prob_goal_by_session[k - 1]), k, never)


def clinics_band(fc: Forecast, session: int) -> tuple[int, int]:
    """In 100, the share reaching the goal by `session` at 8 in 10 clinics like those
    studied (the studies disagree far beyond chance: one number would be false precision)."""
    low, high = fc.prob_goal_band[session - 1]
    return round(100 * low), round(100 * high)


def pih_band(fc: Forecast) -> tuple[int, int]:
    """In 100, the PIH risk over the course at 8 in 10 clinics like those studied."""
    low, high = fc.pih_band
    return round(low), round(high)


def severity_text(profile: PatientProfile, fc: Forecast, language: str) -> str:
    words = condition_words(profile.condition, language)
    if not words.severity:
        return wording("summary", "kirby_desai", language=language).format(score=fc.kirby_desai)
    return words.severity[profile.severity]


def evidence_text(fc: Forecast, language: str) -> str:
    """'limited (2 studies, 40 patients; case series)': the evidence behind this forecast."""
    say = wording("evidence", language=language)
    grade = fc.evidence
    designs = join((say["designs"][d] for d in grade.designs), language)
    return plural("evidence", "short", grade.studies, language,
                  grade=say["grades"][grade.grade],
                  patients=number(grade.patients, language), designs=designs)


def strength_text(fc: Forecast, language: str) -> str:
    """'Strength of evidence: limited (...)': the sentence for the summary and the note."""
    return wording("evidence", "sentence", language=language).format(
        evidence=evidence_text(fc, language))


def sentences(profile: PatientProfile, fc: Forecast, language: str) -> list[Markup]:
    """The summary in order: who, how many reach the goal when, how many never, range and
    timeline, where patients level off, risks, evidence (our wording's <b> kept, every
    value escaped)."""
    spec = condition_words(profile.condition, language)
    say = wording("summary", language=language)
    goal = (say["goal_complete"] if fc.target_percent < fc.goal_percent
            or fc.goal_percent >= 100
            else say["goal_percent"].format(goal=f"{profile.goal_percent:.0f}"))
    lines = [sentence(say["who"], population=spec.population, condition=spec.label,
                      severity=severity_text(profile, fc, language),
                      fitzpatrick=profile.fitzpatrick_numeral,
                      laser=laser_name(profile.laser, language), goal=goal)]
    top = headline(fc)
    low_band, high_band = clinics_band(fc, top.session)
    clinics = (sentence(say["reach_clinics"], low=low_band, high=high_band, k=top.session)
               if fc.band_source == "studies" else
               sentence(wording("band", "reach_this_clinic", language=language), low=low_band,
                        high=high_band, k=top.session, courses=fc.clinic_courses))
    if fc.sessions_range is None:
        lines += [sentence(say["few_reach"], n=top.reach, k=top.session), clinics]
    else:
        lines += [sentence(say["reach"], n=top.reach, k=top.session), clinics]
        low, high = fc.sessions_range
        if fc.sessions_median is None:  # fewer than half reach it: no typical count
            lines.append(sentence(say["range_beyond"], low=low, high=high, k=fc.max_sessions,
                                  usual=f"{fc.usual_interval_weeks:g}"))
        elif high == 1:
            lines.append(sentence(say["single"], interval_low=fc.interval_weeks[0],
                                  interval_high=fc.interval_weeks[1]))
        else:
            lines.append(sentence(say["range"], low=low, high=high, median=fc.sessions_median,
                                  k=fc.max_sessions, months=timeline(fc, language),
                                  usual=f"{fc.usual_interval_weeks:g}"))
    if top.never >= 5:
        lines.append(sentence(say["never"], never=top.never))
    low_c, high_c = fc.ceiling_range
    lines.append(sentence(say["ceiling"], low=f"{low_c:.0f}", high=f"{high_c:.0f}",
                          ceiling=f"{fc.ceiling_percent:.0f}"))
    lines.append(sentence(say["pih"], pih=f"{fc.pih_risk_percent:.0f}"))
    low_pih, high_pih = pih_band(fc)
    lines.append(sentence(say["pih_clinics"], low=low_pih, high=high_pih))
    if fc.pih_extrapolated:
        lines.append(sentence(say["pih_extrapolated"], fitzpatrick=profile.fitzpatrick_numeral))
    lines.append(escape(strength_text(fc, language)))
    if profile.observations:
        lines.append(sentence(say["observed"], session=profile.observations[-1].session))
    return lines


def course_length(fc: Forecast) -> tuple[str, str] | None:
    """The typical course from the first session to the last at the usual interval (see
    i18n.wording.course_length, which the conditions' cautions use too)."""
    return course_in_units(None if fc.weeks_to_goal is None else fc.weeks_to_goal[1])


def timeline(fc: Forecast, language: str) -> str:
    """' (about 9 months from the first to the last)', or nothing (see course_length)."""
    length = course_length(fc)
    return "" if length is None else wording("summary", length[0], language=language).format(
        median=length[1])


def summary_html(profile: PatientProfile, fc: Forecast, language: str,
                 compare: tuple[str, Forecast] | None = None) -> str:
    lines = sentences(profile, fc, language)
    if compare is not None:
        name, other = compare
        typical = wording("summary", f"compare_{other.typical_outcome}",
                          language=language).format(
            median=other.sessions_median, horizon=other.max_sessions)
        lines.append(sentence(wording("summary", "compare", language=language), other=name,
                              typical=typical))
    return html("summary.html.j2", lines=lines)


def icon_array_html(fc: Forecast, language: str) -> str:
    """100 people as one SVG (a few paths, not 100 elements, so a change repaints cheaply):
    filled circle = reach the goal by session k, half-filled circle = later, empty grey
    square = never. Shape as well as fill carries the meaning."""
    top = headline(fc)
    later = 100 - top.reach - top.never
    kinds = ["yes"] * top.reach + ["later"] * later + ["no"] * top.never
    size, radius = 22, 8
    paths: dict[str, list[str]] = {"yes": [], "later": [], "half": [], "no": []}
    for index, kind in enumerate(kinds):
        x, y = size * (index % 10) + size / 2, size * (index // 10) + size / 2
        circle = (f"M{x - radius:g} {y:g}a{radius} {radius} 0 1 0 {2 * radius} 0"
                  f"a{radius} {radius} 0 1 0 {-2 * radius} 0")
        # Never: a square, so it differs from the others by shape, not only by fill.
        side = 2 * radius - 2
        square = f"M{x - side / 2:g} {y - side / 2:g}h{side}v{side}h{-side}Z"
        paths[kind].append(square if kind == "no" else circle)
        if kind == "later":  # the lower half filled
            paths["half"].append(f"M{x - radius:g} {y:g}a{radius} {radius} 0 0 0 "
                                 f"{2 * radius} 0Z")
    say = wording("summary", language=language)
    return html("icons.html.j2", side=10 * size,
                paths={kind: "".join(d) for kind, d in paths.items()},
                label=say["icons_label"].format(reach=top.reach, k=top.session,
                                                never=top.never),
                caption=say["icons_caption"].format(k=top.session))


def compared_icons_html(fc: Forecast, compare: tuple[str, Forecast], language: str) -> str:
    """The 100 people for this case and, beside them, for the case it is compared with (a
    pinned case, the other laser): the view shows both, as the charts do."""
    cases = [{"title": wording("charts", "this_case", language=language),
              "icons": Markup(icon_array_html(fc, language))},
             {"title": compare[0], "icons": Markup(icon_array_html(compare[1], language))}]
    return html("icons_compared.html.j2", cases=cases)


def warnings_html(fc: Forecast, language: str, doctor: bool = True) -> str:
    """The cautions; `doctor=False` (the patient's handout) leaves out what only the
    doctor acts on (i18n.problems.caution_sentence)."""
    return html("cautions.html.j2",
                cautions=[caution_sentence(c, language, doctor=doctor) for c in fc.cautions])


def references_html(fc: Forecast, language: str, open: bool = False,
                    codes: bool = True) -> str:
    """The studies the headline counts (fc.evidence.sources: this condition's efficacy
    studies, with this laser where the lasers were compared), then the others read for the
    condition: one count of studies on every screen. The study codes (O2) tie the screen to
    the model page; a patient's handout goes without them (`codes=False`)."""
    cited = catalogue().references
    behind = [Reference(key=key, citation=cited[key]) for key in fc.evidence.sources]
    others = [r for r in fc.references if r.key not in fc.evidence.sources]
    return html("references.html.j2", behind=behind, others=others, open=open,
                title=wording("summary", "references", language=language),
                behind_title=plural("summary", "behind", len(behind), language),
                others_title=wording("summary", "also_read", language=language),
                english_only=wording("labels", "english_only", language=language),
                codes=codes)


def case_name(p: PatientProfile, language: str) -> str:
    """'Melasma, skin type IV, picosecond, goal 50%': the name of a pinned case or of a
    class column, in `language`."""
    return str(wording("labels", "pinned_case", language=language).format(
        condition=condition_words(p.condition, language).label,
        fitzpatrick=p.fitzpatrick_numeral, laser=laser_name(p.laser, language),
        goal=f"{p.goal_percent:.0f}"))
