"""OAuth2 in the window, end to end: "Sign in…" in the account dialog, Get Mail from the real
Dovecot (its ``oauth2`` passdb asks the test provider about each token), Cancel, the missing
client id, and a revoked sign-in ("Sign in again…" in the error bar, the periodic check
suspended until then).

The provider is tests/support/oauth_server.py; the browser is tests/oauth/browser.py, run as a
child process by the sign-in's ``open_url`` seam, like a person who consents at once. The
tokens live in the real gnome-keyring of the ``secret_service`` fixture.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import keyring
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account
from popgui.gui import sign_in
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.worker import JobFinished
from popgui.oauth.tokenstore import TOKEN_SERVICE
from popgui.profile import Profile
from popgui.sync.progress import SyncResult
from tests.gui.conftest import save_accounts
from tests.support.oauth_rig import Provider, deliver
from tests.support.oauth_server import CLIENT_ID
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.dovecot

Opener = Callable[..., Any]
TIMEOUT_MS = 60_000


def oauth_account(provider: Provider, name: str = "work", **changes: Any) -> Account:
    return Account(
        name=name, host="127.0.0.1", port=provider.dovecot.plain_port, security="none",
        user=provider.user, auth="oauth2", oauth_provider="custom",
        oauth_issuer=provider.server.issuer, oauth_client_id=CLIENT_ID, **changes,
    )  # fmt: skip


def stored(account: Account) -> dict[str, object] | None:
    text = keyring.get_password(TOKEN_SERVICE, keyring_key(account))
    return None if text is None else json.loads(text)


def fill_oauth_form(dialog: AccountDialog, provider: Provider, name: str) -> None:
    dialog.name_edit.setText(name)
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_edit.setText(str(provider.dovecot.plain_port))
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
    dialog.user_edit.setText(provider.user)
    dialog.auth_combo.setCurrentIndex(dialog.auth_combo.findData("oauth2"))
    dialog.sign_in_box.issuer_edit.setText(provider.server.issuer)
    dialog.sign_in_box.client_id_edit.setText(CLIENT_ID)


def sync_jobs(window: Any) -> list[JobFinished]:
    jobs: list[JobFinished] = []
    window.controller.finished.connect(
        lambda finished: jobs.append(finished) if finished.kind == "sync" else None
    )
    return jobs


def test_add_an_account_sign_in_in_the_browser_and_get_mail(
    qtbot: QtBot, secret_service: SecretService, provider: Provider, profile: Profile,
    open_window: Opener, browser: list[str],
) -> None:  # fmt: skip
    deliver(provider, 3, seed=1)
    window = open_window()
    jobs = sync_jobs(window)
    signed_in_as: list[Account] = []

    failures: list[BaseException] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AccountDialog):
            QTimer.singleShot(20, drive)
            return
        try:
            sign_in_and_rename(dialog)
        except BaseException as error:  # failed: close the dialog, never hang the test
            failures.append(error)
            dialog.reject()

    def sign_in_and_rename(dialog: AccountDialog) -> None:
        fill_oauth_form(dialog, provider, "first name")
        assert dialog.sign_in_button.isVisible()
        assert not dialog.password_edit.isEnabled()
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: dialog.sign_in_box.signed_in is not None, timeout=TIMEOUT_MS)
        signed_in_as.append(dialog.sign_in_box.signed_in)  # type: ignore[arg-type]
        assert "Signed in" in dialog.message_label.text()
        dialog.name_edit.setText("work")  # renamed after signing in: the tokens follow
        dialog.ok_button.click()

    QTimer.singleShot(0, drive)
    window.accounts.add_account()
    if failures:
        raise failures[0]
    assert len(browser) == 1
    qtbot.waitUntil(lambda: len(jobs) == 1, timeout=TIMEOUT_MS)
    assert jobs[0].error is None, jobs[0].error
    result = jobs[0].result
    assert isinstance(result, SyncResult) and result.downloaded == 3
    saved = window.settings.get("work")
    assert saved is not None and saved.auth == "oauth2" and saved.oauth_provider == "custom"
    assert stored(saved) is not None
    assert stored(signed_in_as[0]) is None, "the tokens stayed under the old name"
    keyring.delete_password(TOKEN_SERVICE, keyring_key(saved))


def test_cancel_stops_waiting_and_closes_the_receiver(
    qtbot: QtBot, secret_service: SecretService, provider: Provider, profile: Profile,
    open_window: Opener, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    opened: list[str] = []
    monkeypatch.setattr(sign_in, "open_url", opened.append)  # a browser nobody uses
    window = open_window()
    dialog = AccountDialog(window.controller, [], parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_oauth_form(dialog, provider, "work")
    dialog.sign_in_button.click()
    box = dialog.sign_in_box
    qtbot.waitUntil(lambda: "Waiting for the browser" in box.status.text(), timeout=TIMEOUT_MS)
    assert opened and box.address_edit.text() == opened[0]  # the address, to open by hand
    assert box.address_edit.isVisible()
    redirect = parse_qs(urlsplit(opened[0]).query)["redirect_uri"][0]
    port = urlsplit(redirect).port
    assert port is not None
    socket.create_connection(("127.0.0.1", port), timeout=5).close()  # waiting
    assert box.cancel_button.isVisible()
    box.cancel_button.click()
    qtbot.waitUntil(lambda: not box.is_running(), timeout=TIMEOUT_MS)
    assert "cancelled" in box.status.text()
    assert dialog.sign_in_button.isEnabled() and not box.cancel_button.isVisible()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert stored(dialog.account()) is None
    assert dialog.ok_button.isEnabled(), "OK without signing in"


def test_without_a_client_id_the_dialog_says_to_enter_one(
    qtbot: QtBot, open_window: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(sign_in, "open_url", opened.append)
    window = open_window()
    dialog = AccountDialog(window.controller, [], parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("outlook"))
    dialog.apply_preset(sign_in_preset("outlook"))
    dialog.user_edit.setText("ann@example.com")
    assert dialog.auth_combo.currentData() == "oauth2"
    dialog.sign_in_button.click()
    assert "client id" in dialog.message_label.text()
    assert dialog.sign_in_box.client_id_edit.isVisible()
    assert not dialog.sign_in_box.is_running() and opened == []


def sign_in_preset(key: str) -> Any:
    from popgui.gui.presets import preset

    return preset(key)


def test_a_revoked_sign_in_offers_sign_in_again_and_suspends_the_periodic_check(
    qtbot: QtBot, secret_service: SecretService, provider: Provider, profile: Profile,
    open_window: Opener, browser: list[str],
) -> None:  # fmt: skip
    account = oauth_account(provider, name="revoked", check_interval_minutes=30)
    save_accounts(profile, [account])
    window = open_window()
    jobs = sync_jobs(window)
    bar = window.message_bar

    def get_mail() -> JobFinished:
        before = len(jobs)
        window.getmail.get_mail()
        qtbot.waitUntil(lambda: len(jobs) > before, timeout=TIMEOUT_MS)
        return jobs[-1]

    def sign_in_from_the_bar() -> None:
        before = len(jobs)
        assert bar.isVisible() and "Sign in again…" in bar.button_texts(), bar.label.text()
        guard = QTimer(window)  # a sign-in that never ends fails the test, never hangs it
        guard.setSingleShot(True)
        guard.timeout.connect(lambda: window.findChild(sign_in.SignInDialog).reject())
        guard.start(TIMEOUT_MS)
        bar.click("Sign in again…")  # a modal dialog that signs in, then Get Mail
        guard.stop()
        qtbot.waitUntil(lambda: len(jobs) > before, timeout=TIMEOUT_MS)

    never = get_mail()  # never signed in: the bar asks for it, no traceback
    assert never.error is not None and "not signed in" in bar.label.text()
    assert window.scheduler.is_suspended("revoked")
    deliver(provider, 2, seed=2)
    sign_in_from_the_bar()
    assert jobs[-1].error is None, jobs[-1].error
    assert not window.scheduler.is_suspended("revoked")
    assert window.scheduler.next_check("revoked") is not None

    provider.server.revoke_all()
    revoked = get_mail()
    assert revoked.error is not None
    assert "Sign in again…" in bar.button_texts() and "popgui account" not in bar.label.text()
    assert window.scheduler.is_suspended("revoked")
    assert window.scheduler.next_check("revoked") is None  # the periodic check stopped
    deliver(provider, 1, seed=3)
    sign_in_from_the_bar()
    assert jobs[-1].error is None, jobs[-1].error
    result = jobs[-1].result
    assert isinstance(result, SyncResult) and result.downloaded == 1
    assert not bar.isVisible()
    assert window.scheduler.next_check("revoked") is not None
    keyring.delete_password(TOKEN_SERVICE, keyring_key(account))


def test_test_connection_says_to_sign_in_first_then_logs_in_with_the_token(
    qtbot: QtBot, secret_service: SecretService, provider: Provider, profile: Profile,
    open_window: Opener, browser: list[str],
) -> None:  # fmt: skip
    window = open_window()
    dialog = AccountDialog(window.controller, [], parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_oauth_form(dialog, provider, "tested")

    def test_connection() -> str:
        with qtbot.waitSignal(
            window.controller.finished, timeout=TIMEOUT_MS,
            check_params_cb=lambda finished: finished.kind == "test",
        ):  # fmt: skip
            dialog.test_button.click()
        return str(dialog.report_view.toPlainText())

    before = test_connection()
    assert "not signed in" in before and "Press Sign in… first" in before, before
    assert "Traceback" not in before
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.sign_in_box.signed_in is not None, timeout=TIMEOUT_MS)
    after = test_connection()
    assert "Connected and logged in" in after, after
    keyring.delete_password(TOKEN_SERVICE, keyring_key(dialog.account()))


def test_a_client_secret_typed_in_the_window_signs_in_and_is_kept_in_the_keyring(
    qtbot: QtBot, secret_service: SecretService, provider: Provider, profile: Profile,
    open_window: Opener, browser: list[str],
) -> None:  # fmt: skip
    """A client with a secret (as Google's desktop-app clients have): the secret typed under
    "Sign-in settings" is what the sign-in sends, the account's keyring password entry keeps it
    (where ``account add --oauth-client-secret`` puts it), the settings file never has it, and
    "Sign in again…" later reads it from the keyring."""
    secret = "s3cret-of-the-app"
    provider.server.clients[CLIENT_ID] = secret
    try:
        deliver(provider, 1, seed=4)
        window = open_window()
        jobs = sync_jobs(window)
        failures: list[BaseException] = []

        def drive() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, AccountDialog):
                QTimer.singleShot(20, drive)
                return
            try:
                fill_oauth_form(dialog, provider, "secretive")
                box = dialog.sign_in_box
                assert box.client_secret_edit.echoMode() == box.client_secret_edit.EchoMode.Password
                box.client_secret_edit.setText(secret)
                dialog.sign_in_button.click()
                qtbot.waitUntil(lambda: not box.is_running(), timeout=TIMEOUT_MS)
                assert box.signed_in is not None, box.status.text()
                dialog.ok_button.click()
            except BaseException as error:  # failed: close the dialog, never hang the test
                failures.append(error)
                dialog.reject()

        QTimer.singleShot(0, drive)
        window.accounts.add_account()
        if failures:
            raise failures[0]
        qtbot.waitUntil(lambda: len(jobs) == 1, timeout=TIMEOUT_MS)
        assert jobs[0].error is None, jobs[0].error
        saved = window.settings.get("secretive")
        assert saved is not None
        codes = [
            f for f in provider.server.token_requests if f.get("grant_type") == "authorization_code"
        ]
        assert codes and codes[-1].get("client_secret") == secret
        assert keyring.get_password(KEYRING_SERVICE, keyring_key(saved)) == secret
        assert secret not in profile.settings_file.read_text(encoding="utf-8")

        # "Sign in again…": the secret comes from the keyring (read in the sign-in's thread).
        again = sign_in.SignInDialog(saved, window)
        qtbot.addWidget(again)
        again.show()
        qtbot.waitUntil(
            lambda: again.result() != 0 or not again.box.is_running(), timeout=TIMEOUT_MS
        )
        assert again.box.signed_in is not None, again.box.status.text()
        assert provider.server.token_requests[-1].get("client_secret") == secret

        # Sign in… while editing, renamed in the form, the secret field left empty: the
        # secret stored for the account as saved is used.
        edit = AccountDialog(window.controller, [], account=saved, parent=window)
        qtbot.addWidget(edit)
        edit.show()
        edit.name_edit.setText("renamed")
        edit.sign_in_button.click()
        qtbot.waitUntil(lambda: not edit.sign_in_box.is_running(), timeout=TIMEOUT_MS)
        assert edit.sign_in_box.signed_in is not None, edit.sign_in_box.status.text()
        assert provider.server.token_requests[-1].get("client_secret") == secret
        keyring.delete_password(TOKEN_SERVICE, keyring_key(edit.sign_in_box.signed_in))
    finally:
        provider.server.clients[CLIENT_ID] = None
    keyring.delete_password(TOKEN_SERVICE, keyring_key(saved))
    keyring.delete_password(KEYRING_SERVICE, keyring_key(saved))
