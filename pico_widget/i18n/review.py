"""A clinic's review of a translation: export it as a gettext PO file, import the corrections.

Why PO: every translators' tool (Poedit, Weblate, Lokalize, a text editor) opens it, and
it carries what a reviewer needs beside each string: the key (msgctxt), the English
(msgid), the current translation (msgstr), where a patient or doctor reads it and the
glossary's one translation for its terms (comments). The reviewer's name, qualification,
date and sign-off go in the file's header and, on import, into the locale file's
`[translation]` table. An import that would drop or add a placeholder, break the glossary
or touch a key that is not there changes nothing and says why.
"""

from __future__ import annotations

import json
import re
import string
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .formats import cldr
from .strings import Entry, entries
from .terms import glossary, term_problems
from .wording import DEFAULT_LANGUAGE, check_language, locale_file

FIELDS = {"reviewer": "Reviewer", "qualification": "Qualification",
          "reviewed_on": "Reviewed on (YYYY-MM-DD)", "clinician": "Clinician sign-off (yes/no)"}
HEADER = """pico-widget: the {name} ({language}) translation, for review by a clinician fluent
in {name} and English.
Each entry: msgctxt is the key, msgid the English, msgstr the translation to
check; the comments say where it is shown and the glossary's one translation
for its terms. Correct a msgstr in place (keep every {{placeholder}}), fill in
the fields below, then: pico-widget translations import THIS_FILE.po

{fields}"""


# The msgid of a string English leaves empty (a PO msgid cannot be empty: it is the header).
NOTHING = "(English shows nothing here: this note is only for other languages)"


class ReviewError(ValueError):
    """A review file that cannot be imported; str() is the sentence to show."""


@dataclass(frozen=True)
class Review:
    """Who last reviewed a locale, with what qualification, when, and whether it was a
    clinician's sign-off (only then is the translation fit to give patients)."""

    reviewer: str
    qualification: str
    reviewed_on: str
    clinician: bool


def review_of(language: str) -> Review | None:
    """The locale's [translation] record (None for English, the source)."""
    if check_language(language) == DEFAULT_LANGUAGE:
        return None
    own = locale_file(language).get("translation", {})
    return Review(str(own.get("reviewer", "")), str(own.get("qualification", "")),
                  str(own.get("reviewed_on", "")), bool(own.get("clinician", False)))


def signed_off(language: str) -> bool:
    """English, or a language a clinician has signed off."""
    review = review_of(language)
    return review is None or review.clinician


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _comments(language: str, entry: Entry) -> list[str]:
    notes = [f"Shown in: {entry.shown}."]
    for term in glossary(language):
        if any(re.search(rf"(?<![\w-]){f}(?![\w-])", entry.english, flags=re.I)
               for f in term.english):
            notes.append(f"Glossary: {term.name.replace('_', ' ')} = {term.use}"
                         + (f" ({term.note})" if term.note else ""))
    return notes


def export_po(language: str, path: str | Path) -> int:
    """Write `language`'s review file to `path`; the number of strings in it."""
    language = check_language(language)
    if language == DEFAULT_LANGUAGE:
        raise ReviewError("English is the source: export Chinese (zh-Hans) or Malay (ms).")
    review = review_of(language)
    assert review is not None
    values = {"reviewer": review.reviewer, "qualification": review.qualification,
              "reviewed_on": review.reviewed_on,
              "clinician": "yes" if review.clinician else "no"}
    name = str(locale_file(language)["locale"]["name"])
    header = HEADER.format(name=name, language=language, fields="\n".join(
        f"{label}: {values[key]}" for key, label in FIELDS.items()))
    catalog = Catalog(locale=cldr(language), project="pico-widget", fuzzy=False,
                      header_comment="\n".join(f"# {line}".rstrip()
                                               for line in header.splitlines()))
    rows = entries(language)
    for entry in rows:
        catalog.add(entry.english or NOTHING, entry.translated, context=entry.key,
                    auto_comments=_comments(language, entry),
                    flags=("python-brace-format",) if _placeholders(entry.english) else ())
    try:
        with open(path, "wb") as out:
            # Unwrapped (width 0): a reviewer's field stays on its line, as import reads it.
            write_po(out, catalog, width=0, omit_header=False)
    except OSError as error:
        raise ReviewError(f"{path} cannot be written ({error.strerror}).") from None
    return len(rows)


def _fields(header: str) -> dict[str, str]:
    found = {}
    for key, label in FIELDS.items():
        match = re.search(rf"^#?\s*{re.escape(label)}:[ \t]*(.*)$", header, flags=re.M)
        found[key] = match.group(1).strip() if match else ""
    return found


def _language_of(catalog: Catalog, given: str | None) -> str:
    if given:
        return check_language(given)
    locale = str(catalog.locale or "")
    for code in ("zh-Hans", "ms"):
        if locale.startswith(str(cldr(code))[:2]):
            return code
    raise ReviewError("The review file does not say its language: give --language.")


class Imported(NamedTuple):
    changed: list[str]  # the keys whose translation the review corrected
    written: Path  # the locale file written


def shipped_locale(language: str) -> Path:
    """The locale file the app reads, where `import_po` writes by default."""
    return Path(str(resources.files("pico_widget").joinpath(f"data/locales/{language}.toml")))


def import_po(path: str | Path, language: str | None = None,
              locale_path: Path | None = None) -> Imported:
    """Read corrections from a review file into the locale file: the keys changed and the
    file written. Refuses
    (ReviewError, nothing written) a file that drops or adds a placeholder, breaks the
    glossary, names an unknown key, or whose English is no longer the app's."""
    try:
        with open(path, "rb") as source:
            catalog = read_po(source)
    except (OSError, ValueError) as error:
        raise ReviewError(f"The review file {path} cannot be read: {error}.") from None
    language = _language_of(catalog, language)
    known = {entry.key: entry for entry in entries(language)}
    changes: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        key, corrected = str(message.context or ""), str(message.string or "")
        entry = known.get(key)
        if entry is None:
            raise ReviewError(f"The review file has a string '{key}' that the app does not "
                              "have; nothing was imported.")
        if message.id != (entry.english or NOTHING):
            raise ReviewError(f"The English of '{key}' has changed since this file was "
                              "exported; export it again. Nothing was imported.")
        if not corrected.strip() or corrected == entry.translated:
            continue
        if _placeholders(corrected) != _placeholders(entry.english):
            missing = sorted(_placeholders(entry.english) - _placeholders(corrected))
            extra = sorted(_placeholders(corrected) - _placeholders(entry.english))
            what = (f"drops {{{', '.join(missing)}}}" if missing
                    else f"adds {{{', '.join(extra)}}}")
            raise ReviewError(f"The correction of '{key}' {what}: every placeholder of the "
                              "English must stay, and no other. Nothing was imported.")
        broken = term_problems(language, entry.english, corrected)
        if broken:
            raise ReviewError(f"The correction of '{key}' breaks the glossary: {broken[0]}. "
                              "Nothing was imported.")
        changes[key] = corrected
    fields = _fields(catalog.header_comment or "")
    target = locale_path or shipped_locale(language)
    text = target.read_text("utf-8")
    for key, value in changes.items():
        text = set_string(text, key, value)
    text = _record(text, fields)
    table = tomllib.loads(text)
    after = {entry.key: entry.translated for entry in entries(language, table)}
    before = {key: entry.translated for key, entry in known.items()} | changes
    if after != before:
        raise ReviewError("The corrections could not be written back exactly; nothing was "
                          "imported.")
    try:
        target.write_text(text, "utf-8")
    except OSError as error:
        raise ReviewError(f"{target} cannot be written ({error.strerror}); nothing was "
                          "imported.") from None
    locale_file.cache_clear()
    return Imported(sorted(changes), target)


def _record(text: str, fields: dict[str, str]) -> str:
    """The reviewer's fields into the [translation] table (a date today if none)."""
    if not fields["reviewer"]:
        return text
    when = fields["reviewed_on"] or date.today().isoformat()
    for key in ("reviewer", "qualification"):
        text = set_string(text, f"translation.{key}", fields[key])
    text = set_string(text, "translation.reviewed_on", when)
    clinician = "true" if fields["clinician"].strip().lower() in {"yes", "y", "true"} \
        else "false"
    return re.sub(r"(?m)^(clinician[ \t]*=[ \t]*)(true|false)[ \t]*$", rf"\g<1>{clinician}",
                  text, count=1)


STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def _header(line: str) -> tuple[str, ...] | None:
    stripped = line.strip()
    if not stripped.startswith("[") or stripped.startswith("[["):
        return None
    return tuple(part.strip().strip('"') for part in stripped.strip("[]").split("."))


def set_string(text: str, key: str, value: str) -> str:
    """`text` (a TOML file) with the string at dotted `key` ('summary.pih',
    'handout.aftercare[2]', 'goal_presets.modest.label') replaced by `value`, in place:
    every other line as it was, so that a merge stays line-local."""
    match = re.fullmatch(r"(.+?)(?:\[(\d+)\])?", key)
    assert match is not None
    parts, index = tuple(match.group(1).split(".")), match.group(2)
    lines = text.splitlines(keepends=True)
    table: tuple[str, ...] = ()
    for number, line in enumerate(lines):
        header = _header(line)
        if header is not None:
            table = header
            continue
        if parts[:len(table)] != table or len(parts) <= len(table):
            continue
        rest = parts[len(table):]
        head = re.match(rf'\s*"?{re.escape(rest[0])}"?\s*=\s*', line)
        if head is None:
            continue
        return "".join(lines[:number]) + _replace(
            "".join(lines[number:]), head.end(), rest[1:], index, value)
    raise ReviewError(f"'{key}' is not in the locale file; nothing was imported.")


def _replace(text: str, start: int, inner: tuple[str, ...], index: str | None,
             value: str) -> str:
    """Replace, after `start`, the string of inline key `inner` or the `index`-th string
    of an array (or the first string)."""
    if inner:
        found = re.compile(rf'\b{re.escape(inner[0])}\s*=\s*').search(text, start)
        assert found is not None
        start = found.end()
    skip = int(index or 0)
    for literal in STRING.finditer(text, start):
        if skip == 0:
            encoded: Any = json.dumps(value, ensure_ascii=False)
            return text[:literal.start()] + encoded + text[literal.end():]
        skip -= 1
    raise ReviewError("A string could not be found in the locale file; nothing was imported.")
