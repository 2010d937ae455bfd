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
    """'About n in 100 reach the goal by session k': the numbers behind the icon array."""

    reach: int
    session: int | None


def headline(fc: Forecast) -> Headline:
    """The session the summary speaks of (the median, else the horizon) and who reaches it."""
    if not fc.goal_reachable:
        return Headline(0, None)
    k = fc.sessions_median or fc.max_sessions
    return Headline(round(100 * fc.prob_goal_by_session[k - 1]), k)


def severity_text(profile: PatientProfile, fc: Forecast) -> str:
    spec = conditions()[profile.condition]
    if spec.severity is None:
        return wording("summary", "kirby_desai").format(score=fc.kirby_desai)
    return spec.severity[profile.severity].label


def sentences(profile: PatientProfile, fc: Forecast) -> list[str]:
    """The summary in order: who, how many reach the goal when, range and timeline, risks."""
    spec = conditions()[profile.condition]
    say = wording("summary")
    lasers = wording("lasers")
    lines = [say["who"].format(
        population=escape(spec.population), condition=escape(spec.label),
        severity=escape(severity_text(profile, fc)),
        fitzpatrick=profile.fitzpatrick_numeral, laser=lasers[profile.laser].lower(),
        goal=f"{profile.goal_percent:.0f}")]
    top = headline(fc)
    low_w, high_w = fc.interval_weeks
    if not fc.goal_reachable:
        lines.append(say["unreachable"].format(condition=escape(spec.label.lower()),
                                               ceiling=f"{fc.ceiling_percent:.0f}"))
    elif fc.sessions_median is None:
        lines.append(say["few_reach"].format(n=top.reach, k=top.session))
    else:
        lines.append(say["reach"].format(n=top.reach, k=top.session))
        low, high = fc.sessions_range or (fc.sessions_median, fc.sessions_median)
        if fc.sessions_open_ended:
            lines.append(say["range_open"].format(low=low, high=high, interval_low=low_w,
                                                  interval_high=high_w))
        elif high == 1:
            lines.append(say["single"].format(interval_low=low_w, interval_high=high_w))
        else:
            lines.append(say["range"].format(low=low, high=high, months=timeline(fc),
                                             interval_low=low_w, interval_high=high_w))
        lines.append(say["ceiling"].format(ceiling=f"{fc.ceiling_percent:.0f}"))
    lines.append(say["pih"].format(pih=f"{fc.pih_risk_percent:.0f}"))
    if profile.observations:
        lines.append(say["observed"].format(count=len(profile.observations)))
    return lines


def timeline(fc: Forecast) -> str:
    """' (about 8-20 weeks from the first session)': weeks up to three months, then months."""
    if fc.weeks_to_goal is None or fc.weeks_to_goal[2] <= 0:
        return ""
    low, high = fc.weeks_to_goal[0], fc.weeks_to_goal[2]
    if high <= 3 * WEEKS_PER_MONTH:
        return wording("summary", "weeks").format(low=f"{low:.0f}", high=f"{high:.0f}")
    return wording("summary", "months").format(low=f"{low / WEEKS_PER_MONTH:.0f}",
                                               high=f"{high / WEEKS_PER_MONTH:.0f}")


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
    """100 people as one SVG (two paths, not 100 elements, so a change repaints cheaply):
    those reaching the goal first, filled; the rest outlined (shape, not colour alone)."""
    top = headline(fc)
    size, radius = 22, 8
    filled, empty = [], []
    for index in range(100):
        x, y = size * (index % 10) + size / 2, size * (index // 10) + size / 2
        circle = f"M{x - radius:g} {y:g}a{radius} {radius} 0 1 0 {2 * radius} 0" \
                 f"a{radius} {radius} 0 1 0 {-2 * radius} 0"
        (filled if index < top.reach else empty).append(circle)
    label = wording("summary", "icons_label").format(reach=top.reach, k=top.session or "-")
    caption = wording("summary", "icons_caption").format(k=top.session or "-")
    return (f'<svg class="pico-icons" role="img" aria-label="{label}" width="{10 * size}" '
            f'height="{10 * size}" viewBox="0 0 {10 * size} {10 * size}">'
            f'<path class="pico-yes" d="{"".join(filled)}" fill="#0072B2"/>'
            f'<path class="pico-no" d="{"".join(empty)}" fill="none" stroke="#6b6b6b" '
            f'stroke-width="2"/></svg>'
            f'<p class="pico-caption">{caption}</p>')


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
