"""Forecast -> the plain-language results as HTML fragments (pure; wording from the data file).

The same sentences serve the screen, the handout and the clinical note, so what a patient
reads and what goes into the record never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .catalogue import conditions
from .models import Forecast, PatientProfile
from .text import wording

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
    spec = conditions()[profile.condition]
    if spec.severity is None:
        return wording("summary", "kirby_desai").format(score=fc.kirby_desai)
    return spec.severity[profile.severity].label


def strength_text(fc: Forecast) -> str:
    """'Limited: 2 studies, 40 patients (case series)': the evidence behind this forecast."""
    say = wording("evidence")
    grade = fc.evidence
    designs = ", ".join(say["designs"][d] for d in grade.designs)
    return say["sentence"].format(grade=say["grades"][grade.grade], studies=grade.studies,
                                  patients=f"{grade.patients:,}", designs=designs)


def sentences(profile: PatientProfile, fc: Forecast) -> list[str]:
    """The summary in order: who, how many reach the goal when, how many never, range and
    timeline, where patients level off, risks, evidence."""
    spec = conditions()[profile.condition]
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
    if profile.observations:
        lines.append(say["observed"].format(count=len(profile.observations)))
    return lines


def timeline(fc: Forecast) -> str:
    """' (about 9 months from the first to the last)': the typical course at the usual
    interval, in weeks up to three months, then in months."""
    if fc.weeks_to_goal is None or fc.weeks_to_goal[1] <= 0:
        return ""
    weeks = fc.weeks_to_goal[1]
    if weeks <= 3 * WEEKS_PER_MONTH:
        return wording("summary", "weeks").format(median=f"{weeks:.0f}")
    return wording("summary", "months").format(median=f"{weeks / WEEKS_PER_MONTH:.0f}")


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
    """100 figures: filled = reach the goal by session k, half = later, outline = never
    (shape as well as colour carries the meaning)."""
    top = headline(fc)
    later = 100 - top.reach - top.never
    kinds = ["yes"] * top.reach + ["later"] * later + ["no"] * top.never
    glyph = {"yes": "&#9679;", "later": "&#9680;", "no": "&#9675;"}
    rows = []
    for row in range(10):
        icons = [f'<span class="pico-icon pico-{kind}" aria-hidden="true">{glyph[kind]}</span>'
                 for kind in kinds[row * 10:row * 10 + 10]]
        rows.append(f'<div class="pico-icon-row">{"".join(icons)}</div>')
    say = wording("summary")
    caption = say["icons_caption"].format(k=top.session)
    label = say["icons_label"].format(reach=top.reach, k=top.session, never=top.never)
    return (f'<div class="pico-icons" role="img" aria-label="{escape(label)}">{"".join(rows)}'
            f'</div><p class="pico-caption">{caption}</p>')


def warnings_html(fc: Forecast) -> str:
    if not fc.warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in fc.warnings)
    return f'<ul class="pico-warnings">{items}</ul>'


def references_html(fc: Forecast) -> str:
    items = "".join(f"<li><b>{escape(r.key)}</b> {escape(r.citation)}</li>"
                    for r in fc.references)
    title = wording("summary", "references")
    return f'<details class="pico-refs"><summary>{title}</summary><ul>{items}</ul></details>'
