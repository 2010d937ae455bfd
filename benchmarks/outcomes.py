"""`pico-widget outcomes stats` on 10,000 stored courses, and the clinic's effect fitted on
1,000 stored courses of one condition.

Issue 31's targets: `outcomes stats` under 2 s of wall time, start-up included, and
clinic_effect for 1,000 courses of a condition under 200 ms. `stats` is timed three
ways: the first run at a revision (an empty effect cache: it reads every course and fits),
after a served kernel fitted the band's effect for the revision (as it does when a course
is stored; `stats` fits only the recent year and the earlier ones), and a later one (the
whole fit of that revision is read from the cache, outcomes/effect_cache.py, as an
earlier `stats` or `outcomes import` left it), on two sets of 10,000 courses: random
results (each session adds 0-20 points, the set every earlier run timed; their posteriors
can lie far from the studies, where the fit's search takes more passes) and clinic-like
ones (four conditions' courses simulated from the model at a clinic each). The courses'
last sessions spread over three years, so the recent-year comparison is fitted too. The
floor is the same interpreter importing pico_widget and doing nothing, which every command
pays. Run:
`python -m benchmarks outcomes`.

The CPU time (user + system, of the child process) is printed beside the wall time: on
a machine shared with other work the wall time grows with the load while the CPU time
is what the command itself costs. On an idle machine the wall time is at most that:
`stats` fits the conditions on every core (outcomes/effect.py summarise).

The command runs this checkout's package (the one the benchmark imports, first on its
PYTHONPATH): the installed `pico-widget` script may be another checkout's editable
install, which would time that checkout's code instead.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import pico_widget
from pico_widget.core.clinic_effect import effect_of_results
from pico_widget.outcomes.clinic_courses import stored_courses
from pico_widget.outcomes.database import open_engine, querying, upgrade, writing
from pico_widget.outcomes.record import CourseRecord, new_course_id
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import import_courses
from pico_widget.settings import CACHE_ENV

from .table import Row, summarise

COURSES = 10_000
CLINIC_LIKE = ("melasma", "nevus_of_ota", "solar_lentigines", "hori_nevus")
FIT_COURSES = 1_000  # of one condition


def _spread(record: CourseRecord, rng: random.Random) -> CourseRecord:
    """The course moved to start in one of 36 months, its sessions a month apart."""
    start = 2022 * 12 + rng.randrange(36)
    months = [f"{(start + i) // 12}-{(start + i) % 12 + 1:02d}"
              for i in range(len(record.sessions))]
    return record.model_copy(update={"sessions": [
        s.model_copy(update={"month": m}) for s, m in zip(record.sessions, months,
                                                          strict=True)]})


def _random(count: int, condition: str | None = None) -> list[CourseRecord]:
    """`count` courses with random results (of `condition` only, when given): each
    session adds 0-20 points at random, unlike any clinic's curve, so their posteriors
    can sit far from the studies (a stress for the fit's search)."""
    from tests.outcomes_helpers import random_course  # the tests' own random course

    rng = random.Random(31)
    records: list[CourseRecord] = []
    while len(records) < count:
        record = random_course(rng)
        if condition is None or record.condition == condition:
            records.append(_spread(record, rng))
    return records


def _clinic_like(count: int) -> list[CourseRecord]:
    """`count` courses as a clinic records them: for each of four conditions, a clinic's
    offsets drawn from the studies' spread and its patients' courses simulated from the
    model with its grading bias, as the simulation-based check does (fit/clinic_sbc.py)."""
    from pico_widget.fit.clinic_sbc import Clinic, simulated_courses

    rng, spread = np.random.default_rng(31), random.Random(31)
    records: list[CourseRecord] = []
    for condition in CLINIC_LIKE:
        clinic = Clinic(rng.standard_normal(4), float(rng.normal(0.0, 5.0)))
        for course in simulated_courses(rng, clinic, condition, count // len(CLINIC_LIKE)):
            records.append(_spread(CourseRecord.model_validate({
                "course_id": new_course_id(), "condition": course.condition,
                "severity": course.severity, "fitzpatrick": course.fitzpatrick,
                "laser": course.laser, "sessions": [
                    {"session": o.session, "improvement_percent": o.improvement_percent,
                     "pih": False, "month": "2022-01"} for o in course.observations]}),
                spread))
    return records


def _filled(path: Path, records: list[CourseRecord]) -> str:
    """A database of `records`."""
    url = f"sqlite:///{path}"
    engine = open_engine(url)
    upgrade(engine)
    with writing(engine) as db:
        import_courses(db, console(), records)
    engine.dispose()
    return url


# A kernel's band fitting the stored revision (ui/clinic_band.py), nothing else.
BAND_FIT = """import sys
from pico_widget.outcomes.clinic_courses import revision
from pico_widget.outcomes.database import open_engine, querying
from pico_widget.outcomes.effect_cache import fitted_effect
engine = open_engine(sys.argv[1])
with querying(engine) as db:
    now = revision(db)
fitted_effect(engine, now)
"""


def _child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    """This environment with this checkout's package first on the path, its bytecode
    written by the first run (as an installed wheel's is at install) even where
    PYTHONDONTWRITEBYTECODE is set: else every run compiles the package again."""
    checkout = str(Path(pico_widget.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(env, PYTHONPATH=os.pathsep.join(
        [checkout, *filter(None, [os.environ.get("PYTHONPATH")])]))


def _timed_ms(command: list[str], repeats: int, cold: Path | None = None,
              kept: Path | None = None) -> tuple[list[float], list[float]]:
    """(wall times, CPU times) of `repeats` runs, in ms; with `cold`, each run with an
    effect cache of its own under that folder: empty, or a copy of `kept`."""
    wall, cpu = [], []
    for i in range(repeats):
        env = _env()
        if cold is not None:
            env[CACHE_ENV] = str(cold / str(i))
            if kept is not None:
                shutil.copytree(kept, cold / str(i))
        start, start_cpu = time.perf_counter(), _child_cpu_s()
        subprocess.run(command, check=True, capture_output=True, env=env)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((_child_cpu_s() - start_cpu) * 1000)
    return wall, cpu


def _fit_rows(folder: Path, repeats: int) -> list[Row]:
    """effect_of_results on 1,000 stored courses of one condition (floor: querying them)."""
    engine = open_engine(_filled(folder / "one.db", _random(FIT_COURSES, "nevus_of_ota")))

    def read() -> list:
        with querying(engine) as db:
            return stored_courses(db)

    courses = read()
    effect_of_results(courses)  # warm
    rows = []
    for clock, kind in ((time.perf_counter, "wall"), (time.process_time, "CPU")):
        def timed(work, clock=clock) -> list[float]:
            times = []
            for _ in range(repeats):
                start = clock()
                work()
                times.append((clock() - start) * 1000)
            return times
        rows.append(summarise(
            f"outcomes: clinic_effect, {FIT_COURSES:,} stored courses of one condition, "
            f"{kind}", timed(lambda: effect_of_results(courses)), timed(read),
            "querying them", target_ms=200 if kind == "wall" else None))
    engine.dispose()
    return rows


def run(repeats: int = 7) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        floor, floor_cpu = _timed_ms([sys.executable, "-c", "import pico_widget"], repeats)
        for kind, records in (("random results", _random(COURSES)),
                              ("clinic-like", _clinic_like(COURSES))):
            rows += _stats_rows(Path(folder) / kind.replace(" ", "-"), kind, records,
                                repeats, floor, floor_cpu)
        rows += _fit_rows(Path(folder), repeats)
    return rows


def _stats_rows(folder: Path, kind: str, records: list[CourseRecord], repeats: int,
                floor: list[float], floor_cpu: list[float]) -> list[Row]:
    """`stats` on `records`: first at a revision, after a kernel's band, fitted."""
    folder.mkdir()
    program = str(Path(sys.executable).with_name("pico-widget"))
    url = _filled(folder / "outcomes.db", records)
    stats = [program, "outcomes", "stats", "--outcomes", url]
    subprocess.run(stats, check=True, capture_output=True, env=_env())  # file cache
    name = f"outcomes: `pico-widget outcomes stats`, {len(records):,} courses ({kind})"
    band = folder / "band"  # what a kernel keeps when a course is stored
    subprocess.run([sys.executable, "-c", BAND_FIT, url], check=True,
                   env=_env() | {CACHE_ENV: str(band)})
    rows = []
    for when, cold, kept in (("first at a revision", folder / "cold", None),
                             ("band's effect fitted", folder / "band-only", band),
                             ("revision fitted", None, None)):
        wall, cpu = _timed_ms(stats, repeats, cold, kept)
        rows += [summarise(f"{name}, {when}, wall", wall, floor,
                           "python -c 'import pico_widget'", target_ms=2000),
                 summarise(f"{name}, {when}, CPU", cpu, floor_cpu,
                           "python -c 'import pico_widget'")]
    return rows
