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

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..core.models import ClinicCourse
from .record import CourseRecord
from .schema import Course, CourseSession
from .writes import to_record

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


def stored_courses(db: Session) -> list[ClinicCourse]:
    """Every stored course, converted (oldest first, so a result is reproducible)."""
    courses = db.scalars(select(Course).options(selectinload(Course.sessions))
                         .order_by(Course.created, Course.course_id))
    return [clinic_course(to_record(course)) for course in courses]


def revision(db: Session) -> Revision:
    """Courses, sessions and the latest change: any store, replace or delete changes it
    (a delete lowers a count, a store or replace moves the latest change). Two counts and
    a max over indexed tables: cheap enough to ask once a minute from every kernel."""
    courses, latest = db.execute(select(func.count(), func.max(Course.updated))).one()
    sessions = db.scalar(select(func.count()).select_from(CourseSession))
    return int(courses), int(sessions or 0), latest.isoformat() if latest else ""
