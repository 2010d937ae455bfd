"""The clinic's own settings (`pico-widget serve --clinic clinic.toml`, `PicoWidget(clinic=)`):
its name, address, phone and logo on the handout, and its usual price per session, which
turns the session range into a cost range on the headline and the handout.

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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..i18n.formats import money, number
from ..i18n.wording import wording
from ..settings import current as current_settings

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_LOGO_BYTES = 300_000


class ClinicError(ValueError):
    """A clinic file that cannot be used; str() is the sentence to show."""


class Clinic(BaseModel):
    """One clinic's settings. `logo` is a data URI (load_clinic makes it from a file)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40, pattern=r"^[0-9+()\-./ ]*$")
    logo: str = Field(default="", max_length=2 * MAX_LOGO_BYTES)
    price_per_session: float | None = Field(default=None, gt=0, le=1_000_000)
    currency: str = Field(default="", max_length=8)

    @field_validator("logo")
    @classmethod
    def _data_uri(cls, value: str) -> str:
        if value and not value.startswith(tuple(f"data:{t};base64," for t in
                                                set(LOGO_TYPES.values()))):
            raise ValueError("the logo must be a PNG, JPEG, SVG or WebP image file")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if any(ch.isdigit() for ch in value):
            raise ValueError("the currency is a code or symbol such as MYR, SGD or RM")
        return value

    def cost(self, low: int, high: int) -> tuple[str, str] | None:
        """('RM1,000', 'RM5,000') for `low` to `high` sessions, or None without a price."""
        if self.price_per_session is None:
            return None
        return self.money(low * self.price_per_session), self.money(
            high * self.price_per_session)

    def cost_range(self, low: int, high: int) -> str | None:
        """'RM1,350-3,600' for `low` to `high` sessions (the currency once), 'RM450' for
        one, or None."""
        if self.price_per_session is None:
            return None
        if low == high:
            return self.money(low * self.price_per_session)
        high_cost = number(high * self.price_per_session)
        return f"{self.money(low * self.price_per_session)}-{high_cost}"

    def money(self, amount: float) -> str:
        """A price in the language in effect, as CLDR writes it there ('RM450')."""
        return money(amount, self.currency)


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
    return clinic_of(raw, str(file))


def clinic_of(value: Clinic | dict[str, Any] | str | os.PathLike[str] | None,
              source: str = "clinic") -> Clinic | None:
    """A Clinic from a Clinic, a dict of settings or a clinic file's path (None: none)."""
    if value is None or isinstance(value, Clinic):
        return value
    if isinstance(value, str | os.PathLike):
        return load_clinic(value)
    try:
        return Clinic.model_validate(value)
    except ValidationError as error:
        raise _sentence(source, _explain(error)) from None


def clinic_from_env() -> Clinic | None:
    """The clinic `pico-widget serve --clinic` was started with, if any."""
    path = current_settings().clinic
    return load_clinic(path) if path else None
