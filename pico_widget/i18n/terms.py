"""One term, one translation: the translators' glossary (data/locales/glossary.toml).

Why a checked glossary: a reviewer found 'typical' worded three ways in Malay and the
same harm called a risk in one sentence and a chance in the next. Each glossary term
says the one translation a language uses; a string whose English has the term must use
it, and none of the rejected ones. The tests check every string and the review import
refuses a correction that breaks it.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Term:
    name: str
    english: tuple[str, ...]  # regular expressions for the English forms
    use: str
    avoid: tuple[str, ...]
    note: str


@cache
def glossary(language: str) -> tuple[Term, ...]:
    """The terms with their translation in `language` (none for English)."""
    text = resources.files("pico_widget").joinpath("data/locales/glossary.toml").read_text(
        "utf-8")
    terms = tomllib.loads(text)["terms"]
    return tuple(Term(name, tuple(spec["english"]), spec[language]["use"],
                      tuple(spec[language]["avoid"]), spec[language]["note"])
                 for name, spec in terms.items() if language in spec)


def _bare(text: str) -> str:
    """The text with each placeholder emptied to '{}' ({pih} is not the term PIH; 'by
    session {k}' keeps its brace)."""
    return "".join(literal + ("{}" if name is not None else "")
                   for literal, name, *_ in string.Formatter().parse(
                       text.replace("{{", "(").replace("}}", ")")))


# Languages written without spaces between words: a term is found anywhere in the text.
UNSPACED = ("zh-Hans",)


def _has(text: str, word: str, language: str) -> bool:
    """`word` in `text`, case-insensitive; a whole word where the language spaces its
    words (not inside 'biasanya' for 'biasa')."""
    if language in UNSPACED:
        return word.casefold() in text.casefold()
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags=re.I) is not None


def term_problems(language: str, english: str, translated: str) -> list[str]:
    """Why `translated` breaks the glossary for its `english`: one sentence a problem."""
    said, ours = _bare(translated), _bare(english)
    out = []
    for term in glossary(language):
        found = next((m for f in term.english
                      if (m := re.search(rf"(?<![\w-]){f}(?![\w-])", ours, flags=re.I))),
                     None)
        if found is None:
            continue
        if not _has(said, term.use, language):
            out.append(f"the English says '{found.group(0)}', which is '{term.use}' in "
                       f"this language, and the translation does not")
        out += [f"'{bad}' is not used for '{found.group(0)}': write '{term.use}'"
                for bad in term.avoid if _has(said, bad, language)]
    return out
