"""Waiting for a condition, never for a fixed time: one helper for every test and benchmark.

A fixed sleep is either too short on a loaded machine (a flaky failure) or too long on an
idle one (a slow suite); polling a condition with a deadline is neither.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from playwright.sync_api import Page

T = TypeVar("T")


def _looks(check: Callable[[], T], timeout: float, what: str) -> Iterator[T | None]:
    """Call `check` once per step: None while it is not yet true (an AssertionError means
    "not yet"), then what it returned; past `timeout` fail with `what` and the last
    assertion's message. The callers only choose how to sleep between steps."""
    deadline = time.monotonic() + timeout
    while True:
        last: AssertionError | None = None
        try:
            found: T | None = check()
        except AssertionError as error:
            found, last = None, error
        if found:
            yield found
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}"
                                 + (f": {last}" if last else "")) from last
        yield None


def wait_until(check: Callable[[], T], *, timeout: float = 30.0, every: float = 0.3,
               what: str = "the condition") -> T:
    """Call `check` until it returns something truthy, and return that. An AssertionError
    raised by `check` means "not yet"; any other error stops the wait at once. After
    `timeout` seconds fail with `what` and the last assertion's message."""
    for found in _looks(check, timeout, what):
        if found:
            return found
        time.sleep(every)
    raise AssertionError("unreachable: _looks returns a value or raises")


async def wait_until_async(check: Callable[[], T], *, timeout: float = 30.0,
                           every: float = 0.05, what: str = "the condition") -> T:
    """wait_until inside a coroutine: it sleeps with asyncio, so the event loop it runs on
    (a kernel's, whose callbacks are what make `check` true) keeps turning."""
    for found in _looks(check, timeout, what):
        if found:
            return found
        await asyncio.sleep(every)
    raise AssertionError("unreachable: _looks returns a value or raises")


def holds(assertion: Callable[[], object]) -> Callable[[], bool]:
    """A check for wait_until from a function that asserts: true once it stops raising."""
    def check() -> bool:
        assertion()
        return True
    return check


def keeps(assertion: Callable[[], object], *, seconds: float, every: float = 0.1,
          what: str = "the condition") -> None:
    """Check that `assertion` keeps passing for `seconds`: for "nothing changes", which no
    event announces. Unlike a sleep and one look, it looks every `every` seconds and fails
    at the first change, with `what` and the assertion's message."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            assertion()
        except AssertionError as error:
            raise AssertionError(f"{what} stopped holding: {error}") from error
        if time.monotonic() > deadline:
            return
        time.sleep(every)


SETTLED = """() => new Promise((done) => {
    const probe = new Image();
    const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
    probe.addEventListener("error", () => { probe.remove(); frames(); }, {once: true});
    probe.src = "data:image/png;base64,AAAA";  // not an image: fails without a request
})"""


def page_settled(page: Page) -> None:
    """Until an image the page is given now has failed and two frames have painted: any
    image error or layout change queued before this call has been handled by then."""
    page.evaluate(SETTLED)
