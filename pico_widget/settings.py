"""The environment variables `pico-widget serve` and the kernels it starts share, as one typed
object read from the environment.

Why one module: the server hands its choices (the clinic's language and clinic file, where
plotly.js is served) to the kernels Voila starts through their inherited environment, and
each variable was named and parsed in a different layer. Here each has its name, its type
and its default once. It imports nothing of the package, so every layer may read it
(an import-linter contract holds that).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

LANGUAGE_ENV = "PICO_WIDGET_LANGUAGE"  # `serve --language`: the dashboard's first language
CLINIC_ENV = "PICO_WIDGET_CLINIC"  # `serve --clinic`: the clinic.toml the kernels load
PLOTLY_URL_ENV = "PICO_WIDGET_PLOTLY_URL"  # where the server serves plotly.js (serve.py)
OUTCOMES_ENV = "PICO_OUTCOMES_URL"  # `serve --outcomes`: the outcomes database the kernels use
PORT_ENV = "PICO_WIDGET_PORT"  # the port when --port is not given (the container sets it)
REPLICA_ENV = "PICO_REPLICA_ID"  # this replica's name in /healthz (the systemd unit sets it)
CACHE_ENV = "PICO_WIDGET_CACHE"  # the folder of fitted clinic effects (outcomes/effect_cache.py)
# Voila's own (voila.utils.ENV_VARIABLE): "True" in the environment of its pool's kernels.
PREHEAT_ENV = "VOILA_PREHEAT"
DEFAULT_PORT = 8866


@dataclass(frozen=True)
class Settings:
    """What the environment says; "" or None where it says nothing."""

    language: str = ""  # checked against the offered languages by i18n.wording
    clinic: Path | None = None
    plotly_url: str = ""
    outcomes_url: str = ""
    port: int = DEFAULT_PORT
    replica_id: str = ""
    preheated: bool = False  # a kernel Voila started for its pool, not yet a visitor's
    effect_cache: Path | None = None  # None: $XDG_CACHE_HOME (~/.cache)/pico-widget/clinic

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in `environ` (this process's environment by default). A port that
        is not a whole number is refused with a sentence naming the variable."""
        env = os.environ if environ is None else environ
        port = env.get(PORT_ENV, "").strip() or str(DEFAULT_PORT)
        if not port.isdigit():
            raise ValueError(f"{PORT_ENV} must be a port number, not {port!r}")
        clinic, cache = env.get(CLINIC_ENV, ""), env.get(CACHE_ENV, "")
        return cls(language=env.get(LANGUAGE_ENV, ""), clinic=Path(clinic) if clinic else None,
                   plotly_url=env.get(PLOTLY_URL_ENV, ""),
                   outcomes_url=env.get(OUTCOMES_ENV, ""), port=int(port),
                   replica_id=env.get(REPLICA_ENV, ""),
                   preheated=env.get(PREHEAT_ENV) == "True",
                   effect_cache=Path(cache) if cache else None)


# Which variable each field the server hands to its kernels is written to.
FOR_KERNELS = {"language": LANGUAGE_ENV, "clinic": CLINIC_ENV, "plotly_url": PLOTLY_URL_ENV,
               "outcomes_url": OUTCOMES_ENV}


def effect_cache_folder() -> Path:
    """Where fitted clinic effects are kept: CACHE_ENV, else the user's cache folder."""
    chosen = current().effect_cache
    if chosen is not None:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pico-widget" / "clinic"


def port_text() -> str:
    """The port as the environment gives it, unparsed: `serve --port` parses it, so that a
    bad value is refused as --port's is, with the usage."""
    return os.environ.get(PORT_ENV, "").strip() or str(DEFAULT_PORT)


def current() -> Settings:
    """This process's settings, read now (cheap: a few lookups; the server writes some of
    them before it starts kernels, and tests change them)."""
    return Settings.from_env()


def hand_to_kernels(**values: str | Path) -> None:
    """Write settings into this process's environment, which the kernels Voila starts
    inherit: `hand_to_kernels(language="ms", clinic=Path("clinic.toml"))`."""
    known = {field.name for field in fields(Settings)}
    for name, value in values.items():
        if name not in FOR_KERNELS:
            raise TypeError(f"{name} is not a setting the kernels read "
                            f"({', '.join(sorted(FOR_KERNELS))}; all: {sorted(known)})")
        os.environ[FOR_KERNELS[name]] = str(value)
