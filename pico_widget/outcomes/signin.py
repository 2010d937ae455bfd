"""Staff sign-in: passwords checked with argon2, attempts rate limited, a token that lapses
after 15 idle minutes.

Why rate limits per name and per client: argon2 makes each guess slow, the buckets make
guessing many slower still (a name is tried at most `burst` times at once and then once a
`1/rate` seconds; one address likewise across names). They live in one process's memory
(limits.TokenBuckets): the dashboard's sign-in runs in the visitor's kernel, whose
`SignIn` is one per kernel process (`kernel_sign_in`), so a guesser who opens many pages
gets each page's attempts; argon2 and HAProxy's own limits sit in front. A refusal says
"Name or password is wrong" and nothing else: not whether the name exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Engine

from ..i18n.wording import DEFAULT_LANGUAGE, wording
from ..settings import current
from .database import open_engine, reading, writing
from .limits import TokenBuckets
from .schema import Staff
from .staff import SignedIn, close_token, from_token, open_token, verify


class SignInRefused(Exception):
    """A sign-in that did not succeed; the message is the sentence to show."""


def _name_buckets() -> TokenBuckets:
    return TokenBuckets(rate=1 / 30, burst=5)


def _client_buckets() -> TokenBuckets:
    return TokenBuckets(rate=1 / 10, burst=20)


@dataclass
class SignIn:
    """The sign-in service of one process, on the outcomes database `engine`."""

    engine: Engine
    per_name: TokenBuckets = field(default_factory=_name_buckets)
    per_client: TokenBuckets = field(default_factory=_client_buckets)

    def verify(self, name: str, password: str, client: str = "",
               language: str = DEFAULT_LANGUAGE) -> str:
        """A new token for the staff member, or SignInRefused (wrong, or too many tries)."""
        say = wording("outcomes", language=language)
        key = name.strip().casefold()
        if not (self.per_client.take(client) and self.per_name.take(key)):
            wait = max(self.per_client.wait_s(client), self.per_name.wait_s(key))
            raise SignInRefused(say["too_many_attempts"].format(seconds=math.ceil(wait)))
        # The password is checked outside any write: argon2 takes a CPU's while, and on
        # SQLite a write holds the file's one write lock, so 30 sign-ins at once queued
        # behind each other's checks past the busy timeout ("Not saved").
        with reading(self.engine) as db:
            staff = verify(db, name, password)
            checked = None if staff is None else (staff.id, staff.password_hash)
        if checked is None:
            raise SignInRefused(say["wrong_password"])
        with writing(self.engine) as db:
            still = db.get(Staff, checked[0])
            # Removed, or given a new password (add-staff again: the answer to a leaked
            # one), while the old password was being checked: no token.
            if still is None or not still.active or still.password_hash != checked[1]:
                raise SignInRefused(say["wrong_password"])
            return open_token(db, still)

    def who(self, token: str) -> SignedIn | None:
        """The staff member holding `token`, if used in the last 15 minutes (renews it)."""
        with writing(self.engine) as db:
            return from_token(db, token)

    def sign_out(self, token: str) -> None:
        with writing(self.engine) as db:
            close_token(db, token)


@cache
def kernel_sign_in() -> SignIn | None:
    """This process's sign-in service on the database `serve --outcomes` named (the kernels
    inherit it through pico_widget.settings); None when the server keeps no outcomes. One
    per process, so its rate limits hold across every sign-in form of the page the kernel
    serves."""
    url = current().outcomes_url
    return SignIn(open_engine(url)) if url else None
