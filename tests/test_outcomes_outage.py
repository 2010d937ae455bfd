"""PostgreSQL stopped in the middle of a consultation (issue 31, reliability): the
forecast keeps working, recording says the database is unavailable and stores nothing,
and once the database is back the same kernel records again, without a restart and
without signing in again (the token is in the database, which kept it)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pico_widget import PicoWidget, estimate
from pico_widget.core.models import PatientProfile
from pico_widget.outcomes.database import reading, writing
from pico_widget.outcomes.schema import Course, CourseSession
from pico_widget.outcomes.signin import SignIn
from pico_widget.outcomes.staff import add_staff, console
from tests.outcomes_helpers import upgraded_engine
from tests.postgres_server import local_postgres
from tests.test_outcomes_panel import MELASMA, click, sign_in
from tests.widget_client import browser_sends

pytestmark = pytest.mark.postgresql
UNAVAILABLE = "Not saved: the outcomes database did not answer."


def sessions_stored(engine) -> list[int]:
    with reading(engine) as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 1
        return list(db.scalars(select(CourseSession.session).order_by(CourseSession.session)))


def test_recording_says_unavailable_while_postgresql_is_down_and_works_after(tmp_path):
    with local_postgres() as server:
        engine = upgraded_engine(server.url)
        with writing(engine) as db:
            add_staff(db, console(), "Dr Tan", "correct horse")
        widget = PicoWidget(PatientProfile.model_validate(MELASMA), outcomes=SignIn(engine))
        panel = widget.outcomes
        click(panel.record)
        sign_in(panel)
        assert sessions_stored(engine) == [1, 2]

        server.stop()  # the database goes away mid-session
        before = widget.forecast
        third = PatientProfile.model_validate({**MELASMA, "observations": [
            *MELASMA["observations"], {"session": 3, "improvement_percent": 60}]})
        widget._apply(third)  # the doctor enters a third session (as test_outcomes_panel)
        assert widget.forecast != before
        assert widget.forecast.improvement == estimate(third).improvement
        click(panel.record)
        assert UNAVAILABLE in panel.status.value
        assert not panel.dialog.is_open  # not asked to sign in: not signed out
        browser_sends(panel.dialog.password, value="correct horse")
        click(panel.dialog.sign_in_button)  # signing in again cannot help either, and says so
        assert UNAVAILABLE in panel.dialog.status.value

        server.start()  # back, on the same port and data
        click(panel.record)
        assert "(course: 3 sessions)" in panel.status.value, panel.status.value
        assert sessions_stored(engine) == [1, 2, 3]
        engine.dispose()
