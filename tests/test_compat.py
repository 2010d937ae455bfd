"""The private hooks of Voila, jupyter_server, jupyter_client, Tornado and ipywidgets are where
pico_widget/server/compat.py and pico_widget/ui/compat.py expect them.

Each check names the hook and the installed version of its library, so an upgrade that
moves one fails here with the place to look, not later as a 500 or a silent miscount.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from typing import Any

import pytest

from pico_widget.server import compat
from pico_widget.ui import compat as ui_compat

CHECKED = {**compat.CHECKED, **ui_compat.CHECKED}


def moved(library: str, hook: str) -> str:
    """The failure's sentence: which hook, which installed version, which was checked."""
    where = "ui" if library == "ipywidgets" else "server"
    return (f"{library} {version(library)} changed {hook} "
            f"(checked against {library} {CHECKED[library]}); see pico_widget/{where}/compat.py")


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_every_library_with_a_hook_names_the_versions_it_was_checked_against() -> None:
    for library, checked in CHECKED.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", checked), library
        assert version(library)  # installed


def test_tornado_websocket_params() -> None:
    import tornado.websocket as ws

    hook = "tornado.websocket._WebSocketParams"
    assert hasattr(ws, "_WebSocketParams"), moved("tornado", hook)
    assert parameters(ws._WebSocketParams) == [
        "ping_interval", "ping_timeout", "max_message_size", "compression_options"], \
        moved("tornado", hook)
    assert parameters(ws.WebSocketProtocol13)[:3] == ["handler", "mask_outgoing", "params"], \
        moved("tornado", "tornado.websocket.WebSocketProtocol13(handler, mask_outgoing, params)")
    assert "get_websocket_protocol" in vars(ws.WebSocketHandler), \
        moved("tornado", "WebSocketHandler.get_websocket_protocol")


def test_jupyter_server_open_sessions() -> None:
    from jupyter_server.services.kernels.connection import channels

    hook = "ZMQChannelsWebsocketConnection._open_sessions"
    sessions = getattr(channels.ZMQChannelsWebsocketConnection, "_open_sessions", None)
    assert isinstance(sessions, dict), moved("jupyter_server", hook)
    source = inspect.getsource(channels.ZMQChannelsWebsocketConnection)
    assert 'self.session_key = f"{self.kernel_id}:' in source, \
        moved("jupyter_server", f"{hook} keys (<kernel id>:<session>)")
    assert "self._open_sessions[self.session_key] = self.websocket_handler" in source, \
        moved("jupyter_server", f"{hook} values (the websocket handler)")
    key = f"{'0' * 8}:session"
    sessions[key] = handler = object()
    try:
        assert compat.open_kernel_sockets("0" * 8) == [handler]
        assert compat.open_kernel_sockets("1" * 8) == []
    finally:
        del sessions[key]


def test_jupyter_client_kernels() -> None:
    from pico_widget.server.kernels import PicoKernelManager

    manager = PicoKernelManager()
    assert isinstance(getattr(manager, "_kernels", None), dict), \
        moved("jupyter_client", "MultiKernelManager._kernels")
    assert compat.running_kernel(manager, "no-such-kernel") is None


def voila_pool_source() -> str:
    from voila import voila_kernel_manager

    return inspect.getsource(voila_kernel_manager)


def test_voila_pools() -> None:
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from pico_widget.server.kernels import PicoKernelManager

    hook = "VoilaKernelManager._pools"
    source = voila_pool_source()
    assert re.search(r"self\._pools: .*= \{\}", source), moved("voila", hook)
    assert re.search(r"return \{\"task\": task, \"renderer\": renderer, \"kernel_id\": "
                     r"kernel_id\}", source), moved("voila", f"{hook} task results")
    pooled = voila_kernel_manager_factory(PicoKernelManager, True, 1)
    assert issubclass(pooled, PicoKernelManager), moved("voila", "voila_kernel_manager_factory")


def test_voila_get_rendered_notebook() -> None:
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from pico_widget.server.kernels import PicoKernelManager

    hook = "VoilaKernelManager.get_rendered_notebook"
    pooled = voila_kernel_manager_factory(PicoKernelManager, True, 1)
    method = getattr(pooled, "get_rendered_notebook", None)
    assert inspect.iscoroutinefunction(method), moved("voila", hook)
    assert parameters(method)[:2] == ["self", "notebook_name"], moved("voila", hook)
    assert "return render_task, renderer.rendered_cache, kernel_id" in \
        inspect.getsource(method), moved("voila", f"{hook} result (kernel id last)")


def test_the_hand_over_wrap_passes_on_the_kernel_id() -> None:
    class Pool:
        async def get_rendered_notebook(self, name: str) -> tuple[str, list[str], str]:
            return "task", [name], "kernel-1"

    pool, handed = Pool(), []
    compat.after_pool_hand_over(pool, handed.append)
    # In a thread of its own: an earlier test in this process may leave a loop running.
    with ThreadPoolExecutor(1) as thread:
        result = thread.submit(asyncio.run, pool.get_rendered_notebook("a.ipynb")).result()
    assert result == ("task", ["a.ipynb"], "kernel-1")
    assert handed == ["kernel-1"]


def test_voila_preheat_variable() -> None:
    from voila.utils import ENV_VARIABLE

    assert ENV_VARIABLE.VOILA_PREHEAT == compat.PREHEAT_ENV, \
        moved("voila", "voila.utils.ENV_VARIABLE.VOILA_PREHEAT")
    assert 'kernel_env[ENV_VARIABLE.VOILA_PREHEAT] = "True"' in voila_pool_source(), \
        moved("voila", "the pool kernels' VOILA_PREHEAT=True")


def test_the_ready_mark_is_ours_alone() -> None:
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from pico_widget.server.kernels import PicoKernelManager

    for cls in (PicoKernelManager, voila_kernel_manager_factory(PicoKernelManager, True, 1)):
        assert not hasattr(cls, compat.READY_MARK), moved("voila", compat.READY_MARK)
    manager = PicoKernelManager()
    assert not compat.marked_ready(manager)
    compat.mark_ready(manager)
    assert compat.marked_ready(manager)


def test_jupyter_server_error_pages() -> None:
    from jupyter_server.base.handlers import JupyterHandler

    hook = "JupyterHandler.write_error"
    assert parameters(JupyterHandler.write_error) == ["self", "status_code", "kwargs"], \
        moved("jupyter_server", hook)
    assert '"%s.html" % status_code' in inspect.getsource(JupyterHandler.write_error), \
        moved("jupyter_server", f"{hook} (renders its own templates: still needed?)")


@pytest.mark.parametrize("name", ["setup_template_dirs", "init_settings", "init_handlers"])
def test_voila_app_extension_points(name: str) -> None:
    from voila.app import Voila

    assert callable(getattr(Voila, name, None)), moved("voila", f"Voila.{name}")


def test_voila_handlers_swapped_by_the_server() -> None:
    from voila.app import Voila

    source = inspect.getsource(Voila.init_handlers)
    for handler in ("VoilaKernelWebsocketHandler", "TornadoVoilaHandler"):
        assert handler in source, moved("voila", f"Voila.init_handlers registering {handler}")


def test_ipywidgets_set_state() -> None:
    import ipywidgets as widgets

    hook = "Widget.set_state"
    assert parameters(widgets.Widget.set_state) == ["self", "sync_data"], \
        moved("ipywidgets", hook)
    from ipywidgets.widgets import widget

    handle = inspect.getsource(widget).split("def _handle_msg", 1)[-1].split("\n    def ")[0]
    assert "self.set_state(state)" in handle, \
        moved("ipywidgets", f"{hook} called by Widget._handle_msg for 'update'")


def test_a_browser_update_reaches_browser_update() -> None:
    """The whole route: an "update" message from the browser reaches the control's hook."""
    from pico_widget.ui.controls import IntSlider

    slider = IntSlider(value=3, min=0, max=10)
    edits: list[int] = []
    slider.on_edit = lambda control: edits.append(control.value)
    message = {"content": {"data": {"method": "update", "state": {"value": 7}}},
               "buffers": []}
    slider._handle_msg(message)
    assert slider.value == 7 and edits == [7], moved("ipywidgets", "Widget.set_state")
