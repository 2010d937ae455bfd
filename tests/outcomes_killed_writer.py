"""A replica's storing of one course, for tests/test_outcomes_killed.py: records the course
in a write transaction, then says where it is (a file) and waits to be killed there,
before or after the commit. Run as `python -m tests.outcomes_killed_writer` from the
checkout's root."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pico_widget.outcomes.database import open_engine, writing
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import record_course
from tests.outcomes_helpers import course


def main(url: str, course_id: str, when: str, flag: Path) -> None:
    engine = open_engine(url)
    with writing(engine) as db:
        record_course(db, console(), course(course_id, count=3))
        db.flush()
        if when == "before_commit":
            flag.touch()
            time.sleep(600)  # killed here, the transaction open
    flag.touch()
    time.sleep(600)  # killed here, after the commit


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]))
