"""`pico-widget translations export|import`: a clinic's review of a translation as a PO file.

The work is in pico_widget/i18n/review.py (imported only when the command runs, so that
`pico-widget serve` starts no slower); this module is the command line around it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n.wording import LANGUAGES


def register(commands: argparse._SubParsersAction) -> None:
    """Add `translations export` and `translations import` to the pico-widget command."""
    parser = commands.add_parser("translations", help="export or import a translation's "
                                 "review file (gettext PO)")
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write a language's review file")
    export.add_argument("--language", required=True,
                        choices=[code for code in LANGUAGES if code != "en"])
    export.add_argument("file", type=Path, help="the PO file to write")
    export.set_defaults(run=_export)
    read = actions.add_parser("import", help="read a reviewed PO file back into the "
                              "locale file (refused, changing nothing, if it drops a "
                              "placeholder or a glossary term)")
    read.add_argument("file", type=Path, help="the reviewed PO file")
    read.add_argument("--language", default=None,
                      choices=[code for code in LANGUAGES if code != "en"],
                      help="the file's language (default: its Language header)")
    read.set_defaults(run=_import)


def _export(args: argparse.Namespace) -> int:
    from ..i18n.review import ReviewError, export_po

    try:
        count = export_po(args.language, args.file)
    except ReviewError as error:
        print(f"pico-widget: {error}", file=sys.stderr)
        return 2
    print(f"pico-widget: wrote {count} strings in {args.language} to {args.file} "
          "for review")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..i18n.review import ReviewError, import_po

    try:
        changed, written = import_po(args.file, args.language)
    except ReviewError as error:
        print(f"pico-widget: {error}", file=sys.stderr)
        return 2
    strings = "string" if len(changed) == 1 else "strings"
    print(f"pico-widget: imported {len(changed)} corrected {strings}"
          + (f" ({', '.join(changed)})" if changed else "")
          + f" and the reviewer's fields into {written}")
    if "site-packages" in written.parts:
        print(f"pico-widget: that is the installed package's copy, which installing "
              f"pico-widget again replaces: keep {args.file} to import again after an "
              "upgrade, and send it to the project to ship (docs/translating.md)")
    return 0
