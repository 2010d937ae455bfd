"""The set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(map(_name_and_spec, project["dependencies"]))
    for extra in project["optional-dependencies"].values():
        wanted |= dict(map(_name_and_spec, extra))
    listed = {}
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in text.splitlines():
        item = re.match(r"\s+-\s+([A-Za-z].*)$", line)
        if item and not item.group(1).startswith(("python", "pip", "-e")):
            name, spec = _name_and_spec(item.group(1))
            listed[name] = spec
    assert listed == wanted


def test_voila_pinned_past_cve_2024_30265():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    voila = next(r for r in project["dependencies"] if r.startswith("voila"))
    assert ">=0.5.6" in voila.replace(" ", "")


def test_voila_in_use_has_the_cve_2024_30265_fix():
    major, minor, patch = (int(x) for x in version("voila").split(".")[:3])
    assert (major, minor, patch) >= (0, 5, 6)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_vendored_plotly_js_matches_the_plotly_package():
    """The served basic bundle is the plotly.js release the plotly package was built with."""
    from importlib.util import find_spec

    from pico_widget.render.charts import plotly_js_path

    def version(path: Path) -> str:
        match = re.search(r"plotly\.js.*? v(\d+\.\d+\.\d+)", path.read_text("utf-8")[:400])
        assert match, path
        return match.group(1)

    spec = find_spec("plotly")
    assert spec is not None and spec.origin is not None
    full = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    assert version(plotly_js_path()) == version(full)


def test_the_package_reports_the_version_pyproject_gives():
    """`pico_widget.__version__` (and the handout's "made with") read the installed
    distribution's metadata, so there is one version figure: pyproject.toml's."""
    import pico_widget

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert pico_widget.__version__ == version("pico-widget") == project["version"]
