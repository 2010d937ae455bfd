"""What a patient sees on the tablet: the answer on the first screen, readable and untouched
by clipping, and the same numbers one tap away in each view."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from pico_widget import estimate
from pico_widget.core.catalogue import conditions
from pico_widget.render.summary import headline
from tests.e2e.dashboard import act, choose, drawn, expected, field, profile, sized
from tests.live_server import ARTIFACTS
from tests.waiting import holds, wait_until

# Every control a finger uses, and every element that holds text, inside the widget.
TARGETS = "button, select, input[type=number], input[type=text]"
BOXES_INSIDE = """(selector) => {
    const view = {w: window.innerWidth, h: window.innerHeight};
    return [...document.querySelectorAll(selector)].map((e) => {
        const b = e.getBoundingClientRect();
        return {selector, left: b.left, top: b.top, right: b.right, bottom: b.bottom,
                inside: b.left >= 0 && b.top >= 0 && b.right <= view.w && b.bottom <= view.h};
    });
}"""


def inside_viewport(page: Page, selector: str) -> list[dict[str, Any]]:
    boxes = page.evaluate(BOXES_INSIDE, selector)
    assert boxes, f"nothing matches {selector}"
    return boxes


def test_answer_is_on_the_first_screen(page: Page, tablet: str) -> None:
    """No scrolling: the headline and the whole default chart are inside the viewport."""
    page.wait_for_selector("[data-testid=improvement] .legend")
    sized(page, "improvement")  # the chart's resize after the first paint
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-screen-{tablet}.png"))
    assert page.evaluate("window.scrollY + document.getElementById('rendered_cells').scrollTop"
                         ) == 0
    for selector in (".pico-headline", "[data-testid=improvement]",
                     "[data-testid=improvement] svg.main-svg", ".pico-views"):
        assert all(box["inside"] for box in inside_viewport(page, selector)), selector
    fc = estimate(profile())
    figures = page.locator(".pico-headline .pico-value")
    expect(figures.first).to_contain_text(str(fc.sessions_median))
    assert float(figures.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    expect(page.locator(".pico-disclaimer summary")).to_contain_text("not a prescription")
    page.locator(".pico-disclaimer summary").tap()
    expect(page.locator(".pico-disclaimer p")).to_contain_text("your own response may differ")


def test_nothing_clipped_targets_48px_text_16px(page: Page) -> None:
    page.get_by_role("button", name="Record a session").tap()
    page.wait_for_selector(".pico-row .pico-seen-number input")
    width = page.viewport_size["width"]
    report = page.evaluate("""(targets) => {
        const app = document.querySelector('.pico-frame');
        const out = {clipped: [], small: [], tiny: []};
        for (const e of app.querySelectorAll('.pico-field *, .pico-row *, .pico-views *')) {
            if (e.offsetParent === null || e.closest('svg')) continue;
            const b = e.getBoundingClientRect();
            const column = e.closest('.pico-field, .pico-results, .pico-row')
                .getBoundingClientRect();
            if (b.right > column.right + 0.5 || b.left < column.left - 0.5)
                out.clipped.push(e.className || e.tagName);
            if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
                && e.matches('button, select, .widget-label, label'))
                out.clipped.push('cut: ' + e.textContent);
        }
        for (const e of app.querySelectorAll(targets)) {
            if (e.offsetParent === null) continue;
            const b = e.getBoundingClientRect();
            if (b.height < 47.5 || b.width < 47.5) out.small.push(e.textContent || e.tagName);
        }
        const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (!walker.currentNode.textContent.trim() || parent.closest('svg, style')
                || parent.offsetParent === null) continue;
            if (parseFloat(getComputedStyle(parent).fontSize) < 16)
                out.tiny.push(walker.currentNode.textContent.trim().slice(0, 40));
        }
        return out;
    }""", TARGETS)
    assert report == {"clipped": [], "small": [], "tiny": []}
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_each_view_shows_the_same_forecast(page: Page) -> None:
    fc = estimate(profile())
    top = headline(fc)
    choose(page, "icons")
    icons = page.locator("svg.pico-icons")
    expect(icons).to_be_visible()
    # one path each for filled, half-filled (with its outline) and outlined figures
    assert icons.locator("path").count() == 4
    expect(icons).to_have_attribute("aria-label",
                                    f"{top.reach} of 100 patients reach the goal by session "
                                    f"{top.session}; {top.never} never reach it")
    choose(page, "words")
    expect(page.locator(".pico-summary")).to_contain_text(
        f"about {top.reach} reach the goal by session {top.session}")
    choose(page, "evidence")
    # One count of studies: the headline's is the evidence view's first list.
    expect(page.locator(".pico-refs-behind li")).to_have_count(fc.evidence.studies)
    expect(page.locator(".pico-headline")).to_contain_text(f"{fc.evidence.studies} studies")
    expect(page.locator(".pico-refs")).to_contain_text(
        f"The {fc.evidence.studies} studies behind these numbers")
    expect(page.locator("[data-testid=improvement]")).to_be_hidden()
    traces = choose(page, "chance")
    assert {k: v["traces"] for k, v in traces.items()} == expected(profile(), ("probability",))


def test_chance_chart_labels_readable_and_never_covered(page: Page) -> None:
    """A long tattoo course (20 sessions): the bars' numbers keep a readable size, sit
    above the whiskers (inside the bars, the whiskers ran through them: a screen review),
    and the 50% / 90% milestones sit above the plot, not over a number."""
    label = conditions()['tattoo'].label
    act(page, lambda: field(page, "Concern").locator("select").select_option(label=label))
    kirby = field(page, "Tattoo (Kirby-Desai)")
    act(page, lambda: kirby.locator("select").nth(1).select_option(label="Many colours"))
    act(page, lambda: field(page, "Goal").get_by_role("button", name="Clear (75%)").tap())
    choose(page, "chance")
    tattoo = {"location": "upper_trunk", "colours": "multicolour", "ink": "moderate",
              "scarring": "none", "layering": "none"}
    fc = estimate(profile(condition="tattoo", tattoo=tattoo, goal_percent=75))
    assert fc.max_sessions >= 20 and fc.sessions_range is not None

    def labels_readable_and_clear() -> None:
        layout = page.evaluate("""() => {
            const chart = document.querySelector('[data-testid=probability]');
            const box = (e) => { const b = e.getBoundingClientRect();
                return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
            const labels = [...chart.querySelectorAll('.annotation-text')]
                .filter((t) => t.textContent);
            return {labels: labels.map((t) => ({box: box(t), size: parseFloat(t.style.fontSize)})),
                    notes: [...chart.querySelectorAll('.gtitle-subtitle')].map(box),
                    whiskers: [...chart.querySelectorAll('.errorbar path')].map(box),
                    subtitle: chart.querySelector('.gtitle-subtitle')?.textContent};
        }""")
        first = [next(n for n, p in enumerate(fc.prob_goal_by_session, 1) if p >= level)
                 for level in (0.5, 0.9)]
        notes = [f"half by session {first[0]}", f"9 in 10 by session {first[1]}"]
        if round(fc.never_percent) >= 5:
            notes.append(f"{round(fc.never_percent)} in 100 never reach the goal")
        assert layout["subtitle"] == "; ".join(notes)
        assert all(label["size"] >= 12 for label in layout["labels"]), layout["labels"]

        def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
            return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]

        assert layout["labels"]  # numbered, every second bar past 12 sessions
        assert not [(n, lab) for n in layout["notes"] for lab in layout["labels"]
                    if overlap(n, lab["box"])]
        assert not [(w, lab) for w in layout["whiskers"] for lab in layout["labels"]
                    if overlap(w, lab["box"])]

    wait_until(holds(labels_readable_and_clear), what="the chance chart's labels to settle")
    shown = drawn(page)["probability"]["traces"][0]["y"]
    assert shown == [round(100 * p, 1) for p in fc.prob_goal_by_session]
