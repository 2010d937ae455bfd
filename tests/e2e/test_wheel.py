"""`pip install pico-widget` serves: the built wheel, in a fresh venv without the test extra."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from pico_widget.ui.widget import default_profile
from tests.e2e.dashboard import expected
from tests.live_server import ROOT, live_server
from tests.widget_client import Visitor


def _run(*command: str | Path, timeout: float) -> None:
    subprocess.run([str(c) for c in command], check=True, timeout=timeout,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_wheel_in_a_clean_venv_serves_the_forecast(tmp_path) -> None:
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, ROOT,
         timeout=300)
    (wheel,) = wheels.glob("pico_widget-*.whl")
    _run(sys.executable, "-m", "venv", venv, timeout=120)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, timeout=600)
    # Nothing from the source tree or the test venv: run from an empty folder.
    env = {"PYTHONPATH": "", "JUPYTER_PATH": "", "VIRTUAL_ENV": str(venv),
           "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    # The outcomes' migrations ship inside the wheel: upgrade, then the server's check.
    upgraded = subprocess.run(
        [str(venv / "bin" / "pico-widget"), "outcomes", "upgrade", "--outcomes",
         f"sqlite:///{tmp_path / 'outcomes.db'}"], env={**os.environ, **env}, cwd=tmp_path,
        capture_output=True, text=True, timeout=120)
    assert upgraded.stdout.strip() == ("The outcomes database was upgraded from empty to "
                                       "0001."), upgraded.stderr
    with live_server(name="wheel", env=env, timeout=120, cwd=tmp_path,
                     program=[str(venv / "bin" / "pico-widget")]) as server:
        with urllib.request.urlopen(server.url, timeout=120) as response:
            assert response.status == 200
            assert "<title>pico-widget</title>" in response.read().decode("utf-8")
        visitor = Visitor(server.url, timeout=120)
        visitor.open()
        try:
            assert visitor.traces() == expected(default_profile())
        finally:
            visitor.close()
        log = server.log.read_text()
        assert str(venv) in log  # Voila's own static files came from the clean venv
