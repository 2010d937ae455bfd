"""`make cluster`: N `pico-widget serve` replicas behind HAProxy with TLS, in the foreground.

What a systemd unit and HAProxy do on a clinic's server (docs/deploy.md), on one machine
and on 127.0.0.1 only: a self-signed certificate made on first run (openssl,
subjectAltName IP:127.0.0.1), deploy/haproxy.cfg with its binds, certificate, error pages
and server list rewritten for the ports in use, the replicas on 127.0.0.1 each with its
share of the memory, and a watcher that restarts a replica that dies (as Restart=always
does) after ending any kernel it left behind. With `--postgresql` (what `make cluster`
runs) the replicas share a local PostgreSQL for the clinic's outcomes (deploy/postgres.py:
initdb under .cluster/postgres once, migrated to this code's schema on every start).

Ctrl-C (or SIGTERM) stops everything it started: the replicas and their kernels, HAProxy,
then PostgreSQL. Each child is also told by the kernel to stop should this process die
without a word (PR_SET_PDEATHSIG), so a `kill -9` of it leaves nothing running either.

The browser test (tests/e2e/test_cluster.py) and `make load` use the same `Cluster`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deploy.postgres import LocalPostgres

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = HERE / "haproxy.cfg"
STATE = ROOT / ".cluster"
HAPROXY = "/usr/sbin/haproxy"
PR_SET_PDEATHSIG = 1


def dies_with_parent(signum: int) -> Callable[[], None]:
    """A preexec_fn: the child gets `signum` when the thread that started it ends
    (Linux; nothing elsewhere). Why: our own SIGKILL must not leave orphans running."""
    def preexec() -> None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    return preexec if sys.platform.startswith("linux") else lambda: None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def certificate(folder: Path) -> Path:
    """A self-signed certificate and key for 127.0.0.1 in one PEM (HAProxy's `crt`),
    made once and kept."""
    pem = folder / "pico-widget.pem"
    if pem.exists():
        return pem
    folder.mkdir(parents=True, exist_ok=True)
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                    "-days", "825", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True)
    pem.write_bytes(crt.read_bytes() + key.read_bytes())
    pem.chmod(0o600)
    key.unlink()
    return pem


def error_files(folder: Path) -> Path:
    """HAProxy's own 429 and 503 pages: the replicas' turn-away page (gate.busy_page, the
    one place its HTML is made), as whole HTTP responses."""
    from pico_widget.server.gate import RETRY_AFTER_S, busy_page

    folder.mkdir(parents=True, exist_ok=True)
    for status, reason, title in ((429, "too_many", "Too Many Requests"),
                                  (503, "busy", "Service Unavailable")):
        body = busy_page(reason).encode("utf-8")
        head = (f"HTTP/1.1 {status} {title}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Cache-Control: no-store\r\nRetry-After: {RETRY_AFTER_S}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        (folder / f"{status}.http").write_bytes(head.encode("ascii") + body)
    return folder


def haproxy_config(ports: list[int], https: int, http: int, pem: Path, errors: Path,
                   source: str | None = None) -> str:
    """deploy/haproxy.cfg for this machine's ports: only the marked lines change."""
    text = source if source is not None else CONFIG.read_text()
    text = re.sub(r"bind :80 ", f"bind 127.0.0.1:{http} ", text)
    text = text.replace("redirect scheme https code 301",  # to the HTTPS port in use
                        f'redirect location "https://127.0.0.1:{https}%[capture.req.uri]" '
                        "code 301")
    text = re.sub(r"bind :443 ssl crt \S+", f"bind 127.0.0.1:{https} ssl crt {pem}", text)
    text = text.replace("/etc/haproxy/pico-widget/", f"{errors}/")
    servers = "".join(f"    server r{n} 127.0.0.1:{port} cookie r{n}\n"
                      for n, port in enumerate(ports, 1))
    text = re.sub(r"(?m)^    server r\d+ .*\n", "", text)
    return re.sub(r"(?m)^(    # replicas:.*\n)", lambda m: m.group(1) + servers, text)


def health(port: int, timeout: float = 2) -> dict | None:
    """A replica's /healthz, or None when it does not answer 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                    timeout=timeout) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def kernels_of(pid: int) -> list[int]:
    """Kernels started by the server with this pid, alive or orphaned (their environment
    names the server: JPY_PARENT_PID)."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(process.info["cmdline"] or ()) and \
                    process.environ().get("JPY_PARENT_PID") == str(pid):
                found.append(process.pid)
    return found


@dataclass
class Replica:
    """One `pico-widget serve` and what the watcher knows of it."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    deaths: list[float] = field(default_factory=list)  # monotonic times it was found dead
    back: list[float] = field(default_factory=list)  # ... and healthy again after restart


def add_staff_command(url: str) -> str:
    """The command that adds a member of staff to the outcomes at `url`, runnable as
    printed: the pico-widget beside this Python (`make cluster`'s .venv is not on PATH),
    and the URL quoted (it holds `&`)."""
    program = Path(sys.executable).parent / "pico-widget"
    name = str(program) if program.exists() else "pico-widget"
    return f"{shlex.quote(name)} outcomes add-staff NAME --outcomes {shlex.quote(url)}"


def backup_command(url: str) -> str:
    """pg_dump of the outcomes at `url`, runnable as printed: libpq reads the URL without
    SQLAlchemy's `+psycopg` (with it, pg_dump says "invalid connection option")."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return f"pg_dump --format=custom --file pico-$(date +%F).dump {shlex.quote(libpq)}"


class Cluster:
    """Replicas and HAProxy; start() then stop(), or `with cluster.running():`."""

    def __init__(self, replicas: int = 3, https: int = 0, http: int = 0,
                 ports: list[int] | None = None, state: Path = STATE,
                 serve_args: list[str] | None = None, haproxy: str = HAPROXY,
                 restart: bool = True, quiet: bool = False,
                 postgresql: int | None = None) -> None:
        """`postgresql`: the port for a local PostgreSQL under `state`/postgres that the
        replicas store the outcomes in (None: no outcomes unless serve_args say)."""
        self.https, self.http = https or free_port(), http or free_port()
        ports = ports or [free_port() for _ in range(replicas)]
        self.state, self.haproxy_bin, self.restart, self.quiet = state, haproxy, restart, quiet
        self.serve_args = serve_args or []
        logs = state / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.replicas = [Replica(f"r{n}", port, logs / f"r{n}-{port}.log")
                         for n, port in enumerate(ports, 1)]
        self.haproxy: subprocess.Popen[bytes] | None = None
        self.haproxy_log = logs / f"haproxy-{self.https}.log"
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._lock = threading.Lock()
        self.database = (LocalPostgres(state / "postgres", postgresql)
                         if postgresql is not None else None)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}/"

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"cluster: {text}", flush=True)

    def _spawn(self, replica: Replica) -> None:
        command = [sys.executable, "-m", "pico_widget.server.serve", "serve",
                   f"--port={replica.port}", "--host=127.0.0.1",
                   f"--replicas={len(self.replicas)}", f"--replica-id={replica.name}",
                   "--behind-proxy", *self.serve_args]
        with replica.log.open("ab") as out:  # its own session: Ctrl-C is ours to pass on
            replica.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                               cwd=ROOT, start_new_session=True,
                                               preexec_fn=dies_with_parent(signal.SIGTERM))

    def _start_database(self) -> None:
        """PostgreSQL, migrated; the replicas are told its URL."""
        assert self.database is not None
        from pico_widget.outcomes.database import open_engine, upgrade

        url = self.database.start()
        engine = open_engine(url)
        try:
            before, after = upgrade(engine)
        finally:
            engine.dispose()
        self.serve_args = [*self.serve_args, f"--outcomes={url}"]
        upgraded = "" if before == after else f", upgraded from {before or 'empty'}"
        self.say(f"outcomes in PostgreSQL at {url} (schema {after}{upgraded}); "
                 f"add staff: {add_staff_command(url)}")
        self.say(f"back up the outcomes: {backup_command(url)}")

    def start(self, timeout: float = 180) -> None:
        """Certificate, error pages, replicas, HAProxy; returns once every replica is in
        HAProxy's pool (its /healthz answers 200 through the checks)."""
        pem = certificate(self.state / "tls")
        errors = error_files(self.state / "errors")
        config = self.state / f"haproxy-{self.https}.cfg"
        config.write_text(haproxy_config([r.port for r in self.replicas], self.https,
                                         self.http, pem, errors))
        subprocess.run([self.haproxy_bin, "-c", "-q", "-f", str(config)], check=True)
        if self.database is not None:
            self._start_database()
        for replica in self.replicas:
            self._spawn(replica)
        with self.haproxy_log.open("ab") as out:
            self.haproxy = subprocess.Popen([self.haproxy_bin, "-W", "-db", "-f", str(config)],
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True,
                                            preexec_fn=dies_with_parent(signal.SIGTERM))
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            while (seen := health(replica.port)) is None or not seen["ready"]:
                if self._stopping.is_set():
                    raise KeyboardInterrupt("stopped while starting")
                if replica.process is not None and replica.process.poll() is not None:
                    raise RuntimeError(f"{replica.name} exited:\n"
                                       f"{replica.log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{replica.name} not ready in {timeout} s")
                time.sleep(0.5)
            self.say(f"{replica.name} on 127.0.0.1:{replica.port} (pid {seen['pid']}), "
                     f"at most {seen['cap']} visitors")
        reasoning = next((line for line in self.replicas[0].log.read_text(
            errors="replace").splitlines() if line.startswith("pico-widget: at most")), "")
        if reasoning:  # the replicas share the machine alike: one says why for all
            self.say(f"each replica's cap: {reasoning.removeprefix('pico-widget: ')}")
        time.sleep(4.5)  # HAProxy's checks: 2 good ones, 2 s apart
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        self.say(f"open {self.url} (self-signed certificate: {pem}); "
                 f"http://127.0.0.1:{self.http}/ redirects there")

    def _watch(self) -> None:
        """Restart a replica that died, after ending the kernels it left (Restart=always)."""
        while not self._stopping.wait(0.5):
            for replica in self.replicas:
                process = replica.process
                if process is None or process.poll() is None:
                    continue
                with self._lock:
                    if self._stopping.is_set():
                        return
                    replica.deaths.append(time.monotonic())
                    self.say(f"{replica.name} (pid {process.pid}) ended with "
                             f"{process.returncode}")
                    self._end_orphans(process.pid)
                    if not self.restart:
                        replica.process = None
                        continue
                    replica.restarts += 1
                    self._spawn(replica)
                threading.Thread(target=self._until_back, args=(replica,), daemon=True).start()

    def _end_orphans(self, pid: int) -> None:
        """A killed server's kernels exit by themselves within about a second (ipykernel
        watches its parent); any still there after 5 s are ended here."""
        deadline = time.monotonic() + 5
        while (left := kernels_of(pid)) and time.monotonic() < deadline:
            time.sleep(0.5)
        for kernel in left:
            with contextlib.suppress(OSError):
                os.kill(kernel, signal.SIGKILL)
            self.say(f"ended kernel {kernel} left by pid {pid}")

    def _until_back(self, replica: Replica) -> None:
        while not self._stopping.wait(0.5):
            seen = health(replica.port)
            if seen is not None and seen["ready"]:
                replica.back.append(time.monotonic())
                self.say(f"{replica.name} back on 127.0.0.1:{replica.port} "
                         f"(pid {seen['pid']})")
                return

    def kill(self, name: str) -> int:
        """kill -9 one replica (as a crash would); returns its pid."""
        replica = next(r for r in self.replicas if r.name == name)
        assert replica.process is not None
        pid = replica.process.pid
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        """SIGTERM to every process started here, SIGKILL after 15 s; then their kernels,
        then PostgreSQL (last: a replica may be storing a course until it ends)."""
        self._stopping.set()
        try:
            with self._lock:
                processes = [r.process for r in self.replicas if r.process is not None]
                if self.haproxy is not None:
                    processes.append(self.haproxy)
                for process in processes:
                    with contextlib.suppress(OSError):
                        process.terminate()
                for process in processes:
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        with contextlib.suppress(OSError):  # its own session: all of it
                            os.killpg(process.pid, signal.SIGKILL)
                        process.wait()
                for process in processes:
                    self._end_orphans(process.pid)
        finally:
            if self.database is not None:
                self.database.stop()
        self.say("stopped")

    @contextlib.contextmanager
    def running(self, timeout: float = 180) -> Iterator[Cluster]:
        try:
            self.start(timeout)
            yield self
        finally:
            self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--https", type=int, default=8443)
    parser.add_argument("--http", type=int, default=8080)
    parser.add_argument("--first-port", type=int, default=8701,
                        help="replica ports: this one and the next ones")
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or HAPROXY)
    parser.add_argument("--postgresql", type=int, nargs="?", const=8732, default=None,
                        metavar="PORT", help="store the outcomes in a local PostgreSQL on "
                        "this port (default 8732), its data kept under --state/postgres")
    parser.add_argument("--state", type=Path, default=STATE,
                        help="folder for the certificate, logs and database (.cluster)")
    parser.add_argument("--error-pages", type=Path, default=None, metavar="DIR",
                        help="only write HAProxy's 429.http and 503.http into DIR (for "
                             "deploy/haproxy.cfg's /etc/haproxy/pico-widget/) and stop")
    args, serve_args = parser.parse_known_args(argv)
    if args.error_pages is not None:
        print(f"cluster: wrote {error_files(args.error_pages)}/429.http and 503.http")
        return
    cluster = Cluster(args.replicas, args.https, args.http,
                      [args.first_port + n for n in range(args.replicas)],
                      state=args.state, serve_args=serve_args, haproxy=args.haproxy,
                      postgresql=args.postgresql)
    stop = threading.Event()

    def on_signal(*_: object) -> None:  # also ends a start still waiting for replicas
        stop.set()
        cluster._stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster.start()
        print("cluster: Ctrl-C stops the replicas, HAProxy"
              f"{' and PostgreSQL' if cluster.database else ''}", flush=True)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
