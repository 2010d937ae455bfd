"""What a clinic and a device are set to: validated settings, not about any patient.

Why in the core: the screen, the handout, the note and the outcomes store all take them,
and a model that validates values needs no words, templates or widgets. Reading a clinic
file and turning a price into money in a language live above (render/clinic.py).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_LOGO_BYTES = 300_000


class Clinic(BaseModel):
    """One clinic's settings (`pico-widget serve --clinic clinic.toml`,
    `PicoWidget(clinic=)`): its name, address, phone and logo for the handout, and its
    usual price per session. `logo` is a data URI (render.clinic.load_clinic makes it
    from a file)."""

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


class DeviceSettings(BaseModel):
    """What the device was set to for one session (each optional): for the record only,
    never used by the forecast and never stored by the app."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wavelength_nm: float | None = Field(default=None, ge=300, le=2000)
    fluence_j_cm2: float | None = Field(default=None, gt=0, le=50)
    spot_mm: float | None = Field(default=None, gt=0, le=20)
