"""Chart data is valid plotly, and shows the forecast's numbers (no arithmetic of its own)."""

from __future__ import annotations

import plotly.graph_objects as go
from hypothesis import given, settings
from strategies import profiles

from pico_widget import estimate
from pico_widget.render.charts import improvement_figure, probability_figure


@settings(max_examples=40, deadline=None)
@given(profiles())
def test_figures_are_valid_plotly_and_carry_the_forecast(profile):
    fc = estimate(profile)
    compare = None
    if profile.laser == "picosecond" and profile.condition not in ("acne_scars", "wrinkles"):
        compare = ("Q-switched", estimate(profile.model_copy(update={"laser": "q-switched"})))
    improvement = improvement_figure(fc, profile.observations, compare)
    probability = probability_figure(fc, compare)
    go.Figure(improvement)  # raises on anything plotly's schema refuses
    go.Figure(probability)
    traces = {t["name"]: t for t in improvement["data"]}
    assert traces["Typical patient"]["y"][1:] == [round(b.median, 1) for b in fc.improvement]
    bars = probability["data"][0]
    assert bars["y"] == [round(100 * p, 1) for p in fc.prob_goal_by_session]
    # The whiskers reach the band across clinics at every session.
    for y, up, down, (low, high) in zip(bars["y"], bars["error_y"]["array"],
                                        bars["error_y"]["arrayminus"], fc.prob_goal_band,
                                        strict=True):
        assert abs(y + up - 100 * high) <= 0.11 or (up == 0 and y >= 100 * high - 0.11)
        assert abs(y - down - 100 * low) <= 0.11 or (down == 0 and y <= 100 * low + 0.11)
    assert probability["data"][-1]["name"] == "8 in 10 clinics like those studied"
    goal = next(line for line in improvement["layout"]["shapes"] if line["name"] == "goal")
    assert goal["y0"] == goal["y1"] == fc.goal_percent
    labels = {a["name"]: a for a in improvement["layout"]["annotations"]}
    assert labels["goal"]["text"] == f"Goal {fc.goal_percent:.0f}%"
    assert f" {fc.ceiling_percent:.0f}% " in labels["ceiling"]["text"]
    ceiling = next(line for line in improvement["layout"]["shapes"] if line["name"] == "ceiling")
    assert ceiling["y0"] == fc.ceiling_percent
    # Labelled at opposite ends, so the two labels never cover each other.
    assert {labels["goal"]["xanchor"], labels["ceiling"]["xanchor"]} == {"left", "right"}
    if profile.observations:
        assert traces["Seen so far"]["x"] == [o.session for o in profile.observations]
    if compare is not None:
        assert len(probability["data"]) == 3  # this case, the other laser, the band
