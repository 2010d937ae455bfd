"""clinical_note(profile): plain text for a medical record, in the screen's own sentences."""

from __future__ import annotations

from datetime import date

from ..core.forecast import estimate
from ..core.models import PatientProfile
from ..i18n.problems import caution_sentence
from ..i18n.wording import condition_words, speaking, wording
from .summary import sentences, severity_text
from .templates import text_of


def clinical_note(profile: PatientProfile, today: date | None = None,
                  language: str = "en") -> str:
    """Inputs, forecast, range, warnings and model version, ready to paste into a record.
    English by default (the record's language); `language` matches the patient's."""
    with speaking(language):
        return _note(profile, today)


def _note(profile: PatientProfile, today: date | None) -> str:
    fc = estimate(profile)
    spec = condition_words(profile.condition)
    say = wording("note")
    lines = [
        say["title"].format(date=(today or date.today()).isoformat()),
        say["inputs"].format(condition=spec.label, severity=severity_text(profile, fc),
                             fitzpatrick=profile.fitzpatrick_numeral,
                             laser=wording("lasers")[profile.laser],
                             goal=f"{profile.goal_percent:.0f}"),
    ]
    if profile.observations:
        seen = say["seen_join"].join(
            say["seen_item"].format(session=o.session, percent=f"{o.improvement_percent:.0f}")
            for o in profile.observations)
        lines.append(say["observed"].format(seen=seen))
    lines.append(say["forecast"])
    lines += [f"- {text_of(s)}" for s in sentences(profile, fc)[1:]]
    if fc.cautions:
        lines.append(say["warnings"])
        lines += [f"- {caution_sentence(c)}" for c in fc.cautions]
    lines.append(say["evidence"].format(keys=", ".join(r.key for r in fc.references)))
    lines.append(say["footer"].format(version=fc.model_version))
    return "\n".join(lines) + "\n"
