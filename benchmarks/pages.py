"""The pages measured side by side on one Voila server (the dashboard and its references),
and the Chromium that opens them as a landscape tablet: one set-up for every browser part."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import sync_playwright

from pico_widget.server.serve import NOTEBOOK, apps_dir
from tests.browser import TABLETS, launch
from tests.live_server import LiveServer, live_server

# A bare ipywidgets page: a slider echoing into a label (the floor for everything).
ECHO = """import ipywidgets as widgets
slider = widgets.IntSlider(value=50, min=10, max=100, layout=widgets.Layout(width="600px"))
label = widgets.Label("50")
label.add_class("echo")
slider.observe(lambda change: setattr(label, "value", str(change["new"])), "value")
widgets.VBox([slider, label])"""

# The plain approach: a slider redrawing one line in a single plotly FigureWidget.
FIGURE_WIDGET = """import ipywidgets as widgets
import plotly.graph_objects as go
sessions = list(range(13))
curve = lambda goal: [goal * (1 - 0.8 ** n) for n in sessions]
figure = go.FigureWidget(go.Scatter(x=sessions, y=curve(50), mode="lines"),
                         layout={"height": 330, "yaxis": {"range": [0, 100]}})
slider = widgets.IntSlider(value=50, min=10, max=100, layout=widgets.Layout(width="600px"))
def redraw(change):
    figure.data[0].y = curve(change["new"])
slider.observe(redraw, "value")
widgets.VBox([slider, figure])"""

PAGES = {"echo": ECHO, "figurewidget": FIGURE_WIDGET}


def write_pages(folder: Path) -> dict[str, str]:
    """Notebooks for every page in `folder`; returns page name -> URL path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(apps_dir() / NOTEBOOK, folder / "dashboard.ipynb")
    for name, source in PAGES.items():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source)]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        nbformat.write(notebook, folder / f"{name}.ipynb")
    return {name: f"voila/render/{name}.ipynb" for name in ["dashboard", *PAGES]}


@contextmanager
def pages_and_browser() -> Iterator[tuple[Any, Path, dict[str, str]]]:
    """Chromium, and every page written to a fresh folder: (browser, folder, page -> URL
    path). Serve the folder with `serve`, open a page with `tablet`."""
    folder = Path(tempfile.mkdtemp(prefix="pico-bench-"))
    urls = write_pages(folder)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser, folder, urls
        finally:
            browser.close()


def serve(folder: Path, name: str, *options: str) -> AbstractContextManager[LiveServer]:
    """One Voila server (the project's configuration, plus `options`) over the pages."""
    return live_server(f"--root={folder}", *options, name=name)


def tablet(browser: Any, script: str) -> Any:
    """A fresh browser context the size of a landscape tablet, with touch, that runs
    `script` (a probe) in every page before the page's own scripts."""
    context = browser.new_context(viewport=TABLETS["landscape"], has_touch=True)
    context.add_init_script(script)
    return context
