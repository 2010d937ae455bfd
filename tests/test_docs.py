"""The docs stay true: architecture.md against the tree and the import contracts, the
developers' model page beside the app's, and the server's numbers in serving.md.

Why tests and not care: each of these pages drifted while the code moved on (modules
added and not listed, two model pages kept by hand, a Retry-After the server never sent).
They read files only, so they run in the quick tier (`make check`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pico_widget"
DOCS = ROOT / "docs"


def _retry_after_s() -> int:
    tree = ast.parse((PACKAGE / "server" / "gate.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "RETRY_AFTER_S":
            return ast.literal_eval(node.value)
    raise AssertionError("server/gate.py has no RETRY_AFTER_S")


def test_the_docs_give_the_retry_after_the_server_sends():
    seconds = _retry_after_s()
    said = [(path.name, int(n)) for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
            for n in re.findall(r"Retry-After:? (\d+)", path.read_text("utf-8"))]
    assert said and all(n == seconds for _, n in said), said
