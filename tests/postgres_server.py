"""A throw-away PostgreSQL server for the tests: deploy/postgres.py's LocalPostgres (as
`make cluster` runs it) in a temporary folder, on a free port, removed afterwards."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.postgres import LocalPostgres


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_postgres(timeout_s: float = 60) -> Iterator[LocalPostgres]:
    """A started server in a fresh folder (stop() and start() it again to play an outage)."""
    folder = Path(tempfile.mkdtemp(prefix="pico-postgres-"))
    server = LocalPostgres(folder, free_port(), fsync=False)
    try:
        server.start(timeout_s)
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_server(timeout_s: float = 60) -> Iterator[str]:
    """Yield a postgresql+psycopg:// URL to a fresh, empty database."""
    with local_postgres(timeout_s) as server:
        yield server.url


# Parameters for a test that runs on both databases a clinic may use (outcomes_url).
BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@contextmanager
def outcomes_url(kind: str, folder: Path) -> Iterator[str]:
    """A database URL of `kind` ("sqlite": a file in `folder`; "postgresql": a fresh server)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'clinic.db'}"
        return
    with postgres_server() as url:
        yield url
