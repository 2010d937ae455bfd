"""A trainer's projector (1920x1080): the widget uses the width, body text is 20 px or more
and the charts' axis labels 18 px or more, in every view."""

from __future__ import annotations

from browser import is_local
from conftest import open_dashboard
from dashboard import choose
from live_server import ARTIFACTS

PROJECTOR = {"width": 1920, "height": 1080}
SIZES = """() => {
    const app = document.querySelector('.pico-frame');
    const small = [];
    const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || parent.closest('svg, style')
            || parent.offsetParent === null) continue;
        const size = parseFloat(getComputedStyle(parent).fontSize);
        if (size < 20) small.push(walker.currentNode.textContent.trim().slice(0, 30) + ' ' + size);
    }
    const axis = [...document.querySelectorAll('.pico-chart .xtick text, .pico-chart .ytick text')]
        .filter((t) => t.closest('.pico-chart').offsetParent !== null)
        .map((t) => parseFloat(t.style.fontSize));
    return {small, axis, width: app.getBoundingClientRect().width};
}"""


def test_projector_text_is_big_enough_and_uses_the_width(server, chromium) -> None:
    context, page, requests = open_dashboard(server, chromium, PROJECTOR)
    page.wait_for_timeout(800)
    found = {}
    for view in ("curve", "chance", "icons", "words", "evidence"):
        choose(page, view)
        page.wait_for_timeout(300)
        found[view] = page.evaluate(SIZES)
        if view == "curve":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "projector-1920x1080.png"))
    context.close()
    for view, report in found.items():
        assert report["width"] >= 1800, (view, report["width"])
        assert report["small"] == [], (view, report["small"])
        if view in ("curve", "chance"):
            assert report["axis"] and min(report["axis"]) >= 18, (view, report["axis"])
    assert [u for u in requests if not is_local(u)] == []
