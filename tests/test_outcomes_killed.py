"""`kill -9` of a replica while it stores a course (issue 31, reliability): the course is
either stored whole or not at all, and the doctor's retry (the same course id, which the
case on the page keeps) stores it exactly once, on SQLite and on PostgreSQL. Killed with
the write transaction open, nothing of it is stored and the next writer is not locked
out; killed just after the commit, the course is stored and the retry replaces it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pico_widget.outcomes.database import reading
from pico_widget.outcomes.record import new_course_id
from pico_widget.outcomes.schema import Audit, Course, CourseSession
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import save_course
from tests.outcomes_helpers import course, upgraded_engine
from tests.postgres_server import BOTH, outcomes_url
from tests.waiting import wait_until

# Run as a module from the checkout's root, so it imports the tests' helpers as a package.
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=BOTH, scope="module")
def url(request, tmp_path_factory) -> Iterator[str]:
    with outcomes_url(request.param, tmp_path_factory.mktemp("killed")) as url:
        yield url


def stored(engine, course_id: str) -> tuple[int, int, list[str]]:
    with reading(engine) as db:
        courses = db.scalar(select(func.count()).select_from(Course)
                            .where(Course.course_id == course_id))
        sessions = db.scalar(select(func.count()).select_from(CourseSession)
                             .where(CourseSession.course_id == course_id))
        actions = list(db.scalars(select(Audit.action).where(Audit.course_id == course_id)
                                  .order_by(Audit.id)))
    return courses, sessions, actions


@pytest.mark.parametrize("when", ["before_commit", "after_commit"])
def test_a_killed_writer_leaves_the_course_whole_or_absent_and_a_retry_stores_it_once(
        url, when, tmp_path):
    engine = upgraded_engine(url)
    course_id, flag = new_course_id(), tmp_path / "inside"
    writer = subprocess.Popen([sys.executable, "-m", "tests.outcomes_killed_writer", url, course_id,
                               when, str(flag)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: flag.exists() or writer.poll() is not None, timeout=120,
                   every=0.05, what="the writer to reach its point")
        assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    if when == "before_commit":
        assert stored(engine, course_id) == (0, 0, [])  # nothing of it, not half
    else:
        assert stored(engine, course_id) == (1, 3, ["record"])
    replaced = save_course(engine, console(), course(course_id, count=4))  # the retry
    assert replaced == (when == "after_commit")
    assert stored(engine, course_id) == (
        (1, 4, ["record"]) if when == "before_commit" else (1, 4, ["record", "replace"]))
    engine.dispose()
