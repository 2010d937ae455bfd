"""The outcomes' tables (tables.py) as ORM classes, for the writes, the staff and the
screen's own course: a row as an object with its sessions.

The tables are declared once, in Core (tables.py); these classes map onto them, their
annotations only the Python types of the columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from . import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class Course(Base):
    """One patient's course, keyed by its random course id only."""

    __table__ = tables.courses

    course_id: Mapped[str]
    condition: Mapped[str]
    severity: Mapped[str | None]
    fitzpatrick: Mapped[int]
    laser: Mapped[str]
    tattoo_location: Mapped[str | None]
    tattoo_colours: Mapped[str | None]
    tattoo_ink: Mapped[str | None]
    tattoo_scarring: Mapped[str | None]
    tattoo_layering: Mapped[str | None]
    created: Mapped[datetime]
    updated: Mapped[datetime]
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseSession.session")


class CourseSession(Base):
    """One session of a course: improvement, PIH after it, its month, device settings."""

    __table__ = tables.course_sessions

    id: Mapped[int]
    course_id: Mapped[str]
    session: Mapped[int]
    improvement_percent: Mapped[float]
    pih: Mapped[bool]
    month: Mapped[str]
    wavelength_nm: Mapped[float | None]
    fluence_j_cm2: Mapped[float | None]
    spot_mm: Mapped[float | None]
    course: Mapped[Course] = relationship(back_populates="sessions")


class Staff(Base):
    """A member of staff who may record courses: name and argon2 hash, never a password."""

    __table__ = tables.staff

    id: Mapped[int]
    name: Mapped[str]
    password_hash: Mapped[str]
    active: Mapped[bool]


class StaffToken(Base):
    """A signed-in session: the SHA-256 of its token, never the token itself."""

    __table__ = tables.staff_tokens

    token_sha256: Mapped[str]
    staff_id: Mapped[int]
    last_used: Mapped[datetime]


class Audit(Base):
    """Who changed what and when."""

    __table__ = tables.audit

    id: Mapped[int]
    who: Mapped[str]
    at: Mapped[datetime]
    action: Mapped[str]
    course_id: Mapped[str | None]
    reason: Mapped[str | None]
