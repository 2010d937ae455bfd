"""The installed distribution's version (pyproject.toml), read from its metadata.

Why here: the package top gives it as `__version__` and the handout prints it; both read
it the same way, and a source tree that was never installed says so instead of failing.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    try:
        return version("pico-widget")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
