"""Get Mail's error bar, the accounts pane and the periodic checks for a Kerberos account, with
the real engine: no ticket is "run kinit" (no "password refused", no "Edit account…") and the
checks go on, since the desktop renews tickets; an unreachable Kerberos server is a network
problem; a realm that does not know the mail service needs an edit and stops the checks; a
server refusing the ticket is worded as a Kerberos refusal. The account's secret is never
looked up: the keyring is not asked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.catalog import kerberos as says
from popgui.errors import ConfigError, CredentialsError, NetworkError
from popgui.gui.account_errors import short_words
from popgui.gui.connection_report import describe_error
from popgui.gui.onserver import explain_error
from popgui.gui.scheduler import needs_attention
from popgui.gui.worker import EngineController, JobFinished
from popgui.net.kerberos import (
    KdcUnreachableError,
    KerberosError,
    KerberosRefusedError,
    KerberosTicketError,
    KerberosUnavailableError,
)
from popgui.profile import Profile
from tests.gui import kerberos_support
from tests.gui.conftest import MAIL_USER, save_accounts
from tests.gui.kerberos_support import KerberosUser, with_ticket
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm

pytestmark = pytest.mark.dovecot

kerberos_realm = kerberos_support.kerberos_realm
kerberos_dovecot = kerberos_support.kerberos_dovecot
krb_user = kerberos_support.krb_user
ticket_of = kerberos_support.ticket_of

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000


class NoSecrets:
    """The window's secret store, which a Kerberos account must never ask."""

    def __call__(self) -> NoSecrets:
        return self

    def get_password(self, account: Account) -> str:
        raise AssertionError(f"the keyring was asked for {account.name}'s password")


def kerberos_account(host: str, port: int, user: str = MAIL_USER) -> Account:
    return Account(name="office", host=host, port=port, security="none", user=user,
                   auth="gssapi", check_interval_minutes=15)  # fmt: skip


def get_mail(qtbot: QtBot, window: Any, account: Account) -> JobFinished:
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "sync" and f.account == account.name,
    ) as blocker:
        window.controller.sync([account])
    finished: JobFinished = blocker.args[0]
    return finished


def open_with(
    qtbot: QtBot, profile: Profile, open_window: Opener, account: Account
) -> tuple[Any, Account]:
    """The window with this one account, its engine given a secret store that must not be
    asked."""
    save_accounts(profile, [account])
    controller = EngineController(profile, secret_store=NoSecrets())
    window = open_window(controller=controller)
    return window, window.settings.get(account.name)


def test_no_ticket_says_run_kinit_and_the_checks_go_on(
    qtbot: QtBot, profile: Profile, kerberos_dovecot: DovecotServer, open_window: Opener
) -> None:
    """This computer has no ticket (tests/conftest.py): the first token cannot be made, and
    the keyring is never asked for a password instead."""
    account = kerberos_account("localhost", kerberos_dovecot.plain_port)
    window, account = open_with(qtbot, profile, open_window, account)

    error = get_mail(qtbot, window, account).error

    assert isinstance(error, KerberosTicketError), error
    qtbot.waitUntil(window.message_bar.isVisible, timeout=5000)
    text = window.message_bar.label.text()
    assert text.startswith("office: No Kerberos ticket"), text
    assert f"run kinit {MAIL_USER}" in text and "password" not in text
    assert window.message_bar.button_texts() == ["Try again"]
    assert window.account_model.state("office").text == "no Kerberos ticket"
    assert not window.scheduler.is_suspended("office")
    assert window.scheduler.next_check("office") is not None  # with its back-off


def test_a_realm_without_the_mail_service_asks_for_an_edit_and_stops_the_checks(
    qtbot: QtBot,
    profile: Profile,
    kerberos_dovecot: DovecotServer,
    open_window: Opener,
    ticket_of: Callable[[str], str],
) -> None:
    """A real ticket, but the realm has no pop/127.0.0.1 (only pop/localhost): the server's
    name in the account is what must change."""
    ticket_of("carol")
    account = kerberos_account("127.0.0.1", kerberos_dovecot.plain_port)
    window, account = open_with(qtbot, profile, open_window, account)

    error = get_mail(qtbot, window, account).error

    assert type(error) is KerberosError, error
    assert error.sentence is not None and error.sentence.message is says.WRONG_SERVICE
    qtbot.waitUntil(window.message_bar.isVisible, timeout=5000)
    assert "pop/127.0.0.1" in window.message_bar.label.text()
    assert window.message_bar.button_texts() == ["Edit account…"]
    assert window.account_model.state("office").text == "Kerberos problem"
    qtbot.waitUntil(lambda: window.scheduler.is_suspended("office"), timeout=5000)
    assert window.scheduler.next_check("office") is None


def test_an_unreachable_kerberos_server_is_a_network_problem(
    qtbot: QtBot,
    profile: Profile,
    kerberos_dovecot: DovecotServer,
    open_window: Opener,
    kerberos_realm: KerberosRealm,
    ticket_of: Callable[[str], str],
) -> None:
    """A ticket-granting ticket, but the KDC is down when the mail service's ticket is asked
    for (outside the office without the VPN): tried again later."""
    ticket_of("dave")
    account = kerberos_account("localhost", kerberos_dovecot.plain_port)
    window, account = open_with(qtbot, profile, open_window, account)

    with kerberos_realm.stopped():
        error = get_mail(qtbot, window, account).error

    assert isinstance(error, KdcUnreachableError), error
    qtbot.waitUntil(window.message_bar.isVisible, timeout=5000)
    assert window.message_bar.button_texts() == ["Try again"]
    assert window.account_model.state("office").text == "network error"
    assert not window.scheduler.is_suspended("office")
    assert window.scheduler.next_check("office") is not None


def test_a_server_refusing_the_ticket_is_a_kerberos_refusal_not_a_password_one(
    qtbot: QtBot,
    profile: Profile,
    open_window: Opener,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Someone else's ticket for this mailbox: Dovecot refuses; the words name the ticket's
    owner and the user name, and talk of no password or app password."""
    other = kerberos_support.new_user(kerberos_realm, kerberos_dovecot, tmp_path)
    with_ticket(kerberos_realm, monkeypatch, other)
    account = kerberos_account("localhost", kerberos_dovecot.plain_port, user=krb_user.name)
    window, account = open_with(qtbot, profile, open_window, account)

    error = get_mail(qtbot, window, account).error

    assert isinstance(error, KerberosRefusedError), error
    assert isinstance(error, CredentialsError)  # a refused login, as scripts and retries see it
    qtbot.waitUntil(window.message_bar.isVisible, timeout=5000)
    text = window.message_bar.label.text()
    assert kerberos_realm.principal(other.name) in text and krb_user.name in text, text
    assert window.message_bar.button_texts() == ["Edit account…"]
    assert window.account_model.state("office").text == "Kerberos login refused"
    qtbot.waitUntil(lambda: window.scheduler.is_suspended("office"), timeout=5000)
    for words in (describe_error(error), explain_error(error)):
        assert "Kerberos ticket's owner" in words and "password" not in words, words


def test_the_rules_for_each_kind_of_kerberos_failure() -> None:
    """The types decide, as for every other error: what stops the checks and the few words
    in the accounts pane."""
    skew = KerberosError(says.CLOCK_SKEW())
    ticket = KerberosTicketError(says.NO_TICKET_ANY_REALM(user="alice"))
    kdc = KdcUnreachableError(says.KDC_UNREACHABLE(realm="EXAMPLE.ORG"))
    missing = KerberosUnavailableError(says.NEEDS_PACKAGE())
    assert needs_attention(skew) and needs_attention(missing)
    assert not needs_attention(ticket) and not needs_attention(kdc)
    assert isinstance(kdc, NetworkError) and isinstance(missing, ConfigError)
    assert short_words(skew) == "Kerberos problem"
    assert short_words(ticket) == "no Kerberos ticket"
    assert short_words(kdc) == "network error"
    assert short_words(missing) == "Kerberos not installed"
    assert short_words(CredentialsError("refused")) == "password refused"
    assert short_words(KerberosRefusedError("refused")) == "Kerberos login refused"
