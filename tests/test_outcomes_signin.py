"""Staff sign-in on the server: one sentence for any wrong name or password, rate limits
per name and per client, tokens that lapse after 15 idle minutes, a proxy's header
believed from this machine only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tornado.httputil import HTTPHeaders

from pico_widget.outcomes.database import utc_now, writing
from pico_widget.outcomes.staff import add_staff, console, from_token, remove_staff
from pico_widget.server.health import TokenBuckets
from pico_widget.server.signin import SignIn, SignInRefused, trusted_user
from tests.outcomes_helpers import upgraded_engine

WRONG = "Name or password is wrong."


@pytest.fixture
def engine(tmp_path):
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    with writing(engine) as db:
        add_staff(db, console(), "Dr Tan", "correct horse")
        add_staff(db, console(), "Nurse Ong", "battery staple")
    yield engine
    engine.dispose()


def refusal(service: SignIn, name: str, password: str, client: str = "10.0.0.1") -> str:
    with pytest.raises(SignInRefused) as caught:
        service.verify(name, password, client)
    return str(caught.value)


def test_the_right_password_gives_a_token_that_names_the_staff_member(engine):
    service = SignIn(engine)
    token = service.verify("Dr Tan", "correct horse", "10.0.0.1")
    signed_in = service.who(token)
    assert signed_in is not None and signed_in.who == "Dr Tan"
    service.sign_out(token)
    assert service.who(token) is None


def test_a_wrong_name_or_password_says_the_same_sentence(engine):
    service = SignIn(engine)
    assert refusal(service, "Dr Tan", "wrong horse") == WRONG
    assert refusal(service, "Dr Nobody", "correct horse") == WRONG
    assert refusal(service, "Dr Tan", "") == WRONG


def test_a_removed_member_of_staff_cannot_sign_in_and_their_tokens_end(engine):
    service = SignIn(engine)
    token = service.verify("Nurse Ong", "battery staple", "10.0.0.1")
    with writing(engine) as db:
        remove_staff(db, console(), "Nurse Ong")
    assert service.who(token) is None
    assert refusal(service, "Nurse Ong", "battery staple") == WRONG


def test_attempts_on_one_name_are_limited_even_with_the_right_password(engine):
    service = SignIn(engine, per_name=TokenBuckets(rate=1 / 30, burst=3))
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert refusal(service, "Dr Tan", "guess", client) == WRONG
    sentence = refusal(service, "Dr Tan", "correct horse", "10.0.0.4")
    assert sentence.startswith("Too many sign-in attempts. Please wait ")
    assert service.verify("Nurse Ong", "battery staple", "10.0.0.4")  # other names go on


def test_attempts_from_one_client_are_limited_across_names(engine):
    service = SignIn(engine, per_client=TokenBuckets(rate=1 / 10, burst=4))
    for n in range(4):
        assert refusal(service, f"Staff {n}", "guess", "10.0.0.9") == WRONG
    assert refusal(service, "Dr Tan", "correct horse", "10.0.0.9").startswith("Too many")
    assert service.verify("Dr Tan", "correct horse", "10.0.0.8")


def test_a_token_lapses_after_15_idle_minutes_and_use_renews_it(engine):
    token = SignIn(engine).verify("Dr Tan", "correct horse", "10.0.0.1")
    start = utc_now()
    with writing(engine) as db:
        assert from_token(db, token, start + timedelta(minutes=14)) is not None
    with writing(engine) as db:  # used at 14 minutes: good until 29
        assert from_token(db, token, start + timedelta(minutes=28)) is not None
    with writing(engine) as db:
        assert from_token(db, token, start + timedelta(minutes=44)) is None
    with writing(engine) as db:  # and it is gone, not merely idle
        assert from_token(db, token, start + timedelta(minutes=28)) is None


class _Request:
    def __init__(self, peer: str, headers: dict[str, str]) -> None:
        self.remote_ip = peer
        self.headers = HTTPHeaders(headers)


def test_a_proxys_user_header_is_believed_from_this_machine_only():
    header = "X-Auth-Request-User"
    from_proxy = trusted_user(_Request("127.0.0.1", {header: "Dr Tan"}), header)
    assert from_proxy is not None and from_proxy.who == "Dr Tan" and from_proxy.via == "proxy"
    assert trusted_user(_Request("::1", {header: "Dr Tan"}), header) is not None
    assert trusted_user(_Request("10.0.0.5", {header: "Dr Tan"}), header) is None
    assert trusted_user(_Request("127.0.0.1", {header: "Dr Tan"}), None) is None
    assert trusted_user(_Request("127.0.0.1", {}), header) is None
    assert trusted_user(_Request("127.0.0.1", {header: "<b>x</b>"}), header) is None


class Hasher:
    """argon2's hasher with its check replaced (its attributes are read-only)."""

    def __init__(self, real, verify):
        self.real, self.verify = real, verify

    def hash(self, password):
        return self.real.hash(password)


def test_the_password_is_checked_outside_any_write(engine, monkeypatch):
    """On SQLite a write holds the file's one write lock: 30 sign-ins at once, each
    holding it through an argon2 check, queued past the busy timeout ("Not saved")."""
    import sqlite3

    from pico_widget.outcomes import staff

    real, seen = staff._HASHER.verify, []

    def checking(hashed, password):
        other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once while another writes
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as error:
            seen.append(str(error))
        finally:
            other.close()
        return real(hashed, password)

    monkeypatch.setattr(staff, "_HASHER", Hasher(staff._HASHER, checking))
    assert SignIn(engine).verify("Dr Tan", "correct horse", "10.0.0.7")
    assert seen == ["free"]


def test_a_password_reset_while_the_old_one_was_checked_gives_no_token(engine, monkeypatch):
    """add-staff on an existing name sets a new password: a sign-in with the old one
    that was being checked at that moment is refused, the new one works."""
    from pico_widget.outcomes import staff

    real = staff._HASHER.verify

    def reset_meanwhile(hashed, password):
        monkeypatch.setattr(staff, "_HASHER", staff._HASHER.real)
        with writing(engine) as db:
            add_staff(db, console(), "Dr Tan", "a brand new phrase")
        return real(hashed, password)

    monkeypatch.setattr(staff, "_HASHER", Hasher(staff._HASHER, reset_meanwhile))
    assert refusal(SignIn(engine), "Dr Tan", "correct horse", "10.0.0.7") == WRONG
    assert SignIn(engine).verify("Dr Tan", "a brand new phrase", "10.0.0.8")


def test_staff_removed_while_their_password_was_checked_get_no_token(engine, monkeypatch):
    from pico_widget.outcomes import staff

    real = staff._HASHER.verify

    def removed_meanwhile(hashed, password):
        with writing(engine) as db:
            remove_staff(db, console(), "Dr Tan")
        return real(hashed, password)

    monkeypatch.setattr(staff, "_HASHER", Hasher(staff._HASHER, removed_meanwhile))
    assert refusal(SignIn(engine), "Dr Tan", "correct horse", "10.0.0.6") == WRONG
