"""The clinic's outcomes: courses, sessions, staff, sign-in tokens, audit.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(32), primary_key=True),
        sa.Column("condition", sa.String(40), nullable=False, index=True),
        sa.Column("severity", sa.String(10)),
        sa.Column("fitzpatrick", sa.Integer, nullable=False),
        sa.Column("laser", sa.String(12), nullable=False),
        sa.Column("tattoo_location", sa.String(20)),
        sa.Column("tattoo_colours", sa.String(20)),
        sa.Column("tattoo_ink", sa.String(20)),
        sa.Column("tattoo_scarring", sa.String(20)),
        sa.Column("tattoo_layering", sa.String(20)),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_table(
        "course_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("course_id", sa.String(32),
                  sa.ForeignKey("courses.course_id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("session", sa.Integer, nullable=False),
        sa.Column("improvement_percent", sa.Float, nullable=False),
        sa.Column("pih", sa.Boolean, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("wavelength_nm", sa.Float),
        sa.Column("fluence_j_cm2", sa.Float),
        sa.Column("spot_mm", sa.Float),
        sa.UniqueConstraint("course_id", "session"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "staff_tokens",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("last_used", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("who", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("course_id", sa.String(32), index=True),
        sa.Column("reason", sa.String(200)),
    )


def downgrade() -> None:
    for table in ("audit", "staff_tokens", "staff", "course_sessions", "courses"):
        op.drop_table(table)
