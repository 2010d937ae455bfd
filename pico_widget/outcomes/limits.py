"""TokenBuckets: a per-key rate limit kept in one process's memory.

Why here, below the server: the page limit (server/gate.py) and staff sign-in (signin.py,
which runs in the server and in each visitor's kernel) both use it, and the kernels may
not import the server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class TokenBuckets:
    """`burst` pages at once per client, refilled at `rate` a second; bounded in memory."""

    rate: float = 1.0
    burst: float = 40.0
    most_clients: int = 10_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, client: str, now: float | None = None) -> bool:
        """Spend one token of `client`'s bucket; False when it is empty (answer 429)."""
        now = time.monotonic() if now is None else now
        tokens, then = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        allowed = tokens >= 1
        self._buckets[client] = (tokens - 1 if allowed else tokens, now)
        if len(self._buckets) > self.most_clients:
            self._forget_full(now)
        return allowed

    def wait_s(self, client: str, now: float | None = None) -> float:
        """Seconds until `client` has a token again (0 when it has one)."""
        now = time.monotonic() if now is None else now
        tokens, then = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has refilled: they are as if never seen."""
        for client, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then) * self.rate >= self.burst:
                del self._buckets[client]
