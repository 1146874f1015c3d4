"""How a sync opens its session: under the account lock, the password first, then the
connection, then the login (with the UIDL listing asked for in the same write)."""

from __future__ import annotations

import socket
import sqlite3

import pytest

from popgui.errors import AccountBusyError, CredentialsError, NetworkError
from popgui.localserver import LocalPOP3Server
from popgui.net.session import ConnectOptions, greet_pop3, open_pop3
from popgui.profile import Profile
from popgui.store.database import SCHEMA_VERSION
from popgui.store.lock import AccountLock
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, make_account


def test_a_sync_logs_in_once_and_quits(pop3_server: LocalPOP3Server, profile: Profile) -> None:
    assert sync_account(make_account(pop3_server), PASSWORD, profile).error is None
    assert len(pop3_server.session_logs) == 1
    session = [line.split(" ")[0] for line in pop3_server.session_logs[0]]
    assert session.count("AUTH") == 1
    assert session[-1] == "QUIT"


def test_no_login_while_another_sync_of_the_account_runs(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    """The session opens under the account lock: a busy account costs no login (servers
    with LOGIN-DELAY count every one)."""
    with AccountLock(profile.path, "test"):
        result = sync_account(make_account(pop3_server), PASSWORD, profile)
    assert isinstance(result.error, AccountBusyError)
    assert pop3_server.session_logs == []


@pytest.mark.parametrize("auth", ["auto", "user"])  # SASL; USER/PASS with UIDL in one write
def test_a_wrong_password_is_reported_as_from_a_plain_login(
    pop3_server: LocalPOP3Server, profile: Profile, auth: str
) -> None:
    result = sync_account(make_account(pop3_server, auth=auth), "wrong", profile)
    assert isinstance(result.error, CredentialsError)
    assert result.downloaded == 0


@pytest.mark.parametrize("auth", ["auto", "user"])
def test_a_job_failing_before_its_session_opens_none(
    pop3_server: LocalPOP3Server, profile: Profile, auth: str
) -> None:
    """A job that fails before its session (here: a database from a newer popgui) leaves no
    session behind on the server."""
    profile.database_file.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(profile.database_file) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = sync_account(make_account(pop3_server, auth=auth), PASSWORD, profile)
    assert result.error is not None and "upgrade" in str(result.error)
    assert pop3_server.session_logs == []


@pytest.mark.parametrize("auth", ["auto", "user", "apop"])  # SASL; pipelined USER/PASS; APOP
def test_the_uidl_listing_is_asked_for_with_the_login(
    pop3_server: LocalPOP3Server, samples: list[bytes], auth: str
) -> None:
    """The client a sync gets is logged in, with the UIDL reply waiting."""
    client = open_pop3(
        make_account(pop3_server, auth=auth), PASSWORD, ConnectOptions(), uidl_ahead=True
    )
    try:
        assert client.mechanism is not None
        lines = client.uidl_lines()
        assert lines is not None and len(lines) == len(samples)
        assert client.quit()
    finally:
        client.close()
    commands = [line.split(" ")[0] for line in pop3_server.session_logs[0]]
    assert commands.count("UIDL") == 1


def test_a_refused_connection_is_reported(pop3_server: LocalPOP3Server, profile: Profile) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens here once the socket is closed
    account = make_account(pop3_server, port=port)
    result = sync_account(account, PASSWORD, profile, options=ConnectOptions(timeout=5))
    assert isinstance(result.error, NetworkError)
    assert "refused" in str(result.error)


def test_the_password_is_looked_up_before_the_connection_opens(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    """A password given as a function (a keyring lookup, a password command) is fetched once,
    under the lock, before any connection; the login then goes on as usual."""
    sessions_at_lookup: list[int] = []

    def password() -> str:
        sessions_at_lookup.append(len(pop3_server.session_logs))
        return PASSWORD

    result = sync_account(make_account(pop3_server), password, profile)
    assert result.error is None and result.downloaded > 0
    assert sessions_at_lookup == [0]
    assert len(pop3_server.session_logs) == 1
    assert [line.split(" ")[0] for line in pop3_server.session_logs[0]].count("AUTH") == 1


def test_a_failed_password_lookup_is_the_error_and_opens_no_connection(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    def no_password() -> str:
        raise CredentialsError("no password stored for this account")

    result = sync_account(make_account(pop3_server), no_password, profile)
    assert isinstance(result.error, CredentialsError)
    assert "no password stored" in str(result.error)
    assert pop3_server.session_logs == []


def test_a_pipelined_user_login_is_one_write(
    pop3_server: LocalPOP3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """USER, PASS, CAPA and UIDL go out together: one round trip instead of four."""
    account = make_account(pop3_server, auth="user")
    client = greet_pop3(account, ConnectOptions())
    writes: list[bytes] = []
    real_send = client._transport.send

    def send(data: bytes) -> None:
        writes.append(data)
        real_send(data)

    monkeypatch.setattr(client._transport, "send", send)
    try:
        client.login(account.user, PASSWORD, "user", uidl_ahead=True)
        assert len(writes) == 1
        assert [line.split(b" ")[0] for line in writes[0].splitlines()] == [
            b"USER", b"PASS", b"CAPA", b"UIDL"
        ]  # fmt: skip
        assert client.quit()
    finally:
        client.close()
