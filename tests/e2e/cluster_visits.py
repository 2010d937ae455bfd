"""A clinic group's consultations through HAProxy, with one replica killed mid-session.

Shared by the CI test (tests/e2e/test_cluster.py: 6 browsers in waves of 3) and `make
load` (benchmarks/cluster.py: 30 in waves of 10), so both measure the same things: real
Chromium contexts over HTTPS (the self-signed certificate accepted), each with its own
case; `kill -9` of the replica holding the most visitors; then what every visitor saw.
Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil
from playwright.sync_api import Page

from deploy.cluster import Cluster, health, kernels_of
from pico_widget.core.models import FITZPATRICK_NUMERALS
from tests.browser import TABLETS
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import assert_shows, profile
from tests.e2e.dashboard import field as control


@dataclass
class Visit:
    """One tablet: its context, page, case and what it saw."""

    number: int
    context: Any
    page: Page
    case: Any
    replica: str = ""
    urls: list[str] = field(default_factory=list)
    ws_404: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Report:
    """What the visitors saw and what the cluster did (times in seconds, inf: never)."""

    visitors: int
    shown: int = 0
    per_replica: dict[str, int] = field(default_factory=dict)
    ws_404_before: int = 0
    not_https: list[str] = field(default_factory=list)
    killed: str = ""
    killed_visitors: int = 0
    marked_down_s: float = math.inf
    ended_s: list[float] = field(default_factory=list)
    restored_s: list[float] = field(default_factory=list)
    restored_on: list[str] = field(default_factory=list)
    others: int = 0
    others_ok: int = 0
    kernels_left_10s: int = -1
    back_s: float = math.inf  # the restarted replica's /healthz says ready
    in_pool_s: float = math.inf  # ... and HAProxy has marked it UP again
    loopback_only: bool = False
    errors: list[str] = field(default_factory=list)


def _case(number: int) -> Any:
    """Visitor n's own case: its skin type and goal differ from every other visitor's."""
    return profile(fitzpatrick=number % 6 + 1, goal_percent=40 + number)


def _until(condition: Any, seconds: float, step: float = 0.25) -> float:
    """Seconds until `condition()` is true, or inf."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        with contextlib.suppress(Exception):
            if condition():
                return time.monotonic() - start
        time.sleep(step)
    return math.inf


def _shows(page: Page, case: Any) -> bool:
    try:
        assert_shows(page, case)
    except AssertionError:
        return False
    return True


def set_case(page: Page, case: Any, seconds: float = 90) -> bool:
    """Tap the case's skin type and type its goal, as a doctor would; True once shown."""
    control(page, "Skin type").get_by_role(
        "button", name=FITZPATRICK_NUMERALS[case.fitzpatrick - 1], exact=True).tap()
    readout = control(page, "Goal").locator(".widget-readout").first  # contenteditable
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(case.goal_percent))
    page.keyboard.press("Enter")
    return _until(lambda: _shows(page, case), seconds) < math.inf


def replica_of(visit: Visit) -> str:
    cookie = next((c for c in visit.context.cookies() if c["name"] == "PICO_REPLICA"), None)
    return cookie["value"] if cookie else ""


def _open(chromium: Any, cluster: Cluster, number: int) -> Visit:
    context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True,
                                   ignore_https_errors=True)
    page = context.new_page()
    visit = Visit(number, context, page, _case(number))
    page.on("request", lambda r: visit.urls.append(r.url))
    page.on("websocket", lambda ws: visit.urls.append(ws.url))
    page.on("response", lambda r: visit.ws_404.append(r.url)
            if r.status == 404 and "/api/kernels/" in r.url else None)
    page.goto(cluster.url, wait_until="commit", timeout=120_000)
    return visit


def _logged(cluster: Cluster, line: str, since: int) -> bool:
    """HAProxy has logged `line` (e.g. "replicas/r1 is DOWN") after offset `since`."""
    return line in cluster.haproxy_log.read_text(errors="replace")[since:]


def _watch_pool(cluster: Cluster, name: str, since: int, start: float,
                seen: dict[str, float]) -> None:
    """Record when HAProxy marks `name` down, then up again (seconds after `start`)."""
    for state in ("DOWN", "UP"):
        waited = _until(lambda s=state, o=since: _logged(cluster, f"replicas/{name} is {s}", o),
                        max(0.0, start + 90 - time.monotonic()), step=0.1)
        seen[state] = time.monotonic() - start if waited < math.inf else math.inf
        if waited == math.inf:
            return
        since = len(cluster.haproxy_log.read_text(errors="replace"))


def consultations(cluster: Cluster, chromium: Any, visitors: int, wave: int,
                  survivor_taps: bool = True) -> tuple[Report, list[Visit]]:
    """`visitors` tablets in waves of `wave`, each setting its own case; then kill -9 of
    the busiest replica and everything the issue's targets ask about."""
    report = Report(visitors)
    visits: list[Visit] = []
    for start in range(0, visitors, wave):
        batch = [_open(chromium, cluster, n) for n in range(start, min(visitors, start + wave))]
        for visit in batch:  # all of the wave is in flight before any is waited for
            try:
                wait_for_dashboard(visit.page, timeout=180_000)
                if not set_case(visit.page, visit.case):
                    visit.error = "case not shown"
            except Exception as error:  # a failed visitor is counted, not a dead run
                visit.error = f"{type(error).__name__}: {str(error)[:160]}"
            visit.replica = replica_of(visit)
        visits += batch
    for visit in visits:  # after everyone arrived: each still shows their own case
        if not visit.error and not _shows(visit.page, visit.case):
            visit.error = "another case shown"
        report.shown += not visit.error
        report.per_replica[visit.replica] = report.per_replica.get(visit.replica, 0) + 1
        if visit.error:
            report.errors.append(f"visitor {visit.number} on {visit.replica}: {visit.error}")
    report.ws_404_before = sum(len(v.ws_404) for v in visits)
    report.loopback_only = _loopback_only(cluster)

    # kill -9 the replica holding the most visitors, mid-consultation.
    report.killed = max((r.name for r in cluster.replicas),
                        key=lambda name: report.per_replica.get(name, 0))
    hit = [v for v in visits if v.replica == report.killed and not v.error]
    rest = [v for v in visits if v.replica != report.killed and not v.error]
    report.killed_visitors, report.others = len(hit), len(rest)
    log_at = len(cluster.haproxy_log.read_text(errors="replace"))
    killed_at = time.monotonic()
    pid = cluster.kill(report.killed)
    pool: dict[str, float] = {}
    watcher = threading.Thread(target=_watch_pool, daemon=True,
                               args=(cluster, report.killed, log_at, killed_at, pool))
    watcher.start()
    ended = {v.number: math.inf for v in hit}
    while time.monotonic() - killed_at < 20 and math.inf in ended.values():
        for visit in hit:
            if ended[visit.number] == math.inf and \
                    visit.page.locator(".pico-ended").is_visible():
                ended[visit.number] = time.monotonic() - killed_at
        time.sleep(0.25)
    report.ended_s = list(ended.values())
    time.sleep(max(0.0, killed_at + 10 - time.monotonic()))
    report.kernels_left_10s = len(kernels_of(pid))

    # Its visitors reload (the notice's button) and get their case back on a live replica.
    for visit in hit:
        start = time.monotonic()
        try:
            visit.page.locator(".pico-ended").get_by_role("button").first.tap()
            wait_for_dashboard(visit.page, timeout=90_000)
            seconds = _until(lambda v=visit: _shows(v.page, v.case), 60)
            report.restored_s.append(time.monotonic() - start if seconds < math.inf
                                     else math.inf)
        except Exception as error:
            report.errors.append(f"visitor {visit.number} after reload: {str(error)[:160]}")
            report.restored_s.append(math.inf)
        report.restored_on.append(replica_of(visit))

    # Visitors on the other replicas saw nothing, and their controls still answer.
    for visit in rest:
        calm = visit.page.locator(".pico-ended").count() == 0
        moved = visit.case
        if survivor_taps:
            moved = visit.case.model_copy(update={"fitzpatrick": (visit.case.fitzpatrick % 6) + 1})
            calm = calm and set_case(visit.page, moved, 60)
        report.others_ok += calm and _shows(visit.page, moved)

    replica = next(r for r in cluster.replicas if r.name == report.killed)
    wait = _until(lambda: bool(replica.back), max(0.0, killed_at + 60 - time.monotonic()))
    if replica.back:
        report.back_s = replica.back[-1] - killed_at
    elif wait == math.inf:
        report.errors.append(f"{report.killed} not back within 60 s")
    watcher.join(timeout=max(0.0, killed_at + 90 - time.monotonic()))
    report.marked_down_s = pool.get("DOWN", math.inf)
    report.in_pool_s = pool.get("UP", math.inf)
    report.not_https = [u for v in visits for u in v.urls
                        if not u.startswith((cluster.url, cluster.url.replace("https", "wss")))
                        and not u.startswith(("data:", "blob:", "about:"))]
    return report, visits


def _loopback_only(cluster: Cluster) -> bool:
    """Every replica and HAProxy listen on 127.0.0.1 and nowhere else."""
    pids = [r.process.pid for r in cluster.replicas if r.process is not None]
    if cluster.haproxy is not None:
        haproxy = psutil.Process(cluster.haproxy.pid)
        pids += [haproxy.pid, *(c.pid for c in haproxy.children(recursive=True))]
    listening = [c for c in psutil.net_connections("inet")
                 if c.status == psutil.CONN_LISTEN and c.pid in pids]
    ports = {r.port for r in cluster.replicas} | {cluster.https, cluster.http}
    return bool(listening) and {c.laddr.port for c in listening} >= ports and \
        all(c.laddr.ip == "127.0.0.1" for c in listening)


def close(visits: list[Visit]) -> None:
    for visit in visits:
        with contextlib.suppress(Exception):
            visit.context.close()


def replica_health(cluster: Cluster) -> dict[str, dict | None]:
    return {r.name: health(r.port) for r in cluster.replicas}
