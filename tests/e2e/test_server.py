"""Hostile clients, faults and leaks, against a running server."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
import websocket
from playwright.sync_api import expect

from pico_widget.i18n.wording import wording
from pico_widget.render.charts import PLOTLY_FILE
from tests.browser import TABLETS
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import expected, profile
from tests.live_server import ROOT, command_line, live_server
from tests.waiting import wait_until
from tests.widget_client import Visitor


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def kernel_socket(page) -> str:
    urls: list[str] = []
    page.on("websocket", lambda ws: urls.append(ws.url))
    page.reload()
    wait_for_dashboard(page)
    return next(u for u in urls if "/api/kernels/" in u)


def kernel_process(server_pid: int, socket_url: str) -> psutil.Process:
    kernel_id = socket_url.split("/api/kernels/")[1].split("/")[0]
    return next(p for p in psutil.Process(server_pid).children(recursive=True)
                if f"kernel-{kernel_id}" in " ".join(p.cmdline()))


def kernels(server_pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(server_pid).children(recursive=True)
            if "ipykernel" in command_line(p)]


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_execute_request_over_the_kernel_socket_runs_nothing(page, tmp_path) -> None:
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    url = kernel_socket(page)
    ws = websocket.create_connection(url, timeout=5)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "x",
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": f"open({str(marker)!r}, 'w').write('x')", "silent": False}}))
    replies = []
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        try:
            replies.append(json.loads(ws.recv()))
        except (websocket.WebSocketTimeoutException, ValueError):
            break
    ws.close()
    assert not marker.exists()
    assert not [r for r in replies if r.get("parent_header", {}).get("msg_id") == msg_id
                and r.get("msg_type") in ("execute_reply", "stream", "execute_result")]


def test_kernel_errors_reach_the_server_log_not_the_client(server) -> None:
    """A malformed message makes the kernel log a traceback: it must not travel back."""
    visitor = Visitor(server.url, timeout=120)
    visitor.open()
    try:
        visitor.send("comm_open", {"comm_id": uuid.uuid4().hex, "data": {},
                                   "target_name": "jupyter.widget.control"})  # no version
        visitor.send("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {}})  # unknown comm
        frames = "".join(visitor.drain(3))
    finally:
        visitor.close()
    assert '"stream"' not in frames and "Traceback" not in frames
    assert "site-packages" not in frames and str(ROOT) not in frames
    assert "Exception opening comm" in server.log.read_text()


def test_kernels_talk_to_the_server_over_unix_sockets(server) -> None:
    """IPC, not TCP: kernels starting together cannot race for the same port (with TCP, a
    kernel in one load run died so, and its visitor's page never finished loading)."""
    visitor = Visitor(server.url, timeout=120)
    visitor.open()
    try:
        process = next(p for p in kernels(server.process.pid)
                       if f"kernel-{visitor.kernel_id}" in " ".join(p.cmdline()))
        ipc = [c.laddr for c in process.net_connections(kind="unix")
               if f"kernel-{visitor.kernel_id}-ipc" in str(c.laddr)]
        assert len(ipc) >= 5  # shell, iopub, stdin, control, heartbeat
    finally:
        visitor.close()


def test_sources_cannot_be_downloaded(server) -> None:
    status, page = get(server.url)
    assert status == 200
    assert "from pico_widget.ui.dashboard import Dashboard" not in page
    for path in ["pico_dashboard.ipynb", "voila/files/pico_dashboard.ipynb",
                 "voila/files/voila.json", "voila/files/../pico_widget/ui/widget.py",
                 "files/pico_dashboard.ipynb", "api/contents/pico_dashboard.ipynb",
                 "voila/render/pico_dashboard.ipynb", "voila/static/../../serve.py",
                 "voila/files/%2e%2e/pico_widget/core/forecast.py", "voila/tree",
                 "voila/templates/pico/index.html.j2", "api/kernels", "api/sessions"]:
        status, body = get(server.url + path)
        assert "from pico_widget" not in body and "import " not in body[:2000], path
        assert '"cells"' not in body, path


def test_dashboard_page_starts_plotly_from_its_own_server(server) -> None:
    status, page = get(server.url)
    assert status == 200
    tag = next(line for line in page.splitlines() if "data-pico-plotly" in line)
    assert f'src="/voila/static/{PLOTLY_FILE}"' in tag and "async" in tag
    status, script = get(server.url + f"voila/static/{PLOTLY_FILE}")
    assert status == 200 and "Plotly" in script[:5000]


def test_the_pages_own_script_is_a_file_from_its_own_server(server) -> None:
    """The template's script (ended and slow notices, the plotly.js load mark) is a static
    file the page's Content-Security-Policy allows as 'self', not inline code."""
    status, page = get(server.url)
    assert status == 200
    src = re.search(r'<script src="(/voila/templates/pico/static/page\.js\?v=\w+)"', page)
    assert src, "the page does not load static/page.js"
    assert "window.WebSocket = KernelSocket" not in page
    status, script = get(server.url + src.group(1).lstrip("/"))
    assert status == 200 and "window.WebSocket = KernelSocket" in script


def test_a_socket_for_a_kernel_gone_gets_a_plain_404_and_one_log_line(server) -> None:
    """A tab left open across a replica's restart asks for a kernel the replica never held:
    a plain 404, one warning, no traceback (jupyter_server's error page needed a static_path
    Voila does not set, so each such socket logged a traceback)."""
    kernel_id = str(uuid.uuid4())
    before = len(server.log.read_text())
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"{server.url.replace('http', 'ws')}api/kernels/{kernel_id}/channels", timeout=10)
    assert refused.value.status_code == 404
    assert refused.value.resp_body.decode().strip() == "404: Not Found"
    lines = wait_until(lambda: [line for line in server.log.read_text()[before:].splitlines()
                                if kernel_id in line and line.endswith("ms")] and
                       server.log.read_text()[before:].splitlines(),
                       what="the refused socket's request line in the server log")
    about = [line for line in lines if kernel_id in line and not line.endswith("ms")]
    assert len(about) == 1 and about[0].startswith("404 GET"), about  # beside the request line
    assert "Traceback" not in server.log.read_text()[before:]


def test_error_pages_are_plain_text_without_a_traceback(server) -> None:
    before = len(server.log.read_text())
    for path in ["voila/templates/nothing", "voila/templates/pico/static/nothing.js",
                 "voila/static/nothing.js", "voila/render/x.ipynb", "nothing-here"]:
        status, body = get(server.url + path)
        assert status in (403, 404), path
        assert "Traceback" not in body and "site-packages" not in body, path
    wait_until(lambda: "nothing-here" in server.log.read_text()[before:],
               what="the last request in the server log")
    assert "Traceback" not in server.log.read_text()[before:]


def test_template_and_theme_overrides_are_ignored(server) -> None:
    for query in ["?template=reveal", "?template=classic", "?theme=dark", "?voila-theme=dark"]:
        status, body = get(server.url + query)
        assert status == 200
        assert "<title>pico-widget</title>" in body, query
        assert "theme-dark" not in body, query
        assert "cdn" not in body.lower() and "https://" not in body.split("<body")[0], query


@pytest.mark.parametrize("tablet", ["portrait"], indirect=True)
def test_killed_kernel_is_explained_and_the_next_visitor_is_served(page, server,
                                                                     chromium) -> None:
    kernel_process(server.process.pid, kernel_socket(page)).kill()
    banner = page.locator(".pico-ended")
    expect(banner).to_be_visible(timeout=20_000)
    expect(banner).to_contain_text(wording("errors", "session_ended", language="en"))
    expect(banner.get_by_role("button", name="Reload")).to_be_visible()
    context = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True)
    other = context.new_page()
    other.goto(server.url)
    wait_for_dashboard(other)
    expect(other.locator(".pico-ended")).to_have_count(0)
    context.close()


def test_abandoned_kernels_are_culled_back_to_the_idle_footprint(chromium) -> None:
    culling = ["--MappingKernelManager.cull_idle_timeout=6",
               "--MappingKernelManager.cull_interval=2"]
    with live_server(*culling, name="cull") as server:
        time.sleep(3)
        idle = len(kernels(server.process.pid))
        contexts = []
        for _ in range(3):
            context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
            page = context.new_page()
            page.goto(server.url)
            wait_for_dashboard(page)
            contexts.append(context)
        assert len(kernels(server.process.pid)) >= idle + 2
        for context in contexts:  # visitors vanish without saying goodbye
            context.close()
        wait_until(lambda: len(kernels(server.process.pid)) <= idle, timeout=60, every=1,
                   what="the closed tabs' kernels to be reaped")
        assert len(kernels(server.process.pid)) == idle


def test_concurrent_visitors_each_keep_their_own_forecast(server) -> None:
    """Six visitors at once, each with a different case: nobody sees anyone else's."""
    cases = [profile(fitzpatrick=n % 6 + 1, goal_percent=31 + 7 * n) for n in range(6)]
    visitors = [Visitor(server.url, timeout=180) for _ in cases]
    errors: list[BaseException] = []

    def visit(visitor: Visitor, case) -> None:
        try:
            visitor.open()
            skin, goal = visitor.control("skin type"), visitor.control("goal")
            if visitor.state(skin)["index"] != case.fitzpatrick - 1:
                visitor.set(skin, index=case.fitzpatrick - 1)
            visitor.set(goal, value=case.goal_percent)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=visit, args=pair) for pair in zip(visitors, cases,
                                                                         strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len({v.kernel_id for v in visitors}) == len(visitors)
        for visitor, case in zip(visitors, cases, strict=True):
            assert visitor.traces() == expected(case)
    finally:
        for visitor in visitors:
            visitor.close()


def _project_files() -> set[str]:
    skip = {".git", ".venv", "test-artifacts", ".pytest_cache", ".hypothesis", ".ruff_cache",
            "__pycache__"}
    return {str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
            if not skip.intersection(p.relative_to(ROOT).parts)}


def test_server_restarts_cleanly_and_keeps_nothing(tmp_path) -> None:
    """Stopping the server ends every kernel; a restart serves the default case again."""
    before = _project_files()
    runtime = {"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    case = profile(fitzpatrick=6, goal_percent=73)
    with live_server(name="restart", env=runtime) as server:
        visitor = Visitor(server.url, timeout=120)
        visitor.open()
        visitor.set(visitor.control("goal"), value=73)
        visitor.set(visitor.control("skin type"), index=5)
        assert visitor.traces() == expected(case)
        held = kernels(server.process.pid)
        assert held
    assert server.process.returncode is not None
    gone = psutil.wait_procs(held, timeout=15)[1] == []
    assert gone, "kernels outlived the server"
    with live_server(name="restart", env=runtime) as server:
        visitor = Visitor(server.url, timeout=120)
        visitor.open()
        assert visitor.traces() == expected(profile())  # nothing was carried over
        visitor.close()
    assert _project_files() == before
    leftovers = [p for p in (tmp_path / "runtime").rglob("*") if p.is_file()]
    assert all("73" not in p.read_text(errors="replace") for p in leftovers)
