"""A trainer's projector (1920x1080): the widget uses the width, body text is 20 px or more
and the charts' axis labels 18 px or more, in every view; cases side by side for a class."""

from __future__ import annotations

import itertools

from playwright.sync_api import expect

from pico_widget.core.cases import teaching_cases
from tests.browser import is_local
from tests.e2e.conftest import open_dashboard
from tests.e2e.dashboard import choose
from tests.e2e.test_accessibility import axe
from tests.live_server import ARTIFACTS
from tests.waiting import holds, wait_until

PROJECTOR = {"width": 1920, "height": 1080}
# Every piece of text under `root` smaller than 20 px (its first words and its size).
SMALL = """(root) => {
    const small = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || parent.closest('svg, style')
            || parent.offsetParent === null) continue;
        const size = parseFloat(getComputedStyle(parent).fontSize);
        if (size < 20) small.push(walker.currentNode.textContent.trim().slice(0, 30) + ' ' + size);
    }
    return small;
}"""
SIZES = """() => {
    const app = document.querySelector('.pico-frame');
    const small = (SMALL)(app);
    const axis = [...document.querySelectorAll('.pico-chart .xtick text, .pico-chart .ytick text')]
        .filter((t) => t.closest('.pico-chart').offsetParent !== null)
        .map((t) => parseFloat(t.style.fontSize));
    return {small, axis, width: app.getBoundingClientRect().width};
}""".replace("SMALL", SMALL)


def test_projector_text_is_big_enough_and_uses_the_width(server, chromium) -> None:
    context, page, requests = open_dashboard(server, chromium, PROJECTOR)

    def big_and_wide(view: str) -> None:
        report = page.evaluate(SIZES)
        assert report["width"] >= 1800, (view, report["width"])
        assert report["small"] == [], (view, report["small"])
        if view in ("curve", "chance"):
            assert report["axis"] and min(report["axis"]) >= 18, (view, report["axis"])

    try:
        for view in ("curve", "chance", "icons", "words", "evidence"):
            choose(page, view)
            wait_until(holds(lambda view=view: big_and_wide(view)),
                       what=f"the {view} view in the projector's sizes")
            if view == "curve":
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "projector-1920x1080.png"))
    finally:
        context.close()
    assert [u for u in requests if not is_local(u)] == []


CLASS = """() => {
    const view = document.querySelector('.pico-class');
    const small = (SMALL)(view);
    const columns = [...view.querySelectorAll('.pico-class-case')].map((c) => {
        const box = c.getBoundingClientRect();
        const chart = c.querySelector('.pico-chart');
        return {left: box.left, right: box.right, top: box.top,
                drawn: chart.dataset.revision !== undefined,
                traces: chart.data ? chart.data.map((t) => t.name) : [],
                axis: [...chart.querySelectorAll('.xtick text, .ytick text')]
                    .map((t) => parseFloat(t.style.fontSize))};
    });
    return {small, columns, width: window.innerWidth};
}""".replace("SMALL", SMALL)


def test_trainer_shows_cases_side_by_side_on_the_projector(server, chromium) -> None:
    """Three teaching cases added in turn stand in three columns in one row, each with its
    title, headline and improvement chart, in the projector's type sizes; one is removed."""
    cases = teaching_cases()[:3]
    context, page, requests = open_dashboard(server, chromium, PROJECTOR)
    picker = page.locator(".pico-header-row select")
    add = page.locator(".pico-class-add")
    for count, case in enumerate(cases, start=1):
        picker.select_option(label=case.title)
        expect(page.locator(".pico-point")).to_contain_text(case.title)
        add.tap()
        expect(page.locator(".pico-class-case")).to_have_count(count)
    page.wait_for_function("""() => [...document.querySelectorAll('.pico-class-case .pico-chart')]
        .every((c) => c.dataset.revision !== undefined && c.querySelector('.xtick'))""")

    def in_one_row_in_big_type() -> None:
        report = page.evaluate(CLASS)
        columns = report["columns"]
        assert len(columns) == 3 and len({c["top"] for c in columns}) == 1, columns  # one row
        assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(columns)), columns
        assert columns[-1]["right"] <= report["width"], columns
        assert all(c["drawn"] and "Typical patient" in c["traces"] for c in columns)
        assert min(size for c in columns for size in c["axis"]) >= 18, columns
        assert report["small"] == [], report["small"]

    wait_until(holds(in_one_row_in_big_type), what="three cases in one row in the projector's type")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "projector-side-by-side.png"))
    for column, case in zip(page.locator(".pico-class-case").all(), cases, strict=True):
        expect(column.locator(".pico-class-title")).to_have_text(case.title)
        expect(column.locator(".pico-headline")).to_be_visible()
    assert axe(page) == []
    page.locator(".pico-class-case").nth(1).get_by_role("button", name="Remove").tap()
    expect(page.locator(".pico-class-case")).to_have_count(2)
    expect(page.locator(".pico-class-title").nth(1)).to_have_text(cases[2].title)
    context.close()
    assert [u for u in requests if not is_local(u)] == []
