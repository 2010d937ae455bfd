"""The patient handout opens offline in Chromium, shows estimate()'s numbers, and prints."""

from __future__ import annotations

from typing import Any

import numpy as np
import pypdfium2
import pytest
from playwright.sync_api import expect

from pico_widget import PatientProfile, estimate
from pico_widget.render.charts import improvement_figure, probability_figure
from pico_widget.render.handout import handout_html
from pico_widget.render.headline import answer
from pico_widget.render.summary import headline
from tests.browser import offline_page
from tests.live_server import ARTIFACTS

PROFILE = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                         goal_percent=75, observations=[{"session": 1,
                                                         "improvement_percent": 20}])
OKABE_BLUE = (0, 114, 178)


def _blue_pixels(image: Any) -> int:
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - OKABE_BLUE) < 40).all(axis=-1).sum())


def test_handout_offline_same_numbers_and_prints_with_charts(chromium) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "handout.html"
    path.write_text(handout_html(PROFILE), "utf-8")
    context, page, requests = offline_page(chromium, path)
    fc = estimate(PROFILE)
    top = headline(fc)
    body = page.locator("body")
    expect(body).to_contain_text(f"about {top.reach} reach the goal by session {top.session}")
    expect(body).to_contain_text(f"about {fc.pih_risk_percent:.0f}%")
    expect(body).to_contain_text("Prepared for")
    expect(body).to_contain_text(f"model {fc.model_version}")
    expect(body).to_contain_text("not a prescription")
    drawn = page.evaluate("""() => ['improvement', 'probability'].map(
        (id) => document.getElementById(id).data.map((t) => t.y))""")
    assert drawn == [[t["y"] for t in improvement_figure(fc, PROFILE.observations, "en")["data"]],
                     [t["y"] for t in probability_figure(fc, "en")["data"]]]
    assert [u for u in requests if not u.startswith("file:")] == []

    page.emulate_media(media="print")
    pdf = ARTIFACTS / "handout.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    document = pypdfium2.PdfDocument(str(pdf))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert f"about {top.reach} reach the goal by session {top.session}" in " ".join(text.split())
    blue = []
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil()
        image.save(ARTIFACTS / f"handout-page{index + 1}.png")
        blue.append(_blue_pixels(image))
    # The charts (median line, bars) and the icon array are drawn in Okabe-Ito blue.
    assert sum(blue) > 5000, blue
    # The first page carries the answer: the headline's numbers and the improvement curve.
    first = " ".join(document[0].get_textpage().get_text_range().split())
    figures = {f.key: f for f in answer(PROFILE, fc, "en").figures}
    sessions = figures["sessions"]
    assert " ".join(filter(None, (sessions.value, sessions.unit))) in first
    chance = figures["chance"]
    assert f"{top.reach} in 100 {chance.caption}" in first  # the headline's chance figure
    assert "Expected improvement after each session" in first
    assert blue[0] > 2000, blue


def test_handout_from_a_clinic_prints_its_name_logo_cost_and_a_next_visit_line(
        chromium, tmp_path) -> None:
    """The clinic's handout opens offline with its logo (a data URI), the cost beside the
    sessions and a line for the next visit; the 100 people print at least 6 cm wide, and no
    heading is left alone at the foot of a page."""
    import base64

    from pico_widget.core.settings_models import Clinic

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                           "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    clinic = Clinic(name="Klinik Kulit Sentosa", phone="+60 3-2161 0000",
                    address="12 Jalan Ampang, Kuala Lumpur", price_per_session=450,
                    currency="RM", logo="data:image/png;base64," + base64.b64encode(png).decode())
    path = ARTIFACTS / "handout-clinic.html"
    ARTIFACTS.mkdir(exist_ok=True)
    # A cost is given only where the typical patient reaches the goal: goal 50.
    reaches = PROFILE.model_copy(update={"goal_percent": 50})
    path.write_text(handout_html(reaches, clinic=clinic), "utf-8")
    context, page, requests = offline_page(chromium, path)
    fc = estimate(reaches)
    assert fc.typical_outcome == "reaches" and not fc.sessions_open_ended
    low, high = fc.sessions_range
    body = page.locator("body")
    expect(body).to_contain_text("Klinik Kulit Sentosa")
    expect(body).to_contain_text(f"about RM{low * 450:,.0f} to RM{high * 450:,.0f}")
    expect(page.locator(".pico-headline [data-key=cost]")).to_contain_text("RM")
    expect(page.locator(".next")).to_contain_text("Next visit")
    assert page.evaluate("document.querySelector('.clinic img').naturalWidth") == 1
    page.emulate_media(media="print")
    width_cm = page.evaluate(
        "document.querySelector('.pico-icons').getBoundingClientRect().width / 96 * 2.54")
    assert width_cm >= 6, width_cm
    pdf = ARTIFACTS / "handout-clinic.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(len(document)):
        document[index].render(scale=1.5).to_pil().save(
            ARTIFACTS / f"handout-clinic-page{index + 1}.png")
        lines = [line for line in document[index].get_textpage().get_text_range().splitlines()
                 if line.strip()]
        # No heading as a page's last line.
        assert lines[-1].strip() not in ("What to expect", "Timing", "Aftercare reminders")


# Cases a clinic hands out every day: the melasma goal 75, nevus of Ota after two
# sessions and a multicolour tattoo (3 A4 pages before), and the teaching library's usual ones.
TYPICAL = ("Melasma, modest goal", "Melasma, goal beyond the ceiling",
           "Nevus of Ota, picosecond or Q-switched", "Multicolour cover-up tattoo on the ankle",
           "Black professional tattoo on the upper arm")


def _typical_cases() -> list[tuple[str, PatientProfile]]:
    from pico_widget.core.cases import teaching_cases

    library = {case.title: case.profile for case in teaching_cases()}
    ota = PROFILE.model_copy(update={"observations": [
        *PROFILE.observations, PROFILE.observations[0].model_copy(
            update={"session": 2, "improvement_percent": 35})]})
    return [(title, library[title]) for title in TYPICAL] + [("Ota, 20% and 35%", ota)]


@pytest.mark.parametrize("language", ["en", "ms", "zh-Hans"])
def test_a_typical_case_prints_on_two_a4_pages_with_or_without_a_price(
        chromium, tmp_path, language) -> None:
    """With a clinic price the melasma handout ran to 3 A4 pages (the third holding only
    the reading list), as did the Malay nevus of Ota and multicolour tattoo ones."""
    from pico_widget.core.settings_models import Clinic

    clinic = Clinic(name="Klinik Kulit Sentosa", phone="+60 3-2161 0000",
                    address="12 Jalan Ampang, Kuala Lumpur", price_per_session=450,
                    currency="RM")
    pages = {}
    for index, (title, profile) in enumerate(_typical_cases()):
        for priced in (None, clinic):
            path = tmp_path / f"{index}-{priced is not None}.html"
            path.write_text(handout_html(profile, language=language, clinic=priced), "utf-8")
            context, page, _ = offline_page(chromium, path)
            page.emulate_media(media="print")
            pdf = path.with_suffix(".pdf")
            page.pdf(path=str(pdf), format="A4", print_background=True)
            context.close()
            pages[title, priced is not None] = len(pypdfium2.PdfDocument(str(pdf)))
    assert {key: count for key, count in pages.items() if count > 2} == {}, pages


# On the printed chance chart: the subtitle and the axis title, each bar's number and the
# whiskers, as boxes on the page.
CHANCE_BOXES = """() => {
    const chart = document.getElementById('probability');
    const box = (e) => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                text: e.textContent}; };
    const all = (selector) => [...chart.querySelectorAll(selector)].map(box)
        .filter((b) => b.right > b.left || b.bottom > b.top);
    return {subtitle: all('.gtitle-subtitle'), ytitle: all('.ytitle'),
            labels: all('.bartext, .annotation-text'), whiskers: all('.errorbar path')}; }"""


def _overlaps(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5)


def _above_a_whisker(label: dict, whiskers: list[dict]) -> bool:
    return any(label["left"] <= (w["left"] + w["right"]) / 2 <= label["right"]
               and 0 <= w["top"] - label["bottom"] <= 12 for w in whiskers)


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_printed_chance_chart_keeps_its_words_clear(chromium, tmp_path, language) -> None:
    """The subtitle overprinted the y-axis title, and the whiskers ran through the bars'
    numbers: melasma goal 50 and the issue's Ota case, at A4 width in print."""
    melasma = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=4,
                             goal_percent=50)
    for index, profile in enumerate((melasma, PROFILE)):
        path = tmp_path / f"{index}.html"
        path.write_text(handout_html(profile, language=language), "utf-8")
        context, page, _ = offline_page(chromium, path, {"width": 794, "height": 1123})
        page.emulate_media(media="print")
        boxes = page.evaluate(CHANCE_BOXES)
        context.close()
        assert boxes["subtitle"] and boxes["ytitle"] and boxes["labels"], boxes
        assert not [s for s in boxes["subtitle"] for y in boxes["ytitle"] if _overlaps(s, y)]
        crossed = {label["text"] for label in boxes["labels"]
                   for whisker in boxes["whiskers"] if _overlaps(label, whisker)}
        assert crossed == set(), crossed
        # Each number sits just above its own bar's whisker: in one row along the top
        # of the chart, the numbers read as session numbers.
        astray = [label["text"] for label in boxes["labels"]
                  if not _above_a_whisker(label, boxes["whiskers"])]
        assert astray == [], astray


PLOT_AREAS = """() => ({page: document.documentElement.scrollWidth,
    plots: ['improvement', 'probability'].map((id) => {
        const chart = document.getElementById(id);
        const title = chart.querySelector('.gtitle').getBoundingClientRect();
        return {width: chart._fullLayout._size.w, height: chart._fullLayout._size.h,
                titleRight: title.right, chartRight: chart.getBoundingClientRect().right}; })})"""


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_handout_reads_on_a_phone(chromium, tmp_path, language) -> None:
    """A patient opens the handout on a phone at home (390 px): the curve's plot was 30 px
    high under its legend, and the chance chart, squeezed beside the 100 people, was cut
    off on the right (a screen review). Each plot now has room, and nothing runs past the
    screen's edge, titles included."""
    profile = PatientProfile(condition="pih", fitzpatrick=6, goal_percent=50)
    path = tmp_path / "phone.html"
    path.write_text(handout_html(profile, language=language), "utf-8")
    context, page, _ = offline_page(chromium, path, {"width": 390, "height": 844})
    shown = page.evaluate(PLOT_AREAS)
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()
    assert shown["page"] <= 390, shown
    for plot in shown["plots"]:
        assert plot["width"] >= 250 and plot["height"] >= 100, shown
        assert plot["titleRight"] <= plot["chartRight"] + 1, shown
