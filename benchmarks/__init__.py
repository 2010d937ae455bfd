"""Benchmarks: `make bench` (python -m benchmarks) prints one table and writes JSON.

They drive the app with the tests' own helpers (tests/ and tests/e2e/: the live server,
the browser, the widget-protocol client), so those folders are put on the import path here.
"""

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(_TESTS / "e2e"), str(_TESTS)]
