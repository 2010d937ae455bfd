"""`make calibrate`: python -m pico_widget.fit [--no-cv] [paths].

The fit writes where it is told (by default into the source tree: the package's data
files, the model page's calibration table and docs/calibration.md), so it can run against
a copy. One entry point, so calibrate and its report are each imported once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .calibrate import PACKAGE, fit_all, fitted_toml, parse
from .calibration_report import write_report
from .test_set import write_test_report

DATA = PACKAGE / "data"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pico_widget.fit",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--no-cv", action="store_true",
                        help="fit only: skip leaving each study out and the report")
    parser.add_argument("--fitted", type=Path, default=DATA / "fitted.toml")
    parser.add_argument("--accuracy", type=Path, default=DATA / "accuracy.toml")
    parser.add_argument("--plot", type=Path, default=DATA / "calibration.png")
    parser.add_argument("--model-page", type=Path, default=DATA / "model.md")
    parser.add_argument("--report", type=Path, default=PACKAGE.parent / "docs" / "calibration.md")
    args = parser.parse_args(argv)
    fitted = parse(fitted_toml(fit_all()))  # rounded as shipped
    args.fitted.write_text(fitted_toml(fitted), "utf-8")
    print(f"wrote {args.fitted}")
    if not args.no_cv:
        write_report(fitted, args.report, args.plot, args.accuracy, args.model_page)
        write_test_report(fitted, args.accuracy, args.report)


if __name__ == "__main__":
    main()
