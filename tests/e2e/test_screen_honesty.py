"""Issue 33: what a doctor, a patient and a phone user saw that misled or blocked them, each
checked in the browser at the size it was seen."""

from __future__ import annotations

from typing import Any

from browser import TABLETS
from conftest import open_dashboard
from dashboard import act, field
from live_server import LiveServer

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
