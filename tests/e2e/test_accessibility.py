"""WCAG 2.0/2.1/2.2 A and AA, as axe-core (npm, fetched by .ci/ensure-axe) checks them: every
view in each language at both tablet sizes, the model page and the handout, and by hand what
axe cannot see (a toggle says it is selected, the page's language, charts with a name, a
focus ring, touch targets).

One page per language (switching views and sizes within it) keeps the run to a few minutes.
Every violation found is written to test-artifacts/axe-summary.json, then the test fails on
any.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pico_widget import PatientProfile
from pico_widget.i18n.wording import language_names, wording
from pico_widget.render.handout import handout_html
from tests.browser import TABLETS, is_local, offline_page
from tests.e2e.conftest import open_dashboard
from tests.live_server import ARTIFACTS, ROOT

AXE = ROOT / ".venv" / "axe" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
VIEWS = ("curve", "chance", "icons", "words", "evidence")
RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                            resultTypes: ['violations']});
    return result.violations.map((v) => ({id: v.id, impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(' ') + ' :: '
                           + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))}));
}"""


# A view without a chart is on screen: its button alone is pressed (aria-pressed, which axe
# reads, is set by a11y.js a moment after the tap) and its panel alone is shown, filled.
PAGE_VIEW_SHOWN = """(label) => {
    const stack = document.querySelector('.pico-view-stack');
    const pressed = [...stack.querySelectorAll('.pico-views button')]
        .filter((b) => b.getAttribute('aria-pressed') === 'true');
    const shown = [...stack.children].filter((c) => !c.classList.contains('pico-views')
                                                 && c.offsetParent !== null);
    return pressed.length === 1 && pressed[0].textContent.trim() === label
        && shown.length === 1 && shown[0].querySelector('.pico-chart') === null
        && shown[0].textContent.trim() !== '';
}"""

def axe(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN, TAGS)


def _record(key: str, found: list[dict[str, Any]]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "axe-summary.json"
    summary = json.loads(path.read_text()) if path.exists() else {}
    summary[key] = found
    path.write_text(json.dumps(summary, indent=1, ensure_ascii=False))


@pytest.fixture(scope="module", autouse=True)
def axe_script() -> Path:
    assert AXE.exists(), "run `make test` (or bash .ci/ensure-axe) to fetch axe-core"
    return AXE


def record_sessions(page: Page, button: str) -> None:
    """One recorded session (typed, with its device settings open and a value refused) and
    one still empty, so every kind of row is audited."""
    page.get_by_role("button", name=button).tap()
    number = page.locator(".pico-row .pico-seen-number input").first
    number.fill("30")
    number.press("Enter")
    page.wait_for_selector(".pico-row:not(.pico-pending) .noUi-handle")
    # Its device settings open, one refused (so the fields and their sentence are audited).
    page.locator(".pico-row:not(.pico-pending) .pico-device-toggle").first.tap()
    fluence = page.locator(".pico-row:not(.pico-pending) .pico-device-field input").nth(1)
    fluence.fill("999")
    fluence.press("Enter")
    page.wait_for_selector(".pico-row .pico-device [role=alert]")
    page.get_by_role("button", name=button).tap()
    page.wait_for_selector(".pico-row.pico-pending")


def _open(server: Any, chromium: Any, language: str) -> tuple[Any, Page, list[str]]:
    context, page, requests = open_dashboard(server, chromium, TABLETS["landscape"])
    if language != "en":
        page.locator(".pico-language button", has_text=language_names()[language]).tap()
        expect(page.locator("html")).to_have_attribute("lang", language, timeout=60_000)
        page.wait_for_selector("[data-testid=improvement][data-revision]")
    return context, page, requests


@pytest.mark.parametrize("language", ["en", "zh-Hans", "ms"])
def test_no_axe_violations_in_any_view_language_or_size(server, chromium,
                                                        language: str) -> None:
    context, page, requests = _open(server, chromium, language)
    record_sessions(page, wording("labels", "add_observation", language=language))
    found: dict[str, list[dict[str, Any]]] = {}
    labels = wording("views", language=language)
    for size, viewport in TABLETS.items():
        page.set_viewport_size(viewport)
        for view in VIEWS:
            page.locator(".pico-views").get_by_role("button", name=labels[view],
                                                    exact=True).tap()
            chart = {"curve": "improvement", "chance": "probability"}.get(view)
            if chart:
                page.wait_for_selector(f"[data-testid={chart}][data-revision] svg.main-svg")
            else:
                page.wait_for_function(PAGE_VIEW_SHOWN, arg=labels[view])
            key = f"{language} {size} {view}"
            found[key] = axe(page)
            _record(key, found[key])
    page.locator(".pico-model-button").tap()
    page.wait_for_selector(".pico-model h1, .pico-model h2")
    found[f"{language} model page"] = axe(page)
    _record(f"{language} model page", found[f"{language} model page"])
    context.close()
    assert [u for u in requests if not is_local(u)] == []
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "zh-Hans", "ms"])
def test_no_axe_violations_in_the_handout(chromium, language: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"axe-handout-{language}.html"
    profile = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                             goal_percent=75, observations=[{"session": 1,
                                                             "improvement_percent": 20}])
    path.write_text(handout_html(profile, language=language), "utf-8")
    context, page, _requests = offline_page(chromium, path)
    found = axe(page)
    _record(f"{language} handout", found)
    context.close()
    assert found == []


def test_toggles_say_which_is_selected_and_charts_have_names(page: Page) -> None:
    """aria-pressed on every toggle (language, skin type, goal, laser, views), a name on each
    chart, the page's language, a visible focus ring apart from "selected", 44 px targets."""
    report = page.evaluate("""() => {
        const groups = {};
        for (const sel of ['.pico-language', '.pico-fitz', '.pico-views', '.pico-presets',
                           '.pico-laser']) {
            const buttons = [...document.querySelectorAll(sel + ' button')];
            const state = (b) => b.getAttribute('aria-pressed');
            groups[sel] = {count: buttons.length,
                           pressed: buttons.filter((b) => state(b) === 'true').length,
                           unset: buttons.filter((b) => !['true', 'false'].includes(state(b)))
                               .length};
        }
        const chart = document.querySelector('[data-testid=improvement]');
        return {groups, lang: document.documentElement.lang,
                chart: {role: chart.getAttribute('role'), name: chart.getAttribute('aria-label')}};
    }""")
    for selector, group in report["groups"].items():
        assert group["count"] >= 2 and group["unset"] == 0, (selector, group)
        assert group["pressed"] == 1, (selector, group)
    assert report["lang"] == "en"
    assert report["chart"]["role"] == "img"
    assert wording("charts", "improvement_title", language="en") in report["chart"]["name"]

    # Touch targets: slider handles and the compare checkbox at least 44 px.
    record_sessions(page, "Record a session")
    sizes = page.evaluate("""() => [...document.querySelectorAll(
            '.pico-app .noUi-handle, .pico-app .widget-checkbox input')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; })""")
    assert len(sizes) >= 3 and all(w >= 43.9 and h >= 43.9 for w, h in sizes), sizes

    # The focus ring: keyboard focus on a selected toggle shows a ring that is not the
    # "selected" mark, with at least 3:1 contrast against white.
    selected = page.locator(".pico-fitz button[aria-pressed=true]")
    selected.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor,
                shadow: s.boxShadow}; }""")
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    unfocused = page.evaluate("""() => { const b = document.querySelector(
            '.pico-fitz button[aria-pressed=true]'); b.blur();
        const s = getComputedStyle(b); return {style: s.outlineStyle, shadow: s.boxShadow}; }""")
    assert (unfocused["style"], unfocused["shadow"]) != (ring["style"], ring["shadow"])
    assert _contrast(ring["colour"], "rgb(255, 255, 255)") >= 3


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        parts = [float(x) / 255 for x in colour[colour.index("(") + 1:-1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_page_language_follows_the_widget(server, chromium) -> None:
    context, page, _requests = _open(server, chromium, "zh-Hans")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.locator(".pico-language button", has_text=language_names()["en"]).tap()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=60_000)
    context.close()

