"""The login a sync starts on a helper thread while it prepares the local side (early.py)."""

from __future__ import annotations

import sqlite3

import pytest

from popgui.errors import AccountBusyError, CredentialsError
from popgui.localserver import LocalPOP3Server
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
