""""Add to this clinic's outcomes": the doctor stores the course on screen, signed in.

Why every check is here, in the kernel: the browser only clicks and types. A click on
"Add" stores nothing unless this kernel holds a sign-in token the database still knows
(SignIn.who: used within 15 minutes); without one the sign-in dialog opens instead
(ui/sign_in_dialog.py). The token never leaves the kernel, the password field is emptied
after each try, and the token is closed when the kernel ends (the page closed). What is
stored is built from the validated profile on screen (CourseRecord checks it again): a
repeat stores the same course id again, which replaces the stored course
(writes.record_course), never a second.
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from ..i18n.formats import plural
from ..i18n.problems import explain
from ..i18n.wording import wording
from ..outcomes.database import reading
from ..outcomes.record import CourseRecord, new_course_id, this_month
from ..outcomes.schema import Course
from ..outcomes.signin import SignIn, SignInRefused
from ..outcomes.staff import SignedIn
from ..outcomes.writes import save_course
from ..render.fragments import message_html
from .sign_in_dialog import SignInDialog
from .state import ScreenState

HIDDEN = "none"


class OutcomesPanel(widgets.VBox):
    """The record button, a PIH tick per session, the sign-in dialog and what happened."""

    def __init__(self, service: SignIn, state: ScreenState,
                 stored: Callable[[], None] = lambda: None) -> None:
        """The course is `state`'s case; a stored course's id goes on `state.course_id`,
        and `stored()` is told (the clinic's band takes the course in at once)."""
        self._service, self._state, self._stored = service, state, stored
        self._token: str | None = None
        self._pending = False  # the doctor pressed "Add" and was asked to sign in first
        self._pih: dict[int, bool] = {}  # ticked or unticked by the doctor, per session
        self._ticks_for: list[int] | None = None  # the sessions the PIH ticks are for
        self.record = widgets.Button(icon="database")
        self.record.add_class("pico-record-course")
        self.record.add_class("pico-dialog-opener")  # focus comes back here (a11y.js)
        self.record.on_click(lambda _b: self.add())
        self._pih_boxes = widgets.HBox()
        self._pih_boxes.add_class("pico-presets")
        self.dialog = SignInDialog(self.sign_in, cancel=self._cancelled)
        self._who = widgets.HTML()
        self.sign_out_button = widgets.Button(icon="sign-out")
        self.sign_out_button.on_click(lambda _b: self.sign_out())
        self._signed = widgets.HBox([self._who, self.sign_out_button],
                                    layout=widgets.Layout(display=HIDDEN))
        self.status = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.status.add_class("pico-outcome-status")
        super().__init__([self._pih_boxes, self.record, self.dialog, self._signed,
                          self.status])
        atexit.register(self.sign_out)  # the page closed: the kernel ends
        self.word()
        state.observe(lambda _change: self.word(), "language")
        state.observe(lambda _change: self.refresh(), "profile")

    def _words(self) -> dict[str, Any]:
        """The panel's words in the language on screen."""
        return dict(wording("outcomes", language=self._state.language))

    def word(self) -> None:
        say = self._words()
        self.record.description = say["record"]
        self.dialog.word(say)
        self.sign_out_button.description = say["sign_out"]
        self.refresh(relabel=True)

    def refresh(self, relabel: bool = False) -> None:
        """Offered once a session is entered; one PIH tick per entered session (made
        again only when the sessions or the words change, not on every redraw)."""
        sessions = [o.session for o in self._state.profile.observations]
        self.layout.display = None if sessions else HIDDEN
        if sessions == self._ticks_for and not relabel:
            return
        self._ticks_for = sessions
        boxes = []
        for session in sessions:
            box = widgets.Checkbox(value=self._pih.get(session, False), indent=False,
                                   description=self._words()["pih_after"].format(
                                       session=session))
            box.observe(lambda change, s=session: self._pih.__setitem__(s, change["new"]),
                        "value")
            boxes.append(box)
        self._pih_boxes.children = boxes

    @property
    def signed_in(self) -> SignedIn | None:
        """Who holds this kernel's token now (None once it lapsed or was closed, or while
        the database does not answer)."""
        try:
            return self._holder()
        except SQLAlchemyError:
            return None

    def _holder(self) -> SignedIn | None:
        """signed_in, raising SQLAlchemyError while the database does not answer (the
        token is kept then: an outage is not a sign-out)."""
        if self._token is None:
            return None
        who = self._service.who(self._token)
        if who is None:
            self._token = None
        return who

    def add(self) -> None:
        """Store the course, or open the sign-in dialog first; while the database does not
        answer, say so (not "signed out")."""
        had_token = self._token is not None
        try:
            actor = self._holder()
        except SQLAlchemyError:
            say = self._words()
            self._say(say["not_saved"].format(reason=say["no_database"]))
            return
        if actor is None:
            self._pending = True
            self._show_signed_in(None)
            self._say("")
            self.dialog.ask(self._words()["signed_out"] if had_token else "")
            return
        self._store(actor)

    def sign_in(self, name: str, password: str) -> None:
        """The dialog's "Sign in": a refusal is said in the dialog, which stays open."""
        try:
            self._token = self._service.verify(name, password, language=self._state.language)
        except SignInRefused as refused:
            self.dialog.say(str(refused))
            return
        except SQLAlchemyError:
            say = self._words()
            self.dialog.say(say["not_saved"].format(reason=say["no_database"]))
            return
        actor = self.signed_in
        self._show_signed_in(actor)
        self._say("")
        if actor is not None and self._pending:
            self._store(actor)

    def sign_out(self) -> None:
        token, self._token = self._token, None
        if token is not None:
            # If the database does not answer, the token lapses after 15 idle minutes.
            with contextlib.suppress(SQLAlchemyError):
                self._service.sign_out(token)
        self._show_signed_in(None)
        self.dialog.dismiss()

    def _cancelled(self) -> None:
        self._pending = False  # Cancel or Escape: the course waits for another "Add"

    def _store(self, actor: SignedIn) -> None:
        self._pending = False
        course_id = self._state.course_id or new_course_id()
        say = self._words()
        try:
            record = self._record(course_id)
            replaced = save_course(self._service.engine, actor, record)
        except ValidationError as error:
            self._say(say["not_saved"].format(reason=explain(error, self._state.language)))
            return
        except SQLAlchemyError:
            self._say(say["not_saved"].format(reason=say["no_database"]))
            return
        self._state.course_id = course_id  # a saved case file now carries it
        self._stored()
        self._pih = {s.session: s.pih for s in record.sessions}
        self.refresh(relabel=True)  # the ticks show what was stored
        # A replace says so: a doctor who changed the screen for the next patient without
        # removing the sessions overwrote the last patient's course, and must see it.
        self._say(plural("outcomes", "replaced" if replaced else "saved", len(record.sessions),
                         self._state.language))

    def _record(self, course_id: str) -> CourseRecord:
        """The course on screen; a session stored earlier keeps its month and PIH."""
        with reading(self._service.engine) as db:
            stored = db.get(Course, course_id)
            earlier = {s.session: (s.month, bool(s.pih)) for s in stored.sessions} if stored else {}
        profile, month = self._state.profile, this_month()
        settings = self._state.device.recorded(profile)
        sessions = []
        for obs in profile.observations:
            was_month, was_pih = earlier.get(obs.session, (month, False))
            device = settings.get(obs.session)
            sessions.append({"session": obs.session,
                             "improvement_percent": obs.improvement_percent,
                             "pih": self._pih.get(obs.session, was_pih), "month": was_month,
                             "device": device.model_dump(exclude_none=True) if device else None})
        tattoo = profile.tattoo.model_dump() if profile.tattoo else None
        return CourseRecord.model_validate({
            "course_id": course_id, "condition": profile.condition,
            "severity": None if tattoo else profile.severity,
            "fitzpatrick": profile.fitzpatrick, "laser": profile.laser, "tattoo": tattoo,
            "sessions": sessions})

    def _show_signed_in(self, actor: SignedIn | None) -> None:
        self._signed.layout.display = None if actor else HIDDEN
        if actor:
            self.dialog.dismiss()
        self._who.value = (message_html(self._words()["signed_in"].format(
            name=actor.who)) if actor else "")

    def _say(self, sentence: str) -> None:
        self.status.value = message_html(sentence)
