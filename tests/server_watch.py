"""Watching a server we started from outside: its kernels and its memory.

One home for the load benchmarks (benchmarks/load.py, crowd.py) and the capacity tests
(tests/e2e/test_capacity.py), which used to keep copies.
"""

from __future__ import annotations

import contextlib
import time

import psutil


def process_tree(pid: int) -> list[tuple[str, int]]:
    """(command line, resident bytes) of the server and every live child; kernels come
    and go while this runs, so one that ends mid-read is skipped."""
    server = psutil.Process(pid)
    out = []
    for process in [server, *server.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            out.append((" ".join(process.cmdline()), process.memory_info().rss))
    return out


def memory_mb(pid: int) -> float:
    """The server and its kernels, resident."""
    return sum(rss for _, rss in process_tree(pid)) / 2**20


def server_mb(pid: int) -> float:
    """The server process alone, resident."""
    return psutil.Process(pid).memory_info().rss / 2**20


def kernels(pid: int) -> int:
    return sum("ipykernel" in command for command, _ in process_tree(pid))


def settle(pid: int, count: int, timeout: float) -> float:
    """Seconds until the server holds `count` kernels again (inf if it never does)."""
    start = time.monotonic()
    while kernels(pid) != count:
        if time.monotonic() - start > timeout:
            return float("inf")
        time.sleep(0.5)
    return time.monotonic() - start
