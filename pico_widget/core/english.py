"""The core's codes in English, read from data/wording.toml by the core itself.

Why here and not in i18n: a developer calling the core deserves a sentence in a
ValidationError or Forecast.warnings, yet importing the core alone must not load the
wording layer (its languages, Babel, templates). The wording file is data the core may read,
as it reads conditions.toml; the screen words the same codes in any language
(i18n/problems.py) with the helpers below and its own language's tables, so the English of
the core and of the screen are built one way.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .catalogue import conditions

# Weeks in a month, for saying a course in months: one figure for every screen and caution.
WEEKS_PER_MONTH = 4.345


@cache
def english() -> dict[str, Any]:
    """The English wording file, parsed once for the core and the wording layer alike (read
    on the first sentence, not at import)."""
    text = resources.files("pico_widget").joinpath("data/wording.toml").read_text("utf-8")
    return tomllib.loads(text)


def course_length(weeks: float | None) -> tuple[str, str] | None:
    """A course from the first session to the last as ('weeks', '9') up to three months and
    ('months', '8') beyond; None when there is none to give (no typical session count, or
    one session suffices). The headline, the summary and the conditions' cautions all say
    the course through this, so they cannot give it in different figures or units."""
    if weeks is None or weeks <= 0:
        return None
    if weeks <= 3 * WEEKS_PER_MONTH:
        return "weeks", f"{weeks:.0f}"
    return "months", f"{weeks / WEEKS_PER_MONTH:.0f}"


def mid_sentence(name: str) -> str:
    """A label as it reads inside a sentence: 'Location' -> 'location'; a name whose second
    letter is a capital ('Q-switched', 'ABNOM') or that has no case ('部位') is kept."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def worded(values: Mapping[str, Any], fields: Mapping[str, str],
           tattoo_fields: Mapping[str, str],
           condition_name: Callable[[str], str]) -> dict[str, Any]:
    """Values as a sentence takes them: a condition id becomes its name mid-sentence, a
    field code ("what") the field's name from `fields` (a tattoo detail's from
    `tattoo_fields`)."""
    out = dict(values)
    field = str(out.get("field", ""))
    if "condition" in out:
        out["condition"] = condition_name(str(out["condition"]))
    if "what" in out:
        pattern = str(fields[out["what"]])
        if out["what"] == "tattoo":  # its field's name, not its id ("location")
            name = str(tattoo_fields.get(field, field))
            field = name if pattern.startswith("{field}") else mid_sentence(name)
        out["what"] = pattern.format(field=field)
    return out


def caveat_text(text: str, values: Mapping[str, Any], say: Mapping[str, str]) -> str:
    """A condition's caution with its timing filled in from the forecast: {usual},
    {interval_low} and {interval_high} in weeks as the headline's caption gives them, and
    {course} as the headline's time (in the same figure and unit; "10+ months" as "the
    sessions shown take about 10 months ... needs more"), so that a caution never states a
    course length of its own that the headline contradicts. `say`: the [warnings] table."""
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


def pydantic_message(first: ErrorDetails) -> str:
    """Pydantic's own message for a problem that has no code of ours, as a sentence."""
    message = str(first.get("msg", "This value is not allowed.")).removeprefix("Value error, ")
    if first.get("type", "") in {"missing", "extra_forbidden"}:
        field = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{field.replace('_', ' ')}: {message.lower()}."
    return message


def _worded(values: Mapping[str, Any]) -> dict[str, Any]:
    say = english()
    return worded(values, say["validation"]["fields"], say["tattoo_fields"],
                  lambda cid: conditions()[cid].in_sentence)


def refusal_text(code: str, values: Mapping[str, Any]) -> str:
    """A refusal (a code of [validation]) in English."""
    return str(english()["validation"][code]).format(**_worded(values))


def caution_text(code: str, values: Mapping[str, Any]) -> str:
    """A caution in English, with its instruction for the doctor where it has one."""
    say = english()["warnings"]
    if code == "caveat":  # the condition's own cautions, in its words
        spec = conditions()[str(values["condition"])]
        return caveat_text(spec.caveats[int(values["index"])], values, say)
    text = str(say[code]).format(**_worded(values))
    instruction = say.get(f"{code}_doctor")
    return f"{text} {instruction}" if instruction else text


def case_file_text(code: str, detail: Exception | None) -> str:
    """Why a case file was refused, in English."""
    template = str(english()["case_file"][code])
    if not isinstance(detail, ValidationError):
        return template
    first = detail.errors()[0]
    kind = first.get("type", "")
    problem = (refusal_text(kind, first.get("ctx") or {})
               if kind in english()["validation"] and kind != "fields"
               else pydantic_message(first))
    return template.format(detail=problem)
