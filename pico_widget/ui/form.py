"""The case's controls: condition, severity or tattoo, skin type, goal, laser, sessions.

Controls are views of the profile. `word` gives every control its words (again when the
language changes), `show` makes the controls show a profile, `read` turns what they say
into the raw dict the widget validates. None of them forecasts or builds a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..core.catalogue import conditions
from ..core.models import FITZPATRICK_NUMERALS, LASERS, TATTOO_OPTIONS, Forecast, PatientProfile
from ..i18n.formats import percent as percent_text
from ..i18n.problems import explain
from ..i18n.wording import DEFAULT_LANGUAGE, condition_words, wording
from ..render.fragments import heading_html
from ..render.templates import sentence
from . import controls
from .sessions import Sessions

FULL = widgets.Layout(width="100%")


def _inline(field: widgets.VBox) -> widgets.VBox:
    """A group whose parts sit side by side across the band when the widget is narrow."""
    field.add_class("pico-inline")
    return field


class CaseForm:
    """Every input control, made once, and the groups that lay them out: `inputs` (set for
    every patient, above the answer when narrow) and `laser` and `observed` (after it).
    `sessions` holds the recorded sessions' rows."""

    def __init__(self, sessions: Callable[[CaseForm], Sessions]) -> None:
        self.headings: dict[str, widgets.HTML] = {}
        self.error = widgets.HTML("", layout=FULL)
        self.error.add_class("pico-error")
        self.condition = controls.Dropdown(options=[(c, c) for c in conditions()],
                                           layout=FULL)
        self.severity = controls.Dropdown(options=[], layout=FULL)
        self.fitzpatrick = controls.ToggleButtons(
            options=list(zip(FITZPATRICK_NUMERALS, range(1, 7), strict=True)))
        self.fitzpatrick.add_class("pico-fitz")
        self.fitz_text = widgets.HTML()
        self.presets = {int(p["percent"]): widgets.Button()
                        for p in wording("goal_presets", language=DEFAULT_LANGUAGE).values()}
        self.goal = controls.IntSlider(min=1, max=100, step=1, description="",
                                       readout_format="d", layout=FULL)
        self.laser = controls.ToggleButtons(options=[(k, k) for k in LASERS])
        self.laser.add_class("pico-laser")
        self.compare_box = controls.Checkbox(indent=False)
        self.laser_note = widgets.HTML()
        self.tattoo = {field: controls.Dropdown(options=[(o, o) for o in options],
                                                value=wording("default_tattoo",
                                                              language=DEFAULT_LANGUAGE)[field],
                                                layout=FULL)
                       for field, options in TATTOO_OPTIONS.items()}
        self.kd = widgets.HTML()
        self.tattoo_box = self.field("tattoo", *self.tattoo.values(), self.kd)
        self.tattoo_box.add_class("pico-wide")
        self.severity_text = widgets.HTML()
        self.severity_box = self.field("severity", self.severity, self.severity_text)
        self.pin_button = widgets.Button(icon="thumb-tack")
        self.sessions = sessions(self)
        presets = widgets.HBox(list(self.presets.values()))
        presets.add_class("pico-presets")
        self.inputs = widgets.Box([
            self.error,
            self.field("condition", self.condition),
            self.severity_box, self.tattoo_box,
            _inline(self.field("fitzpatrick", self.fitzpatrick, self.fitz_text)),
            _inline(self.field("goal", presets, self.goal)),
        ])
        self.inputs.add_class("pico-inputs")
        self.laser_field = self.field("laser", self.laser, self.compare_box, self.laser_note,
                                      self.pin_button)
        rows = self.sessions
        self.observed = self.field("observations", rows.rows, rows.pending, rows.problem,
                                   rows.add_button)
        self.observed.add_class("pico-wide")

    def field(self, key: str, *children: widgets.Widget) -> widgets.VBox:
        """One input group headed by label `key`; the stylesheet lays groups out in one or
        two columns."""
        title = self.headings[key] = widgets.HTML()
        title.add_class("pico-label-box")
        box = widgets.VBox([title, *children])
        box.add_class("pico-field")
        return box

    def case_controls(self) -> list[Any]:
        """The controls whose value is part of the case (the sessions' too)."""
        rows = [c for row in self.sessions.all_rows for c in row.guarded]
        return [self.condition, self.severity, self.fitzpatrick, self.goal, self.laser,
                self.compare_box, *self.tattoo.values(), *rows]

    def word(self, language: str, pinned: bool) -> None:
        """Every word that does not depend on the case, in `language`."""
        label = wording("labels", language=language)
        for key, title in self.headings.items():
            title.value = heading_html(label[key])
        self.condition.relabel([
            (label["condition_option"].format(group=w.group, label=w.label), cid)
            for cid, w in ((c, condition_words(c, language)) for c in conditions())])
        for preset, button in zip(wording("goal_presets", language=language).values(),
                                  self.presets.values(), strict=True):
            button.description = label["goal_preset"].format(
                label=preset["label"], percent=percent_text(preset["percent"], language))
        self.laser.relabel([(wording("lasers", language=language)[k], k) for k in LASERS])
        self.compare_box.description = label["compare"]
        tattoo_labels = wording("tattoo_labels", language=language)
        for field, control in self.tattoo.items():
            control.relabel([(tattoo_labels[field][o], o) for o in TATTOO_OPTIONS[field]])
            control.description = wording("tattoo_fields", language=language)[field]
        self.pin_button.description = label["unpin" if pinned else "pin"]
        self.sessions.word(language)

    def show(self, p: PatientProfile, fc: Forecast, language: str,
             rebuild_rows: bool = False) -> None:
        """Make every control show profile `p` (its forecast `fc` for the tattoo's score)."""
        label = wording("labels", language=language)
        spec = conditions()[p.condition]
        self.condition.value = p.condition
        kd = spec.graded_by_kirby_desai
        self.severity_box.layout.display = "none" if kd else None
        self.tattoo_box.layout.display = None if kd else "none"
        if spec.severity is not None:
            words = condition_words(p.condition, language).severity
            # The grade in the box, its description beneath: a whole description does
            # not fit a dropdown on a tablet or phone ("Moderat...").
            self.severity.relabel([(_grade(words[key])[0], key) for key in spec.severity])
            self.severity.value = p.severity
            self.severity_text.value = sentence(_grade(words[p.severity])[1])
        if p.tattoo is not None:  # the forecast carries its Kirby-Desai score
            for field, control in self.tattoo.items():
                control.value = getattr(p.tattoo, field)
            score = fc.kirby_desai
            self.kd.value = sentence(label["kd_score"], score=score, sessions=score)
        self.fitzpatrick.value = p.fitzpatrick
        self.fitz_text.value = sentence(
            wording("fitzpatrick", language=language)[str(p.fitzpatrick)])
        self.goal.value = max(1, round(p.goal_percent))  # a goal under 1% shows as 1
        for percent, button in self.presets.items():
            button.button_style = "info" if percent == round(p.goal_percent) else ""
        self.laser.value = p.laser
        self.laser.disabled = self.compare_box.disabled = spec.qswitched is None
        if spec.qswitched is None:
            self.compare_box.value = False
        self.laser_note.value = "" if spec.qswitched else sentence(label["no_qswitched"])
        self.sessions.show(p, language, rebuild_rows)

    def read(self, current: PatientProfile) -> dict[str, Any]:
        """What the controls say, as raw input (a severity not offered keeps `current`'s)."""
        condition = self.condition.value
        spec = conditions().get(condition)
        laser = self.laser.value if spec is None or spec.qswitched else "picosecond"
        tattoo = None
        if spec is not None and spec.graded_by_kirby_desai:
            tattoo = {field: control.value for field, control in self.tattoo.items()}
        return {
            "condition": condition,
            "severity": self.severity.value or current.severity,
            "fitzpatrick": self.fitzpatrick.value,
            "goal_percent": self.goal.value,
            "laser": laser,
            "tattoo": tattoo,
            "observations": self.sessions.read(),
        }

    def with_value(self, current: PatientProfile, control: Any,
                   raw: Any) -> dict[str, Any] | None:
        """The controls' raw input with `raw` in place of `control`'s value."""
        candidate = self.read(current)
        fields = {id(self.condition): "condition", id(self.severity): "severity",
                  id(self.fitzpatrick): "fitzpatrick", id(self.goal): "goal_percent",
                  id(self.laser): "laser"}
        if id(control) in fields:
            return candidate | {fields[id(control)]: raw}
        for row in self.sessions.pending.children:  # as if its value were entered
            candidate["observations"].append(row.read())
        for index, row in enumerate(self.sessions.all_rows):
            keys = {id(row.session): "session", id(row.improvement): "improvement_percent"}
            if id(control) in keys:
                candidate["observations"][index][keys[id(control)]] = raw
                return candidate
        return None

    def refusal(self, current: PatientProfile, control: Any, key: str, raw: Any,
                language: str) -> str:
        """Why a control's browser value is refused: in pydantic's words where the value
        would make the case invalid, else that the choice (a list index) is not on offer."""
        sentence = wording("errors", "not_on_offer", language=language).format(
            value=f"{raw!r:.40}")
        candidate = self.with_value(current, control, raw) if key == "value" else None
        if candidate is not None:
            try:
                PatientProfile.model_validate(candidate)
            except ValidationError as error:
                sentence = explain(error, language)
        return sentence


def _grade(words: str) -> tuple[str, str]:
    """'Moderate: blue-grey or brown, ...' -> ('Moderate', 'blue-grey or brown, ...');
    a severity without a description is its own grade."""
    for mark in ("\uff1a", ": "):  # the full-width colon of Chinese, then ": "
        grade, found, description = words.partition(mark)
        if found:
            return grade.strip(), description.strip()
    return words, ""

