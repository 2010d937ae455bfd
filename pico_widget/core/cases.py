"""Saved cases (JSON a follow-up visit can reload) and the shipped teaching cases.

A saved case is the PatientProfile and nothing else: no name, no date of birth, no notes.
Loading validates it like any other input; a bad file raises CaseFileError with a code
(pico_widget.i18n.problems words it).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from .codes import CaseFileError
from .models import PatientProfile

__all__ = ["CaseFileError", "TeachingCase", "load_case", "save_case", "teaching_cases"]

FORMAT = "pico-widget case"
FORMAT_VERSION = 1
MAX_CASE_BYTES = 100_000


def save_case(profile: PatientProfile) -> str:
    """The case as JSON text: format tag, version and the validated profile."""
    body = {"format": FORMAT, "version": FORMAT_VERSION,
            "profile": PatientProfile.model_validate(profile).model_dump(mode="json")}
    return json.dumps(body, indent=2) + "\n"


def load_case(text: str | bytes) -> PatientProfile:
    """Read a saved case, refusing anything that is not exactly what save_case writes."""
    if len(text) > MAX_CASE_BYTES:
        raise CaseFileError("too_large")
    try:
        body: Any = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise CaseFileError("not_json") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise CaseFileError("not_a_case")
    if body.get("version") != FORMAT_VERSION or set(body) != {"format", "version", "profile"}:
        raise CaseFileError("other_version")
    try:
        return PatientProfile.model_validate(body["profile"])
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
