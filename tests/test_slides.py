"""Class figures (render/slides.py): shared axes, the course so far, and a slide of up to
four columns that plotly itself accepts."""

from __future__ import annotations

from itertools import pairwise

import plotly.graph_objects as go

from pico_widget import estimate
from pico_widget.core.cases import teaching_cases
from pico_widget.i18n.wording import wording
from pico_widget.render.charts import improvement_figure
from pico_widget.render.slides import (
    LEVEL_GAP,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    keyed,
    session_step,
    shared_axes,
    slide,
    untitled,
    up_to,
)


def figures() -> list[dict]:
    return [improvement_figure(estimate(c.profile), c.profile.observations, "en")
            for c in teaching_cases()[:4]]


def test_ticks_thin_out_past_twelve_sessions():
    assert [session_step(n) for n in (6, 12, 13, 20, 24, 25, 40)] == [1, 1, 2, 2, 2, 5, 5]


def test_shared_axes_and_the_course_so_far_leave_the_figure_valid():
    figure = figures()[0]
    shared = shared_axes(figure, 20)
    assert shared["layout"]["xaxis"]["range"] == [-0.3, 20.3]
    assert shared["layout"]["xaxis"]["dtick"] == 2
    assert figure["layout"]["xaxis"]["dtick"] == 1  # the original is left alone
    cut = up_to(shared, 3)
    assert all(max(t["x"]) <= 3 for t in cut["data"])
    assert untitled(cut)["layout"]["title"]["text"] == ""
    for each in (shared, cut, untitled(cut)):
        go.Figure(each)  # raises on anything plotly does not know


def test_a_slide_holds_each_column_on_its_own_axes_at_projector_size():
    words = str(wording("charts", "line_break", language="en")).join(["line one", "line two"])
    panels = [(f"Case {i}", words, shared_axes(f, 20)) for i, f in enumerate(figures())]
    figure = slide(panels, "Side by side", "en")
    go.Figure(figure)
    layout = figure["layout"]
    assert (layout["width"], layout["height"]) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert {t["xaxis"] for t in figure["data"]} == {"x", "x2", "x3", "x4"}
    domains = [layout[k]["domain"] for k in ("xaxis", "xaxis2", "xaxis3", "xaxis4")]
    assert all(a[1] < b[0] for a, b in pairwise(domains))  # side by side, apart
    assert {layout[k]["dtick"] for k in ("xaxis", "xaxis2", "xaxis3", "xaxis4")} == {2}
    shown = [t["name"] for t in figure["data"] if t["showlegend"]]
    assert len(shown) == len(set(shown))  # each kind of line named once


def test_a_long_title_pushes_every_answer_down_and_guesses_keep_their_legend_entry():
    """A screen review's exported slide: the PIH column's three-line title ran over its
    answer, and the class's guesses, cut to no points in the first column (stepped back
    to session 1), lost their legend entry in every column."""
    br = str(wording("charts", "line_break", language="en"))
    first, *rest = [shared_axes(f, 20) for f in figures()]
    guesses = {"type": "scatter", "mode": "markers", "name": "Class's guesses",
               "x": [4, 6], "y": [75, 75]}
    first = up_to({**first, "data": [*first["data"], guesses]}, 1)
    rest = [{**f, "data": [*f["data"], guesses]} for f in rest]
    long = "Post-inflammatory hyperpigmentation on skin type V, after three slow sessions"
    panels = [("Short", "answer", first), (long, "answer", rest[0]),
              *[(f"Case {i}", "answer", f) for i, f in enumerate(rest[1:])]]
    figure = slide(panels, "Side by side", "en")
    texts = figure["layout"]["annotations"]
    title = next(a for a in texts if a["text"].startswith("Post-inflammatory"))
    lines = len(title["text"].split(br))
    assert lines == 3
    answers = [a for a in texts if a["text"] == "answer"]
    # Each answer starts below the longest title's last line (24 px type, about 30 px).
    assert all(a["y"] <= title["y"] - lines * 29 / SLIDE_HEIGHT for a in answers)
    assert len({a["y"] for a in answers}) == 1
    named = [t for t in figure["data"] if t["name"] == "Class's guesses" and t["showlegend"]]
    assert len(named) == 1 and named[0]["x"]  # named once, by a column that draws them


def test_a_column_without_a_legend_writes_each_level_at_its_line_s_end():
    """The class view names the lines once (render/chart_key.py): a column shows no legend,
    and the goal's and ceiling's values sit right of the plot, where they cover no data,
    moved apart when the two levels are close (tattoo: goal 90, half level off at 99)."""
    for figure in figures():
        column = keyed(figure, "en")
        levels = {s["legendgroup"]: s["y0"] for s in figure["layout"]["shapes"]}
        values = column["layout"]["annotations"][-2:]
        assert column["layout"]["showlegend"] is False
        assert all(a["x"] == 1 and a["xanchor"] == "left" for a in values)
        assert sorted(a["text"] for a in values) == sorted(f"{v:.0f}%" for v in levels.values())
        close = abs(levels["goal"] - levels["ceiling"]) < LEVEL_GAP
        shifts = sorted(a["yshift"] for a in values)
        assert shifts == ([-8, 8] if close else [0, 0])
        go.Figure(column)  # plotly accepts it
    assert keyed(figures()[0], "en")["layout"]["margin"]["r"] >= 40  # room for "100%"
    near = estimate(teaching_cases()[0].profile.model_copy(update={"goal_percent": 95}))
    column = keyed(improvement_figure(near, [], "en"), "en")  # goal 95, ceiling 99
    goal, ceiling = column["layout"]["annotations"][-2:]
    assert (goal["text"], goal["yshift"]) == ("95%", -8)
    assert ceiling["yshift"] == 8


def test_a_long_answer_pushes_the_plots_down_so_no_level_writes_over_it():
    """A trainer's four-column slide: Hori's level words were drawn over its answer's last
    line. The plots start below the longest answer, with room for a level's words."""
    br = str(wording("charts", "line_break", language="en"))
    short = slide([("Case", "answer", f) for f in figures()], "Side by side", "en")
    long_words = br.join(["a line of the answer"] * 14)
    long = slide([("Case", long_words, f) for f in figures()], "Side by side", "en")
    top = long["layout"]["yaxis"]["domain"][1]
    assert short["layout"]["yaxis"]["domain"][1] == 0.6
    answer = next(a for a in long["layout"]["annotations"] if a["text"].startswith("a line"))
    assert top <= answer["y"] - 14 * 17 * 1.2 / SLIDE_HEIGHT - 0.03
    assert top - long["layout"]["yaxis"]["domain"][0] >= 0.2


def test_the_key_names_each_kind_of_line_once_as_the_charts_draw_it():
    from pico_widget.render.chart_key import chart_key_html, key_entries

    br = str(wording("charts", "line_break", language="en"))
    first, second = figures()[:2]
    guesses = {"type": "scatter", "mode": "markers", "name": "Class's guesses",
               "x": [4], "y": [75], "marker": {"symbol": "x-thin", "color": "#CC79A7"}}
    cut = up_to({**first, "data": [*first["data"], guesses]}, 1)  # guesses cut: no points
    entries = key_entries([cut, second], "en")
    names = [e.name for e in entries]
    assert len(names) == len(set(names)) and br not in "".join(names)
    assert "Class's guesses" not in names  # drawn nowhere, so not named
    band = next(e for e in entries if e.name.startswith("Shaded"))
    assert band.area and "rgba" in band.colour
    assert names[-2:] == [wording("charts", "goal_key", language="en"),
                          wording("charts", "ceiling_key", language="en")]
    assert [e.dash for e in entries[-2:]] == ["6 4", "2 3"]  # dashed goal, dotted ceiling
    with_guesses = key_entries([{**second, "data": [*second["data"], guesses]}], "en")
    assert next(e for e in with_guesses if e.name == "Class's guesses").marker == "x-thin"
    assert chart_key_html([], "en") == ""
    assert 'aria-label="What the lines on the charts mean"' in chart_key_html([cut], "en")
