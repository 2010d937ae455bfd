"""The band becomes this clinic's at 10 courses (issue 31, point 5): served with a SQLite
outcomes database holding 9 melasma courses, the headline keeps the studies' band and says
1 more course is needed; a signed-in doctor records this patient's course, and the band
switches to "at this clinic, from 10 courses" without a reload; the toggle shows the
studies' band beside it, in the headline and as grey whiskers in the chance view."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import TABLETS
from tests.e2e.conftest import wait_for_dashboard
from tests.e2e.dashboard import act, choose
from tests.live_server import ARTIFACTS, live_server
from tests.outcomes_helpers import course, seeded


def test_the_band_switches_to_this_clinic_at_10_courses(chromium, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    seeded(url, ("Dr Tan", "correct horse"), [course(count=5) for _ in range(9)])
    with live_server("--outcomes", url, name="clinic-band", timeout=120) as server:
        context = chromium.new_context(viewport=TABLETS["landscape"], has_touch=True)
        page = context.new_page()
        page.goto(server.url)
        wait_for_dashboard(page)
        chance = page.locator(".pico-figure[data-key=chance]")
        expect(chance).to_contain_text("at 8 in 10 clinics like those studied")
        expect(chance).to_contain_text(
            "this clinic's own band needs 10 recorded courses of this condition; it has 9 so "
            "far")
        toggle = page.get_by_role("checkbox", name="Show the studies' band too")
        expect(toggle).to_be_hidden()  # one band: nothing to compare

        page.get_by_role("button", name="Record a session").tap()
        seen = page.locator(".pico-row .pico-seen-number input").first
        act(page, lambda: (seen.fill("30"), seen.press("Enter")))
        page.get_by_role("button", name="Add to this clinic's outcomes").tap()
        form = page.locator(".pico-sign-in")
        form.get_by_role("textbox", name="Name").fill("Dr Tan")
        password = form.locator("input[type=password]")
        password.fill("correct horse")
        password.press("Enter")
        form.get_by_role("button", name="Sign in").tap()
        expect(page.locator(".pico-outcome-status")).to_have_text(
            "Saved to this clinic's outcomes (course: 1 session).")

        # The tenth course, stored in this kernel: the band is the clinic's now.
        expect(chance).to_contain_text("at this clinic, from 10 courses:", timeout=30_000)
        expect(chance).not_to_contain_text("clinics like those studied")
        expect(toggle).to_be_visible()
        page.locator(".pico-answer").scroll_into_view_if_needed()
        act(page, lambda: toggle.check())
        expect(chance).to_contain_text("in 100 at 8 in 10 clinics like those studied")
        names = [str(t["name"]).replace("<br>", " ")
                 for t in choose(page, "chance")["probability"]["traces"]]
        assert any(n.startswith("Grey whiskers: at 8 in 10 clinics") for n in names), names
        assert any("at this clinic (from 10 courses)" in n for n in names), names
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "clinic-band-1180x820.png"))
        choose(page, "evidence")
        forest = page.locator(".pico-forest")
        expect(forest.locator(".pico-forest-clinic")).to_contain_text("This clinic (10)")
        expect(forest.locator(".pico-forest-study")).to_have_count(3)  # melasma's studies
        forest.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "clinic-band-evidence-1180x820.png"))
        context.close()
