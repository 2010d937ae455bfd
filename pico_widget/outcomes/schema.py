"""The clinic's outcomes as tables (SQLAlchemy 2): courses, their sessions, staff, sign-in
tokens and the audit trail. Times are UTC (naive).

What is stored is what a CourseRecord holds and nothing more: codes, numbers, a month per
session (no day) and a random course id. No patient name, date of birth or free text has a
column to go in. Staff names are the clinic's own staff, who sign in to write. The tables
change only through a migration (migrations/versions); `database.check_schema` makes the
server refuse a database whose revision it does not know.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Course(Base):
    """One patient's course, keyed by its random course id only."""

    __tablename__ = "courses"

    course_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    condition: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str | None] = mapped_column(String(10))
    fitzpatrick: Mapped[int] = mapped_column(Integer)
    laser: Mapped[str] = mapped_column(String(12))
    tattoo_location: Mapped[str | None] = mapped_column(String(20))
    tattoo_colours: Mapped[str | None] = mapped_column(String(20))
    tattoo_ink: Mapped[str | None] = mapped_column(String(20))
    tattoo_scarring: Mapped[str | None] = mapped_column(String(20))
    tattoo_layering: Mapped[str | None] = mapped_column(String(20))
    created: Mapped[datetime] = mapped_column(DateTime())
    updated: Mapped[datetime] = mapped_column(DateTime())
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseSession.session")


class CourseSession(Base):
    """One session of a course: improvement, PIH after it, its month, device settings."""

    __tablename__ = "course_sessions"
    __table_args__ = (UniqueConstraint("course_id", "session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("courses.course_id", ondelete="CASCADE"), index=True)
    session: Mapped[int] = mapped_column(Integer)
    improvement_percent: Mapped[float] = mapped_column(Float)
    pih: Mapped[bool] = mapped_column(Boolean)
    month: Mapped[str] = mapped_column(String(7))
    wavelength_nm: Mapped[float | None] = mapped_column(Float)
    fluence_j_cm2: Mapped[float | None] = mapped_column(Float)
    spot_mm: Mapped[float | None] = mapped_column(Float)
    course: Mapped[Course] = relationship(back_populates="sessions")


class Staff(Base):
    """A member of staff who may record courses: name and argon2 hash, never a password."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffToken(Base):
    """A signed-in session: the SHA-256 of its token (the token itself is never stored),
    shared by every replica and kernel through the database; idle after 15 minutes."""

    __tablename__ = "staff_tokens"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, ForeignKey("staff.id", ondelete="CASCADE"))
    last_used: Mapped[datetime] = mapped_column(DateTime())


class Audit(Base):
    """Who changed what and when. `who` is a name, not a key, so it outlives the staff row."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    who: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(), index=True)
    action: Mapped[str] = mapped_column(String(20))
    course_id: Mapped[str | None] = mapped_column(String(32), index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
