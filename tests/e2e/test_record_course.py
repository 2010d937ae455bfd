"""A doctor records a course in the clinic's outcomes from the dashboard: signs in (a wrong
password says only that), records after entering a session, records again, and the
database holds one course with the sessions on screen."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from pico_widget.outcomes.database import open_engine, reading, upgrade, writing
from pico_widget.outcomes.schema import Audit, Course, CourseSession
from pico_widget.outcomes.staff import add_staff, console
from tests.browser import TABLETS
from tests.e2e.conftest import screenshot, wait_for_dashboard
from tests.e2e.dashboard import act
from tests.live_server import live_server
from tests.waiting import wait_until


def audited(engine) -> list[str]:
    with reading(engine) as db:
        return list(db.scalars(select(Audit.action).where(Audit.course_id.is_not(None))
                               .order_by(Audit.id)))


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
        form = page.locator(".pico-sign-in")
        name, password = form.get_by_role("textbox", name="Name"), form.locator(
            "input[type=password]")
        expect(password).to_be_visible()
        name.fill("Dr Tan")
        password.fill("wrong horse")
        password.press("Enter")  # the value reaches the kernel; the button signs in
        form.get_by_role("button", name="Sign in").tap()
        status = page.locator(".pico-outcome-status")
        expect(status).to_have_text("Name or password is wrong.")
        password.fill("correct horse")
        password.press("Enter")
        form.get_by_role("button", name="Sign in").tap()
        expect(status).to_have_text("Saved to this clinic's outcomes (course: 1 session).")
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
