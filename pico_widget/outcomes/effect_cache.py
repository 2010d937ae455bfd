"""The clinic's effect fitted once per database revision per server, in a cache folder.

Why: every visitor's kernel keeps the clinic's band current (ui/clinic_band.py), and each
fitting all the courses itself cost N fits for N kernels whenever a course was stored.
Now the first process on this machine to see a new revision fits it, under a lock on the
revision's file; the others wait on that lock and read the file it wrote. The file's name
holds the database (its address without password), the revision (outcomes.clinic_courses),
what was fitted (`kind`) and the model (this package's version and data files), so a new
revision, another database, another model or another version of the fitting code never
reads an old answer. Another replica on
another machine fits once for its own machine. What is kept is what `outcomes stats`
prints, the offsets per condition: no course, no identifier. A folder that cannot be
written is no outage: the effect is fitted without it (and a warning logged).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from ..core.clinic_effect import ClinicEffect, ConditionEffect, effect_of_results
from ..settings import effect_cache_folder
from .clinic_courses import Revision, revision, stored_courses, stored_with_months
from .database import querying
from .effect import ClinicSummary, Drift, summarise
from .stats import ConditionCount

log = logging.getLogger(__name__)
T = TypeVar("T")
# How long a kernel waits for another's fit before fitting for itself (a fit stuck on a
# database that stopped answering must not hold every kernel's band on this machine).
LOCK_WAIT_S = 120.0
# Answers for other revisions are left this long: a slower fit of an older revision,
# finishing last, must not delete the newer answer another process just wrote.
KEEP_OLD_S = 3600.0


def cache_folder() -> Path:
    """This machine's (this user's) folder for fitted effects (settings.CACHE_ENV)."""
    return effect_cache_folder()


@cache
def model_key() -> str:
    """The package version, the data files the fit reads (parameters, judgements) and the
    fitting code itself (core/ and outcomes/): an upgrade that changes how the effect is
    fitted without a new version number still never reads an answer fitted before it."""
    from ..core.version import package_version

    digest = hashlib.sha256(package_version().encode())
    package = resources.files("pico_widget")
    for folder, suffix in (("data", ".toml"), ("core", ".py"), ("outcomes", ".py")):
        files = package / folder
        for name in sorted(p.name for p in files.iterdir() if p.name.endswith(suffix)):
            digest.update(f"{folder}/{name}".encode() + (files / name).read_bytes())
    return digest.hexdigest()[:16]


def _name(url: str, revision: Revision, kind: str) -> tuple[str, str]:
    """(the database's and kind's prefix, the file name for this revision)."""
    prefix = hashlib.sha256(json.dumps([url, kind]).encode()).hexdigest()[:16]
    now = hashlib.sha256(json.dumps([list(revision), model_key()]).encode()).hexdigest()[:16]
    return prefix, f"{prefix}-{now}.json"


def effect_to_json(effect: ClinicEffect) -> dict[str, Any]:
    return {cid: {"courses": e.courses, "mean": e.mean, "sd": e.sd, "dims": e.dims,
                  "floor": e.floor, "correlation": e.correlation}
            for cid, e in effect.conditions.items()}


def effect_from_json(data: dict[str, Any]) -> ClinicEffect:
    return ClinicEffect({cid: ConditionEffect(cid, int(e["courses"]), tuple(e["mean"]),
                                              tuple(e["sd"]), tuple(e["dims"]),
                                              float(e["floor"]),
                                              tuple(tuple(r) for r in e["correlation"]))
                         for cid, e in data.items()})


def _read(path: Path, load: Callable[[Any], T]) -> T | None:
    try:
        return load(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # torn or foreign
        log.warning("ignoring an unreadable cached clinic effect %s", path)
        return None


def _write(folder: Path, prefix: str, name: str, data: Any) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, folder / name)  # whole or absent, never half
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    stale = time.time() - KEEP_OLD_S
    for old in folder.glob(f"{prefix}-*.json"):  # other revisions, once an hour old
        with contextlib.suppress(OSError):
            if old.name != name and old.stat().st_mtime < stale:
                old.unlink()


def _locked(lock: Any, wait: float) -> bool:
    """Take the lock, waiting at most `wait` seconds; released when the file is closed."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def cached(url: str, revision: Revision, kind: str,
           fit: Callable[[], tuple[T, bool]], dump: Callable[[T], Any],
           load: Callable[[Any], T], folder: Path | None = None) -> T:
    """The value fitted for `revision` of the database at `url`: read from the cache, or
    `fit()` (once on this machine: others wait for it). `fit` returns (value, whether it
    still belongs to `revision`: False when the courses changed while it read them, so
    the value is used but not kept)."""
    folder = folder or cache_folder()
    prefix, name = _name(url, revision, kind)
    found = _read(folder / name, load)
    if found is not None:
        return found
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = (folder / f"{prefix}.lock").open("a")  # one per database, never removed
    except OSError as error:
        log.warning("the clinic effect cache %s cannot be used (%s); fitting here",
                    folder, error)
        return fit()[0]
    with lock:
        if not _locked(lock, LOCK_WAIT_S):
            log.warning("another fit of the clinic effect in %s has run over %.0f s; "
                        "fitting here", folder, LOCK_WAIT_S)
            return fit()[0]
        found = _read(folder / name, load)  # fitted by another while this one waited
        if found is not None:
            return found
        value, current = fit()
        if current:
            keep(url, revision, kind, dump(value), folder)
        return value


def peek(url: str, revision: Revision, kind: str, load: Callable[[Any], T]) -> T | None:
    """The value kept for `revision`, if one is: never fits, never waits."""
    return _read(cache_folder() / _name(url, revision, kind)[1], load)


def keep(url: str, revision: Revision, kind: str, data: Any, folder: Path | None = None
         ) -> None:
    """Keep `data` as the value of `kind` for `revision` (whole or not at all)."""
    folder = folder or cache_folder()
    prefix, name = _name(url, revision, kind)
    try:
        _write(folder, prefix, name, data)
    except OSError as error:
        log.warning("could not keep the clinic effect in %s (%s)", folder, error)


def database_name(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _reading_at(engine: Engine, now: Revision, read: Callable[[Connection], Any],
                fit: Callable[[Any], T]) -> Callable[[], tuple[T, bool]]:
    """`fit` of what `read` reads, and whether the database was still at `now` after."""

    def fitting() -> tuple[T, bool]:
        with querying(engine) as db:
            courses = read(db)
            still = revision(db) == now
        return fit(courses), still

    return fitting


def fitted_effect(engine: Engine, now: Revision) -> ClinicEffect:
    """The clinic's effect on every stored course at revision `now` (fitted once per
    revision on this machine)."""
    return cached(database_name(engine), now, "effect",
                  _reading_at(engine, now, stored_courses, effect_of_results),
                  effect_to_json, effect_from_json)


def summary_to_json(summary: ClinicSummary) -> dict[str, Any]:
    return {"effect": effect_to_json(summary.effect), "newest_month": summary.newest_month,
            "drift": {cid: [d.recent, d.earlier, d.largest_z, d.dim, d.offsets]
                      for cid, d in summary.drift.items()},
            "counts": [[c.condition, c.courses, c.sessions, c.most_sessions]
                       for c in summary.counts]}


def summary_from_json(data: dict[str, Any]) -> ClinicSummary:
    return ClinicSummary(effect_from_json(data["effect"]),
                         {cid: Drift(int(r), int(e), None if z is None else float(z), str(d),
                                     int(k))
                          for cid, (r, e, z, d, k) in data["drift"].items()},
                         str(data["newest_month"]),
                         tuple(ConditionCount(str(cid), int(n), int(s), int(m))
                               for cid, n, s, m in data["counts"]))


def fitted_summary(engine: Engine, now: Revision) -> ClinicSummary:
    """`outcomes stats`'s offsets and recent-year comparison at revision `now` (fitted
    once per revision on this machine, like the band's effect). The band's effect, where
    a kernel has fitted it already, is not fitted again; where none has, the one fitted
    here is kept for the kernels' bands too."""
    url = database_name(engine)
    known = peek(url, now, "effect", effect_from_json)

    def fitting() -> tuple[ClinicSummary, bool]:
        summary, current = _reading_at(engine, now, stored_with_months,
                                       lambda courses: summarise(courses, known))()
        if current and known is None:
            keep(url, now, "effect", effect_to_json(summary.effect))
        return summary, current

    return cached(url, now, "summary", fitting, summary_to_json, summary_from_json)
