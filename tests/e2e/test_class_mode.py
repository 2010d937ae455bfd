"""Teaching mode on a 1920x1080 projector (issue 33): the class guesses before the answer
shows, steps through a course, sees four cases on one screen on shared axes, and saves a
case or the whole view as a slide (PNG, one-page PDF)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from pico_widget.i18n.wording import wording
from tests.e2e.conftest import open_dashboard
from tests.e2e.test_accessibility import axe
from tests.live_server import ARTIFACTS, LiveServer
from tests.waiting import wait_until

PROJECTOR = {"width": 1920, "height": 1080}
MELASMA = "Melasma, modest goal"
TATTOO = "Multicolour cover-up tattoo on the ankle"
OTA = "Nevus of Ota, picosecond or Q-switched"
HORI = "Hori's nevus after two slow sessions"
FOUR = (MELASMA, TATTOO, OTA, HORI)

# How far the page (and Voila's panel around it) would scroll: 0 when all of it shows.
SCROLL = """() => {
    const cells = document.getElementById('rendered_cells');
    return {page: document.scrollingElement.scrollHeight - innerHeight,
            panel: cells ? cells.scrollHeight - cells.clientHeight : 0,
            bottom: Math.max(...[...document.querySelectorAll('.pico-class-case')]
                .map((c) => c.getBoundingClientRect().bottom)) - innerHeight}; }"""
# Each column's chart as plotly.js drew it: axes, traces, whether it shows the newest figure
# (the goal and ceiling, drawn as traces across the axis, static/plotly_view.js, left out).
CHARTS = """() => [...document.querySelectorAll('.pico-class-case .pico-chart')].map((c) => ({
    drawn: c.dataset.revision !== undefined && c.offsetParent !== null && !!c.layout,
    x: c.layout && c.layout.xaxis.range, dtick: c.layout && c.layout.xaxis.dtick,
    y: c.layout && c.layout.yaxis.range,
    traces: (c.data || []).filter((t) => t.meta !== 'pico-level')
        .map((t) => ({name: t.name, x: t.x}))}))"""


def column(page: Page, title: str) -> Any:
    return page.locator(".pico-class-case", has=page.locator(".pico-class-title",
                                                             has_text=title))


def teach(page: Page, titles: tuple[str, ...]) -> None:
    """Class mode on, then each teaching case chosen and added, as a trainer would."""
    page.get_by_role("button", name=wording("teaching", "class_mode", language="en")).click()
    expect(page.locator(".pico-class")).to_be_visible()
    expect(page.locator("[data-testid=improvement]")).to_be_hidden()  # the widget stepped aside
    picker = page.locator(".pico-header-row select")
    for count, title in enumerate(titles, start=1):
        picker.select_option(label=title)
        page.get_by_role("button", name=wording("labels", "class_add", language="en")).click()
        expect(page.locator(".pico-class-case")).to_have_count(count)
        expect(column(page, title)).to_have_count(1)


def no_scroll(page: Page) -> None:
    scroll = page.evaluate(SCROLL)
    assert scroll["page"] <= 0 and scroll["panel"] <= 0 and scroll["bottom"] <= 0, scroll


def drawn(page: Page, count: int) -> list[dict[str, Any]]:
    def ready() -> list[dict[str, Any]]:
        charts = page.evaluate(CHARTS)
        assert len(charts) == count and all(c["drawn"] for c in charts), charts
        return charts
    return wait_until(ready, what="every column's chart drawn")


def test_guess_reveal_step_four_cases_on_shared_axes_without_scrolling(
        server: LiveServer, chromium: Any) -> None:
    context, page, _ = open_dashboard(server, chromium, PROJECTOR)
    teach(page, FOUR)
    # Guess first: no answer, no chart, until "Reveal".
    expect(page.locator(".pico-class-case .pico-covered")).to_have_count(4)
    # The cover's words and the chart's hiding are two kernel messages: wait for both.
    expect(page.locator(".pico-class-case .pico-headline")).to_have_count(0)
    expect(page.locator(".pico-class-case .pico-chart:visible")).to_have_count(0)
    no_scroll(page)
    assert axe(page) == []
    guess = column(page, MELASMA).get_by_label(wording("teaching", "guess_label", language="en"))
    guess.fill("4, 6 6")
    guess.press("Enter")
    expect(guess).to_have_value("4, 6, 6")  # read back as the class's guesses
    bad = column(page, TATTOO).get_by_label(wording("teaching", "guess_label", language="en"))
    bad.fill("<b>lots</b>")
    bad.press("Enter")
    alert = column(page, TATTOO).get_by_role("alert")
    expect(alert).to_contain_text("whole numbers of sessions from 1 to 20")
    expect(bad).to_have_value("")  # nothing else changed
    assert column(page, TATTOO).locator(".pico-headline").count() == 0
    for title in FOUR:
        reveal = wording("teaching", "reveal", language="en")
        column(page, title).get_by_role("button", name=reveal).click()
        expect(column(page, title).locator(".pico-headline")).to_be_visible()
    charts = drawn(page, 4)
    # Shared axes: the same sessions (the tattoo's 20), ticks every 2, the same percent.
    assert {(tuple(c["x"]), c["dtick"], tuple(c["y"])) for c in charts} == {
        ((-0.3, 20.3), 2, (0, 102))}, charts
    name = wording("teaching", "guesses", language="en")
    guessed = [t for t in charts[0]["traces"] if t["name"] == name]
    assert guessed and guessed[0]["x"] == [4, 6]
    assert any("Q-switched" in t["name"] for t in charts[2]["traces"])  # as its title says
    assert not any("Q-switched" in t["name"] for t in charts[0]["traces"])
    no_scroll(page)
    assert axe(page) == []
    # Step through: the Hori's nevus course up to session 1, with how its result moved it.
    hori = column(page, HORI)
    hori.get_by_role("button", name=wording("teaching", "next_session", language="en")).click()
    expect(hori.locator(".pico-step-note")).to_contain_text("Session 1 of 12: 5% seen")
    expect(hori.locator(".pico-step-note")).to_contain_text("before it:")

    def cut_at_one() -> bool:
        traces = page.evaluate(CHARTS)[3]["traces"]
        assert traces and all(max(t["x"]) <= 1 for t in traces), traces
        return True
    wait_until(cut_at_one, what="the course drawn to session 1")
    hori.get_by_role("button", name=wording("teaching", "next_session", language="en")).click()
    expect(hori.locator(".pico-step-note")).to_contain_text("Session 2 of 12: 8% seen")
    wait_until(lambda: max(max(t["x"]) for t in page.evaluate(CHARTS)[3]["traces"]) == 2,
               what="the course drawn to session 2")
    no_scroll(page)
    context.close()


def _download(page: Page, button: Any) -> bytes:
    with page.expect_download() as download:
        button.click()
    path = download.value.path()
    return open(path, "rb").read()


def test_a_case_and_the_class_view_save_as_png_and_one_page_pdf(
        server: LiveServer, chromium: Any) -> None:
    import pypdfium2
    from PIL import Image

    context, page, _ = open_dashboard(server, chromium, PROJECTOR)
    teach(page, (MELASMA, OTA))
    for title in (MELASMA, OTA):
        reveal = wording("teaching", "reveal", language="en")
        column(page, title).get_by_role("button", name=reveal).click()
    drawn(page, 2)
    png = _download(page, column(page, OTA).locator(".pico-export-png"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.size == (1920, 1080)
    assert len(image.convert("L").getcolors(256) or []) > 10  # drawn, not blank
    whole = _download(page, page.get_by_role(
        "button", name=wording("teaching", "class_pdf", language="en")))
    assert whole.startswith(b"%PDF-")
    document = pypdfium2.PdfDocument(whole)
    assert len(document) == 1
    assert document[0].get_size() == (1440, 810)  # 1920x1080 px at 96 per inch
    picture = document[0].render(scale=0.1).to_pil().convert("L")
    assert len(picture.getcolors(256) or []) > 10
    context.close()


def test_the_open_case_button_shows_no_count(server: LiveServer, chromium: Any) -> None:
    """"Open a saved case (0)" counted files nobody had chosen."""
    context, page, _ = open_dashboard(server, chromium, PROJECTOR)
    opener = page.locator(".widget-upload").first
    expect(opener).to_have_text(wording("labels", "open_case", language="en"))
    context.close()


# Each column's plot area (plotly's own size of it) and whether each axis title lies whole
# inside its chart and its column.
PLOTS = """() => [...document.querySelectorAll('.pico-class-case .pico-chart')].map((c) => {
    const chart = c.getBoundingClientRect();
    const column = c.closest('.pico-class-case').getBoundingClientRect();
    const inside = (r) => r.width > 0 && r.height > 0
        && r.left >= Math.max(chart.left, column.left) - 1
        && r.right <= Math.min(chart.right, column.right) + 1
        && r.top >= chart.top - 1 && r.bottom <= chart.bottom + 1 && r.bottom <= innerHeight;
    return {plot: c._fullLayout && Math.round(c._fullLayout._size.h),
            titles: [...c.querySelectorAll('.xtitle, .ytitle')].map((t) => ({
                text: t.textContent, whole: inside(t.getBoundingClientRect())}))}; })"""


def test_four_columns_share_one_plot_height_and_show_their_axis_titles_whole(
        server: LiveServer, chromium: Any) -> None:
    """The four plots shared ranges but not heights (about 175 px down to 75 px: the shared
    axes did not look shared), and two columns' y-axis titles were cut."""
    context, page, _ = open_dashboard(server, chromium, PROJECTOR)
    teach(page, FOUR)
    for title in FOUR:
        reveal = wording("teaching", "reveal", language="en")
        column(page, title).get_by_role("button", name=reveal).click()
    drawn(page, 4)

    def same_heights() -> list[dict[str, Any]]:
        plots = page.evaluate(PLOTS)
        heights = [p["plot"] for p in plots]
        assert len(plots) == 4 and max(heights) - min(heights) <= 1, heights
        return plots
    plots = wait_until(same_heights, what="every column's plot as high as the others")
    assert min(p["plot"] for p in plots) >= 80, plots  # a plot to read, not a strip
    cut = [t["text"] for p in plots for t in p["titles"] if not t["whole"]]
    assert cut == [] and all(len(p["titles"]) == 2 for p in plots), plots
    no_scroll(page)
    context.close()


# Each column's plot: its height as plotly.js laid it out and how many traces it drew.
PLOTTED = """() => [...document.querySelectorAll('.pico-class-case .pico-chart')].map((c) => ({
    plot: c._fullLayout ? Math.round(c._fullLayout._size.h) : null,
    paths: c.querySelectorAll('.scatterlayer .trace path.js-line').length}))"""


def test_every_column_keeps_a_plot_when_tall_headlines_are_revealed(
        server: LiveServer, chromium: Any) -> None:
    """A screen review, on a projector: the Ota, tattoo, PIH on type V and Hori's columns
    with the class's guesses, revealed left to right. The PIH headline (its 'few studies
    include skin like yours') grew the row and shrank the charts: levelling gave the Ota
    chart margins taller than itself, plotly.js stopped, the axes stayed empty, and a failed
    resize kept every later figure of that chart from being drawn. A trainer's review, then:
    each column's legend took up to 200 px of its chart (plots of 90-127 px), and a step in
    one column squeezed the others' plots to 14 px. The view's key names the lines once,
    and every plot stays level and readable through a step."""
    titles = (OTA, "Black professional tattoo on the upper arm",
              "Post-inflammatory hyperpigmentation on skin type V", HORI)
    context, page, _ = open_dashboard(server, chromium, PROJECTOR)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    teach(page, titles)
    for title in titles:
        guess = column(page, title).get_by_label(
            wording("teaching", "guess_label", language="en"))
        guess.fill("4, 6, 8")
        guess.press("Enter")
        expect(guess).to_have_value("4, 6, 8")
        column(page, title).get_by_role(
            "button", name=wording("teaching", "reveal", language="en")).click()
        expect(column(page, title).locator(".pico-headline")).to_be_visible()
    drawn(page, 4)

    def every_plot_drawn(least: int) -> Callable[[], list[dict[str, Any]]]:
        def check() -> list[dict[str, Any]]:
            plots = page.evaluate(PLOTTED)
            heights = [p["plot"] for p in plots]
            assert all(h is not None and h >= least for h in heights), plots
            assert max(heights) - min(heights) <= 1 and all(p["paths"] for p in plots), plots
            return plots
        return check
    wait_until(every_plot_drawn(160), what="every column's plot drawn, level, 160 px or more")
    key = page.locator(".pico-class-key .pico-key li")
    expect(key.filter(has_text=wording("teaching", "guesses", language="en"))).to_have_count(1)
    expect(key.filter(has_text=wording("charts", "goal_key", language="en"))).to_have_count(1)
    assert page.locator(".pico-class-case .pico-chart .legend").count() == 0
    expect(column(page, OTA).locator(".pico-chart .annotation-text",
                                     has_text="75%")).to_have_count(1)  # the goal's value
    ota = column(page, OTA)
    ota.get_by_role("button", name=wording("teaching", "next_session", language="en")).click()
    expect(ota.locator(".pico-step-note")).to_contain_text("Session 1 of")
    wait_until(every_plot_drawn(110), what="every plot level and 110 px or more after a step")
    page.screenshot(path=str(ARTIFACTS / "class-mode-tall-headlines.png"))  # as projected
    context.close()
    assert [e for e in errors if "pico-widget" in e or "axis scaling" in e] == [], errors


def test_a_narrowed_column_spaces_its_sessions(server: LiveServer, chromium: Any) -> None:
    """A case alone on a portrait tablet has room for a tick every session; when a second
    case joined, its chart narrowed but kept them, drawn on end 20 px apart (a trainer's
    review). A resize now fits the ticks again, as a first drawing at that width does. The
    column is narrowed here in the page alone, so no new figure from the kernel can mend it."""
    context, page, _ = open_dashboard(server, chromium, {"width": 820, "height": 1180})
    picker = page.locator(".pico-header-row select")
    picker.select_option(label=OTA)
    expect(page.locator(".pico-point")).to_contain_text(OTA)
    page.get_by_role("button", name=wording("labels", "class_add", language="en")).click()
    drawn(page, 1)
    ticks = """() => [...document.querySelectorAll('.pico-class-case .pico-chart')].map((c) => {
        const lefts = [...c.querySelectorAll('.xtick text')].map((t) =>
            t.getBoundingClientRect().left);
        return {dtick: c._fullLayout && c._fullLayout.xaxis.dtick, width: c.offsetWidth,
                laid: !!c._fullLayout && Math.abs(c._fullLayout.width - c.offsetWidth) <= 1,
                spacing: Math.min(...lefts.slice(1).map((x, i) => x - lefts[i]))}; })"""
    # The precondition: alone, the column is wide, a tick every session.
    wait_until(lambda: [(t["dtick"], t["width"] > 700) for t in page.evaluate(ticks)]
               == [(1, True)], what="the column drawn wide, a tick a session")
    page.evaluate("document.querySelector('.pico-class-case').style.maxWidth = '370px'")
    # Once plotly.js has laid the chart out at its new width (before, the ticks stand where
    # they were), they are at least 24 px apart.
    wait_until(lambda: all(t["width"] < 400 and t["laid"] for t in page.evaluate(ticks)),
               what="the narrowed column laid out again")
    assert all(t["spacing"] >= 24 for t in page.evaluate(ticks)), page.evaluate(ticks)
    context.close()
