"""`make cluster` as a newcomer runs it: three replicas, HAProxy and a local PostgreSQL
holding the outcomes; a replica killed and restarted; then Ctrl-C to the process group
(and SIGTERM to it, the other way a terminal or a supervisor stops it) leaves no
replica, kernel, HAProxy or PostgreSQL running (issue 31: once, after a restart, a group
SIGTERM left two replicas and HAProxy behind).

The processes are found by what they are, not by what cluster.py says it started: every
descendant of the command seen while it ran (the replicas, HAProxy and PostgreSQL are in
sessions of their own but stay its children; the kernels are the replicas' children).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest
from sqlalchemy import text

from pico_widget.outcomes.database import check_schema, open_engine
from tests.e2e.cluster_visits import health
from tests.postgres_server import free_port
from tests.waiting import holds, wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgresql, pytest.mark.slow]


def descendants(root: psutil.Process) -> dict[int, psutil.Process]:
    try:
        return {p.pid: p for p in root.children(recursive=True)}
    except psutil.Error:
        return {}


def alive(seen: dict[int, psutil.Process]) -> list[str]:
    """The processes seen earlier still running (the same process: is_running compares
    the start time, so a reused pid is not counted)."""
    left = []
    for process in seen.values():
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        except psutil.Error:
            continue
    return left


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM],
                         ids=["ctrl-c", "sigterm"])
def test_stopping_make_cluster_after_a_restart_leaves_nothing_running(stop_signal):
    # Not pytest's tmp_path: PostgreSQL runs as the postgres user when we are root, and
    # must be able to enter every folder above its data (tmp_path's root is private).
    tmp_path = Path(tempfile.mkdtemp(prefix="pico-make-cluster-"))
    tmp_path.chmod(0o755)
    ports = [free_port() for _ in range(3)]
    pg_port, https, http = free_port(), free_port(), free_port()
    log = (tmp_path / "cluster.log").open("wb")
    command = [sys.executable, "-m", "deploy.cluster", "--postgresql", str(pg_port),
               "--state", str(tmp_path / "state"), "--replicas", "3",
               "--https", str(https), "--http", str(http), "--first-port", str(ports[0]),
               "--max-visitors", "2"]
    ports = [ports[0] + n for n in range(3)]
    cluster = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                               start_new_session=True)  # its own group, as a terminal's job
    root = psutil.Process(cluster.pid)
    seen: dict[int, psutil.Process] = {}
    said = lambda: (tmp_path / "cluster.log").read_text(errors="replace")  # noqa: E731
    try:
        def up() -> bool:
            seen.update(descendants(root))
            if cluster.poll() is not None:
                raise RuntimeError(f"cluster.py ended:\n{said()}")
            return "Ctrl-C stops" in said()

        wait_until(up, timeout=300, every=1, what="the cluster to start")
        assert "PostgreSQL" in said()
        engine = open_engine(f"postgresql+psycopg://pico@/postgres?host={tmp_path}/state/"
                             f"postgres&port={pg_port}")  # its socket: no TCP port
        check_schema(engine)  # migrated by cluster.py before the replicas started
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        for port in ports:
            assert health(port)["ready"], port
        first = health(ports[0])["pid"]
        os.kill(first, signal.SIGKILL)  # a crash; the watcher restarts it
        wait_until(lambda: (h := health(ports[0])) is not None and h["pid"] != first
                   and h["ready"], timeout=180, every=1, what="r1 to be restarted")
        seen.update(descendants(root))
        kinds = " ".join(" ".join(p.cmdline()) for p in seen.values() if p.is_running())
        for kind in ("haproxy", "postgres", "pico_widget.server.serve", "ipykernel"):
            assert kind in kinds, kind
        os.killpg(cluster.pid, stop_signal)
        cluster.wait(timeout=120)
    finally:
        if cluster.poll() is None:  # the test failed: leave nothing behind either way
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
        log.close()
    words = said()

    def nothing_left() -> None:  # a SIGTERMed process may take a moment to be reaped by init
        assert alive(seen) == [], words

    try:
        wait_until(holds(nothing_left), timeout=10, what="every process of the cluster to end")
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
    assert "cluster: stopped" in words
