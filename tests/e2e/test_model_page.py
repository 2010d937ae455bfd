"""The model page opens as a dialog over the page (the controls stay put), plain words for
patients first and the mathematics below, in the widget's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pico_widget.i18n.wording import wording
from tests.e2e.dashboard import field


@pytest.mark.parametrize("tablet", ["portrait", "landscape"], indirect=True)
def test_model_page_opens_as_a_dialog_without_moving_the_controls(page: Page, tablet) -> None:
    concern = field(page, "Concern")
    before = concern.bounding_box()
    page.locator(".pico-model-button").tap()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    first = dialog.locator("h2").first
    expect(first).to_have_text(wording("model_intro", "title", language="en"))
    expect(dialog.locator(".pico-model-intro p").first).to_contain_text("patients like you")
    expect(dialog.locator(".pico-model-maths")).to_have_text(
        wording("model_intro", "mathematics", language="en"))
    # The plain section comes before the mathematics.
    assert (dialog.locator(".pico-model-intro").bounding_box()["y"]
            < dialog.locator(".pico-model-maths").bounding_box()["y"])
    box = dialog.bounding_box()
    view = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 1
    assert concern.bounding_box() == before  # the controls did not move
    expect(page.locator(".pico-model")).to_be_focused()
    dialog.get_by_role("button", name=wording("model_intro", "close", language="en")).tap()
    expect(dialog).to_be_hidden()
    assert concern.bounding_box() == before


IN_DIALOG = ("document.activeElement"
             " && document.activeElement.closest('.pico-model-dialog') !== null")


@pytest.mark.parametrize("tablet", ["landscape"], indirect=True)
def test_model_dialog_is_modal_for_keyboard_and_touch(page: Page, tablet) -> None:
    """Opened from the keyboard, focus moves in; Tab and Shift+Tab stay inside (wrapping
    round); the page behind is dimmed and out of reach; Escape closes and focus goes back to
    the button that opened it; so does a tap on the backdrop."""
    opener = page.locator(".pico-model-button")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(page.locator(".pico-model")).to_be_focused()
    assert page.evaluate(
        "document.elementFromPoint(3, 3).classList.contains('pico-model-backdrop')")
    assert page.locator(".pico-header-row").evaluate("e => e.closest('[inert]') !== null")
    stops = page.locator(".pico-model-dialog").evaluate(
        "d => [...d.querySelectorAll('button, a[href], [tabindex=\"0\"], summary')]"
        ".filter(e => e.getClientRects().length).length")
    seen = set()
    for key in ["Tab"] * (stops + 2) + ["Shift+Tab"] * (stops + 2):
        page.keyboard.press(key)
        assert page.evaluate(IN_DIALOG), key
        seen.add(page.evaluate("document.activeElement.className"))
    assert any("pico-model-close" in name for name in seen)  # wrapped round to the top
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert page.locator(".pico-header-row").evaluate("e => e.closest('[inert]') === null")
    opener.tap()
    expect(dialog).to_be_visible()
    page.locator(".pico-model-backdrop").tap(position={"x": 3, "y": 3})
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
