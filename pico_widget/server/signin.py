"""A staff name vouched for by an authenticating proxy on this machine; the password
sign-in itself (SignIn) lives in outcomes/signin.py, where the kernels can use it too."""

from __future__ import annotations

from tornado.httputil import HTTPServerRequest

from ..outcomes.signin import SignIn, SignInRefused
from ..outcomes.staff import SignedIn, trusted
from .health import LOOPBACK

__all__ = ["SignIn", "SignInRefused", "trusted_user"]


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
