"""The Voila dashboard on a tablet: first paint, every control, observations, tattoo, errors."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pico_widget import PatientProfile, estimate
from pico_widget.core.catalogue import conditions
from pico_widget.render.note import clinical_note
from pico_widget.render.summary import headline
from tests.e2e.dashboard import act, assert_shows, choose, drawn, expected, field, profile
from tests.waiting import holds, keeps, wait_until


def test_first_paint_is_the_default_forecast(page: Page) -> None:
    assert_shows(page, profile())
    expect(page.locator(".pico-disclaimer")).to_contain_text("not a prescription")
    expect(page.locator(".pico-header h1")).to_have_text("pico-widget")
    expect(page.get_by_role("button", name="How these numbers are made")).to_be_visible()


def test_no_horizontal_scrolling_and_charts_fit_after_rotation(page: Page) -> None:
    def fits() -> None:
        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("document.getElementById('rendered_cells').scrollWidth") <= width
        for name in drawn(page):
            box = page.evaluate(f"""(() => {{
                const c = document.querySelector('[data-testid="{name}"]');
                return [c.getBoundingClientRect().width,
                        c.querySelector('svg.main-svg').getBoundingClientRect().width]; }})()""")
            assert abs(box[0] - box[1]) <= 2, box

    fits()
    choose(page, "chance")
    fits()
    size = page.viewport_size
    page.set_viewport_size({"width": size["height"], "height": size["width"]})
    wait_until(holds(fits), what="the charts to fit the turned screen")
    choose(page, "curve")
    fits()


def test_controls_change_charts_and_summary(page: Page) -> None:
    label = conditions()['solar_lentigines'].label
    act(page, lambda: field(page, "Concern").locator("select").select_option(label=label))
    assert_shows(page, profile(condition="solar_lentigines"))

    # The box holds the grade; its description reads whole beneath it.
    severe, _, described = conditions()["solar_lentigines"].severity["severe"].label.partition(
        ": ")
    act(page, lambda: field(page, "Severity").locator("select").select_option(label=severe))
    assert_shows(page, profile(condition="solar_lentigines", severity="severe"))
    if described:
        expect(field(page, "Severity")).to_contain_text(described)

    act(page, lambda: field(page, "Skin type").get_by_role("button", name="VI", exact=True)
        .tap())
    assert_shows(page, profile(condition="solar_lentigines", severity="severe", fitzpatrick=6))
    expect(field(page, "Skin type")).to_contain_text("Type VI")

    act(page, lambda: field(page, "Goal").get_by_role("button", name="Clear (75%)").tap())
    now = profile(condition="solar_lentigines", severity="severe", fitzpatrick=6,
                  goal_percent=75)
    assert_shows(page, now)

    # Drag the goal slider's handle to the right, then read the value it settled on.
    box = field(page, "Goal").locator(".noUi-handle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def drag() -> None:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y, steps=4)
        page.mouse.up()

    act(page, drag)
    before_drag = now

    def shows_the_readout() -> PatientProfile:
        """The slider's readout is the value it settled on; the kernel catches up with it."""
        goal = int(field(page, "Goal").locator(".widget-readout").inner_text())
        shown = before_drag.model_copy(update={"goal_percent": goal})
        assert_shows(page, shown)
        return shown

    now = wait_until(shows_the_readout, what="the answer for the goal the slider settled on")
    assert now.goal_percent > 75
    # The chance chart was hidden through all of this: chosen, it shows the current forecast.
    chance = choose(page, "chance")
    assert {k: v["traces"] for k, v in chance.items()} == expected(now, ("probability",))


def test_recording_a_response_updates_the_forecast(page: Page) -> None:
    before = choose(page, "chance")
    unchanged = choose(page, "curve")
    page.get_by_role("button", name="Record a session").tap()
    row = page.locator(".pico-row").first
    expect(row).to_be_visible()
    # An empty row: no value assumed, the forecast as it was until the doctor enters one.
    number = row.locator(".pico-seen-number input")
    expect(number).to_have_value("")
    expect(row.locator(".pico-row-title")).to_have_text(
        "Session 1: type the improvement seen, or tap the bar")

    def as_it_was() -> None:
        assert drawn(page) == unchanged

    keeps(as_it_was, seconds=1.0, what="the chart as it was before the empty row")
    assert_shows(page, profile())
    # Typed beside the slider, the value records the session and the slider follows.
    act(page, lambda: (number.fill("30"), number.press("Enter")))
    assert_shows(page, profile(observations=[{"session": 1, "improvement_percent": 30}]))
    # The recorded row (the row typed in is replaced by it, a moment after the chart).
    row = page.locator(".pico-row:not(.pico-pending)").first
    expect(row.locator(".noUi-handle")).to_have_attribute("aria-valuenow", "30.0")
    act(page, lambda: row.locator("select").select_option(label="under 25% (records 12%)"))
    now = profile(observations=[{"session": 1, "improvement_percent": 12}])
    assert_shows(page, now)
    expect(row.locator(".pico-seen-number input")).to_have_value("12")
    # A labelled row: the title says which session and what was seen, in words.
    expect(row.locator(".pico-row-title")).to_have_text("Session 1: improvement seen 12%")
    expect(row.get_by_text("Session", exact=True)).to_be_visible()
    remove = row.get_by_role("button", name="Remove")
    assert remove.evaluate("b => b.scrollWidth <= b.clientWidth")  # not cut to "Remo..."
    seen = [t for t in drawn(page)["improvement"]["traces"] if t["name"] == "Seen so far"]
    assert seen and seen[0]["y"] == [12]
    assert choose(page, "chance")["probability"]["traces"] != before["probability"]["traces"]
    choose(page, "words")
    expect(page.locator(".pico-summary")).to_contain_text("response recorded up to session 1")


def test_tattoo_shows_kirby_desai_inputs_and_score(page: Page) -> None:
    kirby = field(page, "Tattoo (Kirby-Desai)")
    expect(kirby).to_be_hidden()
    label = conditions()['tattoo'].label
    act(page, lambda: field(page, "Concern").locator("select").select_option(label=label))
    expect(kirby).to_be_visible()
    expect(field(page, "Severity")).to_be_hidden()
    expect(kirby).to_contain_text("Kirby-Desai score")
    act(page, lambda: kirby.locator("select").nth(1).select_option(label="Many colours"))
    tattoo = {"location": "upper_trunk", "colours": "multicolour", "ink": "moderate",
              "scarring": "none", "layering": "none"}
    now = profile(condition="tattoo", tattoo=tattoo)
    assert_shows(page, now)
    expect(kirby).to_contain_text(f"Kirby-Desai score: {estimate(now).kirby_desai}")


def test_invalid_entry_shows_a_sentence_and_the_page_keeps_working(page: Page) -> None:
    page.get_by_role("button", name="Record a session").tap()
    seen = page.locator(".pico-row .pico-seen-number input").first
    act(page, lambda: (seen.fill("20"), seen.press("Enter")))
    before = drawn(page)
    session = page.locator(".pico-row input[type=number]").first
    session.fill("0")
    session.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The session number must be a whole number from 1 to 60")
    expect(session).to_have_value("1")
    assert drawn(page)["improvement"]["traces"] == before["improvement"]["traces"]
    act(page, lambda: field(page, "Goal").get_by_role("button", name="Clear (75%)").tap())
    expect(alert).to_have_count(0)
    assert drawn(page)["improvement"]["levels"]["goal"] == 75
    assert before["improvement"]["levels"]["goal"] != 75
    assert "Traceback" not in page.content()


def test_trainer_compares_two_teaching_cases_on_the_same_axes(page: Page) -> None:
    from pico_widget.core.cases import teaching_cases

    cases = {c.title: c for c in teaching_cases()}
    first, second = "Nevus of Ota, picosecond or Q-switched", "Hori's nevus after two slow sessions"
    picker = page.locator(".pico-header-row select")
    act(page, lambda: picker.select_option(label=first))
    expect(page.locator(".pico-point")).to_contain_text(cases[first].point)
    # It opens comparing the lasers, as its title promises; the trainer turns that off.
    compare = page.get_by_role("checkbox", name="Compare picosecond and Q-switched")
    expect(compare).to_be_checked()
    act(page, lambda: compare.tap())
    assert_shows(page, cases[first].profile)
    act(page, lambda: page.get_by_role("button", name="Pin this case to compare").tap())
    act(page, lambda: picker.select_option(label=second))
    traces = drawn(page)
    names = [t["name"] for t in traces["improvement"]["traces"]]
    assert "Typical patient" in names and any(n.startswith("Pinned: Nevus of Ota") for n in names)
    bars = choose(page, "chance")["probability"]["traces"]
    assert len(bars) == 3  # this case, the pinned one, the band's legend entry
    pinned = estimate(cases[first].profile)
    assert bars[1]["y"] == [round(100 * p, 1) for p in pinned.prob_goal_by_session]
    current = estimate(cases[second].profile)
    assert bars[0]["y"] == [round(100 * p, 1) for p in current.prob_goal_by_session]


def test_handout_and_case_download_from_the_dashboard(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download handout").tap()
    html = download.value.path().read_text("utf-8")
    fc = estimate(profile())
    assert f"about <b>{headline(fc).reach}</b> reach the goal" in html
    with page.expect_download() as download:
        page.get_by_role("button", name="Save case (JSON)").tap()
    from pico_widget.core.cases import load_case

    assert load_case(download.value.path().read_text("utf-8")) == profile()
    page.get_by_role("button", name="Clinical note").tap()
    expect(page.locator(".pico-app textarea")).to_have_value(clinical_note(profile()))
