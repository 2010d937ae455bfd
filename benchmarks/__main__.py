"""Run every benchmark, print one table, write benchmarks/results/latest.json."""

from __future__ import annotations

from pathlib import Path

from . import core
from .table import print_table, write_json


def main() -> None:
    rows = core.run()
    print_table(rows)
    write_json(rows, Path(__file__).parent / "results" / "latest.json")


if __name__ == "__main__":
    main()
