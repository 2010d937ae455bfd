"""Reading and driving the dashboard in the browser, as a doctor's taps and keys would."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page

from pico_widget import PatientProfile, estimate
from pico_widget.i18n.wording import wording
from pico_widget.render.charts import improvement_figure, probability_figure
from pico_widget.render.headline import answer
from pico_widget.render.summary import headline

CHARTS = ("improvement", "probability")
DEFAULT = ("improvement",)  # the chart a page opens with; the others are drawn when chosen


def field(page: Page, heading: str) -> Locator:
    return page.locator(".pico-field", has=page.locator("h3", has_text=heading))


# In the page: for each chart on view, its revision, the names, x and y of the traces
# plotly.js drew, and the levels of its named lines (a hidden view is left out: it is drawn
# when shown). A level is a layout line, or a trace the chart drew for one (meta
# "pico-level", static/plotly_view.js), which is not one of the figure's traces.
DRAWN = """(names) => Object.fromEntries(names.map((name) => {
    const chart = document.querySelector(`[data-testid="${name}"]`);
    if (!chart || chart.offsetParent === null || !chart.data) return null;
    const level = (t) => t.meta === 'pico-level';
    return [name, {revision: Number(chart.dataset.revision),
                   traces: chart.data.filter((t) => !level(t))
                       .map((t) => ({name: t.name, x: t.x, y: t.y})),
                   levels: Object.fromEntries([
                       ...(chart.layout.shapes || []).filter((s) => s.legendgroup)
                           .map((s) => [s.legendgroup, s.y0]),
                       ...chart.data.filter(level).map((t) => [t.legendgroup, t.y[0]])]),
                   legend: [...chart.querySelectorAll('.legendtext')]
                       .map((text) => text.textContent)}];
}).filter(Boolean))"""


def drawn(page: Page) -> dict[str, Any]:
    """What plotly.js has drawn in the charts on view: revision, traces' names, x and y,
    levels and the legend's words."""
    return page.evaluate(DRAWN, list(CHARTS))


def choose(page: Page, view: str) -> dict[str, Any]:
    """Tap a view (a key of wording's [views]); wait until a chart it holds is drawn."""
    page.locator(".pico-views").get_by_role("button", name=wording("views", language="en")[view],
                                            exact=True).tap()
    chart = {"curve": "improvement", "chance": "probability"}.get(view)
    page.wait_for_function("""(name) => [...document.querySelectorAll('.pico-chart')].every(
        (c) => (c.dataset.testid === name) === (c.offsetParent !== null
                                                && c.dataset.revision !== undefined))""",
                           arg=chart)
    if chart is not None:  # and sized to its column (it may have been hidden while it changed)
        sized(page, chart)
    return drawn(page)


def sized(page: Page, chart: str) -> None:
    """Wait until a chart's drawing is as wide as its column: plotly.js draws at a default
    size first and resizes to the column a moment later."""
    page.wait_for_function("""(name) => {
        const c = document.querySelector(`[data-testid="${name}"]`);
        const svg = c && c.querySelector('svg.main-svg');
        return svg && Math.abs(svg.getBoundingClientRect().width - c.offsetWidth) <= 2; }""",
                           arg=chart)


def act(page: Page, action: Any) -> dict[str, Any]:
    """Do something on the page and wait until every chart on view has redrawn."""
    before = drawn(page)
    action()
    page.wait_for_function(
        """(before) => Object.entries(before).every(([name, b]) => Number(
            document.querySelector(`[data-testid="${name}"]`).dataset.revision) > b.revision)""",
        arg={k: {"revision": v["revision"]} for k, v in before.items()}, timeout=20_000)
    return drawn(page)


def expected(profile: PatientProfile,
             charts: tuple[str, ...] = DEFAULT) -> dict[str, list[dict[str, Any]]]:
    fc = estimate(profile)
    figures = {"improvement": improvement_figure(fc, profile.observations, "en"),
               "probability": probability_figure(fc, "en")}
    return {name: [{"name": t["name"], "x": t["x"], "y": t["y"]} for t in fig["data"]]
            for name, fig in figures.items() if name in charts}


def assert_shows(page: Page, profile: PatientProfile) -> None:
    """The chart on view holds exactly estimate(profile)'s data and the headline states its
    numbers."""
    charts = drawn(page)
    traces = {name: chart["traces"] for name, chart in charts.items()}
    assert traces == expected(profile, tuple(traces))
    assert traces  # a chart is on view
    fc = estimate(profile)
    if "improvement" in charts:  # the goal and ceiling lines, drawn in the layout
        assert charts["improvement"]["levels"] == {"goal": fc.goal_percent,
                                                   "ceiling": fc.ceiling_percent}
        goal = next(s["name"] for s in improvement_figure(fc, profile.observations, "en")
                    ["layout"]["shapes"] if s.get("legendgroup") == "goal")
        assert goal in charts["improvement"]["legend"]  # its words redrawn with its line
    top = headline(fc)
    text = " ".join(page.locator(".pico-headline").inner_text().split())
    chance = next(f for f in answer(profile, fc, "en").figures if f.key == "chance")
    assert f"{top.reach} in 100 {chance.caption}" in text
    assert (f"{top.never} never do" in text) == (top.never >= 5)
    if fc.sessions_median is not None:
        assert text.startswith(f"{fc.sessions_median} session")
    elif fc.typical_outcome == "later":  # the typical patient reaches it after the horizon
        assert text.startswith(f"{fc.max_sessions}+ sessions")
    elif fc.typical_outcome == "never":
        assert text.startswith("Most never reach this goal")
    assert f"{fc.pih_risk_percent:.0f}% risk of darker patches" in text


def profile(**changes: Any) -> PatientProfile:
    from pico_widget.ui.widget import default_profile

    return PatientProfile.model_validate(default_profile().model_dump() | changes)
