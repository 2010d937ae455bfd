"""Three processes writing at once, as three replicas do: on one SQLite file (a clinic's
file) and on one PostgreSQL (a clinic group). Every course is stored, none twice, and no
write fails (on SQLite: none with "database is locked")."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pico_widget.outcomes.database import reading
from pico_widget.outcomes.record import new_course_id
from pico_widget.outcomes.schema import Audit, Course
from tests.outcomes_helpers import upgraded_engine
from tests.postgres_server import BOTH, outcomes_url
from tests.waiting import wait_until

# Run as a module from the checkout's root, so it imports the tests' helpers as a package.
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=BOTH)
def url(request, tmp_path) -> Iterator[str]:
    with outcomes_url(request.param, tmp_path) as url:
        yield url


def test_three_processes_store_thirty_courses_at_once(url, tmp_path):
    engine = upgraded_engine(url)
    start, shared = tmp_path / "go", new_course_id()
    writers = [subprocess.Popen([sys.executable, "-m", "tests.outcomes_writer", url, "10",
                                 str(seed), str(start), shared], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for seed in (1, 2, 3)]
    wait_until(lambda: len(list(tmp_path.glob("ready-*"))) == 3, timeout=120, every=0.05,
               what="the three writers to be ready")
    start.touch()  # all three begin together
    results = [writer.communicate(timeout=300) for writer in writers]
    for writer, (_out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err
    written = {line for out, _err in results for line in out.split()}
    assert len(written) == 30
    with reading(engine) as db:
        stored = set(db.scalars(select(Course.course_id)))
        actions = {action: n for action, n in
                   db.execute(select(Audit.action, func.count()).group_by(Audit.action))}
    assert stored == written | {shared}
    assert actions == {"record": 31, "replace": 29}
    engine.dispose()
