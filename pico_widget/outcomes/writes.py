"""Every change to the stored courses, each audited and each needing a SignedIn.

Why one module: the rule "no write without a signed-in member of staff, and every write
leaves an audit row" is checked in one place (staff._audited), before anything is touched.
Recording a course id that is already stored replaces that course whole in the same
transaction (a later edit replaces, never duplicates).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .database import utc_now, writing
from .record import CourseRecord
from .schema import Course, CourseSession
from .staff import SignedIn, _audited

REASON_CHARS = 200


def record_course(db: Session, actor: SignedIn, record: CourseRecord) -> bool:
    """Store the course, replacing any stored course with its id. True when it replaced."""
    if not isinstance(record, CourseRecord):
        raise TypeError("record_course takes a validated CourseRecord")
    old = db.get(Course, record.course_id, with_for_update=True)  # a concurrent edit waits
    _audited(db, actor, "replace" if old else "record", record.course_id)
    created = old.created if old else utc_now()
    if old is not None:
        db.delete(old)  # its sessions go with it (cascade)
        db.flush()
    db.add(_row(record, created))
    return old is not None


def save_course(engine: Engine, actor: SignedIn, record: CourseRecord, tries: int = 3) -> bool:
    """record_course in its own transaction. Two replicas storing the same new course at
    the same moment (PostgreSQL lets both look first) collide on its key: try again, and
    the second then replaces the first."""
    for attempt in range(tries):
        try:
            with writing(engine) as db:
                return record_course(db, actor, record)
        except IntegrityError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def import_courses(db: Session, actor: SignedIn, records: Iterable[CourseRecord]) -> int:
    """Store many courses in the caller's one transaction (all or nothing)."""
    count = 0
    for record in records:
        record_course(db, actor, record)
        count += 1
    return count


def delete_course(db: Session, actor: SignedIn, course_id: str, reason: str) -> None:
    """Delete a course; the audit keeps who, when and why (the course's data goes)."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > REASON_CHARS or any(c in reason for c in "<>&"):
        raise ValueError(f"Give a reason of 1-{REASON_CHARS} characters, without <, > or &.")
    _audited(db, actor, "delete", course_id, reason)
    course = db.get(Course, course_id)
    if course is None:
        raise LookupError(f"There is no stored course {course_id}.")
    db.delete(course)


def list_courses(db: Session, actor: SignedIn) -> list[CourseRecord]:
    """Every stored course, oldest first: individual courses are for signed-in staff only."""
    _audited(db, actor, "list")
    courses = db.scalars(select(Course).order_by(Course.created, Course.course_id))
    return [to_record(course) for course in courses]


def _row(record: CourseRecord, created: datetime) -> Course:
    tattoo = record.tattoo
    return Course(
        course_id=record.course_id, condition=record.condition, severity=record.severity,
        fitzpatrick=record.fitzpatrick, laser=record.laser,
        tattoo_location=tattoo and tattoo.location, tattoo_colours=tattoo and tattoo.colours,
        tattoo_ink=tattoo and tattoo.ink, tattoo_scarring=tattoo and tattoo.scarring,
        tattoo_layering=tattoo and tattoo.layering, created=created, updated=utc_now(),
        sessions=[CourseSession(
            session=s.session, improvement_percent=s.improvement_percent, pih=s.pih,
            month=s.month, wavelength_nm=s.device and s.device.wavelength_nm,
            fluence_j_cm2=s.device and s.device.fluence_j_cm2,
            spot_mm=s.device and s.device.spot_mm) for s in record.sessions])


def to_record(course: Course) -> CourseRecord:
    """A stored course as the record it was made from."""
    tattoo = None
    if course.tattoo_location:
        tattoo = {"location": course.tattoo_location, "colours": course.tattoo_colours,
                  "ink": course.tattoo_ink, "scarring": course.tattoo_scarring,
                  "layering": course.tattoo_layering}
    sessions = []
    for s in course.sessions:
        device = {k: v for k, v in (("wavelength_nm", s.wavelength_nm),
                                    ("fluence_j_cm2", s.fluence_j_cm2),
                                    ("spot_mm", s.spot_mm)) if v is not None}
        sessions.append({"session": s.session, "improvement_percent": s.improvement_percent,
                         "pih": bool(s.pih), "month": s.month, "device": device or None})
    return CourseRecord.model_validate({
        "course_id": course.course_id, "condition": course.condition,
        "severity": course.severity, "fitzpatrick": course.fitzpatrick,
        "laser": course.laser, "tattoo": tattoo, "sessions": sessions})
