"""All wording, per language: data/wording.toml (English) and data/locales/<code>.toml.

Why one file per language with English's keys: the English file keeps growing, and a
translator (or a test) can see at a glance which keys a language lacks. A locale file is
laid over English, so a key not yet translated shows in English rather than crashing; the
key-parity test (tests/test_locales.py) fails until it is translated.

Why every function here takes the language as an argument (no "language in effect"):
a sentence's language is then visible at every call, a widget's words cannot come out in
another screen's language when two screens share a kernel, and a test needs no setup to
word something in Malay.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..core.catalogue import conditions
from ..core.english import course_length as course_length  # re-exported, for render
from ..core.english import english as english  # the one reader of data/wording.toml
from ..core.english import mid_sentence
from ..settings import current as current_settings

LANGUAGES = ("en", "zh-Hans", "ms")
DEFAULT_LANGUAGE = "en"
# Set by `pico-widget serve --language` so the dashboard's kernels open in a clinic's language.
# Sections that are data, not wording: the same in every language, never translated.
DATA_SECTIONS = ("default_profile", "default_tattoo")
# Sections whose keys are themselves wording (a locale replaces the whole table).
REPLACED_SECTIONS = ("quartiles",)
# Locale-only tables: which keys a clinician should review, who reviewed the translation,
# and the conditions' and teaching cases' words.
LOCALE_ONLY = ("review", "translation", "conditions", "teaching_cases")

def _read(path: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("pico_widget").joinpath(path).read_text("utf-8"))


@cache
def locale_file(language: str) -> dict[str, Any]:
    """A locale's own file as written (English: the wording file itself)."""
    language = check_language(language)
    return english() if language == DEFAULT_LANGUAGE else _read(f"data/locales/{language}.toml")


def _over(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) \
                and key not in REPLACED_SECTIONS:
            merged[key] = _over(base[key], value)
        else:
            merged[key] = value
    return merged


@cache
def _wording(language: str) -> dict[str, Any]:
    if language == DEFAULT_LANGUAGE:
        return english()
    return _over(english(), locale_file(language))


def check_language(language: str) -> str:
    """The language code if it is offered, else a ValueError naming those that are."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def clinic_language() -> str:
    """The language `pico-widget serve --language` chose for this server (or English):
    the dashboard's first language and that of the server's own pages."""
    return check_language(current_settings().language or DEFAULT_LANGUAGE)


def wording(section: str, key: str | None = None, *, language: str) -> Any:
    """A section of the wording, or one entry of it, in `language`."""
    value = _wording(check_language(language))[section]
    return value if key is None else value[key]


def laser_name(laser: str, language: str) -> str:
    """A laser's name mid-sentence: 'Picosecond' -> 'picosecond'; 'Q-switched' and 'Q开关'
    keep their capital, which stands for a word of its own (quality)."""
    return mid_sentence(str(wording("lasers", language=language)[laser]))


def language_names() -> dict[str, str]:
    """Each language named in its own script, for the language control."""
    return {code: str(locale_file(code)["locale"]["name"]) for code in LANGUAGES}


@dataclass(frozen=True)
class ConditionWords:
    """What a patient reads about a condition: its name, group, who the studies were in,
    its severity grades and its cautions."""

    label: str
    in_sentence: str  # the label mid-sentence: names keep their capitals
    group: str
    population: str
    severity: dict[str, str]
    caveats: tuple[str, ...]


def teaching_words(index: int, title: str, point: str, language: str) -> tuple[str, str]:
    """A teaching case's title and point in `language` (English from its own file)."""
    own = locale_file(language).get("teaching_cases", {})
    titles, points = own.get("titles", []), own.get("points", [])
    return (titles[index] if index < len(titles) else title,
            points[index] if index < len(points) else point)


def condition_words(cid: str, language: str) -> ConditionWords:
    """A condition's words in `language`; English from data/conditions.toml, the others
    from the locale file's [conditions.<id>] (English where a piece is missing)."""
    spec = conditions()[cid]
    base = ConditionWords(spec.label, spec.in_sentence, spec.group, spec.population,
                          {k: v.label for k, v in (spec.severity or {}).items()}, spec.caveats)
    if check_language(language) == DEFAULT_LANGUAGE:
        return base
    own = locale_file(language).get("conditions", {}).get(cid, {})
    label = own.get("label", base.label)
    return ConditionWords(label, own.get("in_sentence", label), own.get("group", base.group),
                          own.get("population", base.population),
                          base.severity | own.get("severity", {}),
                          tuple(own.get("caveats", base.caveats)))
