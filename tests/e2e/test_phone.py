"""A phone (390x844) and the tablets: every chosen value read whole, no chart title cut, the
session labels apart, and on the phone the answer before the inputs."""

from __future__ import annotations

from typing import Any

import pytest

from pico_widget.core.catalogue import conditions
from tests.browser import TABLETS, is_local
from tests.e2e.conftest import open_dashboard
from tests.e2e.dashboard import act, choose, field, sized
from tests.live_server import ARTIFACTS

PHONE = {"width": 390, "height": 844}
CUT = """() => {
    const out = [], pen = document.createElement('canvas').getContext('2d');
    for (const e of document.querySelectorAll('.pico-app select')) {
        if (e.offsetParent === null || e.selectedIndex < 0) continue;
        const style = getComputedStyle(e);
        pen.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
        const text = e.options[e.selectedIndex].text;
        const room = e.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight) - 16;  // the arrow
        if (pen.measureText(text).width > room) out.push('cut: ' + text);
        const b = e.getBoundingClientRect();
        if (b.right > window.innerWidth + 0.5) out.push('outside: ' + text);
    }
    for (const chart of document.querySelectorAll('.pico-chart')) {
        if (chart.offsetParent === null) continue;
        const edge = chart.getBoundingClientRect();
        for (const t of chart.querySelectorAll('.gtitle, .gtitle-subtitle')) {
            const b = t.getBoundingClientRect();
            if (b.right > edge.right + 1 || b.left < edge.left - 1)
                out.push('title cut: ' + t.textContent);
        }
        // Session labels with room between them ("10 11 12" touched on a phone).
        const ticks = [...chart.querySelectorAll('.xtick text')]
            .map((t) => t.getBoundingClientRect()).filter((b) => b.width > 0)
            .sort((a, b) => a.left - b.left);
        for (let i = 1; i < ticks.length; i++) {
            if (ticks[i].left - ticks[i - 1].right < 4)
                out.push('ticks crowded: ' + chart.getAttribute('data-testid'));
        }
    }
    if (document.documentElement.scrollWidth > window.innerWidth) out.push('sideways scroll');
    return out;
}"""


def _cut(page: Any) -> list[str]:
    return page.evaluate(CUT)


@pytest.mark.parametrize("size", ["phone", "portrait", "landscape"])
def test_every_chosen_value_and_chart_title_is_read_whole(server, chromium, size) -> None:
    viewport = PHONE if size == "phone" else TABLETS[size]
    context, page, requests = open_dashboard(server, chromium, viewport)
    sized(page, "improvement")
    found = {"default curve": _cut(page)}
    choose(page, "chance")
    found["default chance"] = _cut(page)
    # The longest severity grades (acne scars' "Grade 3 (moderate): obvious at 50 cm...").
    acne = conditions()["acne_scars"]
    act(page, lambda: field(page, "Concern").locator("select").select_option(
        label=acne.label))
    found["acne scars"] = _cut(page)
    if size == "phone":
        top = page.evaluate("""() => Object.fromEntries(
            ['.pico-answer', '.pico-inputs', '.pico-views'].map(
                (s) => [s, document.querySelector(s).getBoundingClientRect().top]))""")
        # The answer first: the headline above the inputs, the inputs above the views.
        assert top[".pico-answer"] < top[".pico-inputs"] < top[".pico-views"], top
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"read-whole-{size}.png"), full_page=True)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}
    assert [u for u in requests if not is_local(u)] == []


@pytest.mark.parametrize("size", ["phone", "portrait", "landscape"])
def test_every_concern_reads_whole_in_each_language(server, chromium, size) -> None:
    """The longest names ("Post-inflammatory hyperpigmentation", Hori's nevus in Chinese,
    the tattoo's "Professional, moderate ink") in the 300-360 px input column, on a phone
    and in the portrait band: each concern chosen in turn, in every language."""
    from pico_widget.i18n.wording import LANGUAGES, language_names

    viewport = PHONE if size == "phone" else TABLETS[size]
    context, page, requests = open_dashboard(server, chromium, viewport)
    found: dict[str, list[str]] = {}
    for language in LANGUAGES:
        if language != "en":
            page.locator(".pico-language button", has_text=language_names()[language]).tap()
            page.wait_for_function(f"document.documentElement.lang === '{language}'")
            page.wait_for_selector("[data-testid=improvement][data-revision]")
        concern = page.locator(".pico-inputs select").first
        for index in range(concern.evaluate("s => s.options.length")):
            if concern.evaluate("s => s.selectedIndex") != index:
                act(page, lambda i=index, s=concern: s.select_option(index=i))
            name = concern.evaluate("s => s.options[s.selectedIndex].text")
            found[f"{language} {name}"] = _cut(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}
    assert [u for u in requests if not is_local(u)] == []
