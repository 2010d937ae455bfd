"""The sessions recorded so far, and the row for the next one: the observed response.

Why apart from the other controls: a session's row is added, typed into and removed on its
own path (an empty row waits for the doctor's value; nothing is forecast until then), and
its refusals show beside the rows, where the doctor is typing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..core.models import Observation, PatientProfile
from ..i18n.problems import explain
from ..i18n.wording import wording
from .observations import ObservationRow
from .state import ScreenState

FULL = widgets.Layout(width="100%")


class Sessions:
    """The rows of the recorded sessions, a pending row, and the add button. `read()` is
    what all the controls say, `submit(raw)` the widget's one path in, `refuse(sentence)`
    and `rejected(control, key, raw)` explain beside the rows."""

    def __init__(self, state: ScreenState, read: Callable[[], dict[str, Any]],
                 submit: Callable[[dict[str, Any]], None], refuse: Callable[[str], None],
                 rejected: Callable[..., None]) -> None:
        self._state, self._read, self._submit = state, read, submit
        self._refuse, self._rejected = refuse, rejected
        self.rows = widgets.VBox()  # the sessions recorded in the profile
        self.pending = widgets.VBox()  # a session being recorded: no value yet
        # A session's refusal shows beside the sessions, where the doctor is typing (the
        # top of the page may be off-screen).
        self.problem = widgets.HTML(layout=FULL)
        self.problem.add_class("pico-error")
        self.problem.add_class("pico-rows-problem")
        self.add_button = widgets.Button(icon="plus")
        self.add_button.on_click(lambda _b: self.add_observation())

    @property
    def all_rows(self) -> tuple[ObservationRow, ...]:
        return (*self.rows.children, *self.pending.children)

    def read(self) -> list[dict[str, Any]]:
        return [row.read() for row in self.rows.children]

    def word(self, language: str) -> None:
        self.add_button.description = wording("labels", "add_observation", language=language)
        for row in self.all_rows:
            row.word(language)

    def show(self, profile: PatientProfile, language: str, rebuild: bool = False) -> None:
        """The rows show the profile's sessions (made again when their number changed)."""
        if rebuild or len(self.rows.children) != len(profile.observations):
            self.rows.children = [self._row(o, language) for o in profile.observations]
        else:
            for row, obs in zip(self.rows.children, profile.observations, strict=True):
                row.show(obs)

    def reset_pending(self) -> None:
        """A session being recorded back to its empty value."""
        for row in self.pending.children:
            row.reset()

    def _row(self, obs: Observation | dict[str, Any], language: str,
             on_remove: Callable[[ObservationRow], None] | None = None,
             on_change: Callable[[ObservationRow], None] | None = None) -> ObservationRow:
        row = ObservationRow(obs, on_remove or self._remove_row,
                             on_change or (lambda _row: self._submit(self._read())),
                             self._state.device, language)
        for control in row.guarded:
            control.on_reject = functools.partial(self._rejected, beside_rows=True)
        return row

    def add_observation(self) -> None:
        """An empty row for the next session: the forecast waits for the doctor's value."""
        if self.pending.children:
            return
        done = self._state.profile.observations
        session = done[-1].session + 1 if done else 1
        self.pending.children = [self._row(
            {"session": session, "improvement_percent": None}, self._state.language,
            self._drop_pending, self._pending_changed)]

    def _drop_pending(self, row: ObservationRow) -> None:
        self.pending.children = []
        row.close()

    def _pending_changed(self, row: ObservationRow) -> None:
        """A value entered in the new row: record the session (or explain, and keep it)."""
        if not str(row.number.value).strip():  # a session number alone records nothing,
            try:  # but one that can never be recorded is refused now, where it was typed
                Observation.model_validate({"session": row.session.value,
                                            "improvement_percent": 0})
            except ValidationError as error:
                self._refuse(explain(error, self._state.language))
                return
            row.keep_session()
            return
        raw = self._read()
        raw["observations"].append(row.read())
        before = self._state.profile
        self._submit(raw)
        if self._state.profile is not before:
            self._drop_pending(row)

    def _remove_row(self, row: ObservationRow) -> None:
        raw = self._read()
        index = self.rows.children.index(row)
        raw["observations"] = raw["observations"][:index] + raw["observations"][index + 1:]
        self._submit(raw)
