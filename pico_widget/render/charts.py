"""Forecast -> plotly figure JSON (plain dicts in plotly's schema; no widgets, no arithmetic).

Figures are built as plain data rather than plotly.graph_objects: the kernel then never
imports plotly's validators (seconds of start-up), and the browser's plotly.js draws them.
tests/test_charts.py checks every figure against plotly's own schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.models import Forecast, Observation
from ..i18n.wording import wording
from .band_source import chart_legend

PLOTLY_FILE = "plotly-basic.min.js"
# Where the served page finds PLOTLY_FILE: set by `pico-widget serve`, read by the charts.


def plotly_js_path() -> Path:
    """plotly.js's basic bundle, shipped in the package (static/vendor/README.md says why):
    the widget's charts, the served page and the self-contained handout all draw with it."""
    return Path(str(resources.files("pico_widget").joinpath("static/vendor", PLOTLY_FILE)))


# Okabe-Ito, colour-blind safe; every series also differs by line style or marker.
BLUE, VERMILLION, GREEN, ORANGE, GREY = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#555555"
BAND = "rgba(0, 114, 178, 0.18)"
# System fonts only (no web font is fetched): Latin first, then the usual Simplified Chinese
# faces of Android/Linux (Noto CJK), iOS/macOS (PingFang) and Windows (Microsoft YaHei).
FONT_STACK = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", '
              '"Noto Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif')
Figure = dict[str, Any]


def _layout(title: str, y_title: str, sessions: int, language: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 17}, "x": 0, "xanchor": "left"},
        "font": {"family": FONT_STACK, "size": 15},
        "margin": {"l": 56, "r": 16, "t": 40, "b": 96},
        "autosize": True,  # the page's stylesheet sizes the chart to its column
        # ("allow": automargin already keeps tick labels inside; plotly.js then skips a
        # costly overflow check on every redraw)
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "dragmode": False,
        "hovermode": "x unified",
        # At the foot of the whole figure, below the axis title, whatever the chart's height.
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom",
                   "font": {"size": 14}},
        "xaxis": {"title": {"text": wording("charts", "session_axis", language=language)},
                  "dtick": 1,
                  "range": [-0.3, sessions + 0.3], "fixedrange": True, "gridcolor": "#e5e5e5",
                  "automargin": True, "ticklabeloverflow": "allow"},
        "yaxis": {"title": {"text": y_title, "standoff": 6}, "range": [0, 102],
                  "fixedrange": True, "gridcolor": "#e5e5e5", "ticksuffix": "%",
                  "automargin": True, "ticklabeloverflow": "allow"},
    }


def _level(key: str, text: str, value: float, colour: str, dash: str) -> dict[str, Any]:
    """A level across the chart (goal, ceiling) as a layout line named in the legend, apart
    from the data (a slide labels each column's levels from it). In the app the chart view
    draws it as a trace of its own (static/plotly_view.js), so that moving the goal redraws
    that line and the legend, not the chart. Its words sit in the legend, below the plot,
    where they cover no data (a label on the line hid the typical patient's later
    sessions). `legendgroup` carries the level's key."""
    return {"type": "line", "name": text, "legendgroup": key, "showlegend": True,
            "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value,
            "line": {"color": colour, "dash": dash, "width": 2.5}}


Compare = tuple[str, Forecast] | None  # (legend name, forecast) drawn dashed beside the main one


def improvement_figure(fc: Forecast, observations: list[Observation], language: str,
                       compare: Compare = None) -> Figure:
    """Expected improvement by session: band (10th-90th percentile), median, goal, ceiling."""
    sessions = max(fc.max_sessions, compare[1].max_sessions if compare else 0)
    x = [0] + [b.session for b in fc.improvement]
    label = wording("charts", language=language)
    band = legend_lines(label["band"], language)
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": band, "x": x,
         "y": [0] + [round(b.high, 1) for b in fc.improvement],
         "line": {"width": 0, "color": BAND}, "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "mode": "lines", "name": band, "x": x,
         "y": [0] + [round(b.low, 1) for b in fc.improvement], "fill": "tonexty",
         "fillcolor": BAND, "line": {"width": 0, "color": BAND}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "name": label["median"], "x": x,
         "y": [0] + [round(b.median, 1) for b in fc.improvement],
         "line": {"color": BLUE, "width": 3}, "marker": {"symbol": "circle", "size": 7},
         "hovertemplate": "%{y:.0f}%"},
    ]
    if compare is not None:
        name, other = compare
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name,
            "x": [0] + [b.session for b in other.improvement],
            "y": [0] + [round(b.median, 1) for b in other.improvement],
            "line": {"color": GREEN, "width": 3, "dash": "dash"},
            "marker": {"symbol": "square", "size": 7}, "hovertemplate": "%{y:.0f}%"})
    if observations:
        data.append({
            "type": "scatter", "mode": "markers", "name": label["observed"],
            "x": [o.session for o in observations],
            "y": [o.improvement_percent for o in observations],
            "marker": {"symbol": "diamond", "size": 14, "color": ORANGE,
                       "line": {"color": "black", "width": 1.5}},
            "hovertemplate": "%{y:.0f}%"})
    layout = _layout(label["improvement_title"], label["improvement_axis"], sessions, language)
    layout["shapes"] = [
        _level("goal", label["goal"].format(goal=f"{fc.goal_percent:.0f}"), fc.goal_percent,
               VERMILLION, "dash"),
        _level("ceiling", _ceiling_words(fc, language), fc.ceiling_percent, GREY, "dot")]
    return {"data": data, "layout": layout}


# How far (points) the typical patient's last session may lie below the ceiling line before
# the legend says they are still below it: within it the two read as one level.
_CEILING_MARGIN = 2.0


def _ceiling_words(fc: Forecast, language: str) -> str:
    """The ceiling line's legend, true beside the typical patient's line: where that line
    ends well below the ceiling, the typical patient has not reached it within the sessions
    shown. (The line never ends above it: no patient passes their own ceiling, and the
    median ceiling bounds the median improvement, tests/test_ceiling_words.py.)"""
    ceiling, end = fc.ceiling_percent, fc.improvement[-1].median
    key = "ceiling_beyond" if end < ceiling - _CEILING_MARGIN else "ceiling"
    text = str(wording("charts", key, language=language))
    return legend_lines(text.format(ceiling=f"{ceiling:.0f}", horizon=fc.max_sessions),
                        language)


LEGEND_LINE = 30  # characters: a legend entry longer than this goes on more lines


def legend_lines(text: str, language: str, width: int = LEGEND_LINE) -> str:
    """A long legend entry on several lines (plotly's "<br>"), broken between words: one
    entry wider than a narrow chart (a class column, the handout's chance chart) ran past
    its edge, where plotly cuts it. Text without spaces (Chinese) is left whole."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return str(wording("charts", "line_break", language=language)).join(lines)


def probability_figure(fc: Forecast, language: str, compare: Compare = None,
                       studies: Forecast | None = None) -> Figure:
    """Chance of having reached the goal by each session, with the 50% and 90% sessions;
    the whiskers are the band `fc` holds (this clinic's or the studies'), and with
    `studies` the studies' band beside them in grey."""
    label = wording("charts", language=language)
    sessions = max(fc.max_sessions, compare[1].max_sessions if compare else 0)
    x = list(range(1, fc.max_sessions + 1))
    percent = [round(100 * p, 1) for p in fc.prob_goal_by_session]
    milestones = _milestones(fc)
    outline = [2.5 if n in milestones.values() else 0 for n in x]
    low = [round(100 * lo, 1) for lo, _ in fc.prob_goal_band]
    high = [round(100 * hi, 1) for _, hi in fc.prob_goal_band]
    # The whiskers: where the share would lie at 8 in 10 clinics like those studied. Each
    # bar's number goes above them (numbers_above_whiskers).
    data: list[dict[str, Any]] = [{
        "type": "bar", "name": label["chance"], "x": x, "y": percent,
        "marker": {"color": BLUE, "line": {"color": "black", "width": outline}},
        "error_y": {"type": "data", "symmetric": False, "color": "black", "thickness": 1.5,
                    "width": 5, "array": [max(h - p, 0) for h, p in zip(high, percent,
                                                                     strict=True)],
                    "arrayminus": [max(p - lo, 0) for lo, p in zip(low, percent,
                                                                   strict=True)]},
        "customdata": list(zip(low, high, strict=True)),
        "text": [f"{p:.0f}" for p in percent],  # drawn by numbers_above_whiskers
        "hovertemplate": "%{y:.0f}% (%{customdata[0]:.0f}-%{customdata[1]:.0f}%)"}]
    if compare is not None:
        name, other_fc = compare
        other = [round(100 * p, 1) for p in other_fc.prob_goal_by_session]
        data[0]["name"] = label["this_case"]
        data.append({
            "type": "bar", "name": name, "x": list(range(1, len(other) + 1)), "y": other,
            "marker": {"color": GREEN, "line": {"color": GREEN, "width": 1},
                       "pattern": {"shape": "/", "fgcolor": "white", "bgcolor": GREEN,
                                   "fillmode": "replace", "solidity": 0.3}},
            "hovertemplate": "%{y:.0f}%"})
    beside = _studies_whiskers(studies, language) if studies is not None else []
    data += beside
    data.append({  # the whiskers' legend entry (a trace with no points)
        "type": "scatter", "mode": "markers",
        "name": legend_lines(chart_legend(fc, language), language), "x": [None],
        "y": [None], "hoverinfo": "skip",
        "marker": {"symbol": "line-ns-open", "size": 16, "color": "black",
                   "line": {"width": 2}}})
    layout = _layout(label["probability_title"], label["probability_axis"], sessions, language)
    layout["xaxis"]["range"] = [0.4, sessions + 0.6]
    layout["barmode"] = "group"
    if studies is not None:
        layout["bargap"] = _BESIDE_GAP
    layout["yaxis"]["range"] = [0, 118]  # room above a whisker at 100 for its number
    numbers_above_whiskers({"data": data, "layout": layout}, milestones.values(),
                           shift=-_GROUP_SHIFT if compare is not None else 0.0,
                           beside=beside[0] if beside else None)  # the studies' whiskers
    # Milestones go in the subtitle, above the plot, where they cannot cover a bar's label;
    # their bars are outlined and dotted lines mark the levels behind the bars.
    # Every line is named in the legend (the dotted milestone levels once, together).
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": level,
                         "y1": level, "layer": "below", "name": label["milestone_lines"],
                         "legendgroup": "milestones", "showlegend": index == 0,
                         "line": {"color": GREY, "dash": "dot", "width": 1}}
                        for index, level in enumerate(milestones)]
    names = {50: "half", 90: "ninety"}
    notes = [label[names[level]].format(k=session) for level, session in milestones.items()]
    # The share who never reach the goal: the level the bars cannot rise above, dashed.
    never = round(fc.never_percent)
    if never >= 5:
        layout["shapes"].append({"type": "line", "xref": "paper", "x0": 0, "x1": 1,
                                 "y0": 100 - never, "y1": 100 - never, "layer": "below",
                                 "name": legend_lines(label["never_line"].format(
                                     reach=100 - never), language),
                                 "legendgroup": "never", "showlegend": True,
                                 "line": {"color": VERMILLION, "dash": "dash", "width": 2}})
        notes.append(label["never"].format(never=never))
    if notes:
        layout["title"]["subtitle"] = {"text": label["milestones_join"].join(notes),
                                       "font": {"size": 15}}
        layout["margin"]["t"] = 64
    return {"data": data, "layout": layout}


def _studies_whiskers(studies: Forecast, language: str) -> list[dict[str, Any]]:
    """The studies' band as grey whiskers just right of each (narrowed) bar, beside the
    clinic's own: invisible points at the band's middle carry the whiskers, and a trace
    with no points gives them a legend entry drawn like them."""
    low = [100 * lo for lo, _ in studies.prob_goal_band]
    high = [100 * hi for _, hi in studies.prob_goal_band]
    name = legend_lines(str(wording("band", "whiskers_studies", language=language)), language)
    return [{"type": "scatter", "mode": "markers", "name": name, "showlegend": False,
             "x": [n + _BESIDE for n in range(1, len(low) + 1)],
             "y": [round((lo + hi) / 2, 1) for lo, hi in zip(low, high, strict=True)],
             "marker": {"size": 1, "color": "rgba(0, 0, 0, 0)"},
             "error_y": {"type": "data", "symmetric": True, "color": GREY, "thickness": 2.5,
                         "width": 4, "array": [round((hi - lo) / 2, 1)
                                               for lo, hi in zip(low, high, strict=True)]},
             "customdata": [[round(lo), round(hi)] for lo, hi in zip(low, high, strict=True)],
             "hovertemplate": "%{customdata[0]}-%{customdata[1]}%"},
            {"type": "scatter", "mode": "markers", "name": name, "x": [None], "y": [None],
             "hoverinfo": "skip", "marker": {"symbol": "line-ns-open", "size": 16,
                                             "color": GREY, "line": {"width": 2.5}}}]


LABELS_EVERY_BAR = 12  # sessions: past this many, every second bar is numbered
_GROUP_SHIFT = 0.2  # sessions: a compared case's bar left of its session (plotly's groups)


def numbers_above_whiskers(figure: Figure, named: Iterable[int] = (), size: int = 13,
                           shift: float = 0.0, beside: dict[str, Any] | None = None) -> None:
    """Each bar's number (its trace's "text") just above its own whisker: inside the bar,
    the whisker's lower arm ran through it (a screen review; paper first), and in one row
    along the top the numbers read as session numbers. Past LABELS_EVERY_BAR sessions
    every second bar is numbered, and always the sessions `named`. `shift`: where the bar
    stands from its session; `beside`: whiskers drawn beside the bar, kept clear too."""
    bars, layout = figure["data"][0], figure["layout"]
    step = 1 if len(bars["x"]) <= LABELS_EVERY_BAR else 2
    keep = set(named)
    tops = [y + up for y, up in zip(bars["y"], bars["error_y"]["array"], strict=True)]
    if beside is not None:  # as many sessions as the bars, or fewer
        reach = [y + up for y, up in zip(beside["y"], beside["error_y"]["array"], strict=True)]
        tops = [max([top, *reach[i:i + 1]]) for i, top in enumerate(tops)]
    layout["annotations"] = [
        {"x": x + shift, "y": top + 1, "yref": "y", "yanchor": "bottom", "text": text,
         "showarrow": False, "font": {"size": size}}
        for x, top, text in zip(bars["x"], tops, bars["text"], strict=True)
        if x % step == 0 or x in keep]
    bars["textposition"] = "none"


_BESIDE = 0.36  # sessions: the studies' whiskers right of a bar narrowed by _BESIDE_GAP
_BESIDE_GAP = 0.5  # the gap between bars when the studies' band is drawn beside them


def _milestones(fc: Forecast) -> dict[int, int]:
    """Chance level (50, 90) -> the first session by which that many patients have
    reached the goal, where it happens within the horizon."""
    levels = {}
    for level in (50, 90):
        session = next((n for n, p in enumerate(fc.prob_goal_by_session, 1)
                        if p >= level / 100 - 1e-9), None)
        if session is not None:
            levels[level] = session
    return levels
