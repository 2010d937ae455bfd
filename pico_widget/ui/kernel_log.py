"""In a served kernel, log to the server's log rather than to the visitor's websocket.

A kernel forwards whatever reaches its sys.stderr to every page connected to it, and
Python's fallback log handler writes there: a traceback (file paths, source lines) would
reach whoever holds the socket. The kernel process's own stderr is Voila's log.
"""

from __future__ import annotations

import logging
import sys


class _ServerLog(logging.StreamHandler):
    """Marks the handler so it is added once per kernel."""


def log_to_server() -> None:
    """Send this kernel's log records (warnings and worse) to the server's log."""
    root = logging.getLogger()
    if any(isinstance(handler, _ServerLog) for handler in root.handlers):
        return
    handler = _ServerLog(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[pico kernel] %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
