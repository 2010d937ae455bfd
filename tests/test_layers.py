"""The layers hold: HTML is made only in render/, by templates with autoescaping, and the
core imported alone loads nothing above it.

(The import direction itself is checked by lint-imports, from pyproject.toml.)
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pico_widget

PACKAGE = Path(pico_widget.__file__).parent
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")  # a tag; not a <!-- marker -->


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals and f-string parts, docstrings left out."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_html_is_made_only_by_templates():
    """Outside render/templates, no Python string holds a tag: a tag built by an f-string is
    where an unescaped visitor value slips into the page."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _strings(ast.parse(path.read_text("utf-8"))):
            if TAG.search(text):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text[:60]!r}")
    assert found == []


# What a script that only forecasts must not pay for: the words, the templates, the widgets.
ABOVE_THE_CORE = ("pico_widget.i18n", "pico_widget.render", "pico_widget.ui",
                  "pico_widget.server", "pico_widget.outcomes", "pico_widget.fit",
                  "babel", "jinja2", "markupsafe", "ipywidgets", "anywidget", "traitlets",
                  "plotly")
CORE_ALONE = """
import json, sys
import pico_widget.core.forecast
from pydantic import ValidationError
from pico_widget.core.models import PatientProfile
from pico_widget.core.forecast import estimate
loaded = sorted(sys.modules)
try:
    PatientProfile(condition="freckles", fitzpatrick=3)
    refusal = ""
except ValidationError as error:
    refusal = error.errors()[0]["msg"]
fc = estimate(PatientProfile(condition="melasma", fitzpatrick=6, goal_percent=95))
print(json.dumps({"loaded": loaded, "refusal": refusal, "warnings": fc.warnings}))
"""


def test_the_core_imported_alone_loads_no_words_templates_or_widgets():
    """`import pico_widget.core.forecast` in a fresh process loads nothing above the core,
    and the core still speaks English (from its data file) to a developer."""
    run = subprocess.run([sys.executable, "-c", CORE_ALONE], capture_output=True, text=True,
                         check=True)
    seen = json.loads(run.stdout)
    loaded = [m for m in seen["loaded"]
              if any(m == name or m.startswith(name + ".") for name in ABOVE_THE_CORE)]
    assert loaded == []
    assert seen["refusal"].startswith("Unknown condition 'freckles'. Choose one of:")
    assert any("Skin type VI carries a higher risk" in w for w in seen["warnings"])


def _imported_names(path: Path) -> list[tuple[str, str]]:
    """(module, name) for each `from module import name` in a file of the package, the
    module written out from the package's top ("pico_widget.core.population")."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level] if node.level else ()
            module = ".".join((*base, *(node.module or "").split("."))).strip(".")
            found += [(module, alias.name) for alias in node.names]
    return found


def test_no_layer_reaches_into_another_layers_private_names():
    """A layer uses another's public names only (the fit reads the core's grid through
    U, V, RATE_WEIGHTS, target_tables, ...): a private name may change with no notice."""
    reached = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = path.relative_to(PACKAGE).parts[0]
        for module, name in _imported_names(path):
            other = module.split(".")[1] if module.count(".") else ""
            if name.startswith("_") and not name.startswith("__") and other != layer:
                reached.append(f"{path.relative_to(PACKAGE)}: {module}.{name}")
    assert reached == []
