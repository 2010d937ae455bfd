"""Saved cases (JSON a follow-up visit can reload) and the shipped teaching cases.

A saved case is the PatientProfile and, once the course is in the clinic's outcomes, its
random course id (so a later visit adds to the same course); nothing else: no name, no date
of birth, no notes. Files saved before course ids open as before. Loading validates it like
any other input; a bad file raises CaseFileError with a code (pico_widget.i18n.problems
words it).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from .codes import CaseFileError
from .models import PatientProfile

__all__ = ["CaseFileError", "SavedCase", "TeachingCase", "load_case", "read_case", "save_case",
           "teaching_cases"]

FORMAT = "pico-widget case"
FORMAT_VERSION = 1
MAX_CASE_BYTES = 100_000
# A course id as outcomes.record makes it: 32 random hex digits, nothing about the patient.
COURSE_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class SavedCase:
    """What a case file holds: the profile, and the course id once the course is recorded."""

    profile: PatientProfile
    course_id: str | None = None


def save_case(profile: PatientProfile, course_id: str | None = None) -> str:
    """The case as JSON text: format tag, version, the validated profile and, when the
    course is recorded, its course id."""
    body: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION,
                            "profile": PatientProfile.model_validate(profile).model_dump(
                                mode="json")}
    if course_id is not None:
        if not COURSE_ID.fullmatch(course_id):
            raise ValueError("a course id is 32 hex digits (outcomes.record.new_course_id)")
        body["course_id"] = course_id
    return json.dumps(body, indent=2) + "\n"


def load_case(text: str | bytes) -> PatientProfile:
    """Read a saved case's profile (read_case, for its course id too)."""
    return read_case(text).profile


def read_case(text: str | bytes) -> SavedCase:
    """Read a saved case, refusing anything that is not exactly what save_case writes."""
    if len(text) > MAX_CASE_BYTES:
        raise CaseFileError("too_large")
    try:
        body: Any = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise CaseFileError("not_json") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise CaseFileError("not_a_case")
    keys = set(body) - {"course_id"}
    if body.get("version") != FORMAT_VERSION or keys != {"format", "version", "profile"}:
        raise CaseFileError("other_version")
    course_id = body.get("course_id")
    if course_id is not None and not (isinstance(course_id, str)
                                      and COURSE_ID.fullmatch(course_id)):
        raise CaseFileError("not_a_case")
    try:
        return SavedCase(PatientProfile.model_validate(body["profile"]), course_id)
    except ValidationError as error:
        raise CaseFileError("invalid", error) from None


@dataclass(frozen=True)
class TeachingCase:
    title: str
    point: str
    profile: PatientProfile
    compare_lasers: bool = False  # opens with the other laser drawn beside it


@cache
def teaching_cases() -> list[TeachingCase]:
    """The trainer's library (data/teaching_cases.toml), each validated like user input."""
    text = resources.files("pico_widget").joinpath("data/teaching_cases.toml").read_text("utf-8")
    return [TeachingCase(c["title"], c["point"], PatientProfile.model_validate(c["profile"]),
                         bool(c.get("compare_lasers", False)))
            for c in tomllib.loads(text)["case"]]
