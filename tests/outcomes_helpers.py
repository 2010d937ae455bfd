"""Shared by the outcomes tests: an upgraded database and courses to record."""

from __future__ import annotations

import random
from typing import Any

from pico_widget.outcomes.database import open_engine, upgrade
from pico_widget.outcomes.record import CourseRecord, new_course_id


def upgraded_engine(url: str):
    engine = open_engine(url)
    upgrade(engine)
    return engine


def course_data(course_id: str | None = None, count: int = 3, **change: Any) -> dict:
    """A melasma course with `count` sessions a month apart, as plain data."""
    data = {"course_id": course_id or new_course_id(), "condition": "melasma",
            "severity": "moderate", "fitzpatrick": 4, "laser": "picosecond",
            "sessions": [{"session": n, "improvement_percent": 15 * n, "pih": n == 2,
                          "month": f"2025-{n:02d}"} for n in range(1, count + 1)]}
    return {**data, **change}


def course(course_id: str | None = None, count: int = 3, **change: Any) -> CourseRecord:
    return CourseRecord.model_validate(course_data(course_id, count, **change))


def random_course(rng: random.Random) -> CourseRecord:
    """A valid course of a random skin condition or tattoo, with 1-8 sessions."""
    tattoo = rng.random() < 0.2
    n = rng.randint(1, 8)
    sessions, level = [], 0.0
    for s in range(1, n + 1):
        level = min(100.0, level + rng.choice([0, 5, 10, 15, 20]))
        sessions.append({"session": s, "improvement_percent": level,
                         "pih": rng.random() < 0.1, "month": f"2024-{s:02d}",
                         "device": {"fluence_j_cm2": 1.5} if rng.random() < 0.3 else None})
    data: dict[str, Any] = {"course_id": new_course_id(), "fitzpatrick": rng.randint(1, 6),
                            "laser": "picosecond", "sessions": sessions}
    if tattoo:
        data |= {"condition": "tattoo", "tattoo": {"location": "upper_trunk",
                                                   "colours": "black", "ink": "moderate"}}
    else:
        data |= {"condition": rng.choice(["melasma", "nevus_of_ota", "solar_lentigines"]),
                 "severity": rng.choice(["mild", "moderate", "severe"])}
    return CourseRecord.model_validate(data)


def seeded(url: str, staff: tuple[str, str], records: list[CourseRecord]) -> None:
    """An upgraded database at `url` with one member of staff (name, password) and
    `records` stored, as `pico-widget outcomes add-staff` and `import` would leave it."""
    from pico_widget.outcomes.database import writing
    from pico_widget.outcomes.staff import add_staff, console
    from pico_widget.outcomes.writes import import_courses

    engine = upgraded_engine(url)
    with writing(engine) as db:
        add_staff(db, console(), *staff)
        import_courses(db, console(), records)
    engine.dispose()


def read_while_a_course_is_replaced(engine, monkeypatch) -> tuple[list, tuple]:
    """Store two courses, then read them for the clinic's effect while one of them is
    given two more sessions and another severity between the read's two queries (its
    sessions, then the courses' rows). Returns (the courses read, the revision read in
    the same connection); a read of one snapshot has 5 sessions and no "severe"."""
    from pico_widget.outcomes import clinic_courses
    from pico_widget.outcomes.database import querying, writing
    from pico_widget.outcomes.staff import console
    from pico_widget.outcomes.writes import import_courses, record_course

    first = course(count=3)
    with writing(engine) as db:
        import_courses(db, console(), [first, course(count=2)])
    read_rows, calls = clinic_courses._driver_rows, []

    def rows_then_a_write(db, query):
        found = read_rows(db, query)
        if not calls:  # after the sessions, before the courses' rows
            with writing(engine) as other:
                record_course(other, console(), course(first.course_id, count=5,
                                                       severity="severe"))
        calls.append(query)
        return found

    monkeypatch.setattr(clinic_courses, "_driver_rows", rows_then_a_write)
    with querying(engine) as db:
        found = clinic_courses.stored_with_months(db)
        now = clinic_courses.revision(db)
    assert len(calls) == 2
    return found, now
