"""Figures for a class: the cases' charts on shared axes, and a slide of them for export.

Why: side by side, a trainer compares cases, and columns with their own axes (0-20
against 0-12 sessions) compare badly; each column is drawn on the same sessions and
percent. A slide is one plotly figure at projector size (1920x1080) holding the columns'
charts, their titles and their answers in words, so the browser's own plotly.js can turn
it into a PNG (and a one-page PDF) with no server-side renderer. Plain dicts, as charts.py.
"""

from __future__ import annotations

import copy
import textwrap
from typing import Any

from ..i18n.wording import wording
from .charts import FONT_STACK, Figure

SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080  # a projector's resolution
PERCENT_RANGE = [0, 102]  # charts.py's percent axis, shared by every column
TITLE_TOP, TITLE_SIZE = 0.945, 24  # a column's title: its top (share of the slide), px
TITLE_LINE = 0.029  # a title's line, as a share of the slide's height (24 px type)
WORDS_SIZE, WORDS_LINE = 17, 0.021  # an answer's type (px) and its line (share of the height)
PLOT_TOP, PLOT_BOTTOM = 0.6, 0.14  # the charts' plot, as shares of the slide's height
LEVEL_ROOM = 0.04  # above the plot: a level's words over its line at the top of the chart


def session_step(horizon: int) -> int:
    """A tick every session up to 12, then every 2 (to 24), then every 5: a 20-session
    tattoo course in a quarter of a projector stays legible."""
    return 1 if horizon <= 12 else 2 if horizon <= 24 else 5


def shared_axes(figure: Figure, horizon: int) -> Figure:
    """`figure` (charts.improvement_figure) on sessions 0..horizon and the shared percent."""
    shared = copy.deepcopy(figure)
    layout = shared["layout"]
    layout["xaxis"] |= {"range": [-0.3, horizon + 0.3], "dtick": session_step(horizon)}
    layout["yaxis"] |= {"range": list(PERCENT_RANGE)}
    return shared


def untitled(figure: Figure) -> Figure:
    """`figure` without its title: a class column's heading names it, and the plot keeps
    the height (the title stays in the chart's spoken name)."""
    bare = copy.deepcopy(figure)
    bare["layout"]["title"] = {"text": ""}
    bare["layout"]["margin"] = {**bare["layout"]["margin"], "t": 12}
    # plotly.js gives a legend below the plot half the height at most, and scrolls the rest
    # out of sight: in a column the legend's honest words need more.
    bare["layout"]["legend"] = {**bare["layout"]["legend"], "maxheight": 0.62}
    return bare


LEVEL_GAP = 12  # points: two levels' values closer than this are moved apart (18 px type)
LEVEL_SHIFT = 8  # px: how far each of two close values moves away from the other
LEVEL_MARGIN = 46  # px: room right of the plot for a level's value ("100%" at 18 px)


def keyed(figure: Figure, language: str) -> Figure:
    """A class column's chart for a view whose key names the lines once (chart_key.py):
    no legend, so the plot keeps the column's height, and each level's value (the goal,
    where half level off) written beside the end of its line, right of the plot, where it
    covers no data (a label on the line hid the typical patient's sessions). Two values
    closer than LEVEL_GAP move apart."""
    out = copy.deepcopy(figure)
    layout = out["layout"]
    layout["showlegend"] = False
    # No legend below: the axis' words only; on the right, the levels' values.
    layout["margin"] = {**layout["margin"], "b": 48, "r": LEVEL_MARGIN}
    say = wording("charts", language=language)
    levels = sorted((s for s in layout.get("shapes", []) if s.get("legendgroup")),
                    key=lambda s: s["y0"])
    annotations = layout.setdefault("annotations", [])
    for index, shape in enumerate(levels):
        shape["showlegend"] = False
        close_below = index > 0 and shape["y0"] - levels[index - 1]["y0"] < LEVEL_GAP
        close_above = (index + 1 < len(levels)
                       and levels[index + 1]["y0"] - shape["y0"] < LEVEL_GAP)
        shift = LEVEL_SHIFT if close_below else -LEVEL_SHIFT if close_above else 0
        annotations.append({
            "text": say["level_value"].format(value=f"{shape['y0']:.0f}"),
            "xref": "paper", "x": 1, "xanchor": "left", "xshift": 3, "y": shape["y0"],
            "yref": "y", "yanchor": "middle", "yshift": shift, "showarrow": False,
            "font": {"size": 13, "color": "#222"}})
    return out


def up_to(figure: Figure, session: int) -> Figure:
    """`figure` with every trace cut after `session`: a course drawn so far."""
    cut = copy.deepcopy(figure)
    for trace in cut["data"]:
        keep = [i for i, x in enumerate(trace.get("x", [])) if x <= session]
        for key in ("x", "y", "text"):
            if isinstance(trace.get(key), list):
                trace[key] = [trace[key][i] for i in keep]
    return cut


def slide(panels: list[tuple[str, str, Figure]], heading: str, language: str) -> Figure:
    """One 1920x1080 figure: `heading` on top, then for each (title, words, figure) a
    column with its title, its answer in words (lines joined by the charts' line break)
    and its chart on the figure's own axes. The legend names each kind of line once."""
    br = _line_break(language)
    count = len(panels)
    gap = 0.05
    width = (1 - gap * (count - 1)) / count
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = [_text(heading, 0, 1.0, 30, "paper", br)]
    shapes: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    named: set[str] = set()  # a name in the legend once, from the first column that has it
    titles = [_text(title, index * (width + gap), TITLE_TOP, TITLE_SIZE, "paper", br, width)
              for index, (title, _, _) in enumerate(panels)]
    # The answers start under the longest title: a title of three lines ran over the
    # first line of its answer (a screen review).
    lines = max(len(title["text"].split(br)) for title in titles)
    words_top = TITLE_TOP - lines * TITLE_LINE - 0.007
    answers = [_text(words, index * (width + gap), words_top, WORDS_SIZE, "paper", br, width)
               for index, (_, words, _) in enumerate(panels)]
    # The plots start under the longest answer, and the words of a level at the top of a
    # chart under it too: a long answer ran under a level's words (a trainer's review).
    longest = max(len(answer["text"].split(br)) for answer in answers)
    plot_top = max(PLOT_BOTTOM + 0.2,
                   min(PLOT_TOP, words_top - longest * WORDS_LINE - LEVEL_ROOM))
    for index, (_, _, figure) in enumerate(panels):
        suffix = "" if index == 0 else str(index + 1)
        left = index * (width + gap)
        source = figure["layout"]
        layout[f"xaxis{suffix}"] = {
            **{k: v for k, v in source["xaxis"].items() if k != "title"},
            "domain": [left, left + width], "anchor": f"y{suffix}",
            "title": {"text": source["xaxis"]["title"]["text"], "font": {"size": 20}},
            "tickfont": {"size": 18}}
        layout[f"yaxis{suffix}"] = {
            **{k: v for k, v in source["yaxis"].items() if k != "title"},
            "domain": [PLOT_BOTTOM, plot_top], "anchor": f"x{suffix}",
            "tickfont": {"size": 18}}
        for trace in figure["data"]:
            # A trace cut to no points has no legend entry in plotly.js: the name goes to
            # the next column that draws it (the class's guesses, before they were shown).
            shown = (trace.get("showlegend", True) and trace.get("name") not in named
                     and trace.get("x") != [])
            if shown:
                named.add(trace.get("name"))
            data.append({**trace, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                         "showlegend": bool(shown)})
        for shape in source.get("shapes", []):
            shapes.append({**shape, "showlegend": False, "xref": f"x{suffix} domain",
                           "yref": f"y{suffix}"})
            level = shape["name"].replace(br, " ")
            annotations.append({**_text(level, left, shape["y0"], 15, "paper", br, width),
                                "yref": f"y{suffix}", "yanchor": "bottom"})
        annotations.append(titles[index])
        annotations.append(answers[index])
    layout |= {
        "width": SLIDE_WIDTH, "height": SLIDE_HEIGHT,
        "font": {"family": FONT_STACK, "size": 18},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "margin": {"l": 80, "r": 40, "t": 30, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom",
                   "font": {"size": 18}},
        "shapes": shapes, "annotations": annotations,
    }
    return {"data": data, "layout": layout}


def _text(text: str, x: float, y: float, size: int, ref: str, br: str,
          width: float = 1.0) -> dict[str, Any]:
    """Words placed at the top left of (x, y), never drawn over by an arrow, each line
    broken to fit `width` (a share of the slide's width): plotly never wraps them. `br`:
    plotly's line break (_line_break)."""
    lines = text.split(br)
    chars = max(8, int(width * SLIDE_WIDTH / (0.56 * size)))
    wrapped = [part for line in lines for part in _wrap(line, chars)]
    return {"text": br.join(wrapped), "x": x, "y": y, "xref": ref, "yref": ref,
            "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
            "font": {"size": size}}


def _line_break(language: str) -> str:
    """plotly's line break, kept with the charts' words (no tag is written in Python)."""
    return str(wording("charts", "line_break", language=language))


def _wrap(line: str, chars: int) -> list[str]:
    """`line` in pieces of about `chars` Latin characters, by words; text without spaces
    (Chinese, whose characters are about twice as wide) by characters."""
    if " " in line:
        return textwrap.wrap(line, chars) or [""]
    step = max(4, chars // 2)
    return [line[i:i + step] for i in range(0, len(line), step)] or [""]
