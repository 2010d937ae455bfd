"""`pico-widget serve`: Voila on the bundled dashboard with the project's production settings.

Adds what plain Voila lacks: the offline `pico` template (no CDN); plotly.js
(pico_widget/static/vendor) at /voila/static/, so the browser fetches it once over
HTTP and caches it instead of receiving megabytes over every page's websocket; a cap on
visitor kernels with a plain 503 page beyond it (kernels.py, gate.py); and the page's own
sentences (wording.toml) in its config data, for when the forecast cannot be shown.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..i18n.wording import clinic_language, wording
from ..outcomes.database import check_outcomes
from ..render.charts import PLOTLY_FILE, plotly_js_path
from ..render.clinic import ClinicError, load_clinic
from ..settings import hand_to_kernels
from .capacity import KERNEL_MB, replica_share
from .gate import PicoKernelSocket, PicoPageHandler, PicoTemplateFiles, with_plain_errors
from .health import HEALTH_PATH, HealthHandler, TokenBuckets, replica_id

PACKAGE = Path(__file__).resolve().parent
NOTEBOOK = "pico_dashboard.ipynb"


def apps_dir() -> Path:
    """apps/ inside an installed wheel, or beside the package in a source checkout."""
    for candidate in (PACKAGE.parent / "apps", PACKAGE.parent.parent / "apps"):
        if (candidate / NOTEBOOK).exists():
            return candidate
    raise FileNotFoundError(f"{NOTEBOOK} is not installed with pico_widget")


def page_config(config: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Voila's page config plus the sentences the page shows if the forecast never comes."""
    language = clinic_language()
    return {**config, "picoText": {**wording("service", language=language),
                                   "ended": wording("errors", "session_ended", language=language)}}


class PicoVoila(Voila):
    """Voila that serves the vendored plotly.js, caps visitor kernels and words its page;
    /healthz for a proxy, and a per-client limit on page requests (health.py)."""

    page_limit: TokenBuckets | None = None
    trust_forwarded = False
    trusted_user_header: str | None = None
    replica = ""

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.static_paths.append(str(plotly_js_path().parent))
        self.voila_configuration.page_config_hook = page_config

    def init_settings(self) -> dict[str, Any]:
        settings = super().init_settings()
        cap = getattr(self.kernel_manager, "kernel_cap", None)
        if cap is not None:
            print(f"pico-widget: at most {cap} visitors at once (a kernel is ~{KERNEL_MB} MB; "
                  "set --max-visitors N to change)", flush=True)
        settings["pico_page_limit"] = self.page_limit
        settings["pico_trust_forwarded"] = self.trust_forwarded
        settings["pico_trusted_user_header"] = self.trusted_user_header  # signin.trusted_user
        return settings

    def init_handlers(self) -> list[Any]:
        swap = {TornadoVoilaHandler: PicoPageHandler,
                VoilaKernelWebsocketHandler: PicoKernelSocket,
                TemplateStaticFileHandler: PicoTemplateFiles}
        health = (url_path_join(self.server_url, HEALTH_PATH), HealthHandler,
                  {"replica": self.replica or replica_id(self.port)})
        return [health, *((rule[0], with_plain_errors(swap.get(rule[1], rule[1])), *rule[2:])
                          for rule in super().init_handlers())]


def prepare_environment() -> None:
    """Point Jupyter at the pico template and tell kernels where plotly.js is served."""
    paths = [str(PACKAGE / "share"), *filter(None, os.environ.get("JUPYTER_PATH", "").split(
        os.pathsep))]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    hand_to_kernels(plotly_url=f"voila/static/{PLOTLY_FILE}")


def log_executor_warnings(log: logging.Logger) -> None:
    """Voila's notebook executor (nbclient) logs to the 'traitlets' logger, which drops
    everything by default; its "Timeout waiting for IOPub output" meant a blank page (the
    cell rendered without its widget), so it belongs in the server log."""
    library = logging.getLogger("traitlets")
    for handler in log.handlers:
        if handler not in library.handlers:
            library.addHandler(handler)


def listening_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, as a sentence, or None if it can: Voila
    would move to another port unannounced, or end in a traceback."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"{host} is not a name or address this machine can find (--host)."
    for family, kind, protocol, _name, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return (f"port {port} on {host} is in use (another pico-widget or "
                            "server?): stop it, or choose another with --port.")
                if error.errno == errno.EADDRNOTAVAIL:
                    return f"{host} is not an address of this machine (--host)."
                if error.errno == errno.EACCES:
                    return (f"this user may not listen on port {port} (ports below 1024 "
                            "need privileges): choose another with --port.")
                return f"cannot listen on {host}:{port}: {error.strerror}."
    return None


def build_app(port: int, host: str, extra: list[str] | None = None,
              root: Path | None = None) -> PicoVoila:
    """The configured app for the bundled dashboard, or for every notebook under `root`."""
    prepare_environment()
    folder = apps_dir()
    app = PicoVoila(config_file_paths=[str(folder)])
    app.initialize([str(root or folder / NOTEBOOK), f"--port={port}", f"--Voila.ip={host}",
                    "--Voila.port_retries=0", "--no-browser", *(extra or [])])
    log_executor_warnings(app.log)
    return app


def serve(args: argparse.Namespace, extra: list[str],
          parser: argparse.ArgumentParser) -> None:
    """Check the address, the clinic file and the outcomes database, then serve until
    stopped; `extra` are Voila's own options, passed through."""
    problem = listening_problem(args.host, args.port)
    if problem:
        parser.exit(2, f"pico-widget: {problem}\n")
    if args.outcomes:  # checked now, so a database at another revision stops the server
        try:
            outcomes = check_outcomes(args.outcomes)  # a SQLite path made absolute
        except ValueError as error:
            parser.exit(2, f"pico-widget: {error}\n")
        hand_to_kernels(outcomes_url=outcomes)
    if args.clinic:  # checked now, so a bad file stops the server with a sentence
        try:
            load_clinic(args.clinic)
        except ClinicError as error:
            parser.exit(2, f"pico-widget: {error}\n")
        hand_to_kernels(clinic=args.clinic.resolve())
    if args.language:  # the kernels Voila starts inherit it
        hand_to_kernels(language=args.language)
    if not any(arg.startswith("--PicoKernelManager.max_kernels") for arg in extra):
        share = replica_share(args.replicas, args.max_visitors)
        print(f"pico-widget: {share.reasoning}", flush=True)
        extra = [*extra, f"--PicoKernelManager.max_kernels={share.cap}"]
    app = build_app(args.port, args.host, extra, args.root)
    if args.page_rate > 0:
        app.page_limit = TokenBuckets(rate=args.page_rate, burst=max(1, args.page_burst))
    app.trust_forwarded = args.behind_proxy
    app.trusted_user_header = args.trusted_user_header
    app.replica = args.replica_id
    print(f"pico-widget: open http://{args.host}:{app.port}/ (Ctrl-C to stop)", flush=True)
    app.start()


def main(argv: list[str] | None = None) -> None:
    """`python -m pico_widget.server.serve ARGS`, as `pico-widget ARGS` (the tests' and
    the cluster's way to start a replica from a checkout). Run that way this file is
    imported twice, as __main__ and as itself by the command; it does nothing on import,
    so the second costs nothing but the module object."""
    from .command import main as command_main

    command_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
