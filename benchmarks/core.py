"""Core speed: estimate() without and with 5 observations, against a floor in the same run.

The floor is building the PatientProfile itself (validation only), so the ratio shows
what the forecast adds on top of what every caller pays anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from pico_widget import Observation, PatientProfile, estimate
from pico_widget.core.clinic_effect import clinic_effect
from pico_widget.core.models import ClinicCourse

from .table import Row, summarise

FIVE = [
    Observation(session=s, improvement_percent=y)
    for s, y in [(1, 20), (2, 35), (3, 44), (4, 52), (5, 58)]
]


def _timings_ms(fn: Callable[[], object], repeats: int, warm: int = 20) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def run(repeats: int = 2000) -> list[Row]:
    args = {"condition": "hori_nevus", "fitzpatrick": 4, "goal_percent": 90}
    bare = PatientProfile(**args)
    observed = PatientProfile(**args, observations=FIVE)
    floor = _timings_ms(lambda: PatientProfile(**args, observations=FIVE), repeats)
    rows = [
        summarise(
            "core: estimate(), no observations",
            _timings_ms(lambda: estimate(bare), repeats),
            floor,
            "profile validation",
            target_ms=1.0,
        ),
        summarise(
            "core: estimate(), 5 observations",
            _timings_ms(lambda: estimate(observed), repeats),
            floor,
            "profile validation",
            target_ms=1.0,
        ),
    ]
    return rows + _clinic_rows(max(repeats // 100, 5), args, observed)


def clinic_courses(count: int, seed: int = 0) -> list[dict]:
    """`count` plausible courses of hori's naevus (mixed skin types and severities, 2-6
    sessions each, rounded to 5 as clinics grade), as the outcomes store would hand them."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        rate, ceiling = rng.lognormal(np.log(0.3), 0.5), rng.uniform(40, 100)
        out.append({"condition": "hori_nevus", "fitzpatrick": int(rng.integers(2, 6)),
                    "severity": str(rng.choice(["mild", "moderate", "severe"])),
                    "observations": [
                        {"session": s,
                         "improvement_percent": float(np.clip(5 * round(
                             ceiling * (1 - np.exp(-rate * s)) / 5 + rng.normal(0, 1)),
                             0, 100))}
                        for s in range(1, int(rng.integers(3, 8)))]})
    return out


def _clinic_rows(repeats: int, args: dict, observed: PatientProfile) -> list[Row]:
    """clinic_effect() for 1,000 courses of one condition (floor: validating the courses),
    and a forecast at that clinic."""
    raw = clinic_courses(1000)
    courses = [ClinicCourse(**c) for c in raw]
    effect = clinic_effect(courses)
    return [
        summarise(
            "core: clinic_effect(), 1,000 courses",
            _timings_ms(lambda: clinic_effect(courses), repeats, warm=1),
            _timings_ms(lambda: [ClinicCourse(**c) for c in raw], repeats, warm=1),
            "course validation",
            target_ms=200.0,
        ),
        summarise(
            "core: estimate(clinic=), 5 observations",
            _timings_ms(lambda: estimate(observed, clinic=effect), repeats * 20),
            _timings_ms(lambda: PatientProfile(**args, observations=FIVE), repeats * 20),
            "profile validation",
        ),
    ]
