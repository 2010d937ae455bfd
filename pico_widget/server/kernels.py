"""Bounded visitor kernels: a cap on how many run at once, and no kernel left waiting
for a page that never came.

Why: every plain GET of the page starts a kernel (~80 MB), so anyone on the network could
exhaust the server, and a kernel whose page never connected would otherwise wait for the
idle cull. Voila wraps this class with its pre-heated pool (voila_kernel_manager.py), so
kernels waiting in the pool are neither visitors nor reaped.
"""

from __future__ import annotations

import os
import time

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer

KERNEL_MB = 80  # resident size of one visitor kernel, measured (README, `make bench`)
MEMORY_SHARE = 0.5  # at most half the machine's memory goes to visitor kernels


def machine_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):
        return None


def default_kernel_cap(memory_mb: int | None = None) -> int:
    """Half the machine's memory divided by one kernel's size (at least 4)."""
    memory_mb = memory_mb if memory_mb is not None else machine_memory_mb()
    if not memory_mb:
        return 20
    return max(4, int(memory_mb * MEMORY_SHARE / KERNEL_MB))


class PicoKernelManager(AsyncMappingKernelManager):
    """Counts visitor kernels against a cap and shuts down those no page ever joined."""

    max_kernels = Integer(0, config=True, help="Most visitor kernels at once (0: derived "
                          "from the machine's memory and one kernel's measured size).")
    unconnected_timeout = Float(60, config=True, help="Seconds a visitor kernel may wait, "
                                "after its last activity, for its page's websocket.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0
        self._admitting = 0
        self._joined: set[str] = set()
        self._quiet_since: dict[str, float] = {}
        self._reaper: PeriodicCallback | None = None

    @property
    def kernel_cap(self) -> int:
        return self.max_kernels or default_kernel_cap()

    def pooled_ids(self) -> set[str]:
        """Kernels started in advance and not yet handed to a visitor."""
        ids = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result()["kernel_id"])
        return ids

    def visitor_kernels(self) -> int:
        """Visitor kernels running or starting, plus pages being served (the pool's waiting
        kernel is not counted; a page in flight may be counted twice: erring on the safe
        side, so the cap holds however many requests arrive at once)."""
        pooled = self.pooled_ids()
        running = sum(kid not in pooled for kid in self.list_kernel_ids())
        return running + self._starting + self._admitting

    def admit(self) -> bool:
        """Take a place for one page request, or False when the cap is reached; whoever
        was admitted calls `done()` once the page is served."""
        if self.visitor_kernels() >= self.kernel_cap:
            return False
        self._admitting += 1
        return True

    def done(self) -> None:
        self._admitting -= 1

    async def start_kernel(self, *args, **kwargs):
        self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
        self._quiet_since[kernel_id] = time.monotonic()
        self._start_reaper()
        return kernel_id

    def notify_connect(self, kernel_id):
        self._joined.add(kernel_id)
        super().notify_connect(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._joined.discard(kernel_id)
        self._quiet_since.pop(kernel_id, None)
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._close_sockets(kernel_id)
        return result

    @staticmethod
    def _close_sockets(kernel_id: str) -> None:
        """Close the websockets of pages still joined to a kernel that was shut down (culled
        or reaped): jupyter_server leaves them open and silent, so the page could not know;
        closed, the page says the session ended and offers the reload that restores the case."""
        open_sessions = ZMQChannelsWebsocketConnection._open_sessions
        for key, handler in list(open_sessions.items()):
            if key.startswith(f"{kernel_id}:"):
                handler.close()

    def _last_activity(self, kernel_id: str):
        """The kernel's last activity, or None while it is still starting (the trait is
        unset then, and reading it raises)."""
        try:
            return self._kernels[kernel_id].last_activity
        except Exception:
            return None

    async def cull_kernel_if_idle(self, kernel_id):
        """The idle cull is for kernels a page has joined. One no page has joined yet is the
        reaper's: a pre-heated kernel idle in the pool for longer than the cull timeout
        was otherwise culled in the seconds between a visitor taking it and their page's
        websocket joining it, and that visitor's page never worked."""
        if kernel_id not in self._joined or self._last_activity(kernel_id) is None:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    def _start_reaper(self) -> None:
        if self._reaper is None and self.unconnected_timeout > 0:
            every = max(1.0, min(10.0, self.unconnected_timeout / 6))
            self._reaper = PeriodicCallback(self.reap_unjoined, every * 1000)
            self._reaper.start()

    async def reap_unjoined(self) -> None:
        """Shut down visitor kernels whose page has not joined them within the timeout,
        counted from the kernel's last activity (running the notebook) or from leaving
        the pool, whichever is later."""
        now = time.monotonic()
        pooled = self.pooled_ids()
        for kernel_id in list(self.list_kernel_ids()):
            if kernel_id in pooled:
                self._quiet_since[kernel_id] = now
                continue
            if kernel_id in self._joined:
                continue
            activity = self._last_activity(kernel_id)
            quiet = self._quiet_since.setdefault(kernel_id, now)
            if activity is not None:
                idle = (type(activity).now(activity.tzinfo) - activity).total_seconds()
                quiet = max(quiet, now - idle)
            if now - quiet > self.unconnected_timeout:
                self.log.warning("Shutting down kernel %s: no page joined it within %.0f s",
                                 kernel_id, self.unconnected_timeout)
                try:
                    await self.shutdown_kernel(kernel_id)
                except Exception:  # already gone: nothing to free
                    self.log.debug("kernel %s was already gone", kernel_id)
