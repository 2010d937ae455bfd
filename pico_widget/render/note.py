"""clinical_note(profile): plain text for a medical record, in the screen's own sentences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import InstanceOf, validate_call

from ..core.clinic_effect import ClinicEffect
from ..core.forecast import forecast_for
from ..core.models import Forecast, PatientProfile
from ..core.settings_models import DeviceSettings
from ..i18n.formats import join
from ..i18n.problems import caution_sentence
from ..i18n.wording import check_language, condition_words, wording
from .band_source import source_sentence
from .summary import sentences, severity_text
from .templates import text_of


@validate_call
def clinical_note(profile: PatientProfile, today: date | None = None,
                  language: str = "en",
                  settings: Mapping[int, DeviceSettings] | None = None,
                  forecast: Forecast | None = None,
                  effect: InstanceOf[ClinicEffect] | None = None) -> str:
    """Inputs, forecast, range, warnings and model version, ready to paste into a record.
    `profile`: a PatientProfile or its fields as a dict. English by default (the record's
    language); `language` matches the patient's. `settings`: session number -> the device
    settings used then (optional; dicts are checked as DeviceSettings). `forecast`:
    estimate(profile) when the caller holds it already (the widget does); one made for
    another case is refused. `effect`: the clinic's own (serve --outcomes), whose band the
    note then gives and names. A wrong argument raises pydantic's ValidationError."""
    return _note(profile, forecast_for(profile, forecast, effect), today,
                 check_language(language), dict(settings or {}))


def _settings_line(settings: dict[int, DeviceSettings], language: str) -> str | None:
    say = wording("note", language=language)
    items = []
    for session in sorted(settings):
        s = settings[session]
        parts = [say[key].format(value=f"{value:g}") for key, value in
                 (("wavelength", s.wavelength_nm), ("fluence", s.fluence_j_cm2),
                  ("spot", s.spot_mm)) if value is not None]
        if parts:
            items.append(say["settings_item"].format(session=session, parts=join(parts, language)))
    return say["settings"].format(items="; ".join(items)) if items else None


def _note(profile: PatientProfile, fc: Forecast, today: date | None, language: str,
          settings: dict[int, DeviceSettings] | None = None) -> str:
    spec = condition_words(profile.condition, language)
    say = wording("note", language=language)
    lines = [
        say["title"].format(date=(today or date.today()).isoformat()),
        say["inputs"].format(condition=spec.label, severity=severity_text(profile, fc, language),
                             fitzpatrick=profile.fitzpatrick_numeral,
                             laser=wording("lasers", language=language)[profile.laser],
                             goal=f"{profile.goal_percent:.0f}"),
    ]
    if profile.observations:
        seen = join((say["seen_item"].format(session=o.session,
                                            percent=f"{o.improvement_percent:.0f}")
                    for o in profile.observations), language)
        lines.append(say["observed"].format(seen=seen))
    device = _settings_line(settings or {}, language)
    if device:
        lines.append(device)
    lines.append(say["forecast"])
    lines += [f"- {text_of(s)}" for s in sentences(profile, fc, language)[1:]]
    lines.append(f"- {source_sentence(fc, language)}")
    if fc.cautions:
        lines.append(say["warnings"])
        lines += [f"- {caution_sentence(c, language)}" for c in fc.cautions]
    lines.append(say["evidence"].format(keys=join((r.key for r in fc.references), language)))
    lines.append(say["footer"].format(version=fc.model_version))
    return "\n".join(lines) + "\n"
