"""Every private name of Voila, jupyter_server, jupyter_client and Tornado the server uses.

Why one module: these libraries promise nothing about their underscored names, so the next
upgrade of any of them is this project's riskiest change. Here each hook is one function
or constant with the library, the private name, why the server needs it and the versions
it was checked against (CHECKED); tests/test_compat.py fails, naming the hook and the
installed version, when an upgrade moves or reshapes one. The ipywidgets hook used in the
kernels lives in `pico_widget/ui/compat.py` (the server process imports no widgets).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import websocket
from tornado.httputil import responses
from tornado.web import RequestHandler
from tornado.websocket import WebSocketHandler, WebSocketProtocol13

from .. import settings

# The versions every hook below was read in and tested against (importlib.metadata).
CHECKED = {"voila": "0.5.13", "jupyter_server": "2.21.1", "jupyter_client": "8.10.0",
           "tornado": "6.6.1"}

# Voila (voila.utils.ENV_VARIABLE.VOILA_PREHEAT, public): "True" in the environment Voila
# gives the kernels it starts for its pre-heated pool; the kernel manager tells a pool
# kernel from a visitor's by it (pico_widget.settings.Settings.preheated). Checked
# against voila 0.5.13.
PREHEAT_ENV = settings.PREHEAT_ENV

# Our own mark on Voila's kernel manager instance (a class Voila builds at run time around
# ours, so the mark is set on an object we do not define): /healthz stays "ready" once the
# pool has held a kernel. Checked against voila 0.5.13.
READY_MARK = "_pico_ready"


def protocol_without_tornado_ping(handler: WebSocketHandler, max_message_size: int,
                                  compression_options: dict[str, Any] | None
                                  ) -> WebSocketProtocol13:
    """Tornado `tornado.websocket._WebSocketParams` (private) and `WebSocketProtocol13`
    (undocumented): a websocket protocol with Tornado's own ping switched off.

    Why: jupyter_server's WebSocketMixin gives its ping in milliseconds through the
    `ping_interval`/`ping_timeout` properties Tornado >= 6.5 reads in seconds, so Tornado
    scheduled a duplicate ping every 8 hours and warned (jupyter_server#1612); the mixin's
    own ping is the one that closes a vanished tablet's socket. Checked against tornado
    6.6.1 (`_WebSocketParams(ping_interval, ping_timeout, max_message_size,
    compression_options)`, `WebSocketProtocol13(handler, mask_outgoing, params)`)."""
    # Looked up when called, so a Tornado without it still imports this module and
    # tests/test_compat.py can name the version that dropped it.
    params = websocket._WebSocketParams(ping_interval=None, ping_timeout=None,
                                        max_message_size=max_message_size,
                                        compression_options=compression_options)
    return WebSocketProtocol13(handler, False, params)


def open_kernel_sockets(kernel_id: str) -> list[WebSocketHandler]:
    """jupyter_server `ZMQChannelsWebsocketConnection._open_sessions` (private class dict,
    "<kernel id>:<session>" -> websocket handler): the page sockets joined to a kernel.

    Why: when a kernel is culled or reaped, jupyter_server leaves its pages' websockets
    open and silent; the kernel manager closes them so the page can say the session ended.
    Checked against jupyter_server 2.21.1."""
    sessions = ZMQChannelsWebsocketConnection._open_sessions
    return [handler for key, handler in list(sessions.items())
            if key.startswith(f"{kernel_id}:")]


def running_kernel(manager: Any, kernel_id: str) -> Any | None:
    """jupyter_client `MultiKernelManager._kernels` (private dict, kernel id -> its
    KernelManager): the kernel, or None when the manager does not (yet or any more) hold it.

    Why: the public `get_kernel` raises for an unknown id and its jupyter_server override
    answers an HTTP 404; the reaper and the websocket's "joining" mark need a quiet look,
    and a kernel that is still starting has no `last_activity` yet. Checked against
    jupyter_client 8.10.0 (via jupyter_server 2.21.1's AsyncMappingKernelManager)."""
    return manager._kernels.get(kernel_id)


def pool_tasks(manager: Any) -> Iterator[asyncio.Task[dict[str, Any]]]:
    """Voila `VoilaKernelManager._pools` (private dict, notebook -> list of tasks whose
    result is {"task", "renderer", "kernel_id"}): the pre-heated kernels being made ready.

    Why: /healthz answers "ready" only once the pool holds a kernel, and the kernel cap
    must not count a pool kernel as a visitor. Empty when Voila does not pre-heat.
    Checked against voila 0.5.13 (voila/voila_kernel_manager.py)."""
    for pool in getattr(manager, "_pools", {}).values():
        yield from pool


def pools_configured(manager: Any) -> bool:
    """True when Voila pre-heats for this manager (it has a non-empty `_pools`)."""
    return bool(getattr(manager, "_pools", None))


def after_pool_hand_over(manager: Any, handed: Callable[[str], None]) -> None:
    """Voila `VoilaKernelManager.get_rendered_notebook` (public method, undocumented
    result): call `handed(kernel_id)` each time the pool gives a visitor a kernel.

    Why: a pool kernel becomes a visitor's at that moment and must be counted under the
    cap from then on; Voila says so nowhere else. Its result is (render task, rendered
    cells, kernel id): the id is the last item. Nothing is wrapped when the manager has no
    pool. Checked against voila 0.5.13."""
    inner: Callable[..., Awaitable[tuple[Any, ...]]] | None = getattr(
        manager, "get_rendered_notebook", None)
    if inner is None:
        return

    async def handed_over(*args: Any, **kwargs: Any) -> tuple[Any, ...]:
        result = await inner(*args, **kwargs)
        handed(result[-1])
        return result

    manager.get_rendered_notebook = handed_over


def marked_ready(manager: Any) -> bool:
    """Whether /healthz already found this manager ready (READY_MARK)."""
    return bool(getattr(manager, READY_MARK, False))


def mark_ready(manager: Any) -> None:
    """Remember on the manager that its pool has held a kernel (READY_MARK)."""
    setattr(manager, READY_MARK, True)


def plain_error(handler: RequestHandler, status_code: int) -> None:
    """jupyter_server `JupyterHandler.write_error` (public method, private templates): the
    error page as one line of plain text, "404: Not Found", instead.

    Why: jupyter_server renders its own `404.html`/`error.html`, whose base template calls
    `static_url`, which needs a `static_path` Voila does not set: each such error logged a
    traceback and answered 500 (a websocket for a kernel the replica no longer knows).
    The status's standard phrase is the whole page: no template, no traceback, nothing to
    escape. Checked against jupyter_server 2.21.1 and tornado 6.6.1."""
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(f"{status_code}: {responses.get(status_code, 'Error')}\n")
