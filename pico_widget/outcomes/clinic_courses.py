"""The clinic's stored courses as the clinic effect reads them, and a cheap sign of change.

Why one place: a stored course (CourseRecord) carries what only a record has (months, PIH,
device settings, its id); the clinic effect (core/clinic_effect.py) reads the inputs a
forecast depends on and the improvements seen, nothing else. `clinic_course` is the one
conversion, so the screen, the tests and any later command read courses alike.

Reading every course for the aggregate needs no sign-in and is not audited: nothing of an
individual course leaves the kernel, only the clinic's offsets per condition (as
`pico-widget outcomes stats`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from ..core.clinic_effect import CourseResults
from ..core.models import ClinicCourse, TattooDetails
from ..core.response import Case
from .record import CourseRecord
from .tables import course_sessions, courses

Revision = tuple[int, int, str]  # courses, sessions, the latest change (UTC, ISO)


def clinic_course(record: CourseRecord) -> ClinicCourse:
    """A stored course as the clinic effect reads it: no id, month, PIH or settings."""
    fields = {"condition": record.condition, "fitzpatrick": record.fitzpatrick,
              "laser": record.laser,
              "observations": [{"session": s.session,
                                "improvement_percent": s.improvement_percent}
                               for s in record.sessions]}
    if record.tattoo is not None:
        fields["tattoo"] = record.tattoo.model_dump()
    if record.severity is not None:
        fields["severity"] = record.severity
    return ClinicCourse.model_validate(fields)


@dataclass(frozen=True)
class StoredCourse:
    """A course as the effect reads it, with the month of its last session."""

    course: CourseResults
    last_month: str


def _driver_rows(db: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of `query` as the database driver's own tuples.

    Why past SQLAlchemy's rows: for the benchmark's 45,000 sessions they took 0.13-0.21 s
    where the driver's took 0.05 s. The query has no parameters and its columns need no
    conversion (text, integers and floats in SQLite and PostgreSQL alike)."""
    cursor = db.connection.cursor()
    try:
        cursor.execute(str(query.compile(dialect=db.dialect)))
        return list(cursor.fetchall())
    finally:
        cursor.close()


class _CollectorPause:
    """The cyclic garbage collector paused while many small objects are made, as long as
    any thread is inside (a count under a lock: a kernel's threads may read at once, and
    each restoring what it saw on entry could leave the collector off for good).

    Why: reading 10,000 courses makes some 130,000 tuples, lists and dataclasses, none in
    a cycle; each time their count passed the collector's threshold it walked them and
    the whole heap of imported modules, half the read's time (docs/performance.md).
    Reference counting still frees everything as usual."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._inside == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._inside += 1
        try:
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if self._inside == 0 and self._was_enabled:
                    gc.enable()


without_cycle_collection = _CollectorPause()


def stored_with_months(db: Connection) -> list[StoredCourse]:
    """Every stored course with results (`_read_stored`), the collector paused."""
    with without_cycle_collection():
        return _read_stored(db)


def _read_stored(db: Connection) -> list[StoredCourse]:
    """Every stored course with results, read in two queries (not one per course).

    Why no ClinicCourse: every stored value was validated as a CourseRecord on its way in
    (writes.record_course takes nothing else), and building 10,000 pydantic models again
    took most of `outcomes stats`'s two seconds (benchmarks/outcomes.py)."""
    c, s = courses.c, course_sessions.c
    sessions_by_course: dict[str, tuple[list[tuple[int, float]], list[str]]] = {}
    for course_id, session, improvement, month in _driver_rows(db, select(
            s.course_id, s.session, s.improvement_percent, s.month)):  # sorted below
        results, months = sessions_by_course.setdefault(course_id, ([], []))
        results.append((session, improvement))
        months.append(month)
    found = []
    for (course_id, condition, severity, fitzpatrick, laser, location, colours, ink,
         scarring, layering) in _driver_rows(db, select(
            c.course_id, c.condition, c.severity, c.fitzpatrick, c.laser, c.tattoo_location,
            c.tattoo_colours, c.tattoo_ink, c.tattoo_scarring, c.tattoo_layering)
            .order_by(c.created, c.course_id)):
        if course_id not in sessions_by_course:
            continue
        results, months = sessions_by_course[course_id]
        tattoo = None
        if location:
            tattoo = TattooDetails.model_construct(
                location=location, colours=colours, ink=ink, scarring=scarring or "none",
                layering=layering or "none")
        case = Case(condition, severity or "moderate", fitzpatrick, laser, tattoo)
        found.append(StoredCourse(CourseResults(case, tuple(sorted(results))), max(months)))
    return found


def stored_courses(db: Connection) -> list[CourseResults]:
    """Every stored course with results, oldest first (so a result is reproducible)."""
    return [stored.course for stored in stored_with_months(db)]


def revision(db: Connection) -> Revision:
    """Courses, sessions and the latest change: any store, replace or delete changes it
    (a delete lowers a count, a store or replace moves the latest change). Two counts and
    a max over indexed tables: cheap enough to ask once a minute from every kernel."""
    count, latest = db.execute(select(func.count(), func.max(courses.c.updated))).one()
    sessions = db.scalar(select(func.count()).select_from(course_sessions))
    return int(count), int(sessions or 0), latest.isoformat() if latest else ""
