"""CourseRecord: one patient's course as the clinic's outcomes store it, validated.

Why a model of its own: a stored course outlives the screen, so everything going in is
checked here once, whatever the door (the dashboard, a CSV import): the clinical inputs
exactly as a forecast checks them (PatientProfile), plus what only a record has (each
session's PIH and month, the device settings, the course id). A record holds no name, no
date of birth, no day, no free text: nothing but codes, numbers and a random course id.
Refusals are the core's codes, worded in data/wording.toml [validation].
"""

from __future__ import annotations

import itertools
import re
import secrets
from datetime import UTC, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from ..core.cases import COURSE_ID
from ..core.catalogue import conditions
from ..core.codes import refusal
from ..core.models import Observation, PatientProfile, TattooDetails
from ..core.settings_models import DeviceSettings

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
MARKUP = ("<", ">", "&")
DEVICE_FIELDS = ("wavelength_nm", "fluence_j_cm2", "spot_mm")


def new_course_id() -> str:
    """A random course id: the only key a course has, and nothing about the patient."""
    return secrets.token_hex(16)


def this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _first_problem(error: ValidationError) -> PydanticCustomError:
    """A nested model's first refusal, raised again as this record's own (same code)."""
    first = error.errors()[0]
    return PydanticCustomError(first["type"], first["msg"], first.get("ctx") or {})


def _no_markup(value: Any, field: str = "") -> None:
    """Refuse any string anywhere in `value` holding markup characters (never echoed)."""
    if isinstance(value, str):
        if any(mark in value for mark in MARKUP):
            raise refusal("outcome_markup", field=field or "value")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_markup(key, field)
            _no_markup(item, str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            _no_markup(item, field)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionRecord(_Model):
    """One session of a course: improvement against baseline, PIH after it, its month."""

    session: int
    improvement_percent: float
    pih: bool
    month: str
    device: DeviceSettings | None = None

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any) -> Any:
        if isinstance(data, dict):
            _no_markup(data)
            session = data.get("session")
            try:  # the session number and improvement, checked as a forecast checks them
                Observation.model_validate({"session": session, "improvement_percent":
                                            data.get("improvement_percent")})
            except ValidationError as error:
                raise _first_problem(error) from None
            if not isinstance(data.get("pih"), bool):
                raise refusal("outcome_pih", session=session, got=repr(data.get("pih")))
            month = data.get("month")
            match = MONTH.fullmatch(month) if isinstance(month, str) else None
            if (match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000
                    or match[0] > this_month()):
                raise refusal("outcome_month", session=session, got=repr(month))
            if data.get("device") is not None:
                data = {**data, "device": _device(data["device"], session)}
        return data


def _device(value: Any, session: Any) -> DeviceSettings:
    """The note's DeviceSettings, its refusal worded as a sentence naming the setting."""
    try:
        return DeviceSettings.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "device"
        raise refusal("outcome_device", session=session, setting=name,
                      got=repr(first.get("input"))) from None


class CourseRecord(_Model):
    """A patient's course as stored: the clinical inputs and every session so far.
    `severity` is None for a tattoo (graded by Kirby-Desai, `tattoo` instead)."""

    course_id: str
    condition: str
    severity: str | None = None
    fitzpatrick: int
    laser: str = "picosecond"
    tattoo: TattooDetails | None = None
    sessions: list[SessionRecord]

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        _no_markup(data)
        if not isinstance(data.get("course_id"), str) or not COURSE_ID.fullmatch(
                data["course_id"]):
            raise refusal("outcome_course_id")
        condition = data.get("condition")
        spec = conditions().get(condition) if isinstance(condition, str) else None
        if spec is not None and spec.graded_by_kirby_desai and data.get("severity"):
            raise refusal("outcome_severity_for_tattoo", condition=condition)
        if spec is not None and not spec.graded_by_kirby_desai and not data.get("severity"):
            raise refusal("outcome_severity_needed", condition=condition)
        sessions = data.get("sessions")
        if not sessions or not isinstance(sessions, list):
            raise refusal("outcome_no_sessions")
        _profile_of(data)
        return data

    @model_validator(mode="after")
    def _months_in_order(self) -> Self:
        for before, after in itertools.pairwise(self.sessions):
            if after.month < before.month:
                raise refusal("outcome_month_order", session=after.session, month=after.month,
                              previous=before.month)
        return self

    def profile(self) -> PatientProfile:
        """The forecast's profile for this course (a record has no goal: the default)."""
        return _profile_of(self.model_dump())


def _profile_of(data: dict[str, Any]) -> PatientProfile:
    """The clinical inputs and session order, checked exactly as a forecast checks them."""
    sessions = [s.model_dump() if isinstance(s, BaseModel) else s for s in data["sessions"]]
    tattoo = data.get("tattoo")
    try:
        return PatientProfile.model_validate({
            "condition": data.get("condition"), "severity": data.get("severity") or "moderate",
            "fitzpatrick": data.get("fitzpatrick"), "laser": data.get("laser", "picosecond"),
            "tattoo": tattoo.model_dump() if isinstance(tattoo, BaseModel) else tattoo,
            "observations": [{"session": s.get("session"),
                              "improvement_percent": s.get("improvement_percent")}
                             for s in sessions if isinstance(s, dict)]})
    except ValidationError as error:
        raise _first_problem(error) from None
