"""The clinic's own settings file (`pico-widget serve --clinic clinic.toml`,
`PicoWidget(clinic=)`), read into core.settings_models.Clinic, and its usual price per
session, which turns the session range into a cost range on the headline and the handout.

Nothing about a patient is here: these are the clinic's, set once by whoever runs it. The
file is validated like any input; a bad one is refused with a sentence naming the field.
The logo is read once from a local file and carried as a data URI, so the handout stays
one self-contained file that opens with no network.
"""

from __future__ import annotations

import base64
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.settings_models import LOGO_TYPES, MAX_LOGO_BYTES, Clinic
from ..i18n.formats import money, number
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..settings import current as current_settings


class ClinicError(ValueError):
    """A clinic file that cannot be used; str() is the sentence to show."""


def costs(clinic: Clinic, low: int, high: int, language: str) -> tuple[str, str] | None:
    """('RM1,000', 'RM5,000') for `low` to `high` sessions, or None without a price."""
    if clinic.price_per_session is None:
        return None
    return (price(clinic, low * clinic.price_per_session, language),
            price(clinic, high * clinic.price_per_session, language))


def cost_range(clinic: Clinic, low: int, high: int, language: str) -> str | None:
    """'RM1,350-3,600' for `low` to `high` sessions (the currency once), 'RM450' for
    one, or None."""
    if clinic.price_per_session is None:
        return None
    if low == high:
        return price(clinic, low * clinic.price_per_session, language)
    high_cost = number(high * clinic.price_per_session, language)
    return f"{price(clinic, low * clinic.price_per_session, language)}-{high_cost}"


def price(clinic: Clinic, amount: float, language: str) -> str:
    """A price in the clinic's currency and `language`, as CLDR writes it there
    ('RM450')."""
    return money(amount, clinic.currency, language)


def _sentence(file: str, detail: str, language: str) -> ClinicError:
    return ClinicError(str(wording("clinic", "problem", language=language)).format(
        file=file, detail=detail))


def _explain(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "settings"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    return f"{field.replace('_', ' ')}: {message}"


def load_clinic(path: str | os.PathLike[str], language: str = DEFAULT_LANGUAGE) -> Clinic:
    """The clinic file (TOML) validated, its logo (a path beside the file or absolute)
    embedded; ClinicError with a sentence in `language` otherwise."""
    file = Path(path)

    def say(key: str) -> str:
        return str(wording("clinic", key, language=language))
    try:
        raw: dict[str, Any] = tomllib.loads(file.read_text("utf-8"))
    except OSError:
        raise _sentence(str(file), say("unreadable"), language) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _sentence(str(file), f"{say('not_toml')} ({error})", language) from None
    logo = raw.get("logo")
    if isinstance(logo, str) and logo and not logo.startswith("data:"):
        image = (file.parent / logo).resolve()
        kind = LOGO_TYPES.get(image.suffix.lower())
        if kind is None:
            raise _sentence(str(file), say("logo_type"), language)
        try:
            data = image.read_bytes()
        except OSError:
            raise _sentence(str(file), say("no_logo").format(logo=logo), language) from None
        if len(data) > MAX_LOGO_BYTES:
            raise _sentence(str(file), say("logo_big").format(kb=MAX_LOGO_BYTES // 1000),
                            language)
        raw["logo"] = f"data:{kind};base64,{base64.b64encode(data).decode()}"
    return _validated(raw, str(file), language)


def clinic_of(value: Clinic | dict[str, Any] | str | os.PathLike[str] | None,
              source: str = "clinic", language: str = DEFAULT_LANGUAGE) -> Clinic | None:
    """A Clinic from a Clinic, a dict of settings or a clinic file's path (None: none)."""
    if value is None or isinstance(value, Clinic):
        return value
    if isinstance(value, str | os.PathLike):
        return load_clinic(value, language)
    return _validated(value, source, language)


def _validated(value: dict[str, Any], source: str, language: str) -> Clinic:
    """A Clinic from its settings, or ClinicError with a sentence naming `source`."""
    try:
        return Clinic.model_validate(value)
    except ValidationError as error:
        raise _sentence(source, _explain(error), language) from None


def clinic_from_env() -> Clinic | None:
    """The clinic `pico-widget serve --clinic` was started with, if any."""
    path = current_settings().clinic
    return load_clinic(path) if path else None
