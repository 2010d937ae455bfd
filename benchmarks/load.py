"""`make load`: 20 visitors at once on this machine, each with their own case.

Every visitor opens the dashboard in its own browser context (no shared cache or cookies),
picks a skin type and a goal, and must see exactly estimate() of their own profile (no
cross-talk). Reports time to first chart and interaction latency under that load, and the
memory held by the server and its kernels.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

from .table import Row, print_table, summarise

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests" / "e2e"),
                str(Path(__file__).resolve().parents[1] / "tests")]
from browser import TABLETS, launch  # noqa: E402
from dashboard import assert_shows, field, profile  # noqa: E402
from live_server import live_server  # noqa: E402

PROBE = (Path(__file__).parent / "probe.js").read_text()
NUMERALS = ["I", "II", "III", "IV", "V", "VI"]
PRESETS = [("Modest (50%)", 50), ("Clear (75%)", 75), ("Near-complete (90%)", 90)]


def _memory_mb(pid: int) -> float:
    server = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [server, *server.children(recursive=True)]) / 2**20


def run(visitors: int = 20) -> list[Row]:
    with live_server(name="load", timeout=120) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        idle_mb = _memory_mb(server.process.pid)
        pages = []
        for _ in range(visitors):
            context = browser.new_context(viewport=TABLETS["landscape"], has_touch=True)
            context.add_init_script(PROBE)
            page = context.new_page()
            page.goto(server.url, wait_until="commit")
            pages.append(page)
        first = []
        for page in pages:
            page.bring_to_front()  # background tabs may not paint (no animation frames)
            page.wait_for_function("window.__probe && window.__probe.ready !== null",
                                   timeout=300_000)
            first.append(float(page.evaluate("window.__probe.ready")))
        latency, wrong = [], 0
        start = profile()
        for i, page in enumerate(pages):
            fitzpatrick, (preset, goal) = i % 6 + 1, PRESETS[(i // 6) % 3]
            taps = []
            if fitzpatrick != start.fitzpatrick:
                taps.append(field(page, "Skin type").get_by_role(
                    "button", name=NUMERALS[fitzpatrick - 1], exact=True))
            if goal != start.goal_percent:
                taps.append(field(page, "Goal").get_by_role("button", name=preset))
            page.bring_to_front()
            for button in taps:  # only taps that change something repaint the charts
                page.evaluate("window.__probe.arm()")
                button.tap()
                page.wait_for_function("window.__probe.done !== null", timeout=60_000)
                latency.append(float(page.evaluate("window.__probe.done - window.__probe.start")))
                page.wait_for_timeout(200)
        time.sleep(1)
        for i, page in enumerate(pages):  # every visitor still shows their own forecast
            page.bring_to_front()
            try:
                assert_shows(page, profile(fitzpatrick=i % 6 + 1,
                                           goal_percent=PRESETS[(i // 6) % 3][1]))
            except AssertionError:
                wrong += 1
        loaded_mb = _memory_mb(server.process.pid)
        browser.close()
    rows = [
        summarise(f"load: first chart with {visitors} visitors arriving at once", first,
                  first[:1], "first visitor"),
        summarise(f"load: tap to every chart repainted, {visitors} visitors open", latency,
                  latency, "itself"),
        summarise(f"load: server + kernels memory, {visitors} visitors", [loaded_mb],
                  [idle_mb], "idle server", unit="MB"),
        summarise("load: visitors showing someone else's forecast", [float(wrong)], [1.0],
                  "-", unit="visitors", target_ms=0.5),
    ]
    return rows


if __name__ == "__main__":
    print_table(run())
