"""The docs stay true: architecture.md against the tree and the import contracts, the
developers' model page beside the app's, and the server's numbers in serving.md.

Why tests and not care: each of these pages drifted while the code moved on (modules
added and not listed, two model pages kept by hand, a Retry-After the server never sent).
They read files only, so they run in the quick tier (`make check`).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pico_widget"
DOCS = ROOT / "docs"
ARCHITECTURE = DOCS / "architecture.md"
LAYERS = ("core", "fit", "i18n", "render", "outcomes", "ui", "server")


def _section(text: str, heading: str) -> str:
    """The text under `## heading`, up to the next `## `."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _table(section: str) -> list[list[str]]:
    """The cells of each row of the Markdown tables in `section`, header and rule left out."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("|")]
    return [row for row in rows if not set(row[0]) <= set("-:") and row[0] not in
            ("layer", "file")]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _entries(folder: Path) -> set[str]:
    """A folder's modules (`x.py`) and subfolders (`x/`), as the architecture names them."""
    return {p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
            if p.name not in ("__init__.py", "__pycache__")
            and (p.is_dir() or p.suffix == ".py")}


def _described_modules() -> dict[str, set[str]]:
    """Layer -> the module and folder names in the modules table's second column."""
    described: dict[str, set[str]] = {}
    for layer, names, *_ in _table(_section(ARCHITECTURE.read_text("utf-8"), "The modules")):
        described.setdefault(layer, set()).update(_ticked(names))
    return described


def test_every_module_of_a_layer_is_described_and_every_one_described_exists():
    described = _described_modules()
    top = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py"}
    for layer in (*LAYERS, "(top)"):
        named = described.get(layer, set())
        there = top if layer == "(top)" else _entries(PACKAGE / layer)
        assert named == there, (f"{layer}: not described {sorted(there - named)}, "
                                f"described but not there {sorted(named - there)}")
    assert set(described) == {*LAYERS, "(top)"}


def test_the_layout_names_every_package_directory_and_nothing_else():
    text = ARCHITECTURE.read_text("utf-8")
    layout = text.split("```\npico_widget/\n", 1)[1].split("```", 1)[0]
    named = {line.split()[0] for line in layout.splitlines() if line.strip()}
    on_disk = {p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir()
               if p.name != "__pycache__" and (p.is_dir() or p.suffix == ".py")}
    assert named == on_disk, f"not in the layout {sorted(on_disk - named)}, " \
        f"not there {sorted(named - on_disk)}"


def _all_names() -> set[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("pico_widget/__init__.py has no __all__")


def test_the_public_api_named_is_the_package_all():
    text = " ".join(ARCHITECTURE.read_text("utf-8").split())
    listed = re.search(r"`from pico_widget import ([^`]+)`", text)
    assert listed, "architecture.md names the public API as `from pico_widget import ...`"
    assert {name.strip() for name in listed.group(1).split(",")} == _all_names()


def test_every_data_file_is_described_and_every_one_described_exists():
    data = PACKAGE / "data"
    rows = _table(_section(ARCHITECTURE.read_text("utf-8"), "Data files"))
    described = {name for row in rows for name in _ticked(row[0])}
    on_disk = {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}
    covered = set()
    for name in described:
        matches = {f for f in on_disk
                   if re.fullmatch(re.escape(name).replace("<code>", "[^/]+"), f)}
        assert matches, f"architecture.md describes data/{name}, which is not there"
        covered |= matches
    assert on_disk - covered == set(), "data files architecture.md does not describe"


def _contracts() -> list[dict]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return pyproject["tool"]["importlinter"]["contracts"]


def _forbidden(source: str) -> set[str]:
    """What the forbidden contracts keep `source` from importing."""
    return {module.removeprefix("pico_widget.") for c in _contracts()
            if c["type"] == "forbidden" and f"pico_widget.{source}" in c["source_modules"]
            for module in c["forbidden_modules"]}


def test_the_import_direction_described_is_the_one_the_contracts_hold():
    """The diagram's main line is the layers contract; "fit imports only core", "no layer
    imports server", "settings.py imports nothing of the package" and "the server imports
    none of ui, ipywidgets or anywidget" are each held by a forbidden contract."""
    text = _section(ARCHITECTURE.read_text("utf-8"), "The import direction")
    diagram = text.split("```", 2)[1].strip().splitlines()
    layered = [c for c in _contracts() if c["type"] == "layers"
               and c["layers"][0].count(".") == 1]  # the package's layers, not the fit's own
    assert len(layered) == 1
    assert diagram[0].split(" -> ") == [m.removeprefix("pico_widget.")
                                        for m in layered[0]["layers"]]
    assert diagram[1].split() == ["fit", "->", "core"]
    words = " ".join(text.split())
    assert "fit imports only core" in words
    assert _forbidden("fit") >= set(LAYERS) - {"fit", "core"}
    assert "no layer imports server" in words
    for layer in set(LAYERS) - {"server"}:
        assert "server" in _forbidden(layer), layer
    assert "`pico_widget/settings.py` imports nothing of the package" in words
    assert _forbidden("settings") >= set(LAYERS)
    assert "its own process imports none of ui (nor ipywidgets or anywidget)" in words
    assert _forbidden("server") >= {"ui", "ipywidgets", "anywidget"}

MODEL_PAGE = PACKAGE / "data" / "model.md"
DEVELOPERS_MODEL_PAGE = DOCS / "model.md"


def test_the_developers_model_page_links_the_one_model_page():
    assert "](../pico_widget/data/model.md)" in DEVELOPERS_MODEL_PAGE.read_text("utf-8")


def test_the_two_model_pages_share_no_text():
    """Each fact about the model is written once: a line copied from the app's page into
    docs/model.md (a sentence, a table row) would go stale there when the page is edited
    or `make calibrate` rewrites it."""
    def lines(path: Path) -> set[str]:
        return {line.strip() for line in path.read_text("utf-8").splitlines()
                if len(line.strip()) >= 30 and not set(line.strip()) <= set("|-: ")}

    assert lines(DEVELOPERS_MODEL_PAGE) & lines(MODEL_PAGE) == set()


def test_the_newest_version_described_is_the_shipped_model():
    """docs/model.md describes versions under their own headings, newest first: a new
    model version cannot ship without its notes."""
    shipped = tomllib.loads((PACKAGE / "data" / "fitted.toml").read_text("utf-8"))
    versions = re.findall(r"^## Model (\S+):", DEVELOPERS_MODEL_PAGE.read_text("utf-8"), re.M)
    assert versions and versions[0] == shipped["model_version"]


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


def test_the_readme_is_ordered_for_its_readers():
    """What it is, install, the doctor's screen, the notebook, the trainer's class view,
    serving, then developing: a doctor reads from the top and stops before `make check`."""
    order = ["Quick start", "What the screen shows", "In a notebook", "The class view",
             "Serving", "Developing", "License"]
    headings = re.findall(r"^## (.+)$", (ROOT / "README.md").read_text("utf-8"), re.M)
    assert [h for h in headings if h in order] == order


def test_every_relative_link_of_the_docs_leads_to_a_file():
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md")), MODEL_PAGE]
    broken = [f"{page.relative_to(ROOT)}: {target}" for page in pages
              for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text("utf-8"))
              if not target.startswith(("http://", "https://", "#", "mailto:"))
              and not (page.parent / target.split("#")[0]).exists()]
    assert broken == []


def _fenced_commands(text: str, command: str) -> list[str]:
    """The lines of the fenced code blocks in `text` that run `pico-widget command`
    (`.venv/bin/pico-widget` too)."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if re.match(rf"\s*(\S*/)?pico-widget {command} ", line)]


def test_every_outcomes_command_the_docs_show_runs_as_written():
    import shlex

    from pico_widget.outcomes.cli import parser

    shown = [(path.name, line) for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
             for line in _fenced_commands(path.read_text("utf-8"), "outcomes")]
    assert len(shown) >= 8  # README's turning on, deploy.md's administration and backups
    for page, line in shown:
        words = shlex.split(re.sub(r"\$\([^)]*\)", "DATE", line), comments=True)
        try:
            parser().parse_args(words[2:])
        except SystemExit:
            raise AssertionError(f"{page}: `{line}` is refused by pico-widget outcomes") from None
