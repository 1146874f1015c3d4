"""The client certificate fields end to end: a person adds an account in the window for the
real Dovecot that requires a client certificate, gives the certificate, its encrypted key and
the key's passphrase; Add account keeps the passphrase in the real gnome-keyring (never in the
settings file), Test connection uses it as typed, and the Get Mail that follows Add logs in
with the certificate."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import keyring
import pytest
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import load_settings
from popgui.gui.account_dialog import AccountDialog
from popgui.net.clientcert import passphrase_account
from popgui.profile import Profile
from tests.cli.helpers import password_command
from tests.gui.dialog_support import add_through_window, run_connection_test, sync_finished
from tests.support.certs import CLIENT_KEY_PASSPHRASE, TestPKI
from tests.support.dovecot import DovecotServer, private_dovecot
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000
MESSAGE = b"From: a@example.org\r\nSubject: with a client certificate\r\n\r\nhello\r\n"


@pytest.fixture(scope="module")
def dovecot_cc(test_pki: TestPKI) -> Iterator[DovecotServer]:
    with private_dovecot(test_pki, client_ca=test_pki.ca_cert) as server:
        yield server


@pytest.mark.keyring
def test_add_an_account_with_an_encrypted_client_key_in_the_window(
    qtbot: QtBot,
    secret_service: SecretService,
    profile: Profile,
    dovecot_cc: DovecotServer,
    test_pki: TestPKI,
    open_window: Opener,
) -> None:
    name, password = f"u{secrets.token_hex(6)}", secrets.token_urlsafe(12)
    dovecot_cc.add_user(name, password)
    dovecot_cc.deliver(name, MESSAGE)
    window = open_window()
    reports: list[Any] = []

    def act(dialog: AccountDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "cc")
        qtbot.keyClicks(dialog.host_edit, "localhost")
        dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("tls"))
        dialog.port_edit.setText(str(dovecot_cc.tls_port))
        qtbot.keyClicks(dialog.user_edit, name)
        dialog.command_radio.setChecked(True)
        dialog.command_edit.setText(password_command(password))
        dialog.tabs.setCurrentWidget(dialog.certificate)
        dialog.ca_file_edit.setText(str(test_pki.ca_cert))
        box = dialog.client_cert
        box.cert_edit.setText(str(test_pki.client_cert))
        box.key_edit.setText(str(test_pki.client_key_encrypted))
        box.encrypted_check.setChecked(True)
        qtbot.keyClicks(box.passphrase_edit, CLIENT_KEY_PASSPHRASE)
        # With the passphrase as typed: nothing is stored yet.
        reports.append(run_connection_test(qtbot, dialog, TIMEOUT_MS))
        dialog.ok_button.click()

    finished = add_through_window(qtbot, window, "cc", act, TIMEOUT_MS)
    assert finished.error is None, finished.error

    report = reports[0]
    assert report.error is None and report.login_ok is True, report
    assert CLIENT_KEY_PASSPHRASE not in profile.settings_file.read_text()
    account = load_settings(profile.settings_file).get("cc")
    assert account is not None
    assert account.client_cert == str(test_pki.client_cert)
    assert account.client_key_password_source == "keyring"
    key = keyring_key(passphrase_account(account))
    assert keyring.get_password(KEYRING_SERVICE, key) == CLIENT_KEY_PASSPHRASE
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)


def test_a_certificate_the_server_refuses_asks_for_an_edit_and_stops_the_checks(
    qtbot: QtBot,
    profile: Profile,
    dovecot_cc: DovecotServer,
    test_pki: TestPKI,
    open_window: Opener,
) -> None:
    """Get Mail with a certificate of another CA against the real Dovecot that requires one
    of its own: the bar names the certificate and offers Edit account…, the accounts pane
    says "client certificate refused", and scheduled checks of the account stop."""
    from popgui.accounts.settings import Account, validate_account
    from popgui.net.clientcert import ClientCertificateError
    from tests.gui.conftest import save_accounts

    name, password = f"u{secrets.token_hex(6)}", secrets.token_urlsafe(12)
    dovecot_cc.add_user(name, password)
    account = validate_account(
        Account(
            name="cc", host="localhost", port=dovecot_cc.tls_port, security="tls", user=name,
            password_source="command", password_command=password_command(password),
            ca_file=str(test_pki.ca_cert), client_cert=str(test_pki.other_client_cert),
            client_key=str(test_pki.other_client_key), check_interval_minutes=5,
        )
    )  # fmt: skip
    save_accounts(profile, [account])
    window = open_window()
    error = sync_finished(qtbot, window, "cc", window.get_mail, TIMEOUT_MS).error

    assert isinstance(error, ClientCertificateError), error
    qtbot.waitUntil(lambda: window.message_bar.button_texts() == ["Edit account…"], timeout=5000)
    bar = window.message_bar.label.text()
    assert "certificate" in bar and "Traceback" not in bar, bar
    assert window.account_model.state("cc").label() == "client certificate refused"
    # No retry loop: checks wait until the account is edited.
    qtbot.waitUntil(lambda: window.scheduler.is_suspended("cc"), timeout=5000)
