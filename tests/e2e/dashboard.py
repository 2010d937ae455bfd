"""Reading and driving the dashboard in the browser, as a doctor's taps and keys would."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page

from pico_widget import PatientProfile, estimate
from pico_widget.charts import improvement_figure, probability_figure
from pico_widget.summary import headline

CHARTS = ("improvement", "probability")


def field(page: Page, heading: str) -> Locator:
    return page.locator(".pico-field", has=page.locator("h3", has_text=heading))


# In the page: each chart's revision and the names, x and y of the traces plotly.js drew.
DRAWN = """(names) => Object.fromEntries(names.map((name) => {
    const chart = document.querySelector(`[data-testid="${name}"]`);
    return [name, {revision: Number(chart.dataset.revision),
                   traces: chart.data.map((t) => ({name: t.name, x: t.x, y: t.y}))}];
}))"""


def drawn(page: Page) -> dict[str, Any]:
    """What plotly.js has drawn: each chart's revision and its traces' names, x and y."""
    return page.evaluate(DRAWN, list(CHARTS))


def act(page: Page, action: Any) -> dict[str, Any]:
    """Do something on the page and wait until every chart has redrawn."""
    before = drawn(page)
    action()
    page.wait_for_function(
        """(before) => Object.entries(before).every(([name, b]) => Number(
            document.querySelector(`[data-testid="${name}"]`).dataset.revision) > b.revision)""",
        arg={k: {"revision": v["revision"]} for k, v in before.items()}, timeout=20_000)
    return drawn(page)


def expected(profile: PatientProfile) -> dict[str, list[dict[str, Any]]]:
    fc = estimate(profile)
    figures = {"improvement": improvement_figure(fc, profile.observations),
               "probability": probability_figure(fc)}
    return {name: [{"name": t["name"], "x": t["x"], "y": t["y"]} for t in fig["data"]]
            for name, fig in figures.items()}


def assert_shows(page: Page, profile: PatientProfile) -> None:
    """Charts hold exactly estimate(profile)'s data and the summary states its headline."""
    traces = {name: chart["traces"] for name, chart in drawn(page).items()}
    assert traces == expected(profile)
    fc = estimate(profile)
    top = headline(fc)
    summary = page.locator(".pico-summary").inner_text()
    if fc.sessions_median is not None:
        assert f"about {top.reach} reach the goal by session {top.session}" in summary
    assert f"about {fc.pih_risk_percent:.0f}%" in summary


def profile(**changes: Any) -> PatientProfile:
    from pico_widget.widget import default_profile

    return PatientProfile.model_validate(default_profile().model_dump() | changes)
