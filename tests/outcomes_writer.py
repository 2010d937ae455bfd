"""One writer process for tests/test_outcomes_concurrency.py: waits for the start file,
then records its courses one transaction each and replaces a course all writers share.
Run as `python -m tests.outcomes_writer` from the checkout's root."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from pico_widget.outcomes.database import open_engine
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import save_course
from tests.outcomes_helpers import course, random_course
from tests.waiting import wait_until


def main(url: str, count: int, seed: int, start: Path, shared_id: str) -> None:
    engine = open_engine(url)
    rng = random.Random(seed)
    records = [random_course(rng) for _ in range(count)]
    (start.parent / f"ready-{seed}").touch()
    wait_until(start.exists, timeout=120, every=0.01, what="the start file")
    for n, record in enumerate(records):
        save_course(engine, console(), record)
        save_course(engine, console(), course(shared_id, count=1 + (seed + n) % 4))
        print(record.course_id, flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5])
