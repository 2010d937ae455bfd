"""The clinic's outcomes as tables (SQLAlchemy Core): courses, their sessions, staff,
sign-in tokens and the audit trail. Times are UTC (naive).

What is stored is what a CourseRecord holds and nothing more: codes, numbers, a month per
session (no day) and a random course id. No patient name, date of birth or free text has a
column to go in. Staff names are the clinic's own staff, who sign in to write. The tables
change only through a migration (migrations/versions); `database.check_schema` makes the
server refuse a database whose revision it does not know.

Why Core tables apart from the ORM classes (schema.py): reading the courses for the
clinic's effect needs only these, and `pico-widget outcomes stats` then starts without
importing the ORM, the staff module or argon2 (about 0.15 s of its start-up here).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

# One patient's course, keyed by its random course id only.
courses = Table(
    "courses", metadata,
    Column("course_id", String(32), primary_key=True),
    Column("condition", String(40), nullable=False, index=True),
    Column("severity", String(10)),
    Column("fitzpatrick", Integer, nullable=False),
    Column("laser", String(12), nullable=False),
    Column("tattoo_location", String(20)),
    Column("tattoo_colours", String(20)),
    Column("tattoo_ink", String(20)),
    Column("tattoo_scarring", String(20)),
    Column("tattoo_layering", String(20)),
    Column("created", DateTime(), nullable=False),
    Column("updated", DateTime(), nullable=False),
)

# One session of a course: improvement, PIH after it, its month, device settings.
course_sessions = Table(
    "course_sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", String(32), ForeignKey("courses.course_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("session", Integer, nullable=False),
    Column("improvement_percent", Float, nullable=False),
    Column("pih", Boolean, nullable=False),
    Column("month", String(7), nullable=False),
    Column("wavelength_nm", Float),
    Column("fluence_j_cm2", Float),
    Column("spot_mm", Float),
    UniqueConstraint("course_id", "session"),
)

# A member of staff who may record courses: name and argon2 hash, never a password.
staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

# A signed-in session: the SHA-256 of its token (the token itself is never stored),
# shared by every replica and kernel through the database; idle after 15 minutes.
staff_tokens = Table(
    "staff_tokens", metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("last_used", DateTime(), nullable=False),
)

# Who changed what and when. `who` is a name, not a key, so it outlives the staff row.
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String(80), nullable=False),
    Column("at", DateTime(), nullable=False, index=True),
    Column("action", String(20), nullable=False),
    Column("course_id", String(32), index=True),
    Column("reason", String(200)),
)
