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
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
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
