"""Core speed: estimate() without and with 5 observations, against a floor in the same run.

The floor is building the PatientProfile itself (validation only), so the ratio shows
what the forecast adds on top of what every caller pays anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pico_widget import Observation, PatientProfile, estimate

from .table import Row, summarise

FIVE = [
    Observation(session=s, improvement_percent=y)
    for s, y in [(1, 20), (2, 35), (3, 44), (4, 52), (5, 58)]
]


def _timings_ms(fn: Callable[[], object], repeats: int) -> list[float]:
    for _ in range(20):
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
    return rows
