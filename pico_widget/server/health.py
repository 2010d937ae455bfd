"""A replica's health for the proxy, and a per-client limit on page requests.

Why /healthz: probing `/` starts an ~80 MB kernel per probe, so a load balancer polling
it every 2 s would fill the server by itself. /healthz reads a few counters and starts
nothing: {replica, pid, visitors, cap, room, ready}. It answers 503 until the replica
has pre-heated its first kernel (so HAProxy puts a restarted replica back in the pool only
once it can serve), then 200 for as long as the process lives; a full replica is still
healthy (its visitors' websockets must keep reaching it), and the proxy learns "full"
from the page's own 503, which it retries on another replica.

Why a token bucket per client address: one address asking for the page hundreds of times
(a script, a stuck reload loop) took every kernel place. Each address may take `burst`
pages at once (a clinic's tablets behind one router arrive together) and then `rate` a
second. Behind a proxy every request comes from 127.0.0.1; `trust_forwarded` then reads
the client from the proxy's X-Forwarded-For, which is only believed from a loopback peer.
"""

from __future__ import annotations

import json
import os
import socket

from tornado.httputil import HTTPServerRequest
from tornado.web import RequestHandler

from ..outcomes.limits import TokenBuckets
from ..settings import current
from .compat import mark_ready, marked_ready, pools_configured

__all__ = ["HEALTH_PATH", "LOOPBACK", "HealthHandler", "TokenBuckets", "client_address",
           "replica_id"]

HEALTH_PATH = r"/healthz"
LOOPBACK = ("127.", "::1", "::ffff:127.")


def client_address(request: HTTPServerRequest, trust_forwarded: bool = False) -> str:
    """The visitor's address: the peer's, or (from a proxy on this machine, when trusted)
    the last address the proxy added to X-Forwarded-For."""
    peer = request.remote_ip or ""
    if trust_forwarded and peer.startswith(LOOPBACK):
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return peer


def replica_id(port: int) -> str:
    """This replica's name in /healthz: PICO_REPLICA_ID, or host:port."""
    return current().replica_id or f"{socket.gethostname()}:{port}"


class HealthHandler(RequestHandler):
    """GET /healthz: JSON about this replica; starts no kernel, touches no notebook."""

    def initialize(self, replica: str = "") -> None:
        self.replica = replica

    def get(self) -> None:
        manager = self.settings["kernel_manager"]
        visitors = int(getattr(manager, "visitor_kernels", lambda: 0)())
        cap = int(getattr(manager, "kernel_cap", 0))
        ready = self._ready(manager)
        self.set_status(200 if ready else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"replica": self.replica, "pid": os.getpid(),
                                "visitors": visitors, "cap": cap,
                                "room": max(0, cap - visitors) if cap else None,
                                "ready": ready}))

    def head(self) -> None:
        self.get()

    @staticmethod
    def _ready(manager: object) -> bool:
        """True once the pool has held a pre-heated kernel (or when there is no pool)."""
        if marked_ready(manager):
            return True
        pooled = getattr(manager, "pooled_ids", None)
        ready = not pools_configured(manager) or (pooled is not None and bool(pooled()))
        if ready:
            mark_ready(manager)
        return ready

    def check_xsrf_cookie(self) -> None:  # GET/HEAD only; nothing to protect
        return None
