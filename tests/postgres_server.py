"""A throw-away PostgreSQL server for the tests: deploy/postgres.py's LocalPostgres (as
`make cluster` runs it) in a temporary folder, on a free port, removed afterwards."""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
from postgres import LocalPostgres


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
