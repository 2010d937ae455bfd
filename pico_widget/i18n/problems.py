"""Words for what the core says as codes: refusals, cautions and case-file problems.

The core raises pydantic errors whose type is a code (core/codes.py) and lists cautions as
Caution(code, values); here they become sentences in a language (data/wording.toml
[validation], [warnings], [case_file] and the locales). The core's own English
(core/english.py) is built with the same helpers from the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..core.catalogue import conditions
from ..core.codes import CaseFileError
from ..core.english import caveat_text, pydantic_message, worded
from ..core.models import Caution
from .formats import join
from .wording import condition_words, wording


def _worded(values: Mapping[str, Any], language: str,
            plain: bool = False) -> dict[str, Any]:
    """Values as a sentence takes them (core.english.worded, in `language`); with `plain`
    (a patient's or doctor's screen rather than a programmer's), the options offered by
    their names, each quoted, not their ids."""
    out = dict(values)
    field = str(out.get("field", ""))
    if plain and "options" in out:
        names = {**{c: condition_words(c, language).label for c in conditions()},
                 **wording("lasers", language=language),
                 **(wording("tattoo_labels", language=language).get(field, {})
                    if out.get("what") == "tattoo" else {})}
        quote = str(wording("validation", "option", language=language))
        out["options"] = join((quote.format(option=names.get(o, o))
                               for o in str(out["options"]).split(", ")), language, "or")
    return worded(out, wording("validation", "fields", language=language),
                  wording("tattoo_fields", language=language),
                  lambda cid: condition_words(cid, language).in_sentence)


def refusal_sentence(code: str, values: Mapping[str, Any], language: str,
                     plain: bool = False) -> str:
    return str(wording("validation", code, language=language)).format(
        **_worded(values, language, plain))


def caution_sentence(caution: Caution, language: str,
                     doctor: bool = True) -> str:
    """A caution in `language`. With `doctor` (the
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


def caveat_sentence(text: str, values: Mapping[str, Any], language: str) -> str:
    """A condition's caution with its timing filled in (core.english.caveat_text)."""
    return caveat_text(text, values, wording("warnings", language=language))


def explain(error: ValidationError, language: str, plain: bool = False) -> str:
    """One plain sentence for the first problem in a ValidationError (for the screen)."""
    first = error.errors()[0]
    code = first.get("type", "")
    if code in wording("validation", language=language) and code != "fields":
        return refusal_sentence(code, first.get("ctx") or {}, language, plain)
    return pydantic_message(first)


def case_file_sentence(error: CaseFileError, language: str) -> str:
    """Why a case file was refused, in `language`."""
    say = wording("case_file", language=language)
    if isinstance(error.detail, ValidationError):
        return str(say[error.code]).format(detail=explain(error.detail, language, plain=True))
    return str(say[error.code])
