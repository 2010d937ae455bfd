"""`pico-widget outcomes stats` on 10,000 stored courses: wall time, start-up included.

Issue 31's target: under 2 s. The floor is the same interpreter importing pico_widget and
doing nothing, which every command pays; the rest is SQLAlchemy's import, the schema
check and the query. Run: `python -m benchmarks outcomes`.

The CPU time (user + system, of the child process) is printed beside the wall time: on
a machine shared with other work the wall time grows with the load while the CPU time
is what the command itself costs, which is its wall time on an idle machine.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pico_widget.outcomes.database import open_engine, upgrade, writing
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import import_courses

from .table import Row, summarise

COURSES = 10_000


def _filled(path: Path) -> str:
    from outcomes_helpers import random_course  # the tests' (on the path: __init__.py)

    url = f"sqlite:///{path}"
    engine = open_engine(url)
    upgrade(engine)
    rng = random.Random(31)
    with writing(engine) as db:
        import_courses(db, console(), (random_course(rng) for _ in range(COURSES)))
    engine.dispose()
    return url


def _child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_ms(command: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """(wall times, CPU times) of `repeats` runs, in ms."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), _child_cpu_s()
        subprocess.run(command, check=True, capture_output=True)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((_child_cpu_s() - start_cpu) * 1000)
    return wall, cpu


def run(repeats: int = 7) -> list[Row]:
    program = str(Path(sys.executable).with_name("pico-widget"))
    with tempfile.TemporaryDirectory() as folder:
        url = _filled(Path(folder) / "outcomes.db")
        stats = [program, "outcomes", "stats", "--outcomes", url]
        subprocess.run(stats, check=True, capture_output=True)  # warm the file cache
        floor, floor_cpu = _timed_ms([sys.executable, "-c", "import pico_widget"], repeats)
        wall, cpu = _timed_ms(stats, repeats)
    name = f"outcomes: `pico-widget outcomes stats`, {COURSES:,} courses"
    return [summarise(f"{name}, wall", wall, floor, "python -c 'import pico_widget'",
                      target_ms=2000),
            summarise(f"{name}, CPU", cpu, floor_cpu, "python -c 'import pico_widget'")]
