"""Words for what the core says as codes: refusals, cautions and case-file problems.

The core raises pydantic errors whose type is a code (core/codes.py) and lists cautions as
Caution(code, values); here they become sentences in a language (data/wording.toml
[validation], [warnings], [case_file] and the locales). Importing this module also hands
the core its English, so a ValidationError reads as a sentence to a developer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..core.catalogue import conditions
from ..core.codes import CaseFileError, Kind, use_english
from ..core.models import Caution
from .formats import join
from .wording import (
    DEFAULT_LANGUAGE,
    condition_words,
    course_length,
    mid_sentence,
    wording,
)


def _worded(values: Mapping[str, Any], language: str | None,
            plain: bool = False) -> dict[str, Any]:
    """Values as a sentence takes them: a condition id becomes its name mid-sentence, a
    field code ("what") the field's name (a tattoo detail's too); with `plain` (a
    patient's or doctor's screen rather than a programmer's), the options offered by
    their names, each quoted, not their ids."""
    out = dict(values)
    field = str(out.get("field", ""))
    if "condition" in out:
        out["condition"] = condition_words(str(out["condition"]), language).in_sentence
    if plain and "options" in out:
        names = {**{c: condition_words(c, language).label for c in conditions()},
                 **wording("lasers", language=language),
                 **(wording("tattoo_labels", language=language).get(field, {})
                    if out.get("what") == "tattoo" else {})}
        quote = str(wording("validation", "option", language))
        out["options"] = join((quote.format(option=names.get(o, o))
                               for o in str(out["options"]).split(", ")), language, "or")
    if "what" in out:
        fields = wording("validation", "fields", language)
        pattern = str(fields[out["what"]])
        if out["what"] == "tattoo":  # its field's name, not its id ("location")
            name = str(wording("tattoo_fields", language=language).get(field, field))
            field = name if pattern.startswith("{field}") else mid_sentence(name)
        out["what"] = pattern.format(field=field)
    return out


def refusal_sentence(code: str, values: Mapping[str, Any], language: str | None = None,
                     plain: bool = False) -> str:
    return str(wording("validation", code, language)).format(
        **_worded(values, language, plain))


def caution_sentence(caution: Caution, language: str | None = None,
                     doctor: bool = True) -> str:
    """A caution in `language` (default: the language in effect). With `doctor` (the
    screen, the note), a caution's instruction for the doctor (`<code>_doctor`, such as
    re-checking the diagnosis) follows it; the patient's handout goes without."""
    if caution.code == "caveat":  # the condition's own cautions, in its words
        words = condition_words(str(caution.values["condition"]), language)
        return caveat_sentence(words.caveats[int(caution.values["index"])], caution.values,
                               language)
    say = wording("warnings", language=language)
    text = str(say[caution.code]).format(**_worded(caution.values, language))
    instruction = say.get(f"{caution.code}_doctor") if doctor else None
    return f"{text} {instruction}" if instruction else text


def caveat_sentence(text: str, values: Mapping[str, Any], language: str | None = None) -> str:
    """A condition's caution with its timing filled in from the forecast: {usual},
    {interval_low} and {interval_high} in weeks as the headline's caption gives them, and
    {course} as the headline's time (in the same figure and unit; "10+ months" as "the
    sessions shown take about 10 months ... needs more"), so that a caution never states a
    course length of its own that the headline contradicts."""
    say = wording("warnings", language=language)
    weeks, beyond = values.get("course_weeks"), values.get("course_beyond_weeks")
    length = course_length(None if weeks is None else float(weeks))
    floor = course_length(None if beyond is None else float(beyond))
    if floor is not None:  # the typical patient needs more than the sessions shown
        course = say[f"course_{floor[0]}_beyond"].format(n=floor[1])
    elif length is None:
        course = say["course_none" if weeks is None else "course_single"]
    else:
        course = say[f"course_{length[0]}"].format(n=length[1])
    return text.format(usual=f"{float(values.get('usual', 0)):g}",
                       interval_low=values.get("interval_low", ""),
                       interval_high=values.get("interval_high", ""), course=course)


def explain(error: ValidationError, language: str | None = None, plain: bool = False) -> str:
    """One plain sentence for the first problem in a ValidationError (for the screen)."""
    first = error.errors()[0]
    code = first.get("type", "")
    if code in wording("validation", language=language) and code != "fields":
        return refusal_sentence(code, first.get("ctx") or {}, language, plain)
    message = str(first.get("msg", "This value is not allowed.")).removeprefix("Value error, ")
    if code in {"missing", "extra_forbidden"}:
        field = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{field.replace('_', ' ')}: {message.lower()}."
    return message


def case_file_sentence(error: CaseFileError, language: str | None = None) -> str:
    """Why a case file was refused, in `language`."""
    say = wording("case_file", language=language)
    if isinstance(error.detail, ValidationError):
        return str(say[error.code]).format(detail=explain(error.detail, language, plain=True))
    return str(say[error.code])


def _english(kind: Kind, code: str, values: Mapping[str, Any]) -> str:
    if kind == "validation":
        return refusal_sentence(code, values, DEFAULT_LANGUAGE)
    if kind == "warnings":
        return caution_sentence(Caution(code=code, values=dict(values)), DEFAULT_LANGUAGE)
    detail = values.get("detail")
    if isinstance(detail, ValidationError):
        return str(wording("case_file", code, DEFAULT_LANGUAGE)).format(
            detail=explain(detail, DEFAULT_LANGUAGE))
    return str(wording("case_file", code, DEFAULT_LANGUAGE))


use_english(_english)
