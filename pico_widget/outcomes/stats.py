"""Aggregates of the clinic's outcomes: counts only, no individual course (no sign-in)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from .tables import course_sessions, courses


@dataclass(frozen=True)
class ConditionCount:
    condition: str
    courses: int
    sessions: int
    most_sessions: int

    @property
    def sessions_per_course(self) -> float:
        return self.sessions / self.courses if self.courses else 0.0


def condition_counts(db: Connection) -> list[ConditionCount]:
    """Courses and sessions per condition, most courses first."""
    c, s = courses.c, course_sessions.c
    per_course = (select(c.condition, func.count(s.id).label("n"))
                  .join(course_sessions, s.course_id == c.course_id)
                  .group_by(c.course_id, c.condition).subquery())
    rows = db.execute(select(per_course.c.condition, func.count(), func.sum(per_course.c.n),
                             func.max(per_course.c.n))
                      .group_by(per_course.c.condition)).all()
    counts = [ConditionCount(str(c), int(n), int(s or 0), int(m or 0)) for c, n, s, m in rows]
    return sorted(counts, key=lambda c: (-c.courses, c.condition))


def stats_table(counts: list[ConditionCount]) -> str:
    """The counts as a plain-text table."""
    lines = [f"{'condition':<20} {'courses':>8} {'sessions':>9} {'per course':>11} "
             f"{'most':>5}"]
    for c in counts:
        lines.append(f"{c.condition:<20} {c.courses:>8} {c.sessions:>9} "
                     f"{c.sessions_per_course:>11.1f} {c.most_sessions:>5}")
    total_courses = sum(c.courses for c in counts)
    total_sessions = sum(c.sessions for c in counts)
    lines.append(f"{'all':<20} {total_courses:>8} {total_sessions:>9}")
    return "\n".join(lines)
