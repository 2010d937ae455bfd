"""A throw-away PostgreSQL server for the tests: initdb in a temporary folder, `postgres`
on a free port of 127.0.0.1, stopped and removed afterwards.

PostgreSQL refuses to run as root (and CI runs as root): then the folder is given to the
`postgres` user that Debian's package creates, and the server runs as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from waiting import wait_until

SERVER_USER = "postgres"


def program(name: str) -> str | None:
    """Debian keeps the server programs under /usr/lib/postgresql/VERSION/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return found[-1] if found else shutil.which(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(timeout_s: float = 60) -> Iterator[str]:
    """Yield a postgresql+psycopg:// URL to a fresh, empty database."""
    import psycopg

    initdb, postgres = program("initdb"), program("postgres")
    if not (initdb and postgres):
        raise RuntimeError("PostgreSQL's server is not installed: run `make postgresql` "
                           "(.ci/ensure-postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="pico-postgres-"))
    user: dict = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
        user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data, port = folder / "data", free_port()
    server = None
    try:
        subprocess.run([initdb, "-D", str(data), "-A", "trust", "-U", "pico", "-E", "UTF8",
                        "--locale=C"], check=True, capture_output=True, cwd=folder, **user)
        server = subprocess.Popen(
            [postgres, "-D", str(data), "-p", str(port), "-k", str(folder),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "wb"),  # noqa: SIM115
            cwd=folder, **user)
        def answers() -> bool:
            if server.poll() is not None:
                raise RuntimeError("PostgreSQL exited: " + (folder / "server.log").read_text())
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=pico dbname=postgres",
                                connect_timeout=2).close()
            except psycopg.OperationalError:
                return False
            return True

        try:
            wait_until(answers, timeout=timeout_s, every=0.2, what="PostgreSQL to start")
        except AssertionError as error:
            raise RuntimeError(f"{error}: {(folder / 'server.log').read_text()}") from None
        yield f"postgresql+psycopg://pico@127.0.0.1:{port}/postgres"
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)  # "fast" shutdown: ends the sessions
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)
