"""The login a sync starts on a helper thread while it prepares the local side (early.py)."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest

from popgui.errors import AccountBusyError, CredentialsError, NetworkError
from popgui.localserver import LocalPOP3Server
from popgui.profile import Profile
from popgui.store.database import SCHEMA_VERSION
from popgui.store.lock import AccountLock
from popgui.sync import early as early_module
from popgui.sync.early import EarlyLogin
from popgui.sync.engine import sync_account
from popgui.sync.session import ConnectOptions, greet_pop3

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
    """The early login starts under the account lock: a busy account costs no login (servers
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
def test_an_unused_early_login_is_quit_politely(
    pop3_server: LocalPOP3Server, profile: Profile, auth: str
) -> None:
    """A job that fails before its session (here: a database from a newer popgui) leaves no
    dangling session behind: the UIDL sent with the login is answered, then QUIT."""
    profile.database_file.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(profile.database_file) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = sync_account(make_account(pop3_server, auth=auth), PASSWORD, profile)
    assert result.error is not None and "upgrade" in str(result.error)
    assert len(pop3_server.session_logs) == 1
    assert pop3_server.session_logs[0][-2:] == ["UIDL", "QUIT"]


@pytest.mark.parametrize("auth", ["auto", "user", "apop"])  # SASL; pipelined USER/PASS; APOP
def test_the_engine_is_woken_once_the_login_is_sent(
    pop3_server: LocalPOP3Server, samples: list[bytes], auth: str
) -> None:
    """The engine's thread waits for the login to be written, then works while the server
    answers; the client it takes is logged in, with the UIDL reply waiting."""
    early = EarlyLogin(make_account(pop3_server, auth=auth), ConnectOptions())
    early.log_in(PASSWORD)
    early.wait_until_sent()
    client = early.take()
    try:
        assert client.mechanism is not None
        lines = client.uidl_lines()
        assert lines is not None and len(lines) == len(samples)
        assert client.quit()
    finally:
        client.close()


def test_a_refused_connection_wakes_the_engine_and_is_reported(
    pop3_server: LocalPOP3Server,
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens here once the socket is closed
    account = make_account(pop3_server, port=port)
    early = EarlyLogin(account, ConnectOptions(timeout=5))
    early.log_in(PASSWORD)
    early.wait_until_sent()
    with pytest.raises(NetworkError, match="refused"):
        early.take()
    early.close()


def test_the_password_is_looked_up_while_the_session_opens(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    """A password given as a function (a keyring lookup, a password command) is fetched under
    the lock while the helper connects and greets; the login then goes on as usual."""
    calls: list[int] = []

    def slow_password() -> str:
        calls.append(len(calls))
        time.sleep(0.2)  # a keyring on D-Bus, a password command
        return PASSWORD

    result = sync_account(make_account(pop3_server), slow_password, profile)
    assert result.error is None and result.downloaded > 0
    assert calls == [0]
    assert len(pop3_server.session_logs) == 1
    assert [line.split(" ")[0] for line in pop3_server.session_logs[0]].count("AUTH") == 1


def test_a_failed_password_lookup_is_the_error_and_the_session_ends_unused(
    pop3_server: LocalPOP3Server, profile: Profile
) -> None:
    def no_password() -> str:
        raise CredentialsError("no password stored for this account")

    result = sync_account(make_account(pop3_server), no_password, profile)
    assert isinstance(result.error, CredentialsError)
    sessions = _ended_sessions(pop3_server, 1)  # the helper ends it on its own
    commands = {line.split(" ")[0] for line in sessions[0]}
    assert not commands & {"USER", "PASS", "APOP", "AUTH"}
    assert sessions[0][-1] == "QUIT"


def test_a_password_that_took_long_gets_a_fresh_connection(
    pop3_server: LocalPOP3Server, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server may drop a connection that stays silent before its login: past a few
    seconds the greeted session is quit and a new one logs in."""
    monkeypatch.setattr(early_module, "_FRESH_SECONDS", 0.05)

    def slow_password() -> str:
        time.sleep(0.3)
        return PASSWORD

    result = sync_account(make_account(pop3_server), slow_password, profile)
    assert result.error is None and result.downloaded > 0
    sessions = _ended_sessions(pop3_server, 2)
    unused, used = sorted(sessions, key=len)
    assert unused[-1] == "QUIT" and not any(line.startswith("AUTH") for line in unused)
    assert any(line.startswith("AUTH") for line in used)


def _ended_sessions(server: LocalPOP3Server, count: int) -> list[list[str]]:
    """The server's sessions once *count* of them have ended with QUIT (a session is listed
    as soon as it connects, before its first command)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sessions = [list(log) for log in server.session_logs]
        if sum(1 for log in sessions if log and log[-1] == "QUIT") >= count:
            break
        time.sleep(0.01)
    assert len(sessions) == count, sessions
    return sessions


@pytest.mark.parametrize("auth", ["auto", "user", "apop"])
def test_login_reports_once_that_its_request_is_written(
    pop3_server: LocalPOP3Server, auth: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = make_account(pop3_server, auth=auth)
    client = greet_pop3(account, ConnectOptions())
    writes: list[bytes] = []
    real_send = client._transport.send

    def send(data: bytes) -> None:
        writes.append(data)
        real_send(data)

    monkeypatch.setattr(client._transport, "send", send)
    seen: list[int] = []
    try:
        client.login(
            account.user, PASSWORD, auth, uidl_ahead=True, sent=lambda: seen.append(len(writes))
        )
        assert len(seen) == 1
        # Pipelined USER/PASS: after its one write; otherwise just before the first command.
        assert seen[0] == (1 if auth == "user" else 0)
        assert client.quit()
    finally:
        client.close()
