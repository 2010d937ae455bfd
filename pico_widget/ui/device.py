"""Device settings per recorded session (wavelength, fluence, spot size), for the record.

Why apart from the profile: the forecast never reads them (the evidence does not tell how a
setting changes the response), so they are not part of PatientProfile and a case file does
not carry them. They go into the clinical note only. Why a log keyed by session number
rather than state in each row: rows are redrawn whenever a session is added or removed (and
on a language switch), and the settings must outlive that.

Each value is typed as text and checked on the server by pydantic (core.settings_models'
DeviceSettings), as any value a browser sends must be: a bad one is explained in the row,
quoted and escaped, and changes nothing (the field shows the last accepted value again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import annotated_types
import ipywidgets as widgets
import traitlets
from pydantic import ValidationError

from ..core.models import PatientProfile
from ..core.settings_models import DeviceSettings
from ..i18n.wording import wording
from ..render.fragments import message_html
from . import controls

FIELDS = ("wavelength_nm", "fluence_j_cm2", "spot_mm")


class DeviceLog(traitlets.HasTraits):
    """Session number -> the settings entered for it. `by_session` is replaced, never
    changed in place, so whoever observes it (the take-home's open note) hears each change."""

    by_session: traitlets.Dict[int, DeviceSettings] = traitlets.Dict()

    def get(self, session: int) -> DeviceSettings:
        return self.by_session.get(session, DeviceSettings())

    def put(self, session: int, settings: DeviceSettings) -> None:
        kept = {s: v for s, v in self.by_session.items() if s != session}
        self.by_session = kept if settings == DeviceSettings() else kept | {session: settings}

    def drop(self, session: int) -> None:
        if session in self.by_session:
            self.by_session = {s: v for s, v in self.by_session.items() if s != session}

    def recorded(self, profile: PatientProfile) -> dict[int, DeviceSettings]:
        """The settings of the sessions the profile records (a row still being typed, or
        one removed, is not in the note)."""
        sessions = {o.session for o in profile.observations}
        return {s: v for s, v in self.by_session.items() if s in sessions}


def bounds(name: str) -> tuple[float, float]:
    """A field's lowest and highest value as DeviceSettings allows them."""
    low = high = 0.0
    for rule in DeviceSettings.model_fields[name].metadata:
        # annotated_types types a bound as anything comparable; DeviceSettings' are floats.
        if isinstance(rule, annotated_types.Ge | annotated_types.Gt):
            low = float(cast(float, rule.ge if isinstance(rule, annotated_types.Ge) else rule.gt))
        if isinstance(rule, annotated_types.Le):
            high = float(cast(float, rule.le))
    return low, high


def refusal(name: str, typed: str, language: str) -> str:
    """The sentence for a value DeviceSettings refused (the template escapes `typed`)."""
    low, high = bounds(name)
    return wording("errors", "device_setting", language=language).format(
        field=wording("labels", f"device_{name}", language=language), low=f"{low:g}",
        high=f"{high:g}",
        value=f"{typed!r:.40}")


class DeviceFields(widgets.VBox):
    """One row's settings: a toggle that shows three optional fields, and where a refused
    value is explained. `session()` is the row's session number when a value is typed.

    The fields are made when first opened: a row is redrawn whenever a session is added or
    removed, and six more widgets in every row slowed that redraw for the many rows whose
    settings are never opened."""

    def __init__(self, log: DeviceLog, session: Callable[[], int], language: str) -> None:
        self._log, self._session, self._language = log, session, language
        self.toggle = widgets.ToggleButton(icon="sliders", layout=widgets.Layout(width="auto"))
        self.toggle.add_class("pico-device-toggle")
        self.fields: dict[str, widgets.Text] = {}
        # Made with the fields: a widget never shown would never be closed by a rebuild.
        self.problem: widgets.HTML | None = None
        self._box: widgets.Box | None = None
        self.toggle.observe(lambda _c: self._open(), "value")
        super().__init__([self.toggle])
        self.add_class("pico-device")
        self.word(language)
        self.show(session())

    def word(self, language: str) -> None:
        """The toggle's and fields' words in `language` (again after a switch that keeps
        the row); a refused value is explained in it."""
        self._language = language
        label = wording("labels", language=language)
        self.toggle.description = label["device_settings"]
        for name, field in self.fields.items():
            field.description = label[f"device_{name}"]
            field.placeholder = label[f"device_{name}_hint"]

    def show(self, session: int) -> None:
        """The settings kept for `session`; the fields open when there are any."""
        kept = self._log.get(session)
        if kept != DeviceSettings():
            self.toggle.value = True  # opens (and makes) the fields
        for name, field in self.fields.items():
            value = getattr(kept, name)
            field.value = "" if value is None else f"{value:g}"

    def _open(self) -> None:
        if self.toggle.value and self._box is None:
            self._make_fields()
        if self._box is not None:
            self._box.layout.display = None if self.toggle.value else "none"

    def _make_fields(self) -> None:
        self.fields = {name: controls.Text(
            continuous_update=False, style={"description_width": "initial"},
            layout=widgets.Layout(width="auto")) for name in FIELDS}
        for field in self.fields.values():
            field.add_class("pico-device-field")
            field.on_edit = self._typed  # the doctor's typing only: show() writes quietly
        self.word(self._language)
        self._box = widgets.Box(list(self.fields.values()))
        self._box.add_class("pico-device-fields")
        self.problem = widgets.HTML()
        self.problem.add_class("pico-error")
        self.children = [self.toggle, self._box, self.problem]
        self.show(self._session())

    def _typed(self, _field: Any) -> None:
        raw = {name: field.value.strip() or None for name, field in self.fields.items()}
        session = self._session()
        try:
            settings = DeviceSettings.model_validate(raw)
        except ValidationError as error:
            name = str(error.errors()[0]["loc"][0])
            if self.problem is not None:
                self.problem.value = message_html(refusal(name, str(raw[name]), self._language))
            self.show(session)  # the last accepted values again
            return
        if self.problem is not None:
            self.problem.value = ""
        self._log.put(session, settings)
