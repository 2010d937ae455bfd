"""A plotly chart in the browser, fed plain figure JSON from the kernel.

Why not plotly's FigureWidget: it ships its 5 MB script over the websocket for every
figure on every page view and imports plotly's validators in the kernel (seconds). This
view sends only the figure; plotly.js comes once per page from a cacheable URL (see
serve.py) or, where none is served (JupyterLab), once from the kernel on request.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets

from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..render.charts import plotly_js_path
from ..settings import current as current_settings


class PlotlyView(anywidget.AnyWidget):
    """One chart. Set `figure` to a new dict to redraw it in place."""

    _esm = resources.files("pico_widget").joinpath("static/plotly_view.js").read_text("utf-8")
    figure = traitlets.Dict().tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    name = traitlets.Unicode("chart").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)  # the chart's accessible name
    plotly_url = traitlets.Unicode(current_settings().plotly_url).tag(sync=True)
    ended_message = traitlets.Unicode().tag(sync=True)

    @traitlets.default("ended_message")
    def _ended_message(self) -> str:
        """In English until the chart's owner words it (views.ResultViews.word)."""
        return str(wording("errors", "session_ended", language=DEFAULT_LANGUAGE))

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.on_msg(self._on_custom)

    def show(self, figure: dict[str, Any], label: str = "") -> None:
        """Replace the figure (one message; plotly.js redraws in place) and its spoken name."""
        with self.hold_sync():
            self.figure = figure
            self.label = label
            self.revision += 1

    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly-js-request":
            self.send({"type": "plotly-js", "source": plotly_js_path().read_text("utf-8")})
