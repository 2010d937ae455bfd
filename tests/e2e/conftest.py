"""Browser fixtures: one Voila server per run, a fresh tablet-sized page per test.

Every test's requests are logged; a request to any host but the local server fails it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser import TABLETS, is_local, launch
from tests.live_server import ARTIFACTS, LiveServer, live_server
from tests.waiting import page_settled


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with live_server(name="e2e") as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(params=list(TABLETS))
def tablet(request: pytest.FixtureRequest) -> str:
    return request.param


def open_dashboard(server: LiveServer, chromium: Any,
                   viewport: dict[str, int]) -> tuple[Any, Page, list[str]]:
    """A fresh touch context at `viewport` with the dashboard painted: (context, page,
    every URL the page asked for, for the offline check)."""
    context = chromium.new_context(viewport=viewport, has_touch=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url)
    wait_for_dashboard(page)
    return context, page, requests


@pytest.fixture
def page(server: LiveServer, chromium: Any, tablet: str,
         request: pytest.FixtureRequest) -> Iterator[Page]:
    context, page, requests = open_dashboard(server, chromium, TABLETS[tablet])
    yield page
    name = request.node.name.replace("[", "-").rstrip("]")
    screenshot(page, f"{name}.png")
    context.close()
    assert [u for u in requests if not is_local(u)] == []


def wait_for_dashboard(page: Page, timeout: float = 90_000) -> None:
    """The page has painted its answer: the headline and the default chart."""
    page.wait_for_selector("[data-testid=improvement][data-revision]", timeout=timeout)
    page.wait_for_selector(".pico-headline", timeout=timeout)


def screenshot(page: Page, filename: str) -> None:
    """The whole dashboard (it scrolls inside Voila's panel), at the page's width."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.getElementById('rendered_cells').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page_settled(page)  # the taller page laid out and painted
    page.screenshot(path=str(ARTIFACTS / filename))
    page.set_viewport_size(size)
