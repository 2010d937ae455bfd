"""A local PostgreSQL server in a folder of its own: `make cluster`'s shared outcomes
database, and the tests' throw-away one (tests/postgres_server.py).

Why not the package's own service: `make cluster` must start and stop everything it uses
with one Ctrl-C and leave nothing running, and must not touch a machine's real database.
So `initdb` makes a cluster under the folder once (kept: the recorded courses survive a
restart), and `postgres` listens only on a Unix socket in that folder, which is readable by
its owner alone (0700): no TCP port, so another local user cannot connect. PostgreSQL
refuses to run as root (CI runs as root): then the folder belongs to the `postgres` user
that Debian's package creates, and the server runs as that user.

The server must not outlive whoever started it, even one killed with SIGKILL: it is
started through with_parent.py (Linux's parent-death signal, asked for in the child
without a preexec_fn, which is unsafe in cluster.py's threaded process) in a session of
its own (so a terminal's Ctrl-C reaches it only through stop(), last).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

SERVER_USER = "postgres"
SOCKET_PATH_MAX = 107  # bytes in a Unix socket path (sun_path less its final NUL)
DATABASE, ROLE = "postgres", "pico"
WITH_PARENT = Path(__file__).with_name("with_parent.py")


def program(name: str) -> str | None:
    """Debian keeps the server programs under /usr/lib/postgresql/VERSION/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return found[-1] if found else shutil.which(name)


def _python() -> str:
    """A python3 the postgres user can run (the tests' may live under root's home)."""
    return shutil.which("python3", path="/usr/bin:/bin") or sys.executable


class LocalPostgres:
    """`postgres` on a Unix socket in `folder` (named by `port`), its data in
    `folder`/data; start() then stop()."""

    def __init__(self, folder: Path, port: int, fsync: bool = True) -> None:
        self.folder, self.port, self.fsync = folder, port, fsync
        self.data, self.log = folder / "data", folder / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        # quoted: a checkout path may hold "+", "%", "&" or "#", which a URL reads otherwise
        folder = quote(str(self.folder.resolve()), safe="/")
        return f"postgresql+psycopg://{ROLE}@/{DATABASE}?host={folder}&port={self.port}"

    @property
    def socket(self) -> Path:
        return self.folder.resolve() / f".s.PGSQL.{self.port}"

    def _as_server_user(self) -> dict[str, Any]:
        """Popen's arguments to run as the postgres user when we are root (and hand it
        the folder); nothing otherwise."""
        if os.geteuid() != 0:
            return {}
        account = pwd.getpwnam(SERVER_USER)
        for path in (self.folder, *self.folder.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 60) -> str:
        """initdb (first time only), start the server, wait until it answers; its URL."""
        initdb, postgres = program("initdb"), program("postgres")
        if not (initdb and postgres):
            raise RuntimeError("PostgreSQL's server is not installed: run `make postgresql` "
                               "(.ci/ensure-postgresql)")
        if len(os.fsencode(self.socket)) > SOCKET_PATH_MAX:
            raise RuntimeError(f"PostgreSQL's socket path {self.socket} is longer than the "
                               f"{SOCKET_PATH_MAX} bytes Linux allows: use a shorter folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)  # its socket: for this user (or root) alone
        user = self._as_server_user()
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)  # a half-made one from a crash
            # trust, but on the socket alone: only the folder's owner can reach it
            made = subprocess.run([initdb, "-D", str(self.data), "--auth-local=trust",
                                   "--auth-host=reject", "-U", ROLE,
                                   "-E", "UTF8", "--locale=C"], capture_output=True,
                                  text=True, cwd=self.folder, **user)
            if made.returncode != 0:  # e.g. a parent folder the postgres user cannot enter
                raise RuntimeError(f"initdb could not make {self.data}: "
                                   f"{(made.stderr or made.stdout).strip()}")
        with self.log.open("ab") as out:  # its own session: we stop it ourselves, last
            self.process = subprocess.Popen(
                [_python(), str(WITH_PARENT), "SIGINT", str(os.getpid()),
                 postgres, "-D", str(self.data), "-p", str(self.port), "-k", str(self.folder),
                 "-c", "listen_addresses=", "-c", f"fsync={'on' if self.fsync else 'off'}"],
                stdout=subprocess.DEVNULL, stderr=out, cwd=self.folder,
                start_new_session=True, **user)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError("PostgreSQL exited: " + self.log.read_text()[-3000:])
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"PostgreSQL did not answer in {timeout} s: "
                                   + self.log.read_text()[-3000:])
            time.sleep(0.2)
        return self.url

    def answers(self) -> bool:
        import psycopg

        try:
            psycopg.connect(host=str(self.folder.resolve()), port=self.port, user=ROLE,
                            dbname=DATABASE, connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def stop(self, timeout: float = 30) -> None:
        """PostgreSQL's "fast" shutdown (SIGINT: ends the sessions), SIGKILL if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: its workers too
            process.wait()
