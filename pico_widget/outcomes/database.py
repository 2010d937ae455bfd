"""Opening the outcomes database, and refusing one whose schema this code does not know.

SQLite (the default, one file) is opened in WAL mode with a busy timeout, and every
write transaction begins IMMEDIATE: several replicas on one file then queue for the
write lock instead of failing with "database is locked" (a deferred transaction that
reads first cannot wait for it). PostgreSQL (`postgresql+psycopg://`) is for a clinic
group whose replicas share one database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

if TYPE_CHECKING:  # the ORM is imported by what writes, not by `outcomes stats`
    from sqlalchemy.orm import Session

# Every migration in migrations/versions, oldest first: check_schema reads these instead
# of importing Alembic (most of a second), and tests/test_outcomes_store.py holds them
# equal to Alembic's own list.
REVISIONS = ("0001",)
BUSY_TIMEOUT_MS = 30_000
WRITE = "pico_write"


class SchemaError(ValueError):
    """The database is not at this code's schema revision; the message says what to run."""


def utc_now() -> datetime:
    """Now in UTC, without a zone (the columns hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def database_address(url: str, *, creating: bool = False) -> str:
    """`url` checked before anything opens it, as every process can use it: a SQLite file's
    path made absolute (Voila starts its kernels in another folder), its folder required,
    and the file itself unless `creating` (`outcomes upgrade`), so that a mistyped path
    never leaves an empty database behind. ValueError with a sentence otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        address = make_url(url)
    except ArgumentError:
        raise ValueError(f"{url} is not a database address: give sqlite:////FOLDER/outcomes.db "
                         "(an absolute path after four slashes) or "
                         "postgresql+psycopg://USER@HOST/DATABASE.") from None
    backend = address.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"pico-widget keeps outcomes in SQLite or PostgreSQL, and {url} is "
                         f"a {backend} address.")
    if backend != "sqlite" or address.database in (None, "", ":memory:"):
        return url
    path = Path(address.database).expanduser().resolve()
    if not path.parent.is_dir():
        raise ValueError(f"The folder {path.parent} does not exist: create it, and let the "
                         "user who runs pico-widget write to it.")
    if not path.exists():
        if not creating:
            raise ValueError(f"There is no outcomes database at {path}. Create it with "
                             f"`pico-widget outcomes upgrade --outcomes sqlite:///{path}`.")
        if not os.access(path.parent, os.W_OK):
            raise ValueError(f"This user cannot write in {path.parent}: let the user who runs "
                             "pico-widget write to it.")
    return address.set(database=str(path)).render_as_string(hide_password=False)


def open_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and IMMEDIATE writes."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed at the end, rolled back on any error."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=engine.execution_options(**{WRITE: True}),
                           expire_on_commit=False)
    with factory.begin() as session:
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only session (nothing it changes is committed)."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        yield session


@contextmanager
def querying(engine: Engine) -> Iterator[Connection]:
    """A connection for reading the tables (tables.py) without the ORM, what the clinic's
    effect and `outcomes stats` read, in one transaction that reads one snapshot: without
    it a course stored between two of its queries was read half old, half new. SQLite's
    transaction is one snapshot (WAL); PostgreSQL's default (READ COMMITTED) takes one per
    statement, so the connection asks for REPEATABLE READ there."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def _scripts() -> Any:
    """Alembic's configuration and script folder (migrations/ inside the package)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
    return config, ScriptDirectory.from_config(config)


def current_revision(engine: Engine) -> str | None:
    """The database's Alembic revision (None before the first upgrade)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Raise SchemaError unless the database is at this code's newest revision."""
    head, current = REVISIONS[-1], current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    upgrade = f"pico-widget outcomes upgrade --outcomes {url}"
    if current == head:
        return
    if current is None:
        raise SchemaError(f"The outcomes database has no tables yet. Run `{upgrade}` "
                          "to create them, then start again.")
    if current in REVISIONS:
        raise SchemaError(f"The outcomes database is older than this pico-widget (revision "
                          f"{current}, this code needs {head}). Back it up, run `{upgrade}`, "
                          "then start again.")
    raise SchemaError(f"The outcomes database was upgraded by a newer pico-widget (revision "
                      f"{current}, this code knows up to {head}). Run that newer pico-widget, "
                      "or restore a backup made before its upgrade.")


def check_outcomes(url: str) -> str:
    """For `serve --outcomes URL` at start-up: the address the kernels are to use
    (database_address), or ValueError with a sentence unless the database answers and is
    at this code's revision."""
    from sqlalchemy.exc import SQLAlchemyError

    url = database_address(url)
    try:
        engine = open_engine(url)
    except (SQLAlchemyError, ValueError, ImportError) as error:
        raise ValueError(f"--outcomes {url} is not a database address this server can "
                         f"use ({error}).") from None
    try:
        check_schema(engine)
    except SQLAlchemyError as error:
        shown = engine.url.render_as_string(hide_password=True)
        raise ValueError(f"The outcomes database at {shown} does not answer "
                         f"({str(error).splitlines()[0]}).") from None
    finally:
        engine.dispose()
    return url


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to the newest revision: (revision before, revision after)."""
    from alembic import command

    config, scripts = _scripts()
    before = current_revision(engine)
    if before is not None and before not in REVISIONS:
        check_schema(engine)  # newer than this code: refuse with its sentence
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, scripts.get_current_head()
