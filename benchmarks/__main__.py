"""Run every benchmark, print one table, write benchmarks/results/latest.json.

`python -m benchmarks` runs all; `python -m benchmarks core kernel` runs the named parts
(core, kernel, drawing, browser, repaint, outcomes).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .table import print_table, write_json

PARTS = ("core", "kernel", "drawing", "browser", "repaint", "outcomes")


def main(argv: list[str]) -> None:
    from importlib import import_module

    rows = []
    for part in argv or PARTS:
        if part not in PARTS:
            raise SystemExit(f"unknown benchmark {part!r}; choose from {', '.join(PARTS)}")
        rows += import_module(f".{part}", __package__).run()
    print_table(rows)
    write_json(rows, Path(__file__).parent / "results" / "latest.json")


if __name__ == "__main__":
    main(sys.argv[1:])
