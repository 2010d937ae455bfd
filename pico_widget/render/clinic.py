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
from ..i18n.wording import wording
from ..settings import current as current_settings


class ClinicError(ValueError):
    """A clinic file that cannot be used; str() is the sentence to show."""


def costs(clinic: Clinic, low: int, high: int) -> tuple[str, str] | None:
    """('RM1,000', 'RM5,000') for `low` to `high` sessions, or None without a price."""
    if clinic.price_per_session is None:
        return None
    return price(clinic, low * clinic.price_per_session), price(
        clinic, high * clinic.price_per_session)


def cost_range(clinic: Clinic, low: int, high: int) -> str | None:
    """'RM1,350-3,600' for `low` to `high` sessions (the currency once), 'RM450' for
    one, or None."""
    if clinic.price_per_session is None:
        return None
    if low == high:
        return price(clinic, low * clinic.price_per_session)
    high_cost = number(high * clinic.price_per_session)
    return f"{price(clinic, low * clinic.price_per_session)}-{high_cost}"


def price(clinic: Clinic, amount: float) -> str:
    """A price in the clinic's currency and the language in effect, as CLDR writes it
    there ('RM450')."""
    return money(amount, clinic.currency)


def _sentence(file: str, detail: str) -> ClinicError:
    return ClinicError(str(wording("clinic", "problem")).format(file=file, detail=detail))


def _explain(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "settings"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    return f"{field.replace('_', ' ')}: {message}"


def load_clinic(path: str | os.PathLike[str]) -> Clinic:
    """The clinic file (TOML) validated, its logo (a path beside the file or absolute)
    embedded; ClinicError with a sentence otherwise."""
    file = Path(path)
    try:
        raw: dict[str, Any] = tomllib.loads(file.read_text("utf-8"))
    except OSError:
        raise _sentence(str(file), str(wording("clinic", "unreadable"))) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _sentence(str(file), f"{wording('clinic', 'not_toml')} ({error})") from None
    logo = raw.get("logo")
    if isinstance(logo, str) and logo and not logo.startswith("data:"):
        image = (file.parent / logo).resolve()
        kind = LOGO_TYPES.get(image.suffix.lower())
        if kind is None:
            raise _sentence(str(file), str(wording("clinic", "logo_type")))
        try:
            data = image.read_bytes()
        except OSError:
            raise _sentence(str(file), str(wording("clinic", "no_logo")).format(
                logo=logo)) from None
        if len(data) > MAX_LOGO_BYTES:
            raise _sentence(str(file), str(wording("clinic", "logo_big")).format(
                kb=MAX_LOGO_BYTES // 1000))
        raw["logo"] = f"data:{kind};base64,{base64.b64encode(data).decode()}"
    return _validated(raw, str(file))


def clinic_of(value: Clinic | dict[str, Any] | str | os.PathLike[str] | None,
              source: str = "clinic") -> Clinic | None:
    """A Clinic from a Clinic, a dict of settings or a clinic file's path (None: none)."""
    if value is None or isinstance(value, Clinic):
        return value
    if isinstance(value, str | os.PathLike):
        return load_clinic(value)
    return _validated(value, source)


def _validated(value: dict[str, Any], source: str) -> Clinic:
    """A Clinic from its settings, or ClinicError with a sentence naming `source`."""
    try:
        return Clinic.model_validate(value)
    except ValidationError as error:
        raise _sentence(source, _explain(error)) from None


def clinic_from_env() -> Clinic | None:
    """The clinic `pico-widget serve --clinic` was started with, if any."""
    path = current_settings().clinic
    return load_clinic(path) if path else None
