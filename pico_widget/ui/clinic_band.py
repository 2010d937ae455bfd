"""This clinic's effect in the kernel: read from the outcomes database, kept current.

Why a thread of its own: the dashboard must never wait on the database. The courses are
read and the effect computed (core/clinic_effect.py) in a background thread; forecasts
use whatever effect was last computed, and the studies' band (said so) while none is.
The thread asks for a cheap revision (outcomes/clinic_courses.revision) at most once a
minute, so courses stored by another replica show within a minute, and only when it
changed takes the effect of the new revision, which the first kernel on this machine to
see it fits and the others read (outcomes/effect_cache.py); a course stored in this
process wakes it at once (`stored`).
A keystroke never touches the database. When the effect changes, each listener is called
on the kernel's own event loop (widgets are changed from one thread only).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..core.clinic_effect import ClinicEffect
from ..core.models import Forecast
from ..outcomes.clinic_courses import Revision, revision
from ..outcomes.database import querying
from ..outcomes.effect_cache import fitted_effect
from ..render.band_source import BandSource, Status

log = logging.getLogger(__name__)
CHECK_EVERY_S = 60.0  # other replicas' courses show within this
FIRST_WAIT_S = 2.0  # the first paint waits this long at most for the clinic's effect


class ClinicBand:
    """The clinic's effect from the outcomes database `engine`, and whether it was read."""

    def __init__(self, engine: Engine, every_s: float = CHECK_EVERY_S) -> None:
        self._engine, self._every_s = engine, every_s
        self._lock = threading.Lock()
        self._effect: ClinicEffect | None = None
        self._status: Status = "loading"
        self._revision: Revision | None = None
        self._wake = threading.Event()
        self._listeners: list[Callable[[], Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def effect(self) -> ClinicEffect | None:
        """The effect to forecast with: None until read, and while the database is down."""
        with self._lock:
            return self._effect

    @property
    def status(self) -> Status:
        with self._lock:
            return self._status

    def check(self) -> bool:
        """Ask the database once: its revision, and the courses when that changed. True
        when the effect or the status changed. Never raises for a database that is down."""
        try:
            with querying(self._engine) as db:
                now = revision(db)
            if now == self._revision and self.status == "ok":
                return False
            effect = fitted_effect(self._engine, now)  # once per revision per machine
        except (SQLAlchemyError, OSError):
            log.warning("the outcomes database did not answer; the studies' band is shown")
            return self._set(None, "unavailable", None)
        return self._set(effect, "ok", now)

    def _set(self, effect: ClinicEffect | None, status: Status,
             now: Revision | None) -> bool:
        with self._lock:
            changed = status != self._status or effect != self._effect
            self._effect, self._status, self._revision = effect, status, now
        return changed

    def start(self, first_wait_s: float = FIRST_WAIT_S) -> None:
        """Start checking in the background (once); wait up to `first_wait_s` for the
        first answer, so a working database's band is on the first paint. Outside a kernel
        (no running event loop: a script, a test) there is no loop to hand changes to, so
        the band is read once now and again on `stored`, in the caller's thread."""
        if self._thread is not None or self._loop is not None:
            return
        try:
            self._loop = asyncio.get_running_loop()  # the kernel's, when run in one
        except RuntimeError:
            self.check()
            return
        first = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(first,), daemon=True,
                                        name="pico-clinic-band")
        self._thread.start()
        first.wait(first_wait_s)

    def stored(self) -> None:
        """A course was stored in this process: check now rather than within the minute."""
        if self._thread is None:
            if self.check():
                self._changed()
        else:
            self._wake.set()

    def on_change(self, callback: Callable[[], Any]) -> None:
        """Call `callback()` whenever the effect or the status changes. A bound method is
        held weakly: a closed widget is not kept alive by the kernel's band."""
        self._listeners.append(weakref.WeakMethod(callback)
                               if hasattr(callback, "__self__") else lambda: callback)

    def _run(self, first: threading.Event) -> None:
        while self._loop is not None and not self._loop.is_closed():  # the kernel lives
            changed = self.check()
            first.set()
            if changed:
                self._notify()
            self._wake.wait(self._every_s)
            self._wake.clear()

    def _notify(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._changed)

    def _changed(self) -> None:
        alive = []
        for ref in self._listeners:
            callback = ref()
            if callback is None:
                continue
            alive.append(ref)
            try:
                callback()
            except Exception:  # one broken view must not stop the others
                log.exception("redrawing with the clinic's band failed")
        self._listeners = alive


_BANDS: dict[Engine, ClinicBand] = {}


def kernel_band(engine: Engine | None) -> ClinicBand | None:
    """This process's band for the outcomes database `engine` (None: no outcomes), started:
    every widget of the kernel shares its thread and its one check a minute."""
    if engine is None:
        return None
    band = _BANDS.get(engine)
    if band is None:
        band = _BANDS[engine] = ClinicBand(engine)
        band.start()
    return band


def band_source(band: ClinicBand | None, studies: Forecast | None) -> BandSource:
    """Whose band the screen shows: no outcomes served ("none"), or the clinic band's status
    and effect; `studies`, the studies' forecast when both bands are wanted."""
    if band is None:
        return BandSource("none", studies)
    return BandSource(band.status, studies, band.effect)
