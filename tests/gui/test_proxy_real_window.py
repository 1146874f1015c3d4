"""The Proxy tab end to end: a person adds an account in the window whose mail server is
reached through the real dante SOCKS5 proxy (which asks for a login), presses Test connection
with the proxy's password as typed (nothing stored yet), then Add account: the password goes
to the real gnome-keyring under the proxy's key, never into the settings file, and the Get Mail
that follows Add downloads the real Dovecot's mail through the proxy. Then the account is
removed and its proxy password goes from the keyring with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from popgui.accounts.proxy_settings import proxy_credentials
from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import load_settings
from popgui.gui.account_dialog import AccountDialog
from popgui.net.proxy import ProxyLoginError
from popgui.profile import Profile
from tests.cli.helpers import password_command
from tests.gui.dialog_support import add_through_window, run_connection_test, sync_finished
from tests.support import proxy_fixtures
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.proxies import (
    PROXY_PASSWORD,
    PROXY_USER,
    Proxy,
)
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000
MESSAGE = b"From: a@example.org\r\nSubject: through the proxy\r\n\r\nHello.\r\n"

dante_login = proxy_fixtures.dante_login
tinyproxy = proxy_fixtures.tinyproxy


def fill_mail_server(
    qtbot: QtBot, dialog: AccountDialog, name: str, dovecot: DovecotServer, user: MailUser,
    pki: TestPKI,
) -> None:  # fmt: skip
    """The account's own settings: the real Dovecot over TLS, its password from a command."""
    qtbot.keyClicks(dialog.name_edit, name)
    qtbot.keyClicks(dialog.host_edit, "localhost")
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("tls"))
    dialog.port_edit.setText(str(dovecot.tls_port))
    qtbot.keyClicks(dialog.user_edit, user.name)
    dialog.command_radio.setChecked(True)
    dialog.command_edit.setText(password_command(user.password))
    dialog.ca_file_edit.setText(str(pki.ca_cert))


@pytest.mark.keyring
def test_add_an_account_behind_a_socks5_proxy_in_the_window(
    qtbot: QtBot,
    secret_service: SecretService,
    profile: Profile,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    dante_login: Proxy,
    open_window: Opener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(dovecot_user.name, MESSAGE)
    window = open_window()
    reports: list[Any] = []

    def act(dialog: AccountDialog) -> None:
        fill_mail_server(qtbot, dialog, "work", dovecot, dovecot_user, test_pki)
        box = dialog.proxy
        dialog.tabs.setCurrentWidget(box)
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("socks5"))
        qtbot.keyClicks(box.host_edit, "127.0.0.1")
        qtbot.keyClicks(box.port_edit, str(dante_login.port))
        box.login_check.setChecked(True)
        qtbot.keyClicks(box.user_edit, PROXY_USER)
        qtbot.keyClicks(box.password_edit, PROXY_PASSWORD)
        reports.append(run_connection_test(qtbot, dialog, TIMEOUT_MS))
        dialog.ok_button.click()

    finished = add_through_window(qtbot, window, "work", act, TIMEOUT_MS)
    assert finished.error is None, finished.error

    report = reports[0]
    assert report.error is None and report.login_ok is True, report
    assert any("goes through" in str(note) for note in report.notes), report.notes
    assert f"{PROXY_USER}@" in dante_login.log_text()  # dante logged our login

    settings = profile.settings_file.read_text()
    assert PROXY_PASSWORD not in settings
    account = load_settings(profile.settings_file).get("work")
    assert account is not None
    assert account.proxy == f"socks5://{PROXY_USER}@127.0.0.1:{dante_login.port}"
    key = keyring_key(proxy_credentials(account))
    assert keyring.get_password(KEYRING_SERVICE, key) == PROXY_PASSWORD
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)

    # Removing the account forgets the proxy's password too (in the worker).
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert window.accounts.current_account().name == "work"
    window.accounts.remove_current_account()
    qtbot.waitUntil(lambda: keyring.get_password(KEYRING_SERVICE, key) is None, timeout=TIMEOUT_MS)


def test_a_proxy_refusing_the_password_asks_for_an_edit_not_a_retry(
    qtbot: QtBot,
    profile: Profile,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    dante_login: Proxy,
    open_window: Opener,
) -> None:
    """Get Mail through the real dante with a wrong proxy password: the bar says the proxy
    refused it and offers Edit account…; scheduled checks of the account stop."""
    from popgui.accounts.settings import Account, validate_account
    from tests.gui.conftest import save_accounts

    account = validate_account(
        Account(
            name="work", host="localhost", port=dovecot.tls_port, security="tls",
            user=dovecot_user.name, password_source="command",
            password_command=password_command(dovecot_user.password),
            ca_file=str(test_pki.ca_cert),
            proxy=f"socks5://{PROXY_USER}@127.0.0.1:{dante_login.port}",
            proxy_password_source="command", proxy_password_command=password_command("wrong"),
            check_interval_minutes=5,
        )
    )  # fmt: skip
    save_accounts(profile, [account])
    window = open_window()
    finished = sync_finished(qtbot, window, "work", window.get_mail, TIMEOUT_MS)
    assert isinstance(finished.error, ProxyLoginError), finished.error
    qtbot.waitUntil(lambda: window.message_bar.button_texts() == ["Edit account…"], timeout=5000)
    assert "refused the user name" in window.message_bar.label.text()
    assert window.account_model.state("work").text == "proxy refused login"
    assert window.scheduler.is_suspended("work")


def test_add_an_account_behind_an_http_proxy_in_the_window(
    qtbot: QtBot,
    profile: Profile,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    tinyproxy: Proxy,
    open_window: Opener,
) -> None:
    """HTTP (CONNECT) chosen on the Proxy tab, the real tinyproxy in front of the real
    Dovecot: Test connection and the Get Mail after Add both go through it (its log shows the
    CONNECT), and TLS is checked end to end against the mail server's name."""
    dovecot.deliver(dovecot_user.name, MESSAGE)
    window = open_window()
    reports: list[Any] = []

    def act(dialog: AccountDialog) -> None:
        fill_mail_server(qtbot, dialog, "office", dovecot, dovecot_user, test_pki)
        box = dialog.proxy
        dialog.tabs.setCurrentWidget(box)
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("http"))
        qtbot.keyClicks(box.host_edit, "127.0.0.1")
        qtbot.keyClicks(box.port_edit, str(tinyproxy.port))
        reports.append(run_connection_test(qtbot, dialog, TIMEOUT_MS))
        dialog.ok_button.click()

    finished = add_through_window(qtbot, window, "office", act, TIMEOUT_MS)
    assert finished.error is None, finished.error
    report = reports[0]
    assert report.error is None and report.login_ok is True, report
    assert report.certificate is not None  # TLS through the tunnel, verified by the CA
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)
    account = load_settings(profile.settings_file).get("office")
    assert account is not None and account.proxy == f"http://127.0.0.1:{tinyproxy.port}"
    connects = tinyproxy.log_text().count(f"CONNECT localhost:{dovecot.tls_port}")
    assert connects >= 2, tinyproxy.log_text()  # Test connection, then Get Mail
