"""Many visitors at once: real tablets arriving together, a flood of plain requests, the cap.

Every request here goes to 127.0.0.1, in loops bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import psutil
import websocket
from playwright.sync_api import expect

from pico_widget.core.models import FITZPATRICK_NUMERALS
from pico_widget.i18n.wording import wording
from pico_widget.server.capacity import KERNEL_MB, replica_share
from pico_widget.server.gate import RETRY_AFTER_S
from pico_widget.server.kernels import PicoKernelManager
from tests import server_watch as watch
from tests.browser import TABLETS
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import assert_shows, field, profile
from tests.live_server import live_server, status
from tests.waiting import wait_until
from tests.widget_client import KERNEL_ID


def test_a_manager_without_a_cap_takes_a_lone_replicas_share() -> None:
    """One formula for the cap (server/capacity.py), whoever configures the manager."""
    assert PicoKernelManager().kernel_cap == replica_share().cap
    assert PicoKernelManager(max_kernels=7).kernel_cap == 7


def test_tablets_arriving_together_all_show_the_forecast(chromium) -> None:
    """Four real browsers in the same second (the blank page hid from protocol clients:
    it was the page's own rendering of a cell whose widget output had been dropped)."""
    with live_server(name="burst", timeout=120) as server:
        contexts = [chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
                    for _ in range(4)]
        try:
            pages = [context.new_page() for context in contexts]
            for page in pages:  # each returns at the first byte: all four are in flight
                page.goto(server.url, wait_until="commit")
            for page in pages:
                wait_for_dashboard(page, timeout=150_000)
                assert_shows(page, profile())
                expect(page.locator(".pico-ended")).to_have_count(0)
        finally:
            for context in contexts:
                context.close()
        assert "Timeout waiting for IOPub output" not in server.log.read_text()


def test_a_flood_of_plain_requests_stays_under_the_cap(chromium) -> None:
    cap, quiet_s = 4, 8
    settings = [f"--PicoKernelManager.max_kernels={cap}",  # the cap alone: no page limit
                f"--PicoKernelManager.unconnected_timeout={quiet_s}", "--page-rate=0"]
    with live_server(*settings, name="flood", timeout=120) as server:
        pid = server.process.pid
        watch.settle(pid, 1, 60)
        time.sleep(2)
        idle_kernels, idle_mb = watch.kernels(pid), watch.memory_mb(pid)
        assert f"at most {cap} visitors at once" in server.log.read_text()
        # A visitor already at work when the flood comes.
        context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
        tablet = context.new_page()
        tablet.goto(server.url)
        wait_for_dashboard(tablet)
        peak = {"kernels": 0, "mb": 0.0}
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.2):
                with contextlib.suppress(psutil.Error):
                    peak["kernels"] = max(peak["kernels"], watch.kernels(pid))
                    peak["mb"] = max(peak["mb"], watch.memory_mb(pid))

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        deadline = time.monotonic() + 60
        with ThreadPoolExecutor(max_workers=12) as pool:  # 300 requests, within a minute
            statuses = list(pool.map(
                lambda _n: status(server.url) if time.monotonic() < deadline else -1,
                range(300)))
        sampling.set()
        watcher.join()
        assert server.process.poll() is None
        assert statuses.count(503) > 0 and 0 < statuses.count(200) <= 300
        assert set(statuses) <= {200, 503}
        assert peak["kernels"] <= idle_kernels + cap  # the pool's kernel and `cap` visitors
        assert peak["mb"] <= idle_mb + (cap + 1) * 2 * KERNEL_MB
        # The flood's kernels had no page: they go within about a minute (here quiet_s).
        assert watch.settle(pid, idle_kernels + 1, quiet_s + 60) < quiet_s + 60
        # The visitor who was there all along is untouched and still answered.
        field(tablet, "Skin type").get_by_role("button", name=FITZPATRICK_NUMERALS[4],
                                               exact=True).tap()
        expect(tablet.locator(".pico-ended")).to_have_count(0)
        wait_until(lambda: _shows(tablet, profile(fitzpatrick=5)), timeout=30,
                   what="the tablet to show its case")
        # And the next visitor is served normally.
        other = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True)
        page = other.new_page()
        page.goto(server.url)
        wait_for_dashboard(page)
        assert_shows(page, profile())
        other.close()
        context.close()


def test_when_full_a_new_visitor_gets_a_plain_busy_page(chromium) -> None:
    with live_server("--PicoKernelManager.max_kernels=1", name="full", timeout=120) as server:
        context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
        first = context.new_page()
        first.goto(server.url)
        wait_for_dashboard(first)
        status, body = _busy_page(server.url)
        assert status == 503
        assert wording("service", "busy", language="en") in body and "<script" not in body
        assert f'<meta http-equiv="refresh" content="{RETRY_AFTER_S}">' in body
        other = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True)
        page = other.new_page()
        response = page.goto(server.url)
        assert response is not None and response.status == 503
        assert response.headers.get("retry-after") == str(RETRY_AFTER_S)
        expect(page.get_by_role("alert")).to_have_text(wording("service", "busy", language="en"))
        other.close()
        assert_shows(first, profile())  # the visitor already in is untouched
        context.close()


def _busy_page(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _shows(page, case) -> bool:
    try:
        assert_shows(page, case)
    except AssertionError:
        return False
    return True


def test_a_closed_tab_frees_its_kernel_at_once(server, chromium) -> None:
    """Voila's goodbye beacon works (it was refused for want of the _xsrf cookie)."""
    context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(server.url)
    wait_for_dashboard(page)
    kernel_id = next(u for u in sockets if "/api/kernels/" in u).split("/api/kernels/")[1][:36]

    def alive() -> bool:
        for process in psutil.Process(server.process.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if f"kernel-{kernel_id}" in " ".join(process.cmdline()):
                    return True
        return False

    assert alive()
    page.close(run_before_unload=True)
    wait_until(lambda: not alive(), timeout=20, what="the kernel to stop")
    context.close()
    log = server.log.read_text()
    assert "'_xsrf' argument missing" not in log
    assert "cannot be longer than the websocket_ping_interval" not in log


def test_a_long_pooled_kernel_is_not_culled_before_its_page_joins() -> None:
    """The pre-heated kernel has idled past the cull timeout when a visitor takes it; their
    page takes a few seconds to join (it was culled in that gap: found by `make load`)."""
    culling = ["--MappingKernelManager.cull_idle_timeout=2",
               "--MappingKernelManager.cull_interval=1"]
    with live_server(*culling, name="pool-cull", timeout=120) as server:
        watch.settle(server.process.pid, 1, 60)
        time.sleep(5)  # the pooled kernel is now "idle" for longer than the timeout
        with urllib.request.urlopen(server.url, timeout=60) as response:
            kernel_id = KERNEL_ID.search(response.read().decode("utf-8")).group(1)
        time.sleep(5)  # the page loads its scripts; several cull rounds pass
        url = server.url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(url, timeout=30)
        try:
            ws.send(json.dumps({
                "header": {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request",
                           "username": "", "session": uuid.uuid4().hex, "date": "",
                           "version": "5.3"},
                "parent_header": {}, "metadata": {}, "content": {}, "buffers": [],
                "channel": "shell"}))
            replies = [json.loads(ws.recv()).get("msg_type") for _ in range(6)]
            assert "kernel_info_reply" in replies
        finally:
            ws.close()
