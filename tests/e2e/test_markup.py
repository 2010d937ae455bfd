"""Markup a visitor sends shows as text and runs nothing, in a real browser.

The two ways a visitor's own string reaches the page are a case file (the upload button)
and the case kept in the tab (sessionStorage); both are quoted in the refusal sentence.
Widget values sent over the socket are covered in tests/test_widget.py.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from pico_widget.core.cases import save_case
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import assert_shows, profile
from tests.waiting import page_settled

ATTACK = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'


def _forged() -> str:
    case = json.loads(save_case(profile()))
    case["profile"]["condition"] = ATTACK
    return json.dumps(case)


def _shown_as_text_and_ran_nothing(page: Page, where: str = ".pico-error") -> None:
    error = page.locator(f"{where} [role=alert]")
    expect(error).to_contain_text(ATTACK, timeout=30_000)  # the literal characters
    assert error.locator("img, script").count() == 0
    page_settled(page)  # an injected onerror would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert_shows(page, profile())  # and nothing else changed


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_markup_in_an_uploaded_case_file(page: Page) -> None:
    with page.expect_file_chooser() as chooser:  # as a doctor picks a file
        page.locator(".widget-upload").first.click()
    chooser.value.set_files(files=[{"name": "case.json", "mimeType": "application/json",
                                    "buffer": _forged().encode()}])
    # Beside the upload button, where the doctor is looking.
    _shown_as_text_and_ran_nothing(page, ".pico-upload-problem")
    box = page.locator(".pico-upload-problem [role=alert]").bounding_box()
    upload = page.locator(".widget-upload").first.bounding_box()
    assert box is not None and upload is not None
    assert 0 <= box["y"] - (upload["y"] + upload["height"]) < 120


@pytest.mark.parametrize("tablet", ["portrait"], indirect=True)
def test_markup_in_the_case_kept_in_the_tab(page: Page) -> None:
    page.evaluate("(v) => sessionStorage.setItem('pico-widget-case', v)", _forged())
    page.reload()
    wait_for_dashboard(page)
    _shown_as_text_and_ran_nothing(page)


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_the_page_policy_refuses_inline_event_handlers(page: Page) -> None:
    """Defence in depth: were markup ever to reach the page unescaped, its onerror= would
    not run (script-src-attr 'none'); the page's own scripts still do (the charts drew)."""
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend",
        '<img id="pico-probe" src="x" onerror="window.__pwned = 3">')""")
    page.wait_for_function("document.getElementById('pico-probe').complete")
    page_settled(page)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelector('script[data-pico-plotly]').dataset.done") \
        == "loaded"
