"""The class view's key: what each kind of line on its columns' charts means, said once.

Why: each column's own legend (the band, the typical patient, the other laser, the results
seen, the class's guesses, the goal and where patients level off) took up to 200 px of a
347 px chart on a projector, leaving plots of 90 px that a step squeezed to 14. The kinds
of line are the same in every column, so the view names them once, above the columns,
and each chart keeps its plot; a column's levels carry their values on the chart
(slides.keyed). The swatches are drawn from the traces themselves, so the key cannot
drift from the charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n.wording import wording
from .charts import Figure
from .templates import html

DASHES = {"dash": "6 4", "dot": "2 3", "dashdot": "6 3 2 3"}
SYMBOLS = ("circle", "square", "diamond", "x-thin")  # the markers the charts use


@dataclass(frozen=True)
class KeyEntry:
    """One kind of line as a swatch (an area, a line, a marker or a line with markers)."""

    name: str
    colour: str
    area: bool = False
    dash: str = ""  # an SVG dash array; "" for a solid line
    line: bool = True
    marker: str = ""  # one of SYMBOLS, or "" for none
    marker_colour: str = ""


def key_entries(figures: list[Figure], language: str) -> list[KeyEntry]:
    """The kinds of line on `figures`, each once, in the order they first appear: every
    named trace that has points, then the levels by their kind (goal, ceiling)."""
    br = str(wording("charts", "line_break", language=language))
    say = wording("charts", language=language)
    entries: dict[str, KeyEntry] = {}
    for figure in figures:
        for trace in figure["data"]:
            if trace.get("showlegend", True) is False or not trace.get("name") \
                    or not trace.get("x"):
                continue
            name = str(trace["name"]).replace(br, " ")
            entries.setdefault(name, _trace_entry(name, trace))
    for figure in figures:
        for shape in figure["layout"].get("shapes", []):
            group = shape.get("legendgroup")
            if group in ("goal", "ceiling"):
                name = str(say[f"{group}_key"])
                line = shape.get("line", {})
                entries.setdefault(name, KeyEntry(name, line.get("color", "#000"),
                                                  dash=DASHES.get(line.get("dash", ""), "")))
    return list(entries.values())


def _trace_entry(name: str, trace: dict[str, Any]) -> KeyEntry:
    line, marker = trace.get("line", {}), trace.get("marker", {})
    if trace.get("fill"):
        return KeyEntry(name, trace.get("fillcolor", line.get("color", "#000")), area=True)
    mode = str(trace.get("mode", "lines"))
    symbol = str(marker.get("symbol", "circle")) if "markers" in mode else ""
    colour = line.get("color") or marker.get("color") or "#000"
    return KeyEntry(name, colour, dash=DASHES.get(line.get("dash", ""), ""),
                    line="lines" in mode, marker=symbol if symbol in SYMBOLS else "",
                    marker_colour=marker.get("color") or colour)


def chart_key_html(figures: list[Figure], language: str) -> str:
    """The key for the columns' charts, or "" when no chart shows."""
    entries = key_entries(figures, language)
    if not entries:
        return ""
    return html("chart_key.html.j2", entries=entries,
                label=wording("charts", "key_label", language=language))
