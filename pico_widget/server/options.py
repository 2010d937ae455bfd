"""The `pico-widget` command's arguments: `serve`'s options and the other subcommands.

Why a module of its own: serve.py imports Voila and Jupyter (3 s here), which help, an
unknown command or a bad value for a known option never needs: they are answered from this
parser before Voila is imported. Options `serve` does not know go on to Voila, which checks
them as it starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..i18n.wording import LANGUAGES

# PORT_ENV: the port when --port is not given: the container sets it once for `serve` and
# its HEALTHCHECK alike (deploy/Containerfile), so the two cannot disagree.
from ..settings import DEFAULT_PORT, PORT_ENV, port_text
from . import translations


def port_number(text: str) -> int:
    """A TCP port, 1-65535: Voila would otherwise listen on a port of its own choosing
    while the command prints the one asked for."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"a port is a whole number from 1 to 65535, not {text!r} (--port, else "
            f"${PORT_ENV})")
    return int(text)


def at_least(least: int) -> Callable[[str], int]:
    """A whole number of at least `least`, for counts such as --replicas."""
    def whole(text: str) -> int:
        if not text.strip().lstrip("-").isdigit() or int(text) < least:
            raise argparse.ArgumentTypeError(f"give a whole number of {least} or more, "
                                             f"not {text!r}")
        return int(text)

    return whole


def parser() -> argparse.ArgumentParser:
    """`pico-widget` with its subcommands: serve, outcomes (parsed by outcomes/cli.py)
    and translations."""
    command = argparse.ArgumentParser(
        prog="pico-widget", description="Serve the pico-widget dashboard with Voila, or "
        "administer a clinic's outcomes and translations.")
    commands = command.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the dashboard with Voila",
                                epilog="Voila's and Jupyter's own settings may follow as "
                                "--Class.trait=value (for example "
                                "--MappingKernelManager.cull_idle_timeout=600); they are "
                                "passed on to Voila.")
    # A string default goes through `type` too: a bad $PICO_WIDGET_PORT is refused alike.
    serve.add_argument("--port", type=port_number,
                       default=port_text(),
                       help=f"port to listen on (default: ${PORT_ENV}, else {DEFAULT_PORT})")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--root", type=Path, default=None,
                       help="serve every notebook in this folder instead (benchmarks)")
    serve.add_argument("--language", choices=LANGUAGES, default=None,
                       help="the language the dashboard opens in (default: English)")
    serve.add_argument("--replicas", type=at_least(1), default=1,
                       help="replicas on this host sharing its memory (the cap is a share)")
    serve.add_argument("--max-visitors", type=at_least(0), default=0,
                       help="most visitors at once on this replica (0, the default: its "
                            "share of the memory, the cgroup's limit where there is one)")
    serve.add_argument("--replica-id", default="", help="this replica's name in /healthz")
    serve.add_argument("--page-rate", type=float, default=1.0,
                       help="pages a second per client address once its burst is spent "
                            "(0: no limit)")
    serve.add_argument("--page-burst", type=at_least(1), default=40,
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


def not_for_voila(extra: list[str]) -> list[str]:
    """The arguments `serve` did not know that are not Voila settings either
    (--Class.trait=value, or --Class.trait then its value): refused here with the usage,
    not by Voila's pages of help."""
    wrong, takes_value = [], False
    for arg in extra:
        name = arg[2:].partition("=")[0]
        if arg.startswith("--") and "." in name and name.replace(".", "").replace(
                "_", "").isalnum():
            takes_value = "=" not in arg
        elif takes_value and not arg.startswith("-"):
            takes_value = False
        else:
            wrong.append(arg)
    return wrong
