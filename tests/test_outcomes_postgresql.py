"""The outcomes on a real PostgreSQL (Debian's package, started for these tests)."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from pico_widget.core.clinic_effect import CourseResults
from pico_widget.outcomes.clinic_courses import clinic_course, stored_with_months
from pico_widget.outcomes.csv_io import from_csv, to_csv
from pico_widget.outcomes.database import SchemaError, check_schema, querying, reading, writing
from pico_widget.outcomes.schema import Audit, Course
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import import_courses, list_courses, save_course
from tests.outcomes_helpers import (
    course,
    random_course,
    read_while_a_course_is_replaced,
    upgraded_engine,
)
from tests.postgres_server import postgres_server

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def server_url():
    with postgres_server() as url:
        yield url


@pytest.fixture
def engine(server_url):
    engine = upgraded_engine(server_url)
    yield engine
    with engine.begin() as connection:  # each test starts from an empty database
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def test_courses_go_in_and_come_out_the_same(engine):
    rng = random.Random(11)
    records = [random_course(rng) for _ in range(60)]
    with writing(engine) as db:
        import_courses(db, console(), from_csv(to_csv(records)))
    with writing(engine) as db:
        stored = list_courses(db, console())
    assert sorted(stored, key=lambda r: r.course_id) == sorted(records,
                                                               key=lambda r: r.course_id)
    check_schema(engine)


def test_the_clinic_effect_reads_every_course_as_stored(engine):
    """The effect's read goes past SQLAlchemy's rows to the driver's (psycopg here):
    each course's case, results in session order and last month as stored."""
    rng = random.Random(12)
    records = [random_course(rng) for _ in range(40)]
    with writing(engine) as db:
        import_courses(db, console(), records)
    with querying(engine) as db:
        found = stored_with_months(db)
    assert len(found) == len(records)
    by_case = sorted((repr(CourseResults.of(clinic_course(r))), max(s.month for s in r.sessions))
                     for r in records)
    assert sorted((repr(f.course), f.last_month) for f in found) == by_case


def test_a_course_replaced_while_the_courses_are_read_is_read_as_before(engine,
                                                                          monkeypatch):
    """The read is one snapshot on PostgreSQL too (REPEATABLE READ: its default, READ
    COMMITTED, takes a new snapshot for every statement)."""
    found, now = read_while_a_course_is_replaced(engine, monkeypatch)
    assert sum(len(c.course.observed) for c in found) == now[1] == 5
    assert {c.course.case.severity for c in found} == {"moderate"}


def test_the_same_new_course_from_eight_replicas_at_once_is_stored_once(engine):
    """Each waits for the one before it: one records, seven replace, none fails."""
    records = [course(count=1 + n % 4) for n in range(8)]
    records = [r.model_copy(update={"course_id": records[0].course_id}) for r in records]
    with ThreadPoolExecutor(8) as pool:
        replaced = list(pool.map(lambda r: save_course(engine, console(), r), records))
    assert sorted(replaced) == [False] + [True] * 7
    with reading(engine) as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 1
        actions = db.scalars(select(Audit.action).order_by(Audit.id)).all()
    assert actions == ["record"] + ["replace"] * 7
    with writing(engine) as db:
        (stored,) = list_courses(db, console())
    assert stored in records  # one writer's course whole, never a mix of two


def test_a_newer_database_is_refused(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(SchemaError, match="newer pico-widget"):
        check_schema(engine)
