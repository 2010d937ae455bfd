"""The model page opens as a dialog over the page (the controls stay put), plain words for
patients first and the mathematics below, in the widget's language."""

from __future__ import annotations

import pytest
from dashboard import field
from playwright.sync_api import Page, expect

from pico_widget.i18n.wording import wording


@pytest.mark.parametrize("tablet", ["portrait", "landscape"], indirect=True)
def test_model_page_opens_as_a_dialog_without_moving_the_controls(page: Page, tablet) -> None:
    concern = field(page, "Concern")
    before = concern.bounding_box()
    page.locator(".pico-model-button").tap()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    first = dialog.locator("h2").first
    expect(first).to_have_text(wording("model_intro", "title"))
    expect(dialog.locator(".pico-model-intro p").first).to_contain_text("patients like you")
    expect(dialog.locator(".pico-model-maths")).to_have_text(
        wording("model_intro", "mathematics"))
    # The plain section comes before the mathematics.
    assert (dialog.locator(".pico-model-intro").bounding_box()["y"]
            < dialog.locator(".pico-model-maths").bounding_box()["y"])
    box = dialog.bounding_box()
    view = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 1
    assert concern.bounding_box() == before  # the controls did not move
    expect(page.locator(".pico-model")).to_be_focused()
    dialog.get_by_role("button", name=wording("model_intro", "close")).tap()
    expect(dialog).to_be_hidden()
    assert concern.bounding_box() == before
