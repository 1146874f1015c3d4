"""Kerberos sign-in from the window, end to end: a person with a ticket from kinit adds an account
with "Kerberos (your ticket)" for the real Dovecot that accepts the private realm's tickets,
sees whose ticket it is, tests the connection (signed in with Kerberos), and the Get Mail after
Add brings the mail, with no password asked or kept. And an account that kept its password in
the real gnome-keyring, switched to Kerberos, leaves no password there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account, load_settings
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.keyring_check import probe_keyring
from popgui.profile import Profile
from popgui.sync.diagnose import ConnectionReport
from tests.gui import kerberos_support
from tests.gui.conftest import save_accounts
from tests.gui.dialog_support import add_through_window, run_connection_test
from tests.gui.kerberos_support import KerberosUser, with_ticket
from tests.gui.test_keyring_window import keyring_account, stored_password
from tests.kerberos.helpers import login_methods
from tests.support.dovecot import DovecotServer
from tests.support.kerberos import KerberosRealm
from tests.support.qt_modal import when_modal
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.dovecot

kerberos_realm = kerberos_support.kerberos_realm
kerberos_dovecot = kerberos_support.kerberos_dovecot
krb_user = kerberos_support.krb_user

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000


def use_the_ticket(dialog: AccountDialog) -> None:
    """In the account dialog: sign in with Kerberos from now on, and save."""
    dialog.auth_combo.setCurrentIndex(dialog.auth_combo.findData("gssapi"))
    dialog.ok_button.click()


def test_add_a_kerberos_account_in_the_window_and_get_its_mail(
    qtbot: QtBot,
    profile: Profile,
    open_window: Opener,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_ticket(kerberos_realm, monkeypatch, krb_user)
    principal = kerberos_realm.principal(krb_user.name)
    window = open_window()
    seen: dict[str, Any] = {}

    def act(dialog: AccountDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "office")
        qtbot.keyClicks(dialog.host_edit, "localhost")
        dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
        dialog.port_edit.setText(str(kerberos_dovecot.plain_port))
        qtbot.keyClicks(dialog.user_edit, krb_user.name)
        dialog.auth_combo.setCurrentIndex(dialog.auth_combo.findData("gssapi"))
        line = dialog.server.kerberos_box.status
        qtbot.waitUntil(lambda: principal in line.text(), timeout=TIMEOUT_MS)
        seen["line"] = line.text()
        seen["password shown"] = dialog.password_edit.isVisible()
        seen["report"] = run_connection_test(qtbot, dialog, TIMEOUT_MS)
        seen["pane"] = dialog.report_view.toPlainText()
        dialog.ok_button.click()

    finished = add_through_window(qtbot, window, "office", act, TIMEOUT_MS)

    assert finished.error is None, finished.error
    assert seen["line"].startswith(f"Your Kerberos ticket: {principal}, valid until ")
    assert seen["password shown"] is False
    report = seen["report"]
    assert isinstance(report, ConnectionReport)
    assert report.error is None and report.login_ok is True, report
    assert report.login_method == "GSSAPI"
    assert "Connected and logged in." in seen["pane"]
    assert f"Signed in with Kerberos as {principal}." in seen["pane"], seen["pane"]
    assert f"your ticket: {principal}, valid until" in seen["pane"]
    assert "not a login method popgui knows" not in seen["pane"]
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI", "GSSAPI"]
    assert not window.message_bar.isVisible(), window.message_bar.label.text()
    account = load_settings(profile.settings_file).get("office")
    assert account is not None and account.auth == "gssapi"
    assert account.password_source == "keyring" and account.password_command is None
    settings = profile.settings_file.read_text()
    assert krb_user.password not in settings and krb_user.mail_password not in settings


@pytest.mark.keyring
def test_switching_a_keyring_password_account_to_kerberos_forgets_the_password(
    qtbot: QtBot,
    secret_service: SecretService,
    profile: Profile,
    open_window: Opener,
    kerberos_realm: KerberosRealm,
    kerberos_dovecot: DovecotServer,
    krb_user: KerberosUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The account no longer reads the keyring: the password stored for it must not stay
    there, and the next Get Mail signs in with the ticket."""
    with_ticket(kerberos_realm, monkeypatch, krb_user)
    account = Account(name="office", host="localhost", port=kerberos_dovecot.plain_port,
                      security="none", user=krb_user.name)  # fmt: skip
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), krb_user.mail_password)
    save_accounts(profile, [account])
    window = open_window()
    dialogs: list[QWidget] = []

    when_modal(AccountDialog, use_the_ticket, dialogs)
    window.actions_by_name["edit_account"].trigger()
    assert dialogs, "the account dialog did not open"
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)  # settings written

    edited = load_settings(profile.settings_file).get("office")
    assert edited is not None and edited.auth == "gssapi"
    qtbot.waitUntil(lambda: stored_password(account) is None, timeout=TIMEOUT_MS)
    window.actions_by_name["get_mail"].trigger()
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert login_methods(kerberos_dovecot, krb_user.name) == ["GSSAPI"]
    assert not window.message_bar.isVisible(), window.message_bar.label.text()


@pytest.mark.keyring
def test_the_dialogs_keyring_check_reads_no_password_for_a_kerberos_account(
    secret_service: SecretService, profile: Profile
) -> None:
    """Editing a Kerberos account, the dialog asks only whether a keyring is there (the person
    may switch back to a password): a password left under the account's key is not read."""
    account = Account(name="office", host="localhost", user="alice", auth="gssapi")
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), "left over")
    try:
        state = probe_keyring(account, profile=profile)
    finally:
        keyring.delete_password(KEYRING_SERVICE, keyring_key(account))
    assert state.available is True and state.stored is None and state.sign_in is None


@pytest.mark.keyring
def test_a_password_that_could_not_be_forgotten_is_told_in_kerberos_words(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """The keyring is locked when the account switches to Kerberos: the password stays, and
    the window says so, not that the account now uses a password command."""
    account = keyring_account("office")
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), "stored before")
    save_accounts(profile, [account])
    window = open_window()
    dialogs: list[QWidget] = []

    when_modal(AccountDialog, use_the_ticket, dialogs)
    secret_service.lock()
    try:
        window.actions_by_name["edit_account"].trigger()
        qtbot.waitUntil(window.message_bar.isVisible, timeout=TIMEOUT_MS)
    finally:
        secret_service.unlock()
    text = window.message_bar.label.text()
    assert text.startswith(
        "The account office now signs in with your Kerberos ticket, but the password stored "
        "before could not be removed from the keyring"
    ), text
    assert "locked" in text
    assert stored_password(account) == "stored before"
    keyring.delete_password(KEYRING_SERVICE, keyring_key(account))
