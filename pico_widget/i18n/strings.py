"""Every string a translator writes, by key, beside its English: the unit of a review.

Why one list: the glossary check (i18n/terms.py), the review file a clinic exports and
imports (i18n/review.py) and the tests all walk the same strings, so a key is reviewed,
checked and written back under one name. Keys are dotted paths into the locale file
("summary.pih", "conditions.melasma.caveats[1]", "teaching_cases.titles[3]").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.cases import teaching_cases
from ..core.catalogue import conditions
from .wording import DATA_SECTIONS, LOCALE_ONLY, REPLACED_SECTIONS, english, locale_file


@dataclass(frozen=True)
class Entry:
    key: str
    english: str
    translated: str

    @property
    def shown(self) -> str:
        """Where a patient or doctor reads it: 'view', 'handout', 'note' (as many as apply,
        by section; the review file says so beside each string)."""
        section = self.key.split(".")[0].split("[")[0]
        return ", ".join(WHERE.get(section, ("view",)))


# Where each section's words appear (the screen is the doctor's and patient's "view").
WHERE: dict[str, tuple[str, ...]] = {
    "handout": ("handout",), "glossary": ("handout",), "note": ("note",),
    "summary": ("view", "handout", "note"), "headline": ("view", "handout"),
    "warnings": ("view", "handout", "note"), "conditions": ("view", "handout", "note"),
    "evidence": ("view", "handout", "note"), "charts": ("view", "handout"),
    "disclaimer": ("view", "handout"), "lasers": ("view", "handout", "note"),
    "validation": ("view",), "errors": ("view",), "service": ("view",),
}


def _leaves(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= _leaves(value, f"{path}.")
        elif isinstance(value, str):
            out[path] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out |= {f"{path}[{i}]": v for i, v in enumerate(value)}
    return out


def _wording(table: dict[str, Any]) -> dict[str, Any]:
    skip = DATA_SECTIONS + REPLACED_SECTIONS + LOCALE_ONLY
    return _leaves({k: v for k, v in table.items() if k not in skip})


def _english_extras() -> dict[str, str]:
    """The conditions' and teaching cases' English, keyed as the locale files key them."""
    out: dict[str, str] = {}
    for cid, spec in conditions().items():
        base = f"conditions.{cid}"
        out |= {f"{base}.label": spec.label, f"{base}.in_sentence": spec.in_sentence,
                f"{base}.group": spec.group, f"{base}.population": spec.population}
        out |= {f"{base}.caveats[{i}]": text for i, text in enumerate(spec.caveats)}
        out |= {f"{base}.severity.{grade}": level.label
                for grade, level in (spec.severity or {}).items()}
    for i, case in enumerate(teaching_cases()):
        out |= {f"teaching_cases.titles[{i}]": case.title,
                f"teaching_cases.points[{i}]": case.point}
    return out


def entries(language: str, table: dict[str, Any] | None = None) -> list[Entry]:
    """Each translated string of `language` (its locale file, or `table` read in its place)
    beside its English, in the locale file's order."""
    own = locale_file(language) if table is None else table
    ours = _wording(english()) | _english_extras()
    theirs = _wording(own) | _leaves({k: own[k] for k in ("conditions", "teaching_cases")
                                      if k in own})
    return [Entry(key, ours[key], text) for key, text in theirs.items() if key in ours]
