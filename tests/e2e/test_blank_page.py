"""The blank page of issue #13, made to happen on purpose: the server reads the notebook's
output late (tests/e2e/late_iopub), as it did under a burst of arrivals on two cores."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from pico_widget.i18n.wording import wording
from tests.browser import TABLETS
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import assert_shows, profile
from tests.live_server import live_server
from tests.waiting import wait_until

LATE = {"PYTHONPATH": str(Path(__file__).parent / "late_iopub"),
        "PICO_TEST_IOPUB_DELAY": "6"}
WARNING = "Timeout waiting for IOPub output"


def test_late_output_still_reaches_the_page(chromium) -> None:
    """The shipped settings wait for it (VoilaExecutor.iopub_timeout)."""
    with live_server(name="late-iopub", env=LATE, timeout=120) as server:
        context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
        page = context.new_page()
        page.goto(server.url)
        wait_for_dashboard(page)
        assert_shows(page, profile())
        context.close()
        assert WARNING not in server.log.read_text()


def test_with_nbclient_default_wait_the_page_says_so_instead_of_staying_white(
        chromium) -> None:
    """With nbclient's default 4 s the dashboard cell is rendered empty: that was the blank
    page. The server log now says why, and the page says so in plain words."""
    with live_server("--VoilaExecutor.iopub_timeout=4", name="late-iopub-4", env=LATE,
                     timeout=120) as server:
        context = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True)
        context.add_init_script("window.picoSlowMs = 4000")
        page = context.new_page()
        page.goto(server.url)
        banner = page.locator(".pico-ended[data-kind=slow]")
        expect(banner).to_be_visible(timeout=60_000)
        expect(banner).to_contain_text(wording("service", "slow", language="en"))
        reload = wording("service", "reload", language="en")
        expect(banner.get_by_role("button", name=reload)).to_be_visible()
        expect(page.locator("[data-testid=probability]")).to_have_count(0)
        context.close()
        # nbclient logs it when its wait runs out, which can be after the page gave up.
        wait_until(lambda: WARNING in server.log.read_text(), timeout=60,
                   what="nbclient's IOPub warning in the server log")
