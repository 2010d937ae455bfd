"""`pico-widget outcomes ...`: the administration commands, run on the server.

Why here and light: these run from a shell in a second, so this module imports no server,
no widget and no Voila (`pico-widget outcomes stats` must answer in under 2 s with 10,000
courses, benchmarks/outcomes.py). Changes made here are audited as the console's
(the OS user's) own, like any other write.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from pathlib import Path

from .database import (
    SchemaError,
    check_schema,
    database_address,
    open_engine,
    querying,
    upgrade,
    writing,
)

PG_DUMP = ("backup copies a SQLite database. For PostgreSQL use pg_dump (docs/deploy.md): "
           "pg_dump --format=custom --file PATH DATABASE-URL")


class Refused(Exception):
    """A command that cannot be done; the message is the sentence for the terminal."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pico-widget outcomes",
                                  description="The clinic's de-identified outcomes.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--outcomes", required=True, metavar="URL",
                        help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", parents=[common],
                        help="create or migrate the tables to this version's schema")
    add = commands.add_parser("add-staff", parents=[common],
                              help="add staff (or set a new password); the password is "
                                   "read from the terminal or from stdin")
    add.add_argument("name")
    commands.add_parser("remove-staff", parents=[common],
                        help="stop a member of staff signing in").add_argument("name")
    commands.add_parser("import", parents=[common],
                        help="store the courses in a CSV (all or nothing)").add_argument(
                            "file", type=Path)
    commands.add_parser("export", parents=[common],
                        help="write every course to a CSV").add_argument("file", type=Path)
    commands.add_parser("stats", parents=[common],
                        help="courses and sessions per condition, the clinic's offsets "
                             "against the studies, its recent year against earlier ones")
    delete = commands.add_parser("delete", parents=[common], help="delete a course (audited)")
    delete.add_argument("course_id")
    delete.add_argument("--reason", required=True, help="why (kept in the audit; no names)")
    commands.add_parser("backup", parents=[common],
                        help="copy a SQLite database while it is in use").add_argument(
                            "path", type=Path)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        print(run(args))
    except Refused as error:
        sys.exit(f"pico-widget: {error}")


def run(args: argparse.Namespace) -> str:
    """Do the command; the line(s) to print, or Refused with a sentence."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = open_engine(database_address(args.outcomes,
                                              creating=args.command == "upgrade"))
    except ValueError as error:
        raise Refused(str(error)) from None
    except (SQLAlchemyError, ImportError) as error:
        raise Refused(f"cannot use --outcomes {args.outcomes}: {error}") from None
    try:
        if args.command == "upgrade":
            before, after = upgrade(engine)
            return (f"The outcomes database is at revision {after}." if before == after else
                    f"The outcomes database was upgraded from {before or 'empty'} to {after}.")
        if args.command == "backup" and engine.dialect.name != "sqlite":
            raise Refused(PG_DUMP)
        check_schema(engine)
        return COMMANDS[args.command](engine, args)
    except (SchemaError, LookupError, ValueError, OSError) as error:  # StaffError too
        from pydantic import ValidationError

        if isinstance(error, ValidationError):
            from ..i18n.problems import explain  # the words: only for a refusal
            from ..i18n.wording import DEFAULT_LANGUAGE

            raise Refused(explain(error, DEFAULT_LANGUAGE)) from None
        if isinstance(error, OSError) and error.filename and error.strerror:
            raise Refused(f"{error.filename}: {error.strerror}.") from None
        raise Refused(str(error)) from None
    except SQLAlchemyError as error:
        raise Refused(f"the outcomes database answered: {error.__class__.__name__}: "
                      f"{str(error).splitlines()[0]}") from None
    finally:
        engine.dispose()


def _read_password() -> str:
    from .staff import StaffError

    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise StaffError("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _add_staff(engine, args) -> str:
    from .staff import add_staff, console

    password = _read_password()
    with writing(engine) as db:
        add_staff(db, console(), args.name, password)
    return f"{args.name} can sign in."


def _remove_staff(engine, args) -> str:
    from .staff import console, remove_staff

    with writing(engine) as db:
        remove_staff(db, console(), args.name)
    return f"{args.name} can no longer sign in (their audit rows stay)."


def _import(engine, args) -> str:
    from .csv_io import from_csv
    from .staff import console
    from .writes import import_courses

    records = from_csv(args.file.read_bytes())
    with writing(engine) as db:
        count = import_courses(db, console(), records)
    _fit_stored(engine)
    return f"Imported {count} courses from {args.file}."


def _fit_stored(engine) -> None:
    """Fit the clinic's effect on what is now stored, as a kernel does when a course is
    stored: every band on this machine and `stats` read it instead of fitting it."""
    from .clinic_courses import revision
    from .effect_cache import fitted_summary

    with querying(engine) as db:
        now = revision(db)
    fitted_summary(engine, now)


def _export(engine, args) -> str:
    from .csv_io import to_csv
    from .staff import console
    from .writes import list_courses

    with writing(engine) as db:  # listing is audited
        records = list_courses(db, console())
    args.file.write_text(to_csv(records), encoding="utf-8")
    return f"Exported {len(records)} courses to {args.file}."


def _stats(engine, args) -> str:
    from .clinic_courses import revision
    from .effect import summary_lines
    from .effect_cache import fitted_summary
    from .stats import stats_table

    with querying(engine) as db:
        now = revision(db)
    summary = fitted_summary(engine, now)  # fitted once per revision on this machine
    return "\n".join([stats_table(list(summary.counts)), "", *summary_lines(summary)])


def _delete(engine, args) -> str:
    from .staff import console
    from .writes import delete_course

    with writing(engine) as db:
        delete_course(db, console(), args.course_id, args.reason)
    return f"Deleted course {args.course_id}; the audit keeps who, when and why."


def _backup(engine, args) -> str:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise Refused("there is no database file to back up.")
    if args.path.exists():
        raise Refused(f"{args.path} exists already; give a new file.")
    if not args.path.parent.is_dir():
        raise Refused(f"The folder {args.path.parent} does not exist; give a file in a "
                      "folder that does.")
    source, target = sqlite3.connect(source_path), sqlite3.connect(args.path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()
    return f"Backed up {source_path} to {args.path}."


COMMANDS = {"add-staff": _add_staff, "remove-staff": _remove_staff, "import": _import,
            "export": _export, "stats": _stats, "delete": _delete, "backup": _backup}
