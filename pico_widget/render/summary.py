"""Forecast -> the plain-language results as HTML fragments (pure; wording from the data file).

The same sentences serve the screen, the handout and the clinical note, so what a patient
reads and what goes into the record never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..core.models import Forecast, PatientProfile
from ..i18n.problems import caution_sentence
from ..i18n.wording import condition_words, plural, wording

WEEKS_PER_MONTH = 4.345


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


def severity_text(profile: PatientProfile, fc: Forecast) -> str:
    words = condition_words(profile.condition)
    if not words.severity:
        return wording("summary", "kirby_desai").format(score=fc.kirby_desai)
    return words.severity[profile.severity]


def evidence_text(fc: Forecast) -> str:
    """'limited (2 studies, 40 patients; case series)': the evidence behind this forecast."""
    say = wording("evidence")
    grade = fc.evidence
    designs = say["designs_join"].join(say["designs"][d] for d in grade.designs)
    return plural("evidence", "short", grade.studies, grade=say["grades"][grade.grade],
                  patients=f"{grade.patients:,}", designs=designs)


def strength_text(fc: Forecast) -> str:
    """'Strength of evidence: limited (...)': the sentence for the summary and the note."""
    return wording("evidence", "sentence").format(evidence=evidence_text(fc))


def sentences(profile: PatientProfile, fc: Forecast) -> list[str]:
    """The summary in order: who, how many reach the goal when, how many never, range and
    timeline, where patients level off, risks, evidence."""
    spec = condition_words(profile.condition)
    say = wording("summary")
    lasers = wording("lasers")
    goal = (say["goal_complete"] if fc.target_percent < fc.goal_percent
            or fc.goal_percent >= 100
            else say["goal_percent"].format(goal=f"{profile.goal_percent:.0f}"))
    lines = [say["who"].format(
        population=escape(spec.population), condition=escape(spec.label),
        severity=escape(severity_text(profile, fc)),
        fitzpatrick=profile.fitzpatrick_numeral, laser=lasers[profile.laser].lower(),
        goal=goal)]
    top = headline(fc)
    if fc.sessions_median is None or fc.sessions_range is None:
        lines.append(say["few_reach"].format(n=top.reach, k=top.session))
    else:
        lines.append(say["reach"].format(n=top.reach, k=top.session))
        low, high = fc.sessions_range
        if high == 1:
            lines.append(say["single"].format(interval_low=fc.interval_weeks[0],
                                              interval_high=fc.interval_weeks[1]))
        else:
            lines.append(say["range"].format(low=low, high=high, median=fc.sessions_median,
                                             months=timeline(fc),
                                             usual=f"{fc.usual_interval_weeks:g}"))
    if top.never >= 5:
        lines.append(say["never"].format(never=top.never))
    low_c, high_c = fc.ceiling_range
    lines.append(say["ceiling"].format(low=f"{low_c:.0f}", high=f"{high_c:.0f}",
                                       ceiling=f"{fc.ceiling_percent:.0f}"))
    lines.append(say["pih"].format(pih=f"{fc.pih_risk_percent:.0f}"))
    lines.append(escape(strength_text(fc)))
    checked = fc.evidence.accuracy
    if checked is not None:  # a sentence of its own for a single study, in every language
        key = "checked_one_study" if checked.studies == 1 else "checked"
        lines.append(wording("evidence", key).format(studies=checked.studies,
                                                     error=f"{checked.left_out_error:.0f}"))
    if profile.observations:
        lines.append(plural("summary", "observed", len(profile.observations)))
    return lines


def course_length(fc: Forecast) -> tuple[str, str] | None:
    """The typical course from the first session to the last at the usual interval, as
    ('weeks', '9') up to three months and ('months', '8') beyond; None when there is no
    typical session count or one session suffices."""
    if fc.weeks_to_goal is None or fc.weeks_to_goal[1] <= 0:
        return None
    weeks = fc.weeks_to_goal[1]
    if weeks <= 3 * WEEKS_PER_MONTH:
        return "weeks", f"{weeks:.0f}"
    return "months", f"{weeks / WEEKS_PER_MONTH:.0f}"


def timeline(fc: Forecast) -> str:
    """' (about 9 months from the first to the last)', or nothing (see course_length)."""
    length = course_length(fc)
    return "" if length is None else wording("summary", length[0]).format(median=length[1])


def summary_html(profile: PatientProfile, fc: Forecast,
                 compare: tuple[str, Forecast] | None = None) -> str:
    paragraphs = [f"<p>{line}</p>" for line in sentences(profile, fc)]
    if compare is not None:
        name, other = compare
        median = other.sessions_median if other.sessions_median is not None else "n/a"
        paragraphs.append("<p>" + wording("summary", "compare").format(
            other=escape(name), median=median) + "</p>")
    return "".join(paragraphs)


def icon_array_html(fc: Forecast) -> str:
    """100 people as one SVG (a few paths, not 100 elements, so a change repaints cheaply):
    filled = reach the goal by session k, half-filled = later, outline = never. Shape as
    well as colour carries the meaning."""
    top = headline(fc)
    later = 100 - top.reach - top.never
    kinds = ["yes"] * top.reach + ["later"] * later + ["no"] * top.never
    size, radius = 22, 8
    paths: dict[str, list[str]] = {"yes": [], "later": [], "half": [], "no": []}
    for index, kind in enumerate(kinds):
        x, y = size * (index % 10) + size / 2, size * (index // 10) + size / 2
        circle = (f"M{x - radius:g} {y:g}a{radius} {radius} 0 1 0 {2 * radius} 0"
                  f"a{radius} {radius} 0 1 0 {-2 * radius} 0")
        paths[kind].append(circle)
        if kind == "later":  # the lower half filled
            paths["half"].append(f"M{x - radius:g} {y:g}a{radius} {radius} 0 0 0 "
                                 f"{2 * radius} 0Z")
    say = wording("summary")
    label = say["icons_label"].format(reach=top.reach, k=top.session, never=top.never)
    caption = say["icons_caption"].format(k=top.session)
    side = 10 * size
    return (f'<svg class="pico-icons" role="img" aria-label="{escape(label)}" width="{side}" '
            f'height="{side}" viewBox="0 0 {side} {side}">'
            f'<path class="pico-yes" d="{"".join(paths["yes"])}" fill="#0072B2"/>'
            f'<path class="pico-half" d="{"".join(paths["half"])}" fill="#0072B2"/>'
            f'<path class="pico-later" d="{"".join(paths["later"])}" fill="none" '
            f'stroke="#0072B2" stroke-width="2"/>'
            f'<path class="pico-no" d="{"".join(paths["no"])}" fill="none" stroke="#6b6b6b" '
            f'stroke-width="2"/></svg>'
            f'<p class="pico-caption">{caption}</p>')


def warnings_html(fc: Forecast) -> str:
    if not fc.cautions:
        return ""
    items = "".join(f"<li>{escape(caution_sentence(c))}</li>" for c in fc.cautions)
    return f'<ul class="pico-warnings">{items}</ul>'


def references_html(fc: Forecast) -> str:
    items = "".join(f"<li><b>{escape(r.key)}</b> {escape(r.citation)}</li>"
                    for r in fc.references)
    title, english = wording("summary", "references"), wording("labels", "english_only")
    note = f'<p class="pico-english-only">{english}</p>' if english else ""
    return (f'<details class="pico-refs"><summary>{title}</summary>{note}<ul>{items}</ul>'
            "</details>")
