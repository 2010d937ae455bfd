"""The one ipywidgets extension point the kernels' widgets rely on that ipywidgets does not
document: `Widget.set_state`, through which every browser update arrives.

Why a module of its own: like the server's private hooks (pico_widget/server/compat.py),
an upgrade of ipywidgets may move it; tests/test_compat.py checks it is still there and
still called for each browser "update" message, naming the installed version when not.
It lives in ui because the server process imports no widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The version the hook below was read in and tested against (importlib.metadata).
CHECKED = {"ipywidgets": "8.1.9"}

Apply = Callable[[dict[str, Any]], None]


class BrowserUpdates:
    """Mixin for an ipywidgets control: every state the browser sends goes through
    `browser_update(sync_data, apply)`, where `apply` is ipywidgets' own handling.

    ipywidgets `Widget.set_state(sync_data)` (public name, documented only as "called when
    a state is received from the front-end") is the single place a browser's values enter
    the kernel, while the program's own writes never pass through it: the controls hear
    the doctor's edits and refuse bad values there. Checked against ipywidgets 8.1.9
    (`Widget._handle_msg` calls `self.set_state(state)` for method "update")."""

    def set_state(self, sync_data: dict[str, Any]) -> None:
        # A mixin: super() is the ipywidgets Widget it is mixed into, unknown to mypy.
        self.browser_update(sync_data, super().set_state)  # type: ignore[misc]

    def browser_update(self, sync_data: dict[str, Any], apply: Apply) -> None:
        apply(sync_data)
