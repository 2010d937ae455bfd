"""Start `pico-widget serve` on a free localhost port for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pico_widget.render.charts import PLOTLY_FILE
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def command_line(process: Any) -> str:
    """A psutil process's command line, or "" for one that ended (or is a zombie) meanwhile:
    kernels come and go while servers are watched."""
    import psutil

    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server we started: politely, then by force after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def status(url: str, timeout: float = 60) -> int:
    """The HTTP status of a plain GET (0 when the server did not answer at all)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def started(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float,
            probe: str) -> None:
    """Until `url + probe` answers 200; a server that exits first fails at once, and
    either failure shows the end of its log."""
    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                url + probe, timeout=2) as response:
            return response.status == 200
        return False

    try:
        wait_until(answers, timeout=timeout, every=0.2, what=f"{url} to start")
    except AssertionError as error:
        raise TimeoutError(f"{error}:\n{log.read_text()[-3000:]}") from None


@contextlib.contextmanager
def live_server(*args: str, name: str = "voila", env: dict[str, str] | None = None,
                timeout: float = 60, program: list[str] | None = None,
                cwd: Path = ROOT) -> Iterator[LiveServer]:
    """Run the server until the block ends; its log goes to test-artifacts/<name>.log.
    `program` replaces `python -m pico_widget.server.serve` (an installed `pico-widget`)."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / f"{name}-{port}.log"
    program = program or [sys.executable, "-m", "pico_widget.server.serve"]
    command = [*program, "serve", f"--port={port}", *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}/"
    try:
        started(url, process, log, timeout, f"voila/static/{PLOTLY_FILE}")
        yield LiveServer(url, process, log)
    finally:
        stop(process)
