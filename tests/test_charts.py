"""Chart data is valid plotly, and shows the forecast's numbers (no arithmetic of its own)."""

from __future__ import annotations

import plotly.graph_objects as go
from hypothesis import given, settings

from pico_widget import estimate
from pico_widget.render.charts import improvement_figure, probability_figure
from tests.strategies import profiles


@settings(max_examples=40, deadline=None)
@given(profiles())
def test_figures_are_valid_plotly_and_carry_the_forecast(profile):
    fc = estimate(profile)
    compare = None
    if profile.laser == "picosecond" and profile.condition not in ("acne_scars", "wrinkles"):
        compare = ("Q-switched", estimate(profile.model_copy(update={"laser": "q-switched"})))
    improvement = improvement_figure(fc, profile.observations, "en", compare)
    probability = probability_figure(fc, "en", compare)
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
    assert probability["data"][-1]["name"].replace("<br>", " ") == (
        "Whiskers: in 100, at 8 in 10 clinics like those studied")
    levels = {line["legendgroup"]: line for line in improvement["layout"]["shapes"]}
    assert levels["goal"]["y0"] == levels["goal"]["y1"] == fc.goal_percent
    assert levels["ceiling"]["y0"] == fc.ceiling_percent
    # Named in the legend, not written over the plot, where a label hid data.
    assert "annotations" not in improvement["layout"]
    # Each number above its bar's whisker (inside the bar the whisker crossed it): every
    # bar up to 12 sessions, then every second and the milestones.
    numbers = {round(a["x"] + (0.2 if compare else 0.0)): a
               for a in probability["layout"]["annotations"]}
    for x, y, up, text in zip(bars["x"], bars["y"], bars["error_y"]["array"], bars["text"],
                              strict=True):
        if x in numbers:
            assert numbers[x]["text"] == text and numbers[x]["y"] > y + up
    assert len(bars["x"]) > 12 or len(numbers) == len(bars["x"])
    assert len(numbers) >= len(bars["x"]) // 2
    assert levels["goal"]["name"] == f"Goal {fc.goal_percent:.0f}%" and levels["goal"]["showlegend"]
    assert f" {fc.ceiling_percent:.0f}%" in levels["ceiling"]["name"].replace("<br>", " ")
    assert levels["ceiling"]["showlegend"]
    # Every line in the chance chart is named in the legend too.
    named = {s["legendgroup"]: s for s in probability["layout"]["shapes"] if s["showlegend"]}
    assert len(named) == len({s["legendgroup"] for s in probability["layout"]["shapes"]})
    never = round(fc.never_percent)
    if never >= 5:
        assert named["never"]["name"].replace("<br>", " ") == (
            f"{100 - never} in 100 could ever reach it "
            "(averaged over clinics; more at some)")
    if profile.observations:
        assert traces["Seen so far"]["x"] == [o.session for o in profile.observations]
    if compare is not None:
        assert len(probability["data"]) == 3  # this case, the other laser, the band
