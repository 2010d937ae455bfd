"""Staff sign-in on the server: passwords checked with argon2, attempts rate limited, a
token that lapses after 15 idle minutes, and a name vouched for by a proxy on this machine.

Why rate limits per name and per client: argon2 makes each guess slow, the buckets make
guessing many slower still (a name is tried at most `burst` times at once and then once a
`1/rate` seconds, from anywhere; one address likewise across names). They live in this
replica's memory (health.TokenBuckets, as the page limit does), so with N replicas a
guesser gets N times the attempts; HAProxy's own limits sit in front. A refusal says
"Name or password is wrong" and nothing else: not whether the name exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import Engine
from tornado.httputil import HTTPServerRequest

from ..i18n.wording import wording
from ..outcomes.database import writing
from ..outcomes.staff import SignedIn, close_token, from_token, open_token, trusted, verify
from .health import LOOPBACK, TokenBuckets


class SignInRefused(Exception):
    """A sign-in that did not succeed; the message is the sentence to show."""


def _name_buckets() -> TokenBuckets:
    return TokenBuckets(rate=1 / 30, burst=5)


def _client_buckets() -> TokenBuckets:
    return TokenBuckets(rate=1 / 10, burst=20)


@dataclass
class SignIn:
    """The sign-in service of one replica, on the outcomes database `engine`."""

    engine: Engine
    per_name: TokenBuckets = field(default_factory=_name_buckets)
    per_client: TokenBuckets = field(default_factory=_client_buckets)

    def verify(self, name: str, password: str, client: str = "",
               language: str | None = None) -> str:
        """A new token for the staff member, or SignInRefused (wrong, or too many tries)."""
        say = wording("outcomes", language=language)
        key = name.strip().casefold()
        if not (self.per_client.take(client) and self.per_name.take(key)):
            wait = max(self.per_client.wait_s(client), self.per_name.wait_s(key))
            raise SignInRefused(say["too_many_attempts"].format(seconds=math.ceil(wait)))
        with writing(self.engine) as db:
            staff = verify(db, name, password)
            if staff is None:
                raise SignInRefused(say["wrong_password"])
            return open_token(db, staff)

    def who(self, token: str) -> SignedIn | None:
        """The staff member holding `token`, if used in the last 15 minutes (renews it)."""
        with writing(self.engine) as db:
            return from_token(db, token)

    def sign_out(self, token: str) -> None:
        with writing(self.engine) as db:
            close_token(db, token)


def trusted_user(request: HTTPServerRequest, header: str | None) -> SignedIn | None:
    """The staff name an authenticating proxy put in `header`, believed only when the
    request comes from this machine (the proxy), as --behind-proxy's X-Forwarded-For is;
    None without the option, from elsewhere, or without the header."""
    if not header or not (request.remote_ip or "").startswith(LOOPBACK):
        return None
    name = request.headers.get(header, "").strip()
    if not name:
        return None
    try:
        return trusted(name)
    except ValueError:
        return None
