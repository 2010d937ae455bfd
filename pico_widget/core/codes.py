"""Refusals, cautions and case-file problems leave the core as codes with values.

Why: the core forecasts; it does not speak. The screen words a code in the visitor's
language (pico_widget.i18n.problems), and switching language never re-runs a forecast.
A developer calling the core still deserves a sentence: the i18n layer hands the core its
English wording once, at package import (`use_english`), so a ValidationError or
Forecast.warnings reads in plain English without the core holding any words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic_core import PydanticCustomError

Kind = Literal["validation", "warnings", "case_file"]
Worder = Callable[[Kind, str, Mapping[str, Any]], str]

_english: Worder | None = None


def use_english(worder: Worder) -> None:
    """Called by the i18n layer at import: how a code reads in English."""
    global _english
    _english = worder


def english(kind: Kind, code: str, values: Mapping[str, Any]) -> str:
    """The English sentence for a code (the bare code and values before i18n is loaded)."""
    if _english is None:
        return f"{code} {dict(values)}"
    return _english(kind, code, values)


def refusal(code: str, **values: Any) -> PydanticCustomError:
    """A pydantic error whose type is `code` and whose context holds `values` (no words)."""
    return PydanticCustomError(code, english("validation", code, values), values)


class CaseFileError(ValueError):
    """A case file that cannot be used: `code` says why (and `detail`, for a profile that
    fails validation, which value)."""

    def __init__(self, code: str, detail: Exception | None = None) -> None:
        self.code, self.detail = code, detail
        super().__init__(english("case_file", code, {"detail": detail}))
