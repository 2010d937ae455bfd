"""Every change to the stored courses, each audited and each needing a SignedIn.

Why one module: the rule "no write without a signed-in member of staff, and every write
leaves an audit row" is checked in one place (staff._audited), before anything is touched.
Recording a course id that is already stored replaces that course whole in the same
transaction (a later edit replaces, never duplicates).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from .database import utc_now, writing
from .record import DEVICE_FIELDS, CourseRecord, SessionRecord
from .schema import Course, CourseSession
from .staff import SignedIn, _audited, require_signed_in

REASON_CHARS = 200


def record_course(db: Session, actor: SignedIn, record: CourseRecord) -> bool:
    """Store the course, replacing any stored course with its id. True when it replaced.

    Why insert-if-absent, then lock, then update in place: two replicas storing the same
    course at once must neither fail nor duplicate. The insert waits for the other's
    (PostgreSQL's ON CONFLICT DO NOTHING), the lock makes the second wait for the first's
    commit and then see its row, and the row is updated rather than deleted so that the
    waiter finds it; on SQLite, BEGIN IMMEDIATE already queues the writers."""
    if not isinstance(record, CourseRecord):
        raise TypeError("record_course takes a validated CourseRecord")
    require_signed_in(actor)
    now, course_id = utc_now(), record.course_id
    fields = _course_fields(record)
    absent = _insert(db)(Course).values(course_id=course_id, created=now, updated=now,
                                        **fields).on_conflict_do_nothing()
    created = db.execute(absent.returning(Course.course_id)).first() is not None
    db.execute(select(Course.course_id).where(Course.course_id == course_id)
               .with_for_update())
    if not created:
        db.execute(update(Course).where(Course.course_id == course_id)
                   .values(updated=now, **fields))
        db.execute(delete(CourseSession).where(CourseSession.course_id == course_id))
    db.execute(insert(CourseSession), [_session_fields(course_id, s) for s in record.sessions])
    _audited(db, actor, "record" if created else "replace", course_id)
    db.expire_all()  # the ORM's copies, if any, are out of date now
    return not created


def save_course(engine: Engine, actor: SignedIn, record: CourseRecord) -> bool:
    """record_course in its own transaction."""
    with writing(engine) as db:
        return record_course(db, actor, record)


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


def _insert(db: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING (PostgreSQL, SQLite)."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _course_fields(record: CourseRecord) -> dict[str, Any]:
    tattoo = record.tattoo
    return {"condition": record.condition, "severity": record.severity,
            "fitzpatrick": record.fitzpatrick, "laser": record.laser,
            **{f"tattoo_{key}": getattr(tattoo, key) if tattoo else None
               for key in ("location", "colours", "ink", "scarring", "layering")}}


def _session_fields(course_id: str, s: SessionRecord) -> dict[str, Any]:
    device = s.device
    return {"course_id": course_id, "session": s.session,
            "improvement_percent": s.improvement_percent, "pih": s.pih, "month": s.month,
            **{key: getattr(device, key) if device else None for key in DEVICE_FIELDS}}


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
