"""Issue 33: what a doctor, a patient and a phone user saw that misled or blocked them, each
checked in the browser at the size it was seen."""

from __future__ import annotations

from typing import Any

from browser import TABLETS
from conftest import open_dashboard
from dashboard import act, field
from live_server import LiveServer, live_server
from playwright.sync_api import expect

from pico_widget.core.catalogue import conditions

# Each tattoo detail's name and its box, top to bottom: {name, label: [l, t, r, b], box}.
TATTOO_ROWS = """() => [...document.querySelectorAll('.pico-wide .widget-dropdown')]
    .filter((d) => d.offsetParent !== null).map((d) => {
        const at = (e) => { const b = e.getBoundingClientRect();
                            return [b.left, b.top, b.right, b.bottom]; };
        return {name: d.querySelector('.widget-label').textContent,
                label: at(d.querySelector('.widget-label')), box: at(d.querySelector('select'))};
    })"""


def _misplaced(page: Any) -> list[str]:
    """Tattoo names neither right above their own box (one input column) nor on its line to
    its left (the portrait band), or lying over any box."""
    rows = page.evaluate(TATTOO_ROWS)
    assert len(rows) == 5, rows
    wrong = []
    for row in rows:
        (left, top, right, bottom), (b_left, b_top, _b_right, b_bottom) = row["label"], row["box"]
        above = bottom <= b_top + 1 and b_top - bottom < 12 and left < b_left + 40
        beside = b_top - 1 <= (top + bottom) / 2 <= b_bottom + 1 and right <= b_left + 1
        if not (above or beside):
            wrong.append(f"{row['name']} not by its box")
        if any(left < o[2] - 1 and o[0] < right - 1 and top < o[3] - 1 and o[1] < bottom - 1
               for o in (other["box"] for other in rows)):
            wrong.append(f"{row['name']} over a box")
    return wrong


def test_tattoo_names_sit_over_their_own_boxes_in_landscape_and_after_rotating(
        server: LiveServer, chromium: Any) -> None:
    context, page, _ = open_dashboard(server, chromium, TABLETS["landscape"])
    act(page, lambda: field(page, "Concern").locator("select").select_option(
        label=conditions()["tattoo"].label))
    found = {"landscape": _misplaced(page)}
    for turn in ("portrait", "landscape"):
        page.set_viewport_size(TABLETS[turn])
        page.wait_for_function("(w) => document.documentElement.clientWidth === w",
                               arg=TABLETS[turn]["width"])
        found[f"turned to {turn}"] = _misplaced(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def _clinic_file(tmp_path: Any) -> Any:
    path = tmp_path / "clinic.toml"
    path.write_text('name = "Klinik Kulit Sentosa"\nprice_per_session = 450\n'
                    'currency = "RM"\n', "utf-8")
    return path


def test_cost_only_where_the_typical_patient_reaches_the_goal_with_its_plus(
        chromium: Any, tmp_path: Any) -> None:
    """Melasma: at goal 50 the typical patient gets there (most need 2 to 9+), and the cost
    carries the same "+"; at goal 75 most never do, and no cost is shown (screen and
    handout)."""
    from browser import offline_page
    from dashboard import profile

    from pico_widget import estimate
    from pico_widget.render.clinic import clinic_of
    from pico_widget.render.handout import handout_html

    clinic = _clinic_file(tmp_path)
    typical, never = profile(), profile(goal_percent=75)
    fc = estimate(typical)
    assert fc.typical_outcome == "reaches" and fc.sessions_open_ended
    assert estimate(never).typical_outcome == "never"
    low, high = fc.sessions_range
    cost = ".pico-headline [data-key=cost]"
    with live_server("--clinic", str(clinic), name="clinic") as running:
        context, page, _ = open_dashboard(running, chromium, TABLETS["landscape"])
        shown = " ".join(page.locator(cost).inner_text().split())
        assert f"{low} to {high}+ sessions" in shown and f"{high * 450:,}+" in shown, shown
        act(page, lambda: field(page, "Goal").get_by_role("button", name="Clear (75%)").tap())
        expect(page.locator(".pico-headline")).to_contain_text("Most never")
        assert page.locator(cost).count() == 0
        context.close()
    for case, has_cost in ((typical, True), (never, False)):
        path = tmp_path / f"handout-{has_cost}.html"
        path.write_text(handout_html(case, clinic=clinic_of(str(clinic))), "utf-8")
        context, page, _ = offline_page(chromium, path)
        assert page.locator(cost).count() == has_cost
        text = " ".join(page.locator("body").inner_text().split())
        assert ("RM" in text) == has_cost
        if has_cost:
            assert f"for {low} to {high}+ sessions" in text, text
        context.close()
