"""The environment variables the server and its kernels share are read in one place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pico_widget import settings
from pico_widget.settings import Settings

PACKAGE = Path(settings.__file__).parent


def test_an_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings(language="", clinic=None, plotly_url="",
                                             outcomes_url="", port=8866, replica_id="",
                                             preheated=False)


def test_each_variable_lands_in_its_field() -> None:
    env = {"PICO_WIDGET_LANGUAGE": "ms", "PICO_WIDGET_CLINIC": "/etc/pico/clinic.toml",
           "PICO_WIDGET_PLOTLY_URL": "voila/static/plotly.js", "PICO_WIDGET_PORT": "8701",
           "PICO_REPLICA_ID": "host:8701", "VOILA_PREHEAT": "True",
           "PICO_OUTCOMES_URL": "sqlite:///outcomes.db", "PICO_WIDGET_CACHE": "/var/cache/pico"}
    assert Settings.from_env(env) == Settings(
        language="ms", clinic=Path("/etc/pico/clinic.toml"),
        plotly_url="voila/static/plotly.js", outcomes_url="sqlite:///outcomes.db",
        port=8701, replica_id="host:8701",
        preheated=True, effect_cache=Path("/var/cache/pico"))
    assert not Settings.from_env({"VOILA_PREHEAT": "False"}).preheated


def test_a_port_that_is_no_number_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="PICO_WIDGET_PORT must be a port number, not 'http'"):
        Settings.from_env({"PICO_WIDGET_PORT": "http"})


def test_the_settings_cannot_be_changed_in_place() -> None:
    with pytest.raises(AttributeError):
        Settings().port = 1  # type: ignore[misc]


def test_what_the_server_hands_its_kernels_they_read_back(monkeypatch) -> None:
    for name in settings.FOR_KERNELS.values():
        monkeypatch.setenv(name, "")  # put back as it was when the test ends
    settings.hand_to_kernels(language="zh-Hans", clinic=Path("/tmp/clinic.toml"))
    now = settings.current()
    assert now.language == "zh-Hans" and now.clinic == Path("/tmp/clinic.toml")
    with pytest.raises(TypeError, match="port is not a setting the kernels read"):
        settings.hand_to_kernels(port="1")


def test_no_other_module_reads_the_projects_variables() -> None:
    """One place names and parses them: a new variable goes into settings.py."""
    readers = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text("utf-8")
        read = re.findall(r"os\.environ(?:\.get)?[\[(]\s*(\w+|\"\w+\")", text)
        named = re.findall(r"[\"'](PICO_\w+|VOILA_\w+)[\"']", text)
        names = {name.strip('"') for name in [*read, *named]} - {"JUPYTER_PATH"}
        if names:
            readers.append(f"{path.relative_to(PACKAGE)}: {sorted(names)}")
    assert readers == []
