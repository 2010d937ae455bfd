"""Wording in three languages; importing it hands the core its English (core/codes.py)."""

from . import problems  # noqa: F401
