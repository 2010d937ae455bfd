"""Refusals, cautions and case-file problems leave the core as codes with values.

Why: the core forecasts; it does not speak. The screen words a code in the visitor's
language (pico_widget.i18n.problems), and switching language never re-runs a forecast.
A developer calling the core still deserves a sentence: the core reads its English from the
wording file (core/english.py), so a ValidationError or Forecast.warnings reads in plain
English with nothing but the core imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic_core import PydanticCustomError

from .english import case_file_text, caution_text, refusal_text

Kind = Literal["validation", "warnings", "case_file"]


def english(kind: Kind, code: str, values: Mapping[str, Any]) -> str:
    """The English sentence for a code (data/wording.toml, read by the core)."""
    if kind == "validation":
        return refusal_text(code, values)
    if kind == "warnings":
        return caution_text(code, values)
    return case_file_text(code, values.get("detail"))


def refusal(code: str, **values: Any) -> PydanticCustomError:
    """A pydantic error whose type is `code` and whose context holds `values` (no words)."""
    return PydanticCustomError(code, english("validation", code, values), values)


class CaseFileError(ValueError):
    """A case file that cannot be used: `code` says why (and `detail`, for a profile that
    fails validation, which value)."""

    def __init__(self, code: str, detail: Exception | None = None) -> None:
        self.code, self.detail = code, detail
        super().__init__(english("case_file", code, {"detail": detail}))
