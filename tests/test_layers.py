"""The layers hold: HTML is made only in render/, by templates with autoescaping.

(The import direction itself is checked by lint-imports, from pyproject.toml.)
"""

from __future__ import annotations

import ast
import re
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
