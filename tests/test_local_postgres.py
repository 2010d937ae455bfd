"""`make cluster`'s local PostgreSQL (deploy/postgres.py): it dies with whoever started it,
even one killed with SIGKILL, and only its own user can connect (a Unix socket in a 0700
folder, no TCP port)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from tests.postgres_server import free_port, local_postgres
from tests.waiting import wait_until

pytestmark = pytest.mark.postgresql
ROOT = Path(__file__).resolve().parents[1]  # the parent runs there: it imports deploy/

# A parent like cluster.py: a thread of its own running, the server started, then it waits.
PARENT = """
import sys, threading, time
from deploy.postgres import LocalPostgres
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
server = LocalPostgres(__import__("pathlib").Path(sys.argv[1]), int(sys.argv[2]), fsync=False)
server.start()
print(server.process.pid, flush=True)
time.sleep(600)
"""


def servers_of(folder: Path) -> list[psutil.Process]:
    """Running postgres processes whose data is in `folder` (the postmaster's command line
    names it; its workers are its children)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or ())
        if "postgres" in line and str(folder) in line:
            found.append(process)
            found += process.children(recursive=True)
    return [p for p in found if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_the_server_ends_when_its_parent_is_killed() -> None:
    folder = Path(tempfile.mkdtemp(prefix="pico-postgres-"))
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(folder), str(free_port())],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        postmaster = int(parent.stdout.readline())
        assert psutil.pid_exists(postmaster) and servers_of(folder)
        parent.kill()  # SIGKILL: no handler, no atexit, no stop()
        parent.wait()
        wait_until(lambda: servers_of(folder) == [], timeout=10,
                   what="PostgreSQL to end with its killed parent")
    finally:
        parent.kill()
        for process in servers_of(folder):
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def test_only_its_own_user_can_connect() -> None:
    with local_postgres() as server:
        assert server.answers()
        with socket.socket() as tcp, pytest.raises(OSError):
            tcp.connect(("127.0.0.1", server.port))  # no TCP port at all
        assert server.folder.stat().st_mode & 0o077 == 0  # the socket's folder is private
        assert "127.0.0.1" not in server.url


def test_the_url_names_any_folder_and_a_too_long_socket_is_said_plainly(tmp_path) -> None:
    """A checkout path with "+", "%", "&" or "#" reaches the driver unchanged; a socket
    path past Linux's limit is a sentence before anything starts."""
    from sqlalchemy import make_url

    from deploy.postgres import LocalPostgres

    odd = tmp_path / "a+b c" / "x%41&#"
    assert make_url(LocalPostgres(odd, 8732).url).query["host"] == str(odd.resolve())
    deep = LocalPostgres(tmp_path / ("x" * 120), 8732)
    with pytest.raises(RuntimeError, match="longer than the 107 bytes"):
        deep.start()
    assert not deep.folder.exists()
