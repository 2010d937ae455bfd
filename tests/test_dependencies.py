"""Every distribution the code imports is declared in pyproject.toml, in the extra that
installs it where that code runs: a package that arrives only as another's dependency
can leave with that package's next release."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]

# Which code runs with which extras installed.
WHERE = {
    "pico_widget": (),
    "pico_widget/fit": ("calibrate",),
    "deploy": ("cluster",),
    "benchmarks": ("test", "calibrate", "cluster"),
    "tests": ("test", "calibrate", "cluster"),
}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]).lower()


def _declared(extras: tuple[str, ...]) -> set[str]:
    found = {_name(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        found |= {_name(r) for r in PROJECT["optional-dependencies"][extra]}
    return found


def _imports(path: Path) -> set[str]:
    tops: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            tops |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops - set(sys.stdlib_module_names) - {"pico_widget", "tests", "benchmarks"}


def _files(folder: str) -> list[Path]:
    deeper = [other for other in WHERE if other != folder and other.startswith(folder + "/")]
    return [f for f in (ROOT / folder).rglob("*.py")
            if not any(f.is_relative_to(ROOT / other) for other in deeper)]


@pytest.mark.parametrize("folder", list(WHERE))
def test_every_imported_distribution_is_declared(folder: str) -> None:
    providers = metadata.packages_distributions()
    declared = _declared(WHERE[folder])
    missing = {}
    for path in _files(folder):
        for module in _imports(path):
            if module not in providers:
                continue  # a local helper module of the folder (tests/live_server.py)
            if not {_name(d) for d in providers[module]} & declared:
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not declared for {folder}: {missing}"
