"""Bounded visitor kernels: a cap on how many run at once, and no kernel left waiting
for a page that never came.

Why: every plain GET of the page starts a kernel (~80 MB), so anyone on the network could
exhaust the server, and a kernel whose page never connected would otherwise wait for the
idle cull. Voila wraps this class with its pre-heated pool (voila_kernel_manager.py), so
kernels waiting in the pool are neither visitors nor reaped.
"""

from __future__ import annotations

import time
import uuid
from contextvars import ContextVar
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer

from ..settings import Settings
from .capacity import replica_share
from .compat import (
    after_pool_hand_over,
    open_kernel_sockets,
    pool_tasks,
    running_kernel,
)

JOIN_GRACE_S = 90  # a websocket being set up waits up to kernel_info_timeout (60 s)


class _Place:
    """One admitted page's place under the cap, until its kernel takes the place over."""

    held = True


# The page request being served in this task (set by `admit`, read where its kernel is
# started or handed over from the pool, which run in the same task).
_PAGE: ContextVar[_Place | None] = ContextVar("pico_page", default=None)


class PicoKernelManager(AsyncMappingKernelManager):
    """Counts visitor kernels against a cap and shuts down those no page ever joined."""

    max_kernels = Integer(0, config=True, help="Most visitor kernels at once (0: a lone "
                          "replica's share of the memory, server/capacity.py).")
    unconnected_timeout = Float(60, config=True, help="Seconds a visitor kernel may wait, "
                                "after its last activity, for its page's websocket.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0
        self._awaiting = 0  # pages admitted that have no kernel yet
        self._joined: set[str] = set()
        self._quiet_since: dict[str, float] = {}
        self._joining_since: dict[str, float] = {}  # websocket asked for, not yet open
        self._for_pool: set[str] = set()  # started for the pool, not yet handed to a page
        self._reaper: PeriodicCallback | None = None
        after_pool_hand_over(self, self._handed_over)  # Voila's pool, when pre-heating

    def _handed_over(self, kernel_id: str) -> None:
        """The pooled kernel is this page's now: counted as running."""
        self._for_pool.discard(kernel_id)
        self._claim()

    @property
    def kernel_cap(self) -> int:
        """`pico-widget serve` always sets max_kernels (its --replicas share); a manager
        configured without it takes a lone replica's share of this host's memory."""
        return self.max_kernels or replica_share().cap

    def pooled_ids(self) -> set[str]:
        """Kernels started in advance, ready (their notebook run) and not yet handed to a
        visitor."""
        return {task.result()["kernel_id"] for task in pool_tasks(self)
                if task.done() and not task.cancelled() and task.exception() is None}

    def visitor_kernels(self) -> int:
        """What the visitors really hold: kernels running or starting for a page, plus pages
        admitted that have no kernel yet; each page once. The pool's kernel, waiting or
        being refilled, is not a visitor's. (It counted a page in flight up to three times,
        and a visitor was refused with half the places free: issue 24.) The pool is known
        by the kernels started for it, not by its ready tasks: a refill kernel is running
        while its notebook still runs, and was briefly counted as a visitor."""
        running = sum(kid not in self._for_pool for kid in self.list_kernel_ids())
        return running + self._starting + self._awaiting

    def admit(self) -> bool:
        """Take a place for one page request, or False when the cap is reached; whoever
        was admitted calls `done()` once the page is served."""
        if self.visitor_kernels() >= self.kernel_cap:
            return False
        self._awaiting += 1
        _PAGE.set(_Place())
        return True

    def _claim(self) -> None:
        """This task's page has its kernel now (started, or handed over from the pool): the
        kernel holds the place from here on."""
        place = _PAGE.get()
        if place is not None and place.held:
            place.held = False
            self._awaiting -= 1

    def done(self) -> None:
        self._claim()  # a page that ended before it had a kernel gives its place back

    async def start_kernel(self, *args, **kwargs):
        env = kwargs.get("env") or {}
        for_pool = Settings.from_env(env).preheated  # the pool's: not a visitor's until taken
        if for_pool:
            # Named before it starts, so it is the pool's from its first moment in the
            # kernel list: a refill was briefly counted as a visitor.
            kwargs.setdefault("kernel_id", str(uuid.uuid4()))
            self._for_pool.add(kwargs["kernel_id"])
        else:
            self._claim()
            self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            if not for_pool:
                self._starting -= 1
        self._quiet_since[kernel_id] = time.monotonic()
        self._start_reaper()
        return kernel_id

    def joining(self, kernel_id: str) -> None:
        """A page's websocket has asked for this kernel: its page is here, even while the
        kernel, still running the notebook on a loaded machine, takes long to answer the
        connection's kernel_info (up to kernel_info_timeout, 60 s). The reaper shut such
        kernels down at 60 s while their page waited (`make load`'s cluster part)."""
        if running_kernel(self, kernel_id) is not None:
            self._joined.add(kernel_id)
            self._joining_since.setdefault(kernel_id, time.monotonic())

    def notify_connect(self, kernel_id):
        self._joined.add(kernel_id)
        self._joining_since.pop(kernel_id, None)
        super().notify_connect(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._joined.discard(kernel_id)
        self._joining_since.pop(kernel_id, None)
        self._quiet_since.pop(kernel_id, None)
        self._for_pool.discard(kernel_id)
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._close_sockets(kernel_id)
        return result

    @staticmethod
    def _close_sockets(kernel_id: str) -> None:
        """Close the websockets of pages still joined to a kernel that was shut down (culled
        or reaped): jupyter_server leaves them open and silent, so the page could not know;
        closed, the page says the session ended and offers the reload that restores the case."""
        for handler in open_kernel_sockets(kernel_id):
            handler.close()

    def _last_activity(self, kernel_id: str) -> Any | None:
        """The kernel's last activity (a datetime), or None when the manager does not hold
        it or while it is still starting (the trait is unset then, and reading it raises)."""
        kernel = running_kernel(self, kernel_id)
        try:
            return None if kernel is None else kernel.last_activity
        except Exception:
            return None

    async def cull_kernel_if_idle(self, kernel_id):
        """The idle cull is for kernels a page has joined. One no page has joined yet is the
        reaper's: a pre-heated kernel idle in the pool for longer than the cull timeout
        was otherwise culled in the seconds between a visitor taking it and their page's
        websocket joining it, and that visitor's page never worked."""
        if kernel_id not in self._joined or self._last_activity(kernel_id) is None:
            return None
        since = self._joining_since.get(kernel_id)
        if since is not None and time.monotonic() - since < JOIN_GRACE_S:
            return None  # its page's websocket is still being set up: not idle, slow
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
        for kernel_id in list(self.list_kernel_ids()):
            if kernel_id in self._for_pool:
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
