"""Storing courses: replace never duplicates, every write is audited and needs a signed-in
member of staff, the schema check refuses a database of another revision."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select, text

from pico_widget.outcomes import database
from pico_widget.outcomes.csv_io import CsvError, from_csv, to_csv
from pico_widget.outcomes.database import (
    SchemaError,
    check_schema,
    open_engine,
    reading,
    upgrade,
    writing,
)
from pico_widget.outcomes.schema import Audit, Course, CourseSession
from pico_widget.outcomes.staff import SignedIn, add_staff, console, remove_staff
from pico_widget.outcomes.writes import (
    delete_course,
    import_courses,
    list_courses,
    record_course,
    save_course,
)
from tests.outcomes_helpers import course, random_course, upgraded_engine


@pytest.fixture
def engine(tmp_path):
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    yield engine
    engine.dispose()


def counts(engine) -> tuple[int, int, int]:
    with reading(engine) as db:
        return (db.scalar(select(func.count()).select_from(Course)),
                db.scalar(select(func.count()).select_from(CourseSession)),
                db.scalar(select(func.count()).select_from(Audit)))


def test_recording_a_course_again_replaces_it(engine):
    first = course(count=2)
    assert save_course(engine, console(), first) is False
    later = course(first.course_id, count=4)
    assert save_course(engine, console(), later) is True
    assert counts(engine)[:2] == (1, 4)
    with writing(engine) as db:
        (stored,) = list_courses(db, console())
    assert stored == later


def test_a_failed_replace_keeps_the_old_course(engine):
    """One transaction: when anything in it fails, nothing of it is kept."""
    first = course(count=2)
    save_course(engine, console(), first)
    with pytest.raises(RuntimeError), writing(engine) as db:
        record_course(db, console(), course(first.course_id, count=5))
        raise RuntimeError("the connection dropped")
    assert counts(engine) == (1, 2, 1)


def test_every_write_leaves_an_audit_row(engine):
    record = course()
    save_course(engine, console(), record)
    save_course(engine, console(), record)
    with writing(engine) as db:
        delete_course(db, console(), record.course_id, "entered for the wrong patient")
    with reading(engine) as db:
        rows = db.execute(select(Audit.who, Audit.action, Audit.course_id, Audit.reason)
                          .order_by(Audit.id)).all()
    who = console().who
    assert rows == [(who, "record", record.course_id, None),
                    (who, "replace", record.course_id, None),
                    (who, "delete", record.course_id, "entered for the wrong patient")]
    assert counts(engine)[:2] == (0, 0)


@pytest.mark.parametrize("actor", [None, "Dr Tan", {"who": "Dr Tan"}])
def test_no_write_works_without_a_signed_in_member_of_staff(engine, actor):
    record = course()
    save_course(engine, console(), record)
    for write in (lambda db: record_course(db, actor, course()),
                  lambda db: import_courses(db, actor, [course()]),
                  lambda db: delete_course(db, actor, record.course_id, "test"),
                  lambda db: list_courses(db, actor),
                  lambda db: add_staff(db, actor, "Dr Lim", "long enough"),
                  lambda db: remove_staff(db, actor, "Dr Lim")):
        with pytest.raises(PermissionError), writing(engine) as db:
            write(db)
    assert counts(engine) == (1, 3, 1)


def test_a_signed_in_value_is_not_made_by_hand():
    """A guard against a code path that forgets to sign in, not against code in the
    server process set on forging one."""
    with pytest.raises(PermissionError):
        SignedIn("Dr Tan", "password")


def test_export_then_import_gives_the_same_courses(engine, tmp_path):
    rng = random.Random(7)
    records = [random_course(rng) for _ in range(40)]
    with writing(engine) as db:
        import_courses(db, console(), records)
        exported = to_csv(list_courses(db, console()))
    assert len(exported.splitlines()) == 1 + sum(len(r.sessions) for r in records)
    other = upgraded_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with writing(other) as db:
        import_courses(db, console(), from_csv(exported.encode()))
        again = list_courses(db, console())
    assert sorted(again, key=lambda r: r.course_id) == sorted(records,
                                                              key=lambda r: r.course_id)
    assert to_csv(sorted(again, key=lambda r: r.course_id)) == to_csv(
        sorted(records, key=lambda r: r.course_id))


def _csv_with(lines: int | tuple[int, ...], column: str, value: str) -> bytes:
    """Two courses (lines 2-4 and 5-6) with `value` in `column` on `lines`."""
    rows = [row.split(",") for row in to_csv([course(count=3), course(count=2)]).splitlines()]
    for line in lines if isinstance(lines, tuple) else (lines,):
        rows[line - 1][rows[0].index(column)] = value
    return "\n".join(",".join(row) for row in rows).encode()


@pytest.mark.parametrize(("line", "column", "value", "words"), [
    (3, "improvement_percent", "150", "Line 3: The improvement seen must be a number from 0 "
                                      "to 100; got 150. Nothing was imported."),
    (4, "session", "0", "Line 4: The session number must be a whole number"),
    (2, "condition", "acne", "Line 3: course"),
    ((5, 6), "condition", "acne", "Line 5: Unknown condition 'acne'."),
    (6, "month", "<b>2025</b>", "Line 6: The month of an outcome record must be a plain value"),
    (2, "pih", "perhaps", "Line 2: Whether PIH followed session 1 must be yes or no"),
    (1, "course_id", "patient_name", "The first line must name exactly these columns"),
])
def test_a_bad_csv_is_refused_whole_naming_the_line(engine, line, column, value, words):
    with pytest.raises(CsvError) as caught:
        records = from_csv(_csv_with(line, column, value))
        with writing(engine) as db:  # reached only if the CSV were accepted
            import_courses(db, console(), records)
    assert words in str(caught.value)
    assert counts(engine) == (0, 0, 0)


def test_a_csv_that_is_not_text_is_refused():
    with pytest.raises(CsvError, match="not a CSV text file"):
        from_csv(b"\xff\xfe\x00binary")


def test_the_revision_list_is_alembics(engine):
    _config, scripts = database._scripts()
    walked = [s.revision for s in scripts.walk_revisions()]
    assert tuple(reversed(walked)) == database.REVISIONS
    check_schema(engine)  # the newest: accepted


def test_an_empty_database_is_refused_with_what_to_run(tmp_path):
    with pytest.raises(SchemaError, match=r"no tables yet\. Run `pico-widget outcomes "
                                          r"upgrade --outcomes sqlite:///"):
        check_schema(open_engine(f"sqlite:///{tmp_path / 'empty.db'}"))


def test_a_newer_database_is_refused_and_not_touched(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(SchemaError, match="upgraded by a newer pico-widget"):
        check_schema(engine)
    with pytest.raises(SchemaError, match="newer"):
        upgrade(engine)


def test_an_older_database_is_refused_until_upgraded(engine, monkeypatch):
    monkeypatch.setattr(database, "REVISIONS", (*database.REVISIONS, "0002"))
    with pytest.raises(SchemaError, match=r"older than this pico-widget.*outcomes upgrade"):
        check_schema(engine)


def test_sqlite_is_opened_in_wal_mode_with_a_busy_timeout(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
