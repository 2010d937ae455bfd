"""How fast plotly.js redraws our charts, by drawing option, in a blank page (no Voila).

Keeps the data behind the drawing choice: two charts with Plotly.react (what the dashboard
does), the same with restyle of y only, one figure with both as subplots, and a single
chart alone (about what a one-line FigureWidget update costs).
"""

from __future__ import annotations

import copy
from typing import Any

from playwright.sync_api import sync_playwright

from pico_widget import PatientProfile, estimate
from pico_widget.render.charts import improvement_figure, plotly_js_path, probability_figure
from tests.browser import launch

from .table import Row, summarise

GOALS = (37, 73)  # alternate like the slider taps in the browser benchmark


def _figures(goal: int) -> list[dict[str, Any]]:
    profile = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=4,
                             goal_percent=goal)
    fc = estimate(profile)
    return [improvement_figure(fc, [], "en"), probability_figure(fc, "en")]


def _subplots(goal: int) -> list[dict[str, Any]]:
    top, bottom = _figures(goal)
    layout = copy.deepcopy(top["layout"])
    layout.update(height=700, xaxis2=dict(bottom["layout"]["xaxis"], anchor="y2"),
                  yaxis2=dict(bottom["layout"]["yaxis"], domain=[0, 0.42], anchor="x2"),
                  annotations=[dict(a, xref="x2", yref="y2")
                               for a in bottom["layout"].get("annotations", [])],
                  shapes=[dict(s, yref="y2") for s in bottom["layout"].get("shapes", [])])
    layout["yaxis"]["domain"] = [0.58, 1]
    data = top["data"] + [dict(t, xaxis="x2", yaxis="y2") for t in bottom["data"]]
    return [{"data": data, "layout": layout}]


OPTIONS = {
    "two charts, Plotly.react (dashboard)": ("react", _figures),
    "two charts, Plotly.restyle y only": ("restyle", _figures),
    "one figure with both as subplots": ("react", _subplots),
    "one chart alone, Plotly.react": ("react", lambda g: _figures(g)[1:]),
}

DRAW = """async ([mode, states, rounds]) => {
  const config = {displayModeBar: false, responsive: true};
  const ids = states[0].map((_, i) => `chart${i}`);
  document.body.innerHTML = ids.map((id) => `<div id="${id}" style="width:720px"></div>`)
    .join("");
  for (const [i, f] of states[0].entries()) await Plotly.newPlot(ids[i], f.data, f.layout, config);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const figures = states[(r + 1) % 2];
    const t0 = performance.now();
    for (const [i, f] of figures.entries()) {
      if (mode === "restyle") await Plotly.restyle(ids[i], {y: f.data.map((t) => t.y)});
      else await Plotly.react(ids[i], f.data, f.layout, config);
    }
    times.push(performance.now() - t0);
  }
  return times;
}"""


def run(rounds: int = 40) -> list[Row]:
    results = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1180, "height": 820})
        page.set_content("<!doctype html><title>plotly options</title>")
        page.add_script_tag(path=str(plotly_js_path()))
        for name, (mode, build) in OPTIONS.items():
            states = [build(goal) for goal in GOALS]
            results[name] = page.evaluate(DRAW, [mode, states, rounds])[5:]
        browser.close()
    floor_name = "one chart alone, Plotly.react"
    return [summarise(f"plotly.js redraw: {name}", times, results[floor_name], floor_name)
            for name, times in results.items() if name != floor_name]
