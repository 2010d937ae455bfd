"""`make load`: 20 visitors at once on this two-core machine, each with their own case; then
benchmarks/crowd.py: ten real browsers at once, closed tabs, and a flood of plain requests.

Most visitors speak the widget protocol over the kernel websocket (tests/widget_client.py),
as the page's JavaScript does, so the machine's two cores go to the server and its kernels
rather than to 20 copies of plotly.js; a real Chromium page arrives with them and is
measured as a patient's tablet would see it. Every visitor keeps changing skin type and
goal and must end up holding exactly estimate() of their own profile (no cross-talk).
Then they all vanish without saying goodbye: the server must cull every kernel they held,
and its memory must stop growing from one crowd to the next.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from pico_widget.core.models import FITZPATRICK_NUMERALS
from tests import server_watch as watch
from tests.browser import TABLETS, launch
from tests.e2e.dashboard import assert_shows, expected, field, profile
from tests.live_server import live_server
from tests.widget_client import Visitor

from .table import Row, print_table, summarise

PROBE = (Path(__file__).parent / "probe.js").read_text()
CULL_SECONDS = 20
CULL = [f"--MappingKernelManager.cull_idle_timeout={CULL_SECONDS}",
        "--MappingKernelManager.cull_interval=5"]


class _ProtocolVisitor(threading.Thread):
    """Opens the dashboard, then changes skin type and goal `rounds` times."""

    def __init__(self, url: str, number: int, rounds: int, gate: threading.Barrier) -> None:
        super().__init__(daemon=True)
        self.visitor, self.number, self.rounds, self.gate = Visitor(url), number, rounds, gate
        self.first: float | None = None
        self.latency: list[float] = []
        self.final = profile()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.first = self.visitor.open()
            self.gate.wait()
            skin, goal = self.visitor.control("skin type"), self.visitor.control("goal")
            think = random.Random(self.number)
            for r in range(self.rounds):  # every change differs from what is shown
                index = (self.visitor.state(skin)["index"] + self.number % 5 + 1) % 6
                percent = 21 + 3 * self.number + r
                percent += percent == self.visitor.state(goal)["value"]
                time.sleep(think.uniform(0.1, 0.6))
                self.latency.append(self.visitor.set(skin, index=index))
                time.sleep(think.uniform(0.1, 0.6))
                self.latency.append(self.visitor.set(goal, value=percent))
                self.final = profile(fitzpatrick=index + 1, goal_percent=percent)
        except BaseException as error:  # reported as a failed visitor, not a dead benchmark
            self.error = error
            self.gate.abort()


def _browser_visit(browser: Any, url: str, taps: int, gate: threading.Barrier | None = None
                   ) -> tuple[float, list[float], Any]:
    """A tablet's first chart and tap-to-redraw times (ms, measured in the page)."""
    context = browser.new_context(viewport=TABLETS["landscape"], has_touch=True)
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__probe && window.__probe.ready !== null", timeout=300_000)
    first = float(page.evaluate("window.__probe.ready"))
    if gate is not None:
        with contextlib.suppress(threading.BrokenBarrierError):  # a failed visitor is counted
            gate.wait()
    latency = []
    for i in range(taps):
        page.evaluate("window.__probe.arm()")
        field(page, "Skin type").get_by_role("button", name=FITZPATRICK_NUMERALS[(i + 1) % 6],
                                             exact=True).tap()
        page.wait_for_function("window.__probe.done !== null", timeout=120_000)
        latency.append(float(page.evaluate("window.__probe.done - window.__probe.start")))
        page.wait_for_timeout(300)
    return first, latency, context


@dataclass
class _Wave:
    """What one crowd of visitors saw, and what the server held after they vanished."""

    first: list[float]
    latency: list[float]
    tablet_first: float
    tablet_latency: list[float]
    wrong: int
    held: int
    peak_mb: float
    culled_after: float
    after_mb: float
    server_mb: float
    leaked: int


def _crowd(browser: Any, url: str, pid: int, idle_kernels: int, visitors: int, rounds: int,
           taps: int) -> _Wave:
    """`visitors - 1` protocol visitors and one tablet arrive at once, work, then vanish."""
    gate = threading.Barrier(visitors)  # the tablet taps once everyone is in
    crowd = [_ProtocolVisitor(url, n, rounds, gate) for n in range(visitors - 1)]
    peak = [watch.memory_mb(pid)]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.5):
            peak.append(watch.memory_mb(pid))

    threading.Thread(target=sample, daemon=True).start()
    for visitor in crowd:
        visitor.start()
    tablet_first, tablet_latency, context = _browser_visit(browser, url, taps, gate)
    for visitor in crowd:
        visitor.join()
    sampling.set()
    wrong = 0
    for visitor in crowd:  # after everyone finished: each still holds their own case
        if visitor.error is not None:
            print(f"visitor {visitor.number} failed: {visitor.error!r}")
        if visitor.error is not None or visitor.visitor.traces() != expected(visitor.final):
            wrong += 1
    try:
        assert_shows(context.pages[0], profile(fitzpatrick=(taps % 6) + 1))
    except AssertionError:
        wrong += 1
    held = watch.kernels(pid) - idle_kernels
    for visitor in crowd:  # they vanish: sockets dropped, nobody shuts a kernel down
        visitor.visitor.close()
    context.close()
    culled_after = watch.settle(pid, idle_kernels, 180)
    time.sleep(2)
    return _Wave([v.first * 1000 for v in crowd if v.first is not None],
                 [x * 1000 for v in crowd for x in v.latency], tablet_first, tablet_latency,
                 wrong, held, max(peak), culled_after, watch.memory_mb(pid), watch.server_mb(pid),
                 watch.kernels(pid) - idle_kernels)


def run(visitors: int = 20, rounds: int = 8, taps: int = 8, waves: int = 3) -> list[Row]:
    with live_server(*CULL, name="load", timeout=120) as server, \
            sync_playwright() as playwright:
        browser = launch(playwright)
        pid = server.process.pid
        watch.settle(pid, 1, 60)  # the preheated kernel is ready
        time.sleep(2)
        idle_mb, idle_kernels = watch.memory_mb(pid), watch.kernels(pid)
        # Alone, on a quiet server: one protocol visitor (same taps and pauses), one tablet.
        alone = _ProtocolVisitor(server.url, 0, rounds, threading.Barrier(1))
        alone.run()
        alone.visitor.close()
        if alone.error is not None:
            raise alone.error
        watch.settle(pid, idle_kernels + 1, 60)
        tablet_first, tablet_latency, context = _browser_visit(browser, server.url, taps)
        context.close()
        watch.settle(pid, idle_kernels, 120)  # both culled, the pool refilled
        # Then the same crowd `waves` times: the server's heap grows to a high-water mark
        # in the first waves; bounded means a later wave adds nothing more.
        idle_server_mb = watch.server_mb(pid)
        seen = []
        for wave in range(waves):
            seen.append(_crowd(browser, server.url, pid, idle_kernels, visitors, rounds, taps))
            print(f"wave {wave + 1}: server {seen[-1].server_mb:.0f} MB (idle "
                  f"{idle_server_mb:.0f}), server + kernels {seen[-1].after_mb:.0f} MB "
                  f"(idle {idle_mb:.0f})", flush=True)
        browser.close()

    assert alone.first is not None
    each = f"{waves} waves of {visitors}"
    return [
        summarise(f"load: page + first chart data, {visitors - 1} protocol visitors at once",
                  [x for w in seen for x in w.first], [alone.first * 1000],
                  "one visitor alone"),
        summarise(f"load: first chart drawn on a tablet arriving with {visitors - 1} others",
                  [w.tablet_first for w in seen], [tablet_first], "tablet alone"),
        summarise(f"load: change to both charts re-sent, {visitors} visitors active",
                  [x for w in seen for x in w.latency], [x * 1000 for x in alone.latency],
                  "one visitor alone"),
        summarise(f"load: tap to both charts redrawn on a tablet, {visitors} visitors active",
                  [x for w in seen for x in w.tablet_latency], tablet_latency,
                  "tablet alone"),
        summarise(f"load: kernels held at once, {each}", [float(w.held) for w in seen],
                  [float(visitors)], "visitors", unit="kernels"),
        summarise(f"load: server + kernels memory at peak, {each}",
                  [w.peak_mb for w in seen], [idle_mb], "idle server", unit="MB"),
        summarise(f"load: visitors failed or showing someone else's forecast, {each}",
                  [float(sum(w.wrong for w in seen))], [0.0], "-", unit="visitors",
                  target_ms=0.5),
        summarise("load: seconds until every vanished visitor's kernel was culled",
                  [w.culled_after for w in seen], [float(CULL_SECONDS)],
                  "cull_idle_timeout", unit="s", target_ms=3 * CULL_SECONDS),
        summarise(f"load: kernels leaked after culling, {each}",
                  [float(max(w.leaked for w in seen))], [0.0], "-", unit="kernels",
                  target_ms=0.5),
        summarise("load: memory after culling, first wave against idle",
                  [seen[0].after_mb], [idle_mb], "idle server", unit="MB"),
        summarise("load: memory after culling, last wave against the one before",
                  [seen[-1].after_mb], [seen[-2].after_mb], "wave before", unit="MB",
                  max_ratio=1.1),
    ]


if __name__ == "__main__":
    import sys

    from . import cluster, crowd

    # `python -m benchmarks.load class`; "cluster": 3 replicas behind HAProxy (issue 24)
    parts = sys.argv[1:] or ["protocol", "class", "cluster"]
    if "protocol" in parts:
        print_table(run())
    if "class" in parts:
        print_table(crowd.run())
    if "cluster" in parts:
        cluster.print_rows(cluster.run())
