"""Forecast -> plotly figure JSON (plain dicts in plotly's schema; no widgets, no arithmetic).

Figures are built as plain data rather than plotly.graph_objects: the kernel then never
imports plotly's validators (seconds of start-up), and the browser's plotly.js draws them.
tests/test_charts.py checks every figure against plotly's own schema.
"""

from __future__ import annotations

from typing import Any

from .models import Forecast, Observation
from .text import wording

# Okabe-Ito, colour-blind safe; every series also differs by line style or marker.
BLUE, VERMILLION, GREEN, ORANGE, GREY = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#555555"
BAND = "rgba(0, 114, 178, 0.18)"
Figure = dict[str, Any]


def _layout(title: str, y_title: str, sessions: int) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 17}, "x": 0, "xanchor": "left"},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 15},
        "margin": {"l": 56, "r": 16, "t": 44, "b": 90},
        "height": 360,
        "autosize": True,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "dragmode": False,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top", "font": {"size": 14}},
        "xaxis": {"title": {"text": wording("charts", "session_axis")}, "dtick": 1,
                  "range": [-0.3, sessions + 0.3], "fixedrange": True, "gridcolor": "#e5e5e5"},
        "yaxis": {"title": {"text": y_title}, "range": [0, 102], "fixedrange": True,
                  "gridcolor": "#e5e5e5", "ticksuffix": "%"},
    }


def _flat(name: str, value: float, sessions: int, colour: str, dash: str) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "name": name, "x": [0, sessions],
            "y": [value, value], "line": {"color": colour, "dash": dash, "width": 2},
            "hoverinfo": "skip"}


Compare = tuple[str, Forecast] | None  # (legend name, forecast) drawn dashed beside the main one


def improvement_figure(fc: Forecast, observations: list[Observation],
                       compare: Compare = None) -> Figure:
    """Expected improvement by session: band (10th-90th percentile), median, goal, ceiling."""
    sessions = max(fc.max_sessions, compare[1].max_sessions if compare else 0)
    x = [0] + [b.session for b in fc.improvement]
    label = wording("charts")
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": label["band"], "x": x,
         "y": [0] + [round(b.high, 1) for b in fc.improvement],
         "line": {"width": 0, "color": BAND}, "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "mode": "lines", "name": label["band"], "x": x,
         "y": [0] + [round(b.low, 1) for b in fc.improvement], "fill": "tonexty",
         "fillcolor": BAND, "line": {"width": 0, "color": BAND}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "name": label["median"], "x": x,
         "y": [0] + [round(b.median, 1) for b in fc.improvement],
         "line": {"color": BLUE, "width": 3}, "marker": {"symbol": "circle", "size": 7},
         "hovertemplate": "%{y:.0f}%"},
        _flat(label["goal"].format(goal=f"{fc.goal_percent:.0f}"), fc.goal_percent, sessions,
              VERMILLION, "dash"),
        _flat(label["ceiling"].format(ceiling=f"{fc.ceiling_percent:.0f}"), fc.ceiling_percent,
              sessions, GREY, "dot"),
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
    return {"data": data, "layout": _layout(label["improvement_title"],
                                             label["improvement_axis"], sessions)}


def probability_figure(fc: Forecast, compare: Compare = None) -> Figure:
    """Chance of having reached the goal by each session, with the 50% and 90% sessions."""
    label = wording("charts")
    sessions = max(fc.max_sessions, compare[1].max_sessions if compare else 0)
    x = list(range(1, fc.max_sessions + 1))
    percent = [round(100 * p, 1) for p in fc.prob_goal_by_session]
    data: list[dict[str, Any]] = [{
        "type": "bar", "name": label["chance"], "x": x, "y": percent,
        "marker": {"color": BLUE}, "text": [f"{p:.0f}%" for p in percent],
        "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y:.0f}%"}]
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
    layout = _layout(label["probability_title"], label["probability_axis"], sessions)
    layout["xaxis"]["range"] = [0.4, sessions + 0.6]
    layout["barmode"] = "group"
    layout["yaxis"]["range"] = [0, 112]
    layout["shapes"], layout["annotations"] = [], []
    def first(level: float) -> int | None:
        return next((n for n, p in enumerate(percent, 1) if p >= level), None)

    milestones = [(50, first(50), label["half"]), (90, first(90), label["ninety"])]
    never = round(fc.never_percent)
    if never >= 5:
        layout["shapes"].append({"type": "line", "xref": "paper", "x0": 0, "x1": 1,
                                 "y0": 100 - never, "y1": 100 - never,
                                 "line": {"color": VERMILLION, "dash": "dash", "width": 2}})
        layout["annotations"].append({
            "xref": "paper", "x": 0.01, "y": 100 - never, "xanchor": "left", "yanchor": "bottom",
            "text": label["never"].format(never=never), "showarrow": False,
            "font": {"size": 13, "color": VERMILLION}, "bgcolor": "white"})
    for level, session, text in milestones:
        if session is None:
            continue
        layout["shapes"].append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": level,
                                 "y1": level, "line": {"color": GREY, "dash": "dot", "width": 1}})
        layout["annotations"].append({
            "x": session, "y": level, "text": text.format(k=session), "showarrow": True,
            "arrowhead": 2, "ax": -40 if session > sessions / 2 else 40, "ay": -22,
            "font": {"size": 13}, "bgcolor": "white"})
    return {"data": data, "layout": layout}

