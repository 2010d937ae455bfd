"""In the browser: an arrow key on the goal slider to the last change in any chart.

Issue 34's probe, beside the one-line FigureWidget page in the same run: a
MutationObserver on every `.js-plotly-plot` (benchmarks/keys.js) times each key press
from its keydown to the last DOM change inside a chart, taken once the charts have been
still for QUIET_MS. The two pages are open side by side and pressed in turn, so both see
the same load. Per page: PRESSES presses counted, half to the right, half back to the
left, each to a goal not shown before (the way back starts past the way out), after
WARM_UP presses not counted. For each press the probe also notes the websocket messages
received (when, how many bytes) and each plotly.js drawing call (when, how long), which the
run prints as medians: where the time went.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .pages import pages_and_browser, serve, tablet
from .table import Row, summarise

KEYS = (Path(__file__).parent / "keys.js").read_text()
PRESSES = 12
WARM_UP = 2
QUIET_MS = 600  # no chart change for this long after a key: the repaint is over
PAGES = ("figurewidget", "dashboard")


def _open(browser: Any, url: str, tries: int = 3) -> tuple[Any, Page, Locator]:
    """A page with the probe whose chart answers the slider; (context, page, slider handle).

    A page whose chart does not move after one press is opened again: on 2026-12-07, for
    half an hour at a load of 13-19 on 2 cores, the FigureWidget page came up deaf in
    every try (its kernel's updates arrived; the page logged "[anywidget] Failed to
    initialize model.", plotly's FigureWidget model); before and after, it answered at
    once. Not understood; the run then stops with the page named, not half a ratio."""
    for _ in range(tries):
        context = tablet(browser, KEYS)
        page = context.new_page()
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        handle = page.locator(".widget-hslider .noUi-handle").first
        handle.wait_for(timeout=60_000)
        page.wait_for_timeout(3000)  # the first chart's own settling is not a press
        handle.focus()
        handle.press("ArrowRight")
        try:
            page.wait_for_function("window.__keys.last !== null", timeout=15_000)
            return context, page, handle
        except PlaywrightTimeout:
            context.close()
    raise RuntimeError(f"{url}: the chart never answered the slider in {tries} tries")


def press(page: Page, handle: Locator, key: str) -> tuple[float, dict[str, Any]]:
    """One arrow key on the focused slider: ms from keydown to the last chart change, and
    what the probe saw of that press (websocket frames, plotly.js calls)."""
    page.bring_to_front()
    handle.focus()
    handle.press(key)
    page.wait_for_function(
        f"window.__keys.last !== null && window.__keys.quiet() > {QUIET_MS}",
        timeout=20_000, polling=50)
    took = float(page.evaluate("window.__keys.last - window.__keys.key"))
    return took, page.evaluate("({frames: window.__keys.frames, calls: window.__keys.calls,"
                               " changes: window.__keys.changes})")


def _skip(page: Page, handle: Locator, key: str, count: int) -> None:
    """Move the slider `count` steps without timing (the way back starts past the way out)."""
    handle.focus()
    for _ in range(count):
        handle.press(key)
        page.wait_for_timeout(60)
    page.wait_for_function(f"window.__keys.quiet() > {QUIET_MS}", timeout=20_000, polling=50)


def measure(browser: Any, base: str, urls: dict[str, str],
            presses: int = PRESSES, pages: tuple[str, ...] = PAGES
            ) -> tuple[dict[str, list[float]], dict[str, list[dict[str, Any]]]]:
    """The pages pressed in turn: ms per press by page, and what the probe saw of each."""
    opened = {name: _open(browser, base + urls[name]) for name in pages}
    times: dict[str, list[float]] = {name: [] for name in pages}
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    try:
        plan = ["ArrowRight"] * (WARM_UP + presses // 2) + ["ArrowLeft"] * (presses // 2)
        for index, key in enumerate(plan):
            if index == WARM_UP + presses // 2:
                for _context, page, handle in opened.values():
                    _skip(page, handle, "ArrowRight", presses // 2 + 2)
            for name, (_context, page, handle) in opened.items():
                took, saw = press(page, handle, key)
                if index >= WARM_UP:
                    times[name].append(took)
                    seen[name].append(saw)
    finally:
        for context, _page, _handle in opened.values():
            context.close()
    return times, seen


def where(seen: list[dict[str, Any]]) -> str:
    """Medians over the presses of one page: the arrival of the first and of the largest
    message (the figure), messages and bytes received, and the time in each plotly.js
    call."""
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    first = median([s["frames"][0]["at"] for s in seen if s["frames"]])
    largest = median([max(s["frames"], key=lambda f: f["bytes"])["at"]
                      for s in seen if s["frames"]])
    frames = median([len(s["frames"]) for s in seen])
    size = median([sum(f["bytes"] for f in s["frames"]) for s in seen])
    parts = [f"first message {first:.1f} ms after the key",
             f"largest (the figure) at {largest:.1f} ms", f"{frames:g} messages",
             f"{size:.0f} B", f"{median([s['changes'] for s in seen]):g} chart mutations"]
    names = sorted({c["name"] for s in seen for c in s["calls"]})
    for name in names:
        calls = [c for s in seen for c in s["calls"] if c["name"] == name]
        parts.append(f"Plotly.{name} x{len(calls)} from {median([c['at'] for c in calls]):.1f}"
                     f" ms, {median([c['took'] for c in calls]):.1f} ms each")
    return "; ".join(parts)


def rows(times: dict[str, list[float]]) -> list[Row]:
    return [summarise("browser: arrow key on the goal slider to the last chart change "
                      "(dashboard)", times["dashboard"], times["figurewidget"],
                      "one-line FigureWidget page", max_ratio=1.5, p95_ms=100),
            summarise("browser: same, one-line FigureWidget page (reference)",
                      times["figurewidget"], times["figurewidget"], "itself")]


def run() -> list[Row]:
    with pages_and_browser() as (browser, folder, urls), \
            serve(folder, "bench-repaint") as server:
        times, seen = measure(browser, server.url, urls)
    for name in PAGES:
        print(f"{name}: {where(seen[name])}")
    return rows(times)
