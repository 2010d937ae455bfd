"""The benchmarks' own inputs build from today's figures.

`make bench` is run rarely and by hand, so a figure change that breaks what a benchmark
draws (the goal line leaving the layout's shapes broke the subplot option once) would
otherwise go unseen until someone needs the numbers. The drawing itself needs Chromium
and minutes; building its inputs needs neither.
"""

from __future__ import annotations

import pytest

from benchmarks.drawing import OPTIONS


@pytest.mark.parametrize("option", list(OPTIONS))
def test_each_drawing_option_builds_two_states_of_one_shape(option: str) -> None:
    _, build = OPTIONS[option]
    before, after = build(50), build(75)
    assert before and len(before) == len(after)
    for figure in before + after:
        assert figure["data"] and "layout" in figure
