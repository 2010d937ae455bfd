"""The `pico-widget` command's arguments: `serve`'s options and the other subcommands.

Why a module of its own: serve.py imports Voila and Jupyter (3 s here), which help, an
unknown command or a bad value for a known option never needs: they are answered from this
parser before Voila is imported. Options `serve` does not know go on to Voila, which checks
them as it starts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n.wording import LANGUAGES

# PORT_ENV: the port when --port is not given: the container sets it once for `serve` and
# its HEALTHCHECK alike (deploy/Containerfile), so the two cannot disagree.
from ..settings import DEFAULT_PORT, PORT_ENV
from ..settings import current as current_settings
from . import translations


def parser() -> argparse.ArgumentParser:
    """`pico-widget` with its subcommands: serve, outcomes (parsed by outcomes/cli.py)
    and translations."""
    command = argparse.ArgumentParser(
        prog="pico-widget", description="Serve the pico-widget dashboard with Voila, or "
        "administer a clinic's outcomes and translations.")
    commands = command.add_subparsers(dest="command", required=True)
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
    return command
