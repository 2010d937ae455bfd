"""The `pico-widget` command: `serve` (the Voila app), `outcomes` or `translations`.

Why a module of its own: serve.py imports Voila and Jupyter (3 s here), which an
administration command, help or a bad option value never needs, so serve.py is imported
only when the server is about to start.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> None:
    """The console command; `argv` for a caller in its own process (a test)."""
    whole_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["outcomes"]:  # answered without building the parser (its imports)
        _outcomes(argv[1:], whole_process)
        return
    from .options import parser as command_parser

    parser = command_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "outcomes":
        _outcomes(extra, whole_process)
    elif args.command == "translations":
        raise SystemExit(args.run(parser.parse_args(argv)))
    else:
        from .options import not_for_voila

        wrong = not_for_voila(extra)
        if wrong:
            parser.error(f"unrecognized arguments: {' '.join(wrong)} (Voila's own settings "
                         "are given as --Class.trait=value)")
        from .serve import serve

        serve(args, extra, parser)


def _outcomes(argv: list[str], whole_process: bool) -> None:
    from ..outcomes.cli import main as outcomes_main

    try:
        outcomes_main(argv)
    finally:
        if whole_process:
            # The command has answered and the process ends next. The interpreter's
            # collections at exit would walk every object the imports made (some
            # 60,000): frozen, they are skipped, 0.2 s of each command
            # (docs/performance.md). Never for a caller that goes on: what is frozen is
            # never collected.
            gc.freeze()


if __name__ == "__main__":
    main()
