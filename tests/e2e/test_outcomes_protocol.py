"""Without a signed-in member of staff, nothing a client sends adds, changes, lists or
deletes a course (issue 31, safety): tried with a protocol client (widget_client), not a
page, so nothing the page's JavaScript would refrain from sending is left untried.

The server runs with a clinic file that already holds a course. The client clicks
"Add to this clinic's outcomes", tries wrong passwords, runs code in its kernel, opens
comms of its own, sends updates the page never sends, and asks every HTTP route a
Jupyter server may have with every method; after each, the stored courses, their
sessions and the audit of course changes and listings are what they were, and no answer
carries the stored course's id. The positive control: the right password, sent the same
way, does sign in (so the messages did reach the kernel).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import select

from pico_widget.outcomes.database import open_engine, reading, upgrade, writing
from pico_widget.outcomes.schema import Audit, Course, CourseSession
from pico_widget.outcomes.staff import add_staff, console
from pico_widget.outcomes.writes import record_course
from tests.live_server import live_server
from tests.outcomes_helpers import course
from tests.widget_client import Visitor

COURSE_ACTIONS = ("record", "replace", "delete", "list")


def snapshot(engine) -> tuple:
    """Every stored course and session, and the audit rows of course changes and lists."""
    with reading(engine) as db:
        return (sorted(tuple(r) for r in db.execute(select(Course.course_id, Course.condition,
                                                           Course.updated))),
                sorted(tuple(r) for r in db.execute(select(
                    CourseSession.course_id, CourseSession.session,
                    CourseSession.improvement_percent))),
                sorted(tuple(r) for r in db.execute(select(Audit.id, Audit.action).where(
                    Audit.action.in_(COURSE_ACTIONS)))))


def click(visitor: Visitor, model_id: str) -> None:
    visitor.send("comm_msg", {"comm_id": model_id, "data": {
        "method": "custom", "content": {"event": "click"}}}, metadata={"version": "2.1.0"})


def update(visitor: Visitor, model_id: str, **state: object) -> None:
    visitor.send("comm_msg", {"comm_id": model_id, "data": {
        "method": "update", "state": state, "buffer_paths": []}},
        metadata={"version": "2.1.0"})


def http(url: str, method: str, body: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


WRITING_CODE = """
from pico_widget.outcomes.database import open_engine, writing
from sqlalchemy import text
with writing(open_engine({url!r})) as db:
    db.execute(text("DELETE FROM course_sessions"))
    db.execute(text("DELETE FROM courses"))
"""


@pytest.fixture
def clinic(tmp_path):
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    engine = open_engine(url)
    upgrade(engine)
    stored = course(count=2)
    with writing(engine) as db:
        add_staff(db, console(), "Dr Tan", "correct horse")
        record_course(db, console(), stored)
    yield url, engine, stored.course_id
    engine.dispose()


def test_no_message_or_request_without_sign_in_touches_a_course(clinic) -> None:
    url, engine, course_id = clinic
    before = snapshot(engine)
    with live_server("--outcomes", url, name="outcomes-protocol", timeout=120) as server:
        visitor = Visitor(server.url, timeout=120)
        visitor.open()
        answers: list[str] = []
        try:
            record = visitor.find(description="Add to this clinic's outcomes")
            name = visitor.find(_model_name="TextModel", description="Name")
            password = visitor.find(_model_name="PasswordModel")
            sign_in = visitor.find(_model_name="ButtonModel", description="Sign in")
            status = visitor.find(_model_name="HTMLModel", _dom_classes=[
                "pico-outcome-status"])
            for _ in range(3):  # "Add", as often as a client likes
                click(visitor, record)
            for wrong in ("wrong horse", "", "' OR 1=1 --", "<script>x</script>"):
                update(visitor, name, value="Dr Tan")
                update(visitor, password, value=wrong)
                click(visitor, sign_in)
            # What the page never sends: a "signed in" status, the token's place, code.
            update(visitor, status, value="Signed in as Dr Tan.")
            update(visitor, record, description="x", disabled=False)
            visitor.send("execute_request", {
                "code": WRITING_CODE.format(url=url), "silent": False, "store_history": False,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            visitor.send("comm_open", {"comm_id": uuid.uuid4().hex, "target_name":
                                       "pico.outcomes", "data": {"course_id": course_id}})
            visitor.send("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {
                "method": "custom", "content": {"event": "click"}}})
            click(visitor, record)
            answers += visitor.drain(4)
            assert snapshot(engine) == before
            kernel = visitor.kernel_id
            routes = ["api/kernels", f"api/kernels/{kernel}", f"api/kernels/{kernel}/restart",
                      f"api/kernels/{kernel}/interrupt", "api/sessions", "api/contents",
                      "api/contents/outcomes.db", "api/terminals", "api/config/notebook",
                      "files/outcomes.db", "voila/files/outcomes.db", "api/me",
                      "api/kernelspecs", f"voila/api/shutdown/{kernel}", "api/outcomes",
                      "outcomes", "api/nbconvert",
                      "voila/render/pico_dashboard.ipynb"]
            body = json.dumps({"course_id": course_id, "condition": "melasma",
                               "code": WRITING_CODE.format(url=url)}).encode()
            for route in routes:
                for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                    status_code, text = http(server.url + route, method,
                                             None if method in ("GET", "DELETE") else body)
                    answers.append(f"{method} {route} {status_code} {text}")
            after = snapshot(engine)
            # The positive control: the same channel does sign in with the right password.
            update(visitor, name, value="Dr Tan")
            update(visitor, password, value="correct horse")
            click(visitor, sign_in)
            signed = "".join(visitor.drain(4))
        finally:
            visitor.close()
    assert after == before
    leaked = [a[:200] for a in answers if course_id in a.split(" ", 3)[-1]]
    assert leaked == []
    assert "Signed in as Dr Tan." in signed
