"""Chinese and Malay in Chromium: the handout prints offline with real CJK glyphs, and the
dashboard switches language in front of a patient without breaking the tablet layout."""

from __future__ import annotations

import re
from datetime import date

import pypdfium2
import pytest
from playwright.sync_api import expect

from pico_widget import PatientProfile, estimate
from pico_widget.i18n.formats import long_date
from pico_widget.i18n.wording import wording
from pico_widget.render.handout import handout_html
from pico_widget.render.summary import headline
from tests.browser import is_local, offline_page
from tests.e2e.conftest import screenshot, wait_for_dashboard
from tests.live_server import ARTIFACTS

PROFILE = PatientProfile(condition="nevus_of_ota", severity="moderate", fitzpatrick=4,
                         goal_percent=75)
CJK = re.compile(r"[\u4e00-\u9fff]")


# Draws each character beside a codepoint no font has (its glyph is the empty box, "tofu")
# with the page's own font stack, in the Chromium that prints the PDF: a Chinese character
# that looks the same is tofu. (The PDF's own fonts carry no usable names to check.)
TOFU = """(chars) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 48;
    const pen = canvas.getContext('2d');
    pen.font = '32px ' + getComputedStyle(document.body).fontFamily;
    const draw = (ch) => { pen.clearRect(0, 0, 48, 48); pen.fillText(ch, 4, 38);
        return Array.from(pen.getImageData(0, 0, 48, 48).data).join(); };
    const tofu = draw('\\u{10FFFD}');
    return {blank: tofu === draw(' '), tofu: chars.filter((ch) => draw(ch) === tofu)};
}"""


def test_chinese_handout_prints_offline_with_cjk_glyphs(chromium) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "handout-zh-Hans.html").write_text(
        handout_html(PROFILE, language="zh-Hans"), "utf-8")
    context, page, requests = offline_page(chromium, ARTIFACTS / "handout-zh-Hans.html")
    fc = estimate(PROFILE)
    top = headline(fc)
    sentence = re.sub(r"<[^>]+>", "", wording("summary", "reach", language="zh-Hans").format(
        n=top.reach, k=top.session))
    title = wording("handout", "title", language="zh-Hans")
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator("body")).to_contain_text(sentence)
    # The charts are drawn in Chinese too (plotly's SVG text).
    expect(page.locator("#improvement .gtitle")).to_have_text(
        wording("charts", "improvement_title", language="zh-Hans"))
    chinese = sorted(set(CJK.findall(page.locator("body").inner_text())))
    assert len(chinese) > 100
    assert page.evaluate(TOFU, chinese) == {"blank": False, "tofu": []}
    page.screenshot(path=str(ARTIFACTS / "handout-zh-Hans-820x1180.png"))
    page.emulate_media(media="print")
    pdf = ARTIFACTS / "handout-zh-Hans.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    assert [u for u in requests if not u.startswith("file:")] == []

    document = pypdfium2.PdfDocument(str(pdf))
    text = ""
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        page_text = textpage.get_text_range()
        text += page_text
        document[number].render(scale=1.5).to_pil().save(
            ARTIFACTS / f"handout-zh-Hans-page{number + 1}.png")
    assert sentence in "".join(text.split())
    assert title in text


def test_malay_handout_prints_offline(chromium) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "handout-ms.html").write_text(handout_html(PROFILE, language="ms"), "utf-8")
    context, page, requests = offline_page(chromium, ARTIFACTS / "handout-ms.html")
    top = headline(estimate(PROFILE))
    sentence = re.sub(r"<[^>]+>", "", wording("summary", "reach", language="ms").format(
        n=top.reach, k=top.session))
    expect(page.locator("body")).to_contain_text(sentence)
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    page.screenshot(path=str(ARTIFACTS / "handout-ms-820x1180.png"))
    page.emulate_media(media="print")
    pdf = ARTIFACTS / "handout-ms.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    assert [u for u in requests if not u.startswith("file:")] == []
    document = pypdfium2.PdfDocument(str(pdf))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert " ".join(sentence.split()) in " ".join(text.split())
    assert long_date(date.today(), "ms") in text and "Peringatan penjagaan" in text


@pytest.mark.parametrize(("language", "name", "word"), [
    ("zh-Hans", "中文", "100人中"), ("ms", "Bahasa Melayu", "daripada 100")])
def test_dashboard_switches_language_and_keeps_the_layout(server, chromium, language, name,
                                                          word) -> None:
    context = chromium.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url)
    wait_for_dashboard(page)
    before = page.locator(".pico-headline .pico-value").all_text_contents()
    language_button = page.locator(".pico-language button", has_text=name)
    box = language_button.bounding_box()
    assert box is not None and box["height"] >= 47.5
    language_button.tap()
    expect(page.locator(".pico-headline")).to_contain_text(word, timeout=60_000)
    page.wait_for_selector("[data-testid=improvement][data-revision]")
    expect(page.locator("[data-testid=improvement] .gtitle")).to_have_text(
        wording("charts", "improvement_title", language=language), timeout=30_000)
    # Only the words changed: the same big numbers as before the switch ("61 in 100" is
    # "100人中61人": the 100 stays out of the comparison).
    after = page.locator(".pico-headline .pico-value").all_text_contents()

    def figures(values: list[str]) -> list[list[str]]:
        return [[n for n in re.findall(r"\d+", v) if n != "100"] for v in values]

    assert figures(after) == figures(before)
    report = page.evaluate("""() => {
        const out = [], pen = document.createElement('canvas').getContext('2d');
        for (const e of document.querySelectorAll('.pico-app button, .pico-app select,'
                + ' .pico-app .widget-label, .pico-app label')) {
            if (e.offsetParent === null) continue;
            const b = e.getBoundingClientRect();
            if (b.right > window.innerWidth + 0.5 || b.left < -0.5) out.push('outside: '
                + e.textContent.trim());
            if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
                out.push('cut: ' + e.textContent.trim());
            if (e.tagName === 'SELECT' && e.selectedIndex >= 0) {  // its chosen text fits
                const style = getComputedStyle(e);
                pen.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
                const text = e.options[e.selectedIndex].text;
                const room = e.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                if (pen.measureText(text).width > room) out.push('cut: ' + text);
            }
        }
        return out;
    }""")
    assert report == []
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.getElementById('rendered_cells').scrollWidth") <= width
    screenshot(page, f"dashboard-{language}-820x1180.png")
    context.close()
    assert [u for u in requests if not is_local(u)] == []
