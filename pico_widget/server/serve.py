"""`pico-widget serve`: Voila on the bundled dashboard with the project's production settings.

Adds what plain Voila lacks: the offline `pico` template (no CDN); plotly.js
(pico_widget/static/vendor) at /voila/static/, so the browser fetches it once over
HTTP and caches it instead of receiving megabytes over every page's websocket; a cap on
visitor kernels with a plain 503 page beyond it (kernels.py, gate.py); and the page's own
sentences (wording.toml) in its config data, for when the forecast cannot be shown.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..i18n.wording import LANGUAGES, clinic_language, wording
from ..outcomes.database import check_outcomes
from ..render.charts import PLOTLY_FILE, plotly_js_path
from ..render.clinic import ClinicError, load_clinic

# PORT_ENV: the port when --port is not given: the container sets it once for `serve` and
# its HEALTHCHECK alike (deploy/Containerfile), so the two cannot disagree.
from ..settings import DEFAULT_PORT, PORT_ENV, hand_to_kernels
from ..settings import current as current_settings
from . import translations
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
                  "set --PicoKernelManager.max_kernels=N to change)", flush=True)
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


def build_app(port: int, host: str, extra: list[str] | None = None,
              root: Path | None = None) -> PicoVoila:
    """The configured app for the bundled dashboard, or for every notebook under `root`."""
    prepare_environment()
    folder = apps_dir()
    app = PicoVoila(config_file_paths=[str(folder)])
    app.initialize([str(root or folder / NOTEBOOK), f"--port={port}", f"--Voila.ip={host}",
                    "--no-browser", *(extra or [])])
    log_executor_warnings(app.log)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="pico-widget", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the dashboard with Voila")
    serve.add_argument("--port", type=int, default=current_settings().port,
                       help=f"port to listen on (default: ${PORT_ENV}, else {DEFAULT_PORT})")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--root", type=Path, default=None,
                       help="serve every notebook in this folder instead (benchmarks)")
    serve.add_argument("--language", choices=LANGUAGES, default=None,
                       help="the language the dashboard opens in (default: English)")
    serve.add_argument("--replicas", type=int, default=1,
                       help="replicas on this host sharing its memory (the cap is a share)")
    serve.add_argument("--max-visitors", type=int, default=0,
                       help="most visitors at once on this replica (default: its share of "
                            "the memory, the cgroup's limit where there is one)")
    serve.add_argument("--replica-id", default="", help="this replica's name in /healthz")
    serve.add_argument("--page-rate", type=float, default=1.0,
                       help="pages a second per client address once its burst is spent "
                            "(0: no limit)")
    serve.add_argument("--page-burst", type=int, default=40,
                       help="pages one client address may ask for at once")
    serve.add_argument("--behind-proxy", action="store_true",
                       help="a proxy on this machine forwards the visitors: take their "
                            "address from X-Forwarded-For (believed from 127.0.0.1 only)")
    serve.add_argument("--clinic", type=Path, default=None,
                       help="a clinic.toml: name, address, phone, logo, price per session")
    serve.add_argument("--outcomes", default=None, metavar="URL",
                       help="store the clinic's outcomes: sqlite:///PATH or "
                            "postgresql+psycopg://... (docs/deploy.md)")
    serve.add_argument("--trusted-user-header", default=None, metavar="NAME",
                       help="a proxy on this machine names the signed-in staff member in "
                            "this header (believed from 127.0.0.1 only)")
    commands.add_parser("outcomes", add_help=False,
                        help="the clinic's outcomes: upgrade, add-staff, import, export, "
                             "stats, delete, backup (pico-widget outcomes -h)")
    translations.register(commands)
    args, extra = parser.parse_known_args(argv)
    if args.command == "outcomes":
        from ..outcomes.cli import main as outcomes_main

        outcomes_main(extra)
        return
    if args.command != "serve":
        raise SystemExit(args.run(parser.parse_args(argv)))
    if args.outcomes:  # checked now, so a database at another revision stops the server
        try:
            check_outcomes(args.outcomes)
        except ValueError as error:
            parser.exit(2, f"pico-widget: {error}\n")
        hand_to_kernels(outcomes_url=args.outcomes)
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


if __name__ == "__main__":
    main(sys.argv[1:])
