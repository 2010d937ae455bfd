"""What `make cluster` (deploy/cluster.py) tells a newcomer to type runs as printed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.cluster import add_staff_command, backup_command
from pico_widget.outcomes.cli import parser
from pico_widget.outcomes.database import open_engine, upgrade
from tests.postgres_server import local_postgres

URL = "postgresql+psycopg://pico@/postgres?host=/srv/my clinic/.cluster/postgres&port=8732"


def test_the_add_staff_command_it_prints_runs_as_printed() -> None:
    words = shlex.split(add_staff_command(URL))
    program = Path(words[0])  # the virtualenv's script: a fresh clone has none on PATH
    assert program.is_absolute() and os.access(program, os.X_OK), words[0]
    assert program.parent == Path(sys.executable).parent
    args = parser().parse_args(words[2:])
    assert (args.command, args.outcomes) == ("add-staff", URL)


@pytest.mark.postgresql
def test_the_backup_command_it_prints_runs_as_printed(tmp_path) -> None:
    with local_postgres() as server:
        engine = open_engine(server.url)
        upgrade(engine)
        engine.dispose()
        done = subprocess.run(backup_command(server.url), shell=True, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    dump = next(tmp_path.glob("pico-*.dump"))
    listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True,
                            text=True, check=True).stdout
    assert "TABLE public courses " in listed, listed
