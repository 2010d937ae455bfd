"""Aggregates of the clinic's outcomes: counts only, no individual course (no sign-in).

Counted from the courses `outcomes stats` reads for the clinic's effect, and kept with
its summary (effect.ClinicSummary): a summary read from the cache needs no query of its
own (only the revision's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .clinic_courses import StoredCourse


@dataclass(frozen=True)
class ConditionCount:
    condition: str
    courses: int
    sessions: int
    most_sessions: int

    @property
    def sessions_per_course(self) -> float:
        return self.sessions / self.courses if self.courses else 0.0


def condition_counts(courses: Sequence[StoredCourse]) -> list[ConditionCount]:
    """Courses and sessions per condition, most courses first (courses with results:
    a course is stored with at least one session)."""
    found: dict[str, list[int]] = {}
    for stored in courses:
        found.setdefault(stored.course.case.condition, []).append(len(stored.course.observed))
    counts = [ConditionCount(cid, len(n), sum(n), max(n)) for cid, n in found.items()]
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
