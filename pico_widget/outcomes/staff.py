"""Who may write: staff with argon2-hashed passwords, sign-in tokens, and `SignedIn`.

Why a `SignedIn` value: every write (writes.py) takes one and refuses anything else, so no
code path can store, change or delete a course without naming who did it in the audit.
A `SignedIn` comes only from here: a password checked (`verify` then `open_token`), a
token still in use (`from_token`), a name a trusted proxy vouched for (`trusted`), or the
server's own console (`console`, whoever has a shell on the server runs the admin
commands). Tokens live in the database (as SHA-256), so every replica and kernel knows them.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .database import utc_now
from .schema import Audit, Staff, StaffToken

IDLE = timedelta(minutes=15)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
_PROOF = object()  # only this module makes SignedIn values


class StaffError(ValueError):
    """A staff command that cannot be done; the message says why."""


@dataclass(frozen=True)
class SignedIn:
    """A staff member (or the server console) known to be the one writing."""

    who: str
    via: str
    _proof: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._proof is not _PROOF:
            raise PermissionError("A SignedIn comes only from signing in (outcomes.staff).")


def _signed_in(who: str, via: str) -> SignedIn:
    return SignedIn(who, via, _PROOF)


def is_signed_in(actor: object) -> bool:
    return isinstance(actor, SignedIn) and actor._proof is _PROOF


def console() -> SignedIn:
    """The person at the server's console (the admin commands), named by the OS user."""
    return _signed_in(f"console:{getpass.getuser()}", "console")


def trusted(name: str) -> SignedIn:
    """A name an authenticating proxy vouched for (server/signin.py checks where from)."""
    return _signed_in(check_name(name), "proxy")


def check_name(name: str) -> str:
    if not NAME.fullmatch(name or ""):
        raise StaffError("A staff name is 1-64 letters, digits, spaces, dots, dashes or "
                         "underscores, starting with a letter or digit.")
    return name


def add_staff(db: Session, actor: SignedIn, name: str, password: str) -> None:
    """Add a member of staff, or set a new password for one (and make them active)."""
    _audited(db, actor, "add_staff")
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"A password needs at least {MIN_PASSWORD} characters.")
    staff = db.scalar(select(Staff).where(Staff.name == name))
    if staff is None:
        db.add(Staff(name=name, password_hash=_HASHER.hash(password), active=True))
    else:
        staff.password_hash, staff.active = _HASHER.hash(password), True


def remove_staff(db: Session, actor: SignedIn, name: str) -> None:
    """Make a member of staff inactive (their audit rows stay) and end their sign-ins."""
    _audited(db, actor, "remove_staff")
    staff = db.scalar(select(Staff).where(Staff.name == name, Staff.active))
    if staff is None:
        raise StaffError(f"There is no active member of staff called {name}.")
    staff.active = False
    db.execute(delete(StaffToken).where(StaffToken.staff_id == staff.id))


def verify(db: Session, name: str, password: str) -> Staff | None:
    """The active staff member with this name and password, else None. An unknown name
    costs the same argon2 check as a wrong password, so timing tells nothing either."""
    staff = db.scalar(select(Staff).where(Staff.name == name, Staff.active))
    try:
        _HASHER.verify(staff.password_hash if staff else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return staff


def open_token(db: Session, staff: Staff, now: datetime | None = None) -> str:
    """A new sign-in token for `staff` (kept by the browser; the database keeps its hash)."""
    token = secrets.token_urlsafe(32)
    db.add(StaffToken(token_sha256=_digest(token), staff_id=staff.id,
                      last_used=now or utc_now()))
    return token


def from_token(db: Session, token: str, now: datetime | None = None) -> SignedIn | None:
    """Who holds `token`, if it was used within the last 15 minutes (and then it is
    used now); an idle or unknown token is None and an idle one is deleted."""
    now = now or utc_now()
    row = db.get(StaffToken, _digest(token))
    if row is None:
        return None
    staff = db.get(Staff, row.staff_id)
    if staff is None or not staff.active or now - row.last_used > IDLE:
        db.delete(row)
        return None
    row.last_used = now
    return _signed_in(staff.name, "password")


def close_token(db: Session, token: str) -> None:
    """Sign out (the page closed, or the doctor pressed sign out)."""
    db.execute(delete(StaffToken).where(StaffToken.token_sha256 == _digest(token)))


@cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for an unknown name (made once, when needed)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require_signed_in(actor: object) -> SignedIn:
    """`actor`, if it is a SignedIn made here; else PermissionError."""
    if not is_signed_in(actor):
        raise PermissionError("Only a signed-in member of staff can change the outcomes.")
    assert isinstance(actor, SignedIn)
    return actor


def _audited(db: Session, actor: object, action: str, course_id: str | None = None,
             reason: str | None = None) -> SignedIn:
    """Refuse without a signed-in actor; otherwise add the audit row for this change."""
    actor = require_signed_in(actor)
    db.add(Audit(who=actor.who[:80], at=utc_now(), action=action, course_id=course_id,
                 reason=reason))
    return actor
