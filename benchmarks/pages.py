"""The pages measured side by side on one Voila server: the dashboard and its references."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from pico_widget.server.serve import NOTEBOOK, apps_dir

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
