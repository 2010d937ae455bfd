"""`make load`, second part: a class of real tablets opening the page in the same second,
what the server holds once their tabs are closed, and a flood of plain requests.

Real Chromium contexts run Voila's page JavaScript, which protocol-level visitors do not:
only they could see the blank page of issue #13. On this two-core machine ten browsers
compete with the server and its kernels for the CPU, so the first-chart times below
include that contention; a clinic's tablets bring their own CPUs. All on 127.0.0.1, with
the production settings (apps/voila.json) except where a row says otherwise.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from tests import server_watch as watch
from tests.browser import CHROMIUM_FLAGS, TABLETS, chromium_path
from tests.e2e.dashboard import CHARTS, DRAWN, expected, profile
from tests.live_server import live_server, status

from .table import Row, summarise

BROWSERS, RUNS = 10, 5
FLOOD, FLOOD_CAP, FLOOD_WORKERS, FLOOD_SECONDS = 300, 20, 12, 60
CULL_TARGET_S, FLOOD_IDLE_TARGET_S = 150, 120


async def _tablet(browser: Any, url: str) -> tuple[bool, float, Any]:
    """(correct forecast shown, seconds to both charts drawn, context) for one tablet."""
    context = await browser.new_context(viewport=TABLETS["landscape"], has_touch=True)
    page = await context.new_page()
    start = time.monotonic()
    try:
        await page.goto(url, wait_until="commit", timeout=300_000)
        # The answer: the default view's chart drawn (hidden views are drawn when shown).
        await page.wait_for_selector("[data-testid=improvement][data-revision]",
                                     timeout=300_000)
        seconds = time.monotonic() - start
        drawn = await page.evaluate(DRAWN, list(CHARTS))
        traces = {name: chart["traces"] for name, chart in drawn.items()}
        return traces == expected(profile(), tuple(traces)) and bool(traces), seconds, context
    except PlaywrightError as error:
        print(f"tablet failed: {str(error)[:200]}", flush=True)
        return False, float("inf"), context


async def _class(url: str, browsers: int, runs: int) -> tuple[float, list[list[tuple]]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(),
                                                   args=CHROMIUM_FLAGS)
        _ok, alone, context = await _tablet(browser, url)
        await context.close()  # vanishes: no goodbye, its kernel waits for the cull
        seen = []
        for run in range(runs):
            await asyncio.sleep(8)  # the pool refills its pre-heated kernel
            results = await asyncio.gather(*(_tablet(browser, url) for _ in range(browsers)))
            for *_rest, context in results:
                await context.close()
            seen.append([result[:2] for result in results])
            shown = sum(ok for ok, _s, _c in results)
            print(f"run {run + 1}: {shown}/{browsers} showed the correct forecast, slowest "
                  f"first chart {max(s for _o, s, _c in results):.1f} s "
                  f"(one alone: {alone:.1f} s)", flush=True)
        await browser.close()
    return alone, seen


def _flood(url: str, pid: int) -> tuple[list[int], int, float]:
    """FLOOD plain GETs from FLOOD_WORKERS threads within FLOOD_SECONDS: (statuses, peak
    kernels, peak MB)."""
    peak = {"kernels": 0, "mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            peak["kernels"] = max(peak["kernels"], watch.kernels(pid))
            peak["mb"] = max(peak["mb"], watch.memory_mb(pid))

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    deadline = time.monotonic() + FLOOD_SECONDS
    with ThreadPoolExecutor(max_workers=FLOOD_WORKERS) as pool:
        statuses = list(pool.map(
            lambda _n: status(url) if time.monotonic() < deadline else -1, range(FLOOD)))
    stop.set()
    watcher.join()
    return statuses, int(peak["kernels"]), float(peak["mb"])


def run(browsers: int = BROWSERS, runs: int = RUNS) -> list[Row]:
    with live_server(name="crowd", timeout=120) as server:
        pid = server.process.pid
        watch.settle(pid, 1, 120)
        time.sleep(3)
        idle_mb, idle_kernels = watch.memory_mb(pid), watch.kernels(pid)
        alone, seen = asyncio.run(_class(server.url, browsers, runs))
        closed = time.monotonic()  # every tab is closed now; no tab said goodbye
        held = watch.kernels(pid) - idle_kernels
        freed_after = watch.settle(pid, idle_kernels, 600)
        if freed_after != float("inf"):
            freed_after = time.monotonic() - closed
        time.sleep(3)
        after_mb = watch.memory_mb(pid)
    print(f"class: {held} kernels held after the last run; freed {freed_after:.0f} s after "
          f"the tabs closed; memory {after_mb:.0f} MB (idle {idle_mb:.0f} MB)", flush=True)

    with live_server(f"--PicoKernelManager.max_kernels={FLOOD_CAP}", name="flood",
                     timeout=120) as server:
        pid = server.process.pid
        watch.settle(pid, 1, 120)
        time.sleep(3)
        flood_idle_mb, flood_idle_kernels = watch.memory_mb(pid), watch.kernels(pid)
        start = time.monotonic()
        statuses, peak_kernels, peak_mb = _flood(server.url, pid)
        sent_in = time.monotonic() - start
        up = status(server.url + "voila/static/plotly-basic.min.js") == 200
        idle_after = watch.settle(pid, flood_idle_kernels, 300)
        time.sleep(3)
        flood_after_mb = watch.memory_mb(pid)
        next_ok, next_s, _ = asyncio.run(_next_visitor(server.url))
    print(f"flood: {len(statuses) - statuses.count(-1)} requests in {sent_in:.0f} s: "
          f"{statuses.count(200)} pages, {statuses.count(503)} busy (503), "
          f"{statuses.count(429)} limited (429), "
          f"{sum(s not in (200, 503, 429, -1) for s in statuses)} other; server up: {up}; peak "
          f"{peak_kernels} kernels (cap {FLOOD_CAP} + the pool's 1); back to idle in "
          f"{idle_after:.0f} s; next visitor {'served' if next_ok else 'NOT served'} in "
          f"{next_s:.1f} s", flush=True)

    firsts = [s * 1000 for run_ in seen for _ok, s in run_]
    failed = sum(not ok for run_ in seen for ok, _s in run_)
    each = f"{runs} runs of {browsers} real browsers at once"
    return [
        summarise(f"class: first correct chart, {each}", firsts, [alone * 1000],
                  "one browser alone"),
        summarise(f"class: slowest first chart of each run, {each}",
                  [max(s for _o, s in run_) * 1000 for run_ in seen], [alone * 1000],
                  "one browser alone"),
        summarise(f"class: browsers without the correct forecast, {each}", [float(failed)],
                  [0.0], "-", unit="browsers", target_ms=0.5),
        summarise("class: seconds until every closed tab's kernel was freed",
                  [freed_after], [120.0], "cull_idle_timeout", unit="s",
                  target_ms=CULL_TARGET_S),
        summarise("class: memory once the tabs' kernels were freed", [after_mb], [idle_mb],
                  "idle server", unit="MB", max_ratio=1.15),
        summarise(f"flood: kernels at peak, {FLOOD} plain requests, cap {FLOOD_CAP}",
                  [float(peak_kernels)], [float(flood_idle_kernels)], "idle server",
                  unit="kernels", target_ms=FLOOD_CAP + flood_idle_kernels + 0.5),
        summarise("flood: memory at peak", [peak_mb], [flood_idle_mb], "idle server",
                  unit="MB"),
        summarise("flood: seconds until the server was back to idle kernels",
                  [idle_after], [60.0], "unconnected_timeout", unit="s",
                  target_ms=FLOOD_IDLE_TARGET_S),
        summarise("flood: memory back at idle", [flood_after_mb], [flood_idle_mb],
                  "idle server", unit="MB", max_ratio=1.15),
        summarise("flood: next real visitor's first correct chart",
                  [next_s * 1000 if next_ok and up else float("inf")], [alone * 1000],
                  "one browser alone"),
    ]


async def _next_visitor(url: str) -> tuple[bool, float, None]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(),
                                                   args=CHROMIUM_FLAGS)
        ok, seconds, context = await _tablet(browser, url)
        await context.close()
        await browser.close()
    return ok, seconds, None
