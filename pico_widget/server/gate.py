"""The server's doors: the page handler that turns visitors away when the kernel cap is
reached, and the kernel websocket with one consistent keep-alive.

Why the websocket subclass: jupyter_server's WebSocketMixin gives its ping settings in
milliseconds (30000 / 90000) through the same `ping_interval`/`ping_timeout` properties
that Tornado >= 6.5 reads in seconds, so Tornado warned "websocket_ping_timeout (90000)
cannot be longer than the websocket_ping_interval (30000)" and scheduled its own ping every
8 hours (jupyter-server/jupyter_server#1612). The mixin's millisecond ping is the one that
closes a vanished tablet's socket; Tornado's duplicate is switched off here.
"""

from __future__ import annotations

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from tornado.web import HTTPError
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..i18n.wording import clinic_language
from ..render.fragments import busy_page as render_busy_page
from .compat import plain_error, protocol_without_tornado_ping
from .health import client_address

RETRY_AFTER_S = 15  # the busy page tries again by itself after this many seconds


def busy_page(reason: str = "busy", seconds: int = RETRY_AFTER_S) -> str:
    """The page for a visitor turned away (`reason`: "busy", the cap is reached, or
    "too_many", this address asked for too many pages): it says why, counts down and
    reloads itself, and the tab keeps the case in its sessionStorage across the reload."""
    return render_busy_page(clinic_language(), reason, int(seconds))


class PlainErrors:
    """Mixin: an error page is one line of text ("404: Not Found"), never jupyter_server's
    template, which needs a `static_path` Voila does not set (compat.plain_error)."""

    def write_error(self, status_code: int, **_kwargs: object) -> None:
        # A mixin: `self` is the RequestHandler it is mixed into, which mypy cannot know.
        plain_error(self, status_code)  # type: ignore[arg-type]


def with_plain_errors(handler: type) -> type:
    """`handler`, or a subclass of it with PlainErrors when it would render jupyter_server's
    HTML error templates (API handlers answer JSON, Tornado's own handlers plain HTML)."""
    if (issubclass(handler, PlainErrors) or not issubclass(handler, JupyterHandler)
            or issubclass(handler, APIHandler)):
        return handler
    return type(handler.__name__, (PlainErrors, handler), {})


class PicoTemplateFiles(TemplateStaticFileHandler):
    """Voila's template files, with a 404 for a path that is not <template>/static/<file>:
    Voila's own handler failed to unpack it, logged a traceback and answered 500."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static":
            raise HTTPError(404)
        return super().parse_url_path(path)


class PicoPageHandler(PlainErrors, TornadoVoilaHandler):
    """Voila's page, unless the visitor-kernel cap is reached: then a plain 503.

    It also sets the _xsrf cookie, which Voila's page never asked for: without it the
    page's goodbye on closing (a beacon to /voila/api/shutdown/<kernel>) was refused with
    403 "'_xsrf' argument missing", and every closed tab's kernel waited for the cull."""

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        manager = self.kernel_manager
        if path or not hasattr(manager, "admit"):
            await super().get(path)
            return
        limit = self.settings.get("pico_page_limit")  # health.TokenBuckets, from serve.py
        client = client_address(self.request, self.settings.get("pico_trust_forwarded", False))
        if limit is not None and not limit.take(client):
            self.log.warning("Too many pages for %s: answered 429", client)
            self._turn_away(429, "too_many", max(RETRY_AFTER_S, round(limit.wait_s(client))))
            return
        if not manager.admit():
            self.log.warning("Kernel cap of %s reached: answered 503", manager.kernel_cap)
            self._turn_away(503, "busy", RETRY_AFTER_S)
            return
        try:
            await super().get(path)
        finally:
            manager.done()

    def _turn_away(self, status: int, reason: str, seconds: int) -> None:
        self.set_status(status)
        self.set_header("Retry-After", str(seconds))
        self.set_header("Cache-Control", "no-store")
        self.finish(busy_page(reason, seconds))


class PicoKernelSocket(PlainErrors, VoilaKernelWebsocketHandler):
    """The kernel websocket, kept alive by jupyter_server's ping alone; its request marks
    the kernel as joined at once (kernels.PicoKernelManager.joining). A socket for a kernel
    this replica does not hold (a tab left open across a restart) gets a plain 404 and
    one log line."""

    async def pre_get(self):
        joining = getattr(self.kernel_manager, "joining", None)
        if joining is not None:
            joining(self.kernel_id)
        await super().pre_get()

    def get_websocket_protocol(self):
        if self.request.headers.get("Sec-WebSocket-Version") != "13":
            return None
        return protocol_without_tornado_ping(self, self.max_message_size,
                                             self.get_compression_options())
