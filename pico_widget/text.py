"""All wording (data/wording.toml), read once: the screen, handout and note share it."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def _wording() -> dict[str, Any]:
    text = resources.files("pico_widget").joinpath("data/wording.toml").read_text("utf-8")
    return tomllib.loads(text)


def wording(section: str, key: str | None = None) -> Any:
    """A section of the wording file, or one entry of it."""
    value = _wording()[section]
    return value if key is None else value[key]
