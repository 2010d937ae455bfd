"""The doctor records the device settings of a session in its row; they go into the
clinical note, and a bad value is explained (escaped) beside the fields and changes nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.dashboard import act, drawn


@pytest.mark.parametrize("tablet", ["portrait"], indirect=True)
def test_device_settings_go_into_the_note(page: Page, tablet) -> None:
    page.get_by_role("button", name="Record a session").tap()
    row = page.locator(".pico-row").first
    seen = row.locator(".pico-seen-number input")
    act(page, lambda: (seen.fill("30"), seen.press("Enter")))
    row = page.locator(".pico-row:not(.pico-pending)").first
    toggle = row.get_by_role("button", name="Device settings")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    for name, value in (("Wavelength (nm)", "1064"), ("Fluence (J/cm²)", "2.5"),
                        ("Spot size (mm)", "3")):
        box = row.get_by_role("textbox", name=name)
        box.fill(value)
        box.press("Enter")
    page.get_by_role("button", name="Clinical note").tap()
    note = page.locator(".pico-app textarea")
    expect(note).to_have_value(
        re.compile(r"Device settings: S1: 1064 nm, 2\.5 J/cm2 and 3 mm spot\."))
    before = drawn(page)
    fluence = row.get_by_role("textbox", name="Fluence (J/cm²)")
    fluence.fill("<b>99</b>")
    fluence.press("Enter")
    alert = row.get_by_role("alert")
    expect(alert).to_contain_text(
        "That value was not accepted: Fluence (J/cm²) takes a number from 0 to 50, "
        "not '<b>99</b>'. Nothing else was changed.")
    assert alert.locator("b").count() == 0  # shown as text, not markup
    expect(fluence).to_have_value("2.5")
    expect(note).to_have_value(re.compile(r"S1: 1064 nm, 2\.5 J/cm2 and 3 mm spot\."))
    assert drawn(page) == before
    # Fields fit the row: nothing cut or wider than the screen.
    assert row.evaluate("r => r.scrollWidth <= r.clientWidth + 1")
