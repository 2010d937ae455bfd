"""The waiting helpers themselves: a wait ends on its condition, a watch fails on a change."""

from __future__ import annotations

import time

import pytest

from tests.waiting import holds, keeps, wait_until


def test_wait_until_returns_the_first_truthy_answer():
    answers = iter([None, 0, "ready"])
    assert wait_until(lambda: next(answers), timeout=5, every=0) == "ready"


def test_wait_until_names_what_it_waited_for_and_the_last_assertion():
    def never() -> None:
        raise AssertionError("still 3 rows")

    with pytest.raises(AssertionError, match=r"waited 0.2 s for the rows: still 3 rows"):
        wait_until(holds(never), timeout=0.2, every=0.05, what="the rows")


def test_keeps_fails_at_the_first_change():
    start = time.monotonic()

    def unchanged() -> None:
        assert time.monotonic() - start < 0.2, "changed"

    with pytest.raises(AssertionError, match="the chart stopped holding: changed"):
        keeps(unchanged, seconds=5, every=0.05, what="the chart")
    assert time.monotonic() - start < 2  # it did not wait out the five seconds


def test_keeps_watches_for_the_whole_time():
    looks: list[float] = []
    keeps(lambda: looks.append(time.monotonic()), seconds=0.3, every=0.05)
    assert looks[-1] - looks[0] >= 0.3 and len(looks) >= 4
