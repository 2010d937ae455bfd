"""The kernel manager's count of visitors, with real kernels and no web server."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from pico_widget.server.kernels import PicoKernelManager
from pico_widget.settings import PREHEAT_ENV


async def _start_watching(manager: PicoKernelManager, env: dict[str, str]) -> tuple[str, set]:
    """Start a kernel, noting the visitor count each time the loop turns while it starts."""
    seen: set[int] = set()
    task = asyncio.ensure_future(manager.start_kernel(kernel_name="python3", env=env))
    while not task.done():
        if manager.list_kernel_ids():
            seen.add(manager.visitor_kernels())
        await asyncio.sleep(0)
    return task.result(), seen


@pytest.mark.slow
def test_a_kernel_started_for_the_pool_is_never_counted_as_a_visitor(tmp_path) -> None:
    """A refill of Voila's pool is in the kernel list before its start returns; it was
    briefly counted as a visitor, and a full replica looked fuller than it was."""

    async def run() -> None:
        manager = PicoKernelManager(root_dir=str(tmp_path), unconnected_timeout=0)
        try:
            pooled, seen = await _start_watching(manager, {PREHEAT_ENV: "True"})
            assert seen == {0} and manager.visitor_kernels() == 0
            await _start_watching(manager, {})
            assert manager.visitor_kernels() == 1
            await manager.shutdown_kernel(pooled)
            assert manager.visitor_kernels() == 1
        finally:
            await manager.shutdown_all()

    # In its own thread: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()
