"""In the browser: interaction round trip, time to first chart, bytes on the wire, memory.

One Voila server (the project's configuration) serves the dashboard beside two reference
pages (benchmarks/pages.py), so every ratio compares pages measured in the same run.
Debian's Chromium is driven by Playwright; timings are taken inside the page by
benchmarks/probe.js, so Playwright's own latency is not counted.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import Page

from tests.live_server import command_line

from .pages import pages_and_browser, serve, tablet
from .table import Row, summarise

PROBE = (Path(__file__).parent / "probe.js").read_text()
REFILL_S = 6  # time for the preheated pool to start the next kernel on 2 cores


def _open(context: Any, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    page.wait_for_function("window.__probe && window.__probe.ready !== null", timeout=120_000)
    return page, sockets


def _ready_ms(page: Page) -> float:
    return float(page.evaluate("window.__probe.ready"))


def round_trips(page: Page, count: int) -> list[float]:
    """Tap the page's slider track at alternating points; time until the page has updated."""
    track = page.locator(".widget-hslider .noUi-target").first
    box = track.bounding_box()
    assert box is not None
    out = []
    for i in range(count + 3):
        x = box["x"] + box["width"] * (0.3 if i % 2 else 0.7)
        page.evaluate("window.__probe.arm()")
        page.mouse.click(x, box["y"] + box["height"] / 2)
        page.wait_for_function("window.__probe.done !== null", timeout=20_000)
        if i >= 3:
            out.append(float(page.evaluate("window.__probe.done - window.__probe.start")))
        page.wait_for_timeout(500)  # let the slider finish its tap animation
    return out


def _bytes(context: Any, url: str) -> tuple[int, int, Page, list[str]]:
    """(websocket bytes, HTTP bytes) for one page view until it is ready, plus 1 s settle."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    totals = {"ws": 0, "http": 0}
    cdp.on("Network.webSocketFrameReceived",
           lambda e: totals.__setitem__("ws", totals["ws"] + len(e["response"]["payloadData"])))
    cdp.on("Network.webSocketFrameSent",
           lambda e: totals.__setitem__("ws", totals["ws"] + len(e["response"]["payloadData"])))
    cdp.on("Network.loadingFinished",
           lambda e: totals.__setitem__("http", totals["http"] + int(e["encodedDataLength"])))
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    page.wait_for_function("window.__probe && window.__probe.ready !== null", timeout=120_000)
    page.wait_for_timeout(1000)
    return totals["ws"], totals["http"], page, sockets


def _kernel_rss_mb(server_pid: int, sockets: list[str]) -> float:
    """Resident memory of the kernel this page talks to (found by its connection file)."""
    kernel_ids = {u.split("/api/kernels/")[1].split("/")[0] for u in sockets
                  if "/api/kernels/" in u}
    for child in psutil.Process(server_pid).children(recursive=True):
        if any(f"kernel-{k}" in command_line(child) for k in kernel_ids):
            return child.memory_info().rss / 2**20
    raise LookupError(f"no kernel process for {kernel_ids}")


def run(interactions: int = 20, loads: int = 5) -> list[Row]:
    rows: list[Row] = []
    with pages_and_browser() as (browser, folder, urls):
        with serve(folder, "bench") as server:
            rows += _interactions(browser, server.url, urls, interactions)
            rows += _first_chart(browser, server.url, urls, loads, "preheated")
            rows += _wire_and_memory(browser, server, urls)
        with serve(folder, "bench-cold", "--VoilaConfiguration.preheat_kernel=False") as server:
            rows += _first_chart(browser, server.url, urls, loads, "cold kernel")
    return rows


def _interactions(browser: Any, base: str, urls: dict[str, str], n: int) -> list[Row]:
    results = {}
    for name in ("echo", "figurewidget", "dashboard"):
        context = tablet(browser, PROBE)
        page, _ = _open(context, base + urls[name])
        results[name] = round_trips(page, n)
        context.close()
        time.sleep(REFILL_S)
    return [
        summarise("browser: control change to the chart on view repainted (dashboard)",
                  results["dashboard"], results["figurewidget"],
                  "one-line FigureWidget page", max_ratio=1.5, p95_ms=100),
        summarise("browser: same, against the bare echo floor", results["dashboard"],
                  results["echo"], "slider echo to label"),
        summarise("browser: one-line FigureWidget page (reference)", results["figurewidget"],
                  results["echo"], "slider echo to label"),
    ]


def _first_chart(browser: Any, base: str, urls: dict[str, str], loads: int,
                 kernel: str) -> list[Row]:
    """Each page opened twice in one browser context: the first visit fetches everything,
    the repeat visit has it cached."""
    visits = ("first visit", "repeat visit")
    ready: dict[str, dict[str, list[float]]] = {v: {"dashboard": [], "echo": []}
                                                for v in visits}
    for _ in range(loads):
        for name in ("dashboard", "echo"):
            context = tablet(browser, PROBE)
            for visit in visits:
                page, _ = _open(context, base + urls[name])
                ready[visit][name].append(_ready_ms(page))
                page.close()
                time.sleep(REFILL_S)
            context.close()
    return [summarise(f"first correct chart, {kernel}, {visit}", ready[visit]["dashboard"],
                      ready[visit]["echo"], "bare ipywidgets page",
                      max_ratio=1.3 if kernel == "preheated" and visit == "repeat visit"
                      else None)
            for visit in visits]


def _wire_and_memory(browser: Any, server: Any, urls: dict[str, str]) -> list[Row]:
    wire: dict[str, dict[str, tuple[int, int]]] = {}
    memory: dict[str, float] = {}
    for name in ("echo", "dashboard"):
        context = tablet(browser, PROBE)
        ws1, http1, page, sockets = _bytes(context, server.url + urls[name])
        round_trips(page, 5)
        memory[name] = _kernel_rss_mb(server.process.pid, sockets)
        page.close()
        time.sleep(REFILL_S)
        ws2, http2, page, _ = _bytes(context, server.url + urls[name])
        wire[name] = {"first": (ws1, http1), "repeat": (ws2, http2)}
        context.close()
        time.sleep(REFILL_S)
    kb = 1024
    rows = []
    for visit in ("first", "repeat"):
        ws, http = wire["dashboard"][visit]
        floor_ws, floor_http = wire["echo"][visit]
        rows.append(summarise(f"websocket bytes per page view, {visit} visit", [ws / kb],
                              [floor_ws / kb], "bare ipywidgets page", unit="KB",
                              target_ms=500 if visit == "repeat" else None))
        rows.append(summarise(f"HTTP bytes per page view, {visit} visit", [http / kb],
                              [floor_http / kb], "bare ipywidgets page", unit="KB"))
    rows.append(summarise("visitor kernel resident memory", [memory["dashboard"]],
                          [memory["echo"]], "bare ipywidgets kernel", unit="MB",
                          max_ratio=2.0))
    return rows
