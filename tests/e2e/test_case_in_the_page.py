"""The case survives the kernel: reload, a killed kernel or a culled one bring it back."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from pico_widget.core.cases import save_case
from pico_widget.core.models import FITZPATRICK_NUMERALS
from pico_widget.i18n.wording import wording
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import assert_shows, field, profile
from tests.e2e.test_server import kernel_process, kernel_socket
from tests.waiting import holds, wait_until

KEY = "pico-widget-case"


def _choose_skin_type(page: Page, fitzpatrick: int) -> None:
    field(page, "Skin type").get_by_role(
        "button", name=FITZPATRICK_NUMERALS[fitzpatrick - 1], exact=True).tap()
    _until_shows(page, profile(fitzpatrick=fitzpatrick))


def _until_shows(page: Page, case, seconds: float = 60) -> None:
    wait_until(holds(lambda: assert_shows(page, case)), timeout=seconds,
               what="the page to show the case")


def _reload_from_banner(page: Page, socket_url: str) -> str:
    banner = page.locator(".pico-ended")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text(wording("errors", "session_ended", language="en"))
    urls: list[str] = []
    page.on("websocket", lambda ws: urls.append(ws.url))
    banner.get_by_role("button", name=wording("service", "reload", language="en")).tap()
    wait_for_dashboard(page)
    # The last kernel socket: the old page may still try its dead kernel's socket again
    # in the moment before the reload replaces it.
    new = [u for u in urls if "/api/kernels/" in u][-1]
    assert new.split("/channels")[0] != socket_url.split("/channels")[0]  # a fresh kernel
    return new


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_reload_shows_the_same_case_with_no_typing(page: Page) -> None:
    _choose_skin_type(page, 5)
    stored = json.loads(page.evaluate(f"sessionStorage.getItem('{KEY}')"))
    assert stored["profile"] == json.loads(save_case(profile(fitzpatrick=5)))["profile"]
    assert set(stored["profile"]) == set(profile().model_dump())  # the profile, nothing else
    page.reload()
    wait_for_dashboard(page)
    _until_shows(page, profile(fitzpatrick=5))


@pytest.mark.parametrize("tablet", ["portrait"], indirect=True)
def test_a_killed_kernel_gives_the_case_back_after_reload(page: Page, server) -> None:
    socket_url = kernel_socket(page)
    _choose_skin_type(page, 6)
    kernel_process(server.process.pid, socket_url).kill()
    _reload_from_banner(page, socket_url)
    _until_shows(page, profile(fitzpatrick=6))
    expect(page.locator(".pico-ended")).to_have_count(0)


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_a_culled_kernel_gives_the_case_back_after_reload(page: Page) -> None:
    """The server shuts the kernel down, as its idle cull does while a tablet sleeps."""
    socket_url = kernel_socket(page)
    _choose_skin_type(page, 2)
    kernel_id = socket_url.split("/api/kernels/")[1].split("/")[0]
    status = page.evaluate("""(id) => {
        const data = new FormData();
        data.append("_xsrf", (document.cookie.match(/\\b_xsrf=([^;]*)/) || [])[1] || "");
        return fetch(`/voila/api/shutdown/${id}`, {method: "POST", body: data})
          .then((r) => r.status);
    }""", kernel_id)
    assert status == 204
    _reload_from_banner(page, socket_url)
    _until_shows(page, profile(fitzpatrick=2))


@pytest.mark.parametrize("tablet", ["portrait"], indirect=True)
def test_a_forged_case_in_the_page_is_refused_and_changes_nothing(page: Page) -> None:
    forged = json.loads(save_case(profile()))
    forged["profile"]["fitzpatrick"] = 9
    page.evaluate("(v) => sessionStorage.setItem('pico-widget-case', v)", json.dumps(forged))
    page.reload()
    wait_for_dashboard(page)
    error = page.locator(".pico-error [role=alert]")
    invalid = wording("case_file", "invalid", language="en")
    expect(error).to_contain_text(invalid.split("{")[0].strip())
    assert_shows(page, profile())
    # The refused value is replaced by the case actually on screen.
    page.wait_for_function(f"JSON.parse(sessionStorage.getItem('{KEY}')).profile.fitzpatrick"
                           f" === {profile().fitzpatrick}")
