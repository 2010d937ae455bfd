"""Start JupyterLab on a free localhost port in a throw-away folder, for the notebook test.

No token, no browser, its own settings, workspaces and runtime folders, and no news or
update checks, so the test sees a first-time user's JupyterLab and nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat

from tests.live_server import ARTIFACTS, LiveServer, free_port, started, stop

NOTEBOOK = "pico.ipynb"
CELL = "from pico_widget import PicoWidget\nPicoWidget()"
QUIET = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
         {"checkForUpdates": False, "fetchNews": "false"}}


def _write(folder: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / NOTEBOOK)
    for name, settings in QUIET.items():
        path = folder / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


@contextlib.contextmanager
def lab_server(timeout: float = 120) -> Iterator[LiveServer]:
    """JupyterLab serving a folder with NOTEBOOK in it; its log goes to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="pico-lab-"))
    _write(folder)
    port = free_port()
    log = ARTIFACTS / f"jupyterlab-{port}.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.token=", "--IdentityProvider.token=",
               "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={folder}",
               f"--LabApp.user_settings_dir={folder / 'settings'}",
               f"--LabApp.workspaces_dir={folder / 'workspaces'}"]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / "config"),
           "JUPYTER_RUNTIME_DIR": str(folder / "runtime")}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder,
                                   env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        started(url, process, log, timeout, "api/status")
        yield LiveServer(url, process, log)
    finally:
        stop(process)
