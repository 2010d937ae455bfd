"""Recording a course from the dashboard: only a signed-in member of staff stores it, a
repeat replaces it, and every message the browser can send is checked in the kernel.

The browser's messages are delivered as the front end sends them (widget_client): a click
is a button's custom message, typing is a state update. No kernel is needed."""

from __future__ import annotations

import json
from datetime import timedelta

import ipywidgets as widgets
import pytest
from sqlalchemy import func, select, update

from pico_widget import PicoWidget
from pico_widget.core.cases import read_case
from pico_widget.core.models import PatientProfile
from pico_widget.outcomes.database import reading, utc_now, writing
from pico_widget.outcomes.record import this_month
from pico_widget.outcomes.schema import Audit, Course, CourseSession, StaffToken
from pico_widget.outcomes.signin import SignIn
from pico_widget.outcomes.staff import add_staff, console
from pico_widget.ui.outcomes_panel import OutcomesPanel
from tests.outcomes_helpers import upgraded_engine
from tests.widget_client import browser_sends, browser_sends_custom, widgets_under

MELASMA = {"condition": "melasma", "severity": "moderate", "fitzpatrick": 4,
           "goal_percent": 75, "observations": [{"session": 1, "improvement_percent": 20},
                                                {"session": 2, "improvement_percent": 35}]}


@pytest.fixture
def service(tmp_path):
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    with writing(engine) as db:
        add_staff(db, console(), "Dr Tan", "correct horse")
    yield SignIn(engine)
    engine.dispose()


def click(button) -> None:
    """A click exactly as the browser sends it."""
    browser_sends_custom(button, {"event": "click"})


def stored(service: SignIn) -> list[tuple[str, int, float, bool, str]]:
    with reading(service.engine) as db:
        rows = db.execute(select(CourseSession.course_id, CourseSession.session,
                                 CourseSession.improvement_percent, CourseSession.pih,
                                 CourseSession.month).order_by(CourseSession.session))
        return [tuple(row) for row in rows]


def courses(service: SignIn) -> int:
    with reading(service.engine) as db:
        return db.scalar(select(func.count()).select_from(Course))


def widget_with(service: SignIn, profile: dict | None = None) -> PicoWidget:
    return PicoWidget(PatientProfile.model_validate(profile or MELASMA), outcomes=service)


def type_in(panel: OutcomesPanel, password: str, name: str = "Dr Tan") -> None:
    """Name and password typed in the sign-in dialog, not yet sent."""
    browser_sends(panel.dialog.name, value=name)
    browser_sends(panel.dialog.password, value=password)


def sign_in(panel: OutcomesPanel, password: str = "correct horse") -> None:
    type_in(panel, password)
    click(panel.dialog.sign_in_button)


def test_without_outcomes_nothing_offers_to_record():
    widget = PicoWidget(PatientProfile.model_validate(MELASMA))
    assert widget.outcomes is None
    assert not [w for w in widgets_under(widget).values() if isinstance(w, OutcomesPanel)]


def test_offered_only_once_a_session_is_entered(service):
    widget = widget_with(service, {**MELASMA, "observations": []})
    assert widget.outcomes.layout.display == "none"
    widget.profile = PatientProfile.model_validate(MELASMA)
    assert widget.outcomes.layout.display is None


def test_a_click_without_signing_in_stores_nothing_and_opens_the_dialog(service):
    panel = widget_with(service).outcomes
    click(panel.record)
    assert courses(service) == 0
    assert panel.dialog.is_open
    assert isinstance(panel.dialog.password, widgets.Password)


def test_a_wrong_password_says_only_that_and_stores_nothing(service, monkeypatch):
    panel = widget_with(service).outcomes
    focused: list[str] = []
    monkeypatch.setattr(panel.dialog.password, "focus", lambda: focused.append("password"))
    click(panel.record)
    sign_in(panel, "wrong horse")
    assert "Name or password is wrong." in panel.dialog.status.value  # said in the dialog
    assert panel.dialog.is_open
    assert panel.dialog.password.value == "" and focused == ["password"]  # to type again
    assert courses(service) == 0
    sign_in(panel)
    assert focused == ["password"]  # signed in: the dialog closed, focus goes to "Add"


def test_cancel_closes_the_dialog_signs_in_nobody_and_stores_nothing(service):
    panel = widget_with(service).outcomes
    click(panel.record)
    type_in(panel, "correct horse")
    click(panel.dialog.cancel_button)
    assert not panel.dialog.is_open
    assert panel.dialog.password.value == ""
    assert panel.signed_in is None and courses(service) == 0
    click(panel.record)  # asked again, as before
    assert panel.dialog.is_open and courses(service) == 0


def test_signed_in_the_course_is_stored_and_a_repeat_replaces_it(service):
    widget = widget_with(service)
    panel = widget.outcomes
    click(panel.record)
    sign_in(panel)  # the pending "Add" goes ahead once signed in
    assert not panel.dialog.is_open
    assert "Saved to this clinic&#39;s outcomes (course: 2 sessions)." in panel.status.value
    course_id = widget.course_id
    month = this_month()
    assert stored(service) == [(course_id, 1, 20.0, False, month),
                               (course_id, 2, 35.0, False, month)]
    # A third session and PIH after the second, then "Add" again: the same course.
    browser_sends(panel._pih_boxes.children[1], value=True)
    widget._apply(PatientProfile.model_validate({**MELASMA, "observations": [
        *MELASMA["observations"], {"session": 3, "improvement_percent": 50}]}))
    click(panel.record)
    assert courses(service) == 1
    assert stored(service) == [(course_id, 1, 20.0, False, month),
                               (course_id, 2, 35.0, True, month),
                               (course_id, 3, 50.0, False, month)]
    assert (  # said, so a next patient typed over it is seen
        "Updated the course already stored for this patient (course: 3 sessions), not added "
        "twice. For another patient, tap Remove on each session first.") in panel.status.value
    # The saved case file carries the course id, so a later visit adds to this course.
    assert read_case(widget.take_home.case_text()).course_id == course_id
    with reading(service.engine) as db:
        actions = list(db.scalars(select(Audit.action).where(Audit.course_id == course_id)))
    assert actions == ["record", "replace"]


def test_one_session_is_said_in_the_singular(service):
    panel = widget_with(service, {**MELASMA, "observations": MELASMA["observations"][:1]}
                        ).outcomes
    click(panel.record)
    sign_in(panel)
    assert "(course: 1 session)." in panel.status.value


def test_a_lapsed_token_stores_nothing_and_asks_to_sign_in_again(service):
    panel = widget_with(service).outcomes
    click(panel.record)
    sign_in(panel)
    assert courses(service) == 1
    with writing(service.engine) as db:
        db.execute(update(StaffToken).values(last_used=utc_now() - timedelta(minutes=16)))
    click(panel.record)
    assert "You were signed out" in panel.dialog.status.value
    assert panel.dialog.is_open
    with reading(service.engine) as db:
        assert db.scalar(select(func.count()).select_from(Audit)
                         .where(Audit.action == "replace")) == 0


def test_signing_out_ends_the_token(service):
    panel = widget_with(service).outcomes
    click(panel.record)
    sign_in(panel)
    click(panel.sign_out_button)
    with reading(service.engine) as db:
        assert db.scalar(select(func.count()).select_from(StaffToken)) == 0
    click(panel.record)
    assert courses(service) == 1 and panel.dialog.is_open


def test_markup_typed_as_a_name_is_shown_as_text(service):
    panel = widget_with(service).outcomes
    click(panel.record)
    type_in(panel, "whatever1", name="<b>x</b>")
    click(panel.dialog.sign_in_button)
    assert "<b>" not in panel.dialog.status.value
    assert "Name or password is wrong." in panel.dialog.status.value


def test_the_course_id_follows_a_case_file_and_starts_anew_for_another_case(service):
    widget = widget_with(service)
    click(widget.outcomes.record)
    sign_in(widget.outcomes)
    text = widget.take_home.case_text()
    assert json.loads(text)["course_id"] == widget.course_id
    other = widget_with(service)
    other.open_saved(read_case(text))
    assert other.course_id == widget.course_id
    other.profile = PatientProfile.model_validate(MELASMA)  # another case chosen
    assert other.course_id is None
