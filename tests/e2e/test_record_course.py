"""A doctor records a course in the clinic's outcomes from the dashboard: "Add" opens the
sign-in dialog over the page (Escape closes it, nothing stored; a wrong password says only
that, in the dialog), signing in records the session on screen, recording again replaces
it, and the database holds one course with the sessions on screen."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from pico_widget.outcomes.database import open_engine, reading, upgrade, writing
from pico_widget.outcomes.schema import Audit, Course, CourseSession, StaffToken
from pico_widget.outcomes.staff import add_staff, console
from tests.browser import TABLETS
from tests.e2e.conftest import screenshot, wait_for_dashboard
from tests.e2e.dashboard import act
from tests.e2e.test_accessibility import axe
from tests.live_server import ARTIFACTS, live_server
from tests.waiting import wait_until

HEADING = "Sign in to record this course in the clinic's outcomes."
PHONE = {"width": 390, "height": 844}

# The dialog is what a tap at its centre lands on, and it lies whole inside the viewport.
ON_TOP = """(dialog) => {
    const box = dialog.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return box.width > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth
        && box.bottom <= innerHeight && dialog.contains(hit);
}"""
IN_DIALOG = "() => document.activeElement.closest('[role=dialog]') !== null"


def audited(engine) -> list[str]:
    with reading(engine) as db:
        return list(db.scalars(select(Audit.action).where(Audit.course_id.is_not(None))
                               .order_by(Audit.id)))


def count(engine, table) -> int:
    with reading(engine) as db:
        return db.scalar(select(func.count()).select_from(table))


def shown_over_the_page(page: Page, dialog: Locator) -> None:
    """Visible, on top and whole at every screen size; Tab and Shift+Tab stay inside."""
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    size = page.viewport_size
    ARTIFACTS.mkdir(exist_ok=True)
    for viewport in (PHONE, TABLETS["landscape"], {"width": 1920, "height": 1080}, size):
        page.set_viewport_size(viewport)
        page.wait_for_function(ON_TOP, arg=dialog.element_handle())
        page.screenshot(path=str(ARTIFACTS / "sign-in-dialog-{width}x{height}.png".format(
            **viewport)))
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:  # four stops: round and round
        page.keyboard.press(key)
        assert page.evaluate(IN_DIALOG), key


def test_a_doctor_records_a_course_once_and_again(chromium, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    engine = open_engine(url)
    upgrade(engine)
    with writing(engine) as db:
        add_staff(db, console(), "Dr Tan", "correct horse")
    with live_server("--outcomes", url, name="outcomes", timeout=120) as server:
        context = chromium.new_context(viewport=TABLETS["portrait"], has_touch=True)
        page = context.new_page()
        page.goto(server.url)
        wait_for_dashboard(page)
        record = page.get_by_role("button", name="Add to this clinic's outcomes")
        expect(record).to_be_hidden()  # no session entered yet
        page.get_by_role("button", name="Record a session").tap()
        seen = page.locator(".pico-row .pico-seen-number input").first
        act(page, lambda: (seen.fill("30"), seen.press("Enter")))
        expect(record).to_be_visible()
        record.tap()
        dialog = page.get_by_role("dialog", name=HEADING)
        name, password = dialog.get_by_role("textbox", name="Name"), dialog.locator(
            "input[type=password]")
        expect(name).to_be_focused()  # the keyboard is in the dialog, at its first field
        shown_over_the_page(page, dialog)
        assert axe(page) == []  # WCAG 2.2 AA with the dialog open
        name.fill("Dr Tan")
        password.fill("correct horse")
        password.press("Escape")  # closes, signs no one in, stores nothing
        expect(dialog).to_be_hidden()
        expect(record).to_be_focused()
        assert count(engine, StaffToken) == 0 and count(engine, Course) == 0

        record.tap()  # asked again
        expect(name).to_be_focused()
        password.fill("wrong horse")
        password.press("Enter")  # the value reaches the kernel; the button signs in
        dialog.get_by_role("button", name="Sign in").tap()
        expect(dialog.get_by_role("alert")).to_have_text("Name or password is wrong.")
        expect(dialog).to_be_visible()
        expect(password).to_be_focused()  # to type it again, no tap needed
        password.fill("correct horse")
        password.press("Enter")
        dialog.get_by_role("button", name="Sign in").tap()
        status = page.locator(".pico-outcome-status")
        expect(status).to_have_text("Saved to this clinic's outcomes (course: 1 session).")
        expect(dialog).to_be_hidden()
        expect(record).to_be_focused()
        expect(page.get_by_text("Signed in as Dr Tan.")).to_be_visible()
        record.tap()  # again: the same course, replaced
        wait_until(lambda: audited(engine) == ["record", "replace"],
                   what="the second recording of the course")
        expect(status).to_have_text(
            "Updated the course already stored for this patient (course: 1 session), not "
            "added twice. For another patient, tap Remove on each session first.")
        screenshot(page, "record-course.png")
        context.close()
    with reading(engine) as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 1
        sessions = db.execute(select(CourseSession.session,
                                     CourseSession.improvement_percent)).all()
    assert [tuple(s) for s in sessions] == [(1, 30.0)]
    engine.dispose()
