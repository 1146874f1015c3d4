"""The IMAP destination's password and the real Secret Service (gnome-keyring): typed on the
Deliver to tab, it is stored under the destination's own key when the account is saved, follows
an edit of the destination's user, and goes when the destination changes or the account is
removed; the account's own password is never touched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keyring
import secretstorage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account, load_settings
from popgui.destinations.factory import credentials_account
from popgui.gui.account_dialog import AccountDialog
from popgui.profile import Profile
from tests.gui.conftest import save_accounts
from tests.gui.test_dovecot_window import when_modal
from tests.gui.test_keyring_window import remove_through_window
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 20_000


def stored(key: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, key)
    except secretstorage.exceptions.ItemNotFoundException:
        return None


def in_dialog(qtbot: QtBot, window: Any, action: str, act: Callable[[Any], None]) -> None:
    dialogs: list[QWidget] = []
    when_modal(AccountDialog, act, dialogs)
    window.actions_by_name[action].trigger()  # returns once the dialog is closed
    assert dialogs, "the account dialog did not open"
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)


def wait_stored(qtbot: QtBot, key: str, value: str | None) -> None:
    qtbot.waitUntil(lambda: stored(key) == value, timeout=TIMEOUT_MS)


def test_destination_password_is_stored_moved_and_forgotten(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    # Port 9 (discard) on loopback: the Get Mail after Add fails at once, touching nothing.
    own = Account(name="ann", host="127.0.0.1", port=9, security="none", user="ann")
    keyring.set_password(KEYRING_SERVICE, keyring_key(own), "pop secret")
    save_accounts(profile, [own])
    window = open_window()

    def add_destination(dialog: AccountDialog) -> None:
        box = dialog.deliver
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("imap"))
        qtbot.keyClicks(box.imap_host, "imap.example.com")
        qtbot.keyClicks(box.imap_user, "box@example.com")
        qtbot.keyClicks(box.password_edit, "imap secret")
        dialog.ok_button.click()

    in_dialog(qtbot, window, "edit_account", add_destination)
    account = load_settings(profile.settings_file).get("ann")
    assert account is not None and account.deliver == "imaps://box@example.com@imap.example.com"
    first_key = keyring_key(credentials_account(account))
    assert first_key == "ann/deliver/box@example.com@imap.example.com"
    wait_stored(qtbot, first_key, "imap secret")
    assert "imap secret" not in profile.settings_file.read_text()

    def change_user(dialog: AccountDialog) -> None:
        assert dialog.deliver.password_edit.placeholderText()  # "leave empty to keep …"
        dialog.deliver.imap_user.setText("other@example.com")
        dialog.ok_button.click()

    in_dialog(qtbot, window, "edit_account", change_user)
    moved = load_settings(profile.settings_file).get("ann")
    assert moved is not None
    second_key = keyring_key(credentials_account(moved))
    wait_stored(qtbot, second_key, "imap secret")
    wait_stored(qtbot, first_key, None)

    remove_through_window(qtbot, window, moved)
    wait_stored(qtbot, second_key, None)
    assert stored(keyring_key(own)) is None  # the account's own password went as it always did
    assert not window.message_bar.isVisible() or "destination" not in (
        window.message_bar.label.text()
    )


def test_choosing_another_destination_forgets_the_imap_password(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    account = Account(
        name="ann", host="127.0.0.1", port=9, security="none", user="ann",
        password_source="command", password_command="echo x",
        deliver="imap://box@imap.example.com/INBOX",
    )  # fmt: skip
    key = keyring_key(credentials_account(account))
    keyring.set_password(KEYRING_SERVICE, key, "imap secret")
    save_accounts(profile, [account])
    window = open_window()

    def to_mbox(dialog: AccountDialog) -> None:
        box = dialog.deliver
        assert box.kind() == "imap" and box.imap_security.currentData() == "starttls"
        box.kind_combo.setCurrentIndex(box.kind_combo.findData("mbox"))
        box.mbox_edit.setText("~/mail.mbox")
        dialog.ok_button.click()

    in_dialog(qtbot, window, "edit_account", to_mbox)
    wait_stored(qtbot, key, None)


def test_the_destinations_oauth2_sign_in_follows_its_user_and_goes_with_the_account(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    from popgui.oauth.tokenstore import TOKEN_SERVICE, TokenRecord, TokenStore

    account = Account(
        name="ann", host="127.0.0.1", port=9, security="none", user="ann",
        deliver="imaps://box@gmail.com@imap.gmail.com/INBOX", deliver_auth="oauth2",
        deliver_oauth_provider="google",
    )  # fmt: skip
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), "pop secret")
    record = TokenRecord("at", None, "rt", "https://mail.google.com/", 1.0, "iss", "tok")
    TokenStore().save(credentials_account(account), record)
    first_key = keyring_key(credentials_account(account))
    save_accounts(profile, [account])
    window = open_window()

    def change_user(dialog: AccountDialog) -> None:
        assert dialog.deliver.password_source.currentData() == "oauth2"
        dialog.deliver.imap_user.setText("other@gmail.com")
        dialog.ok_button.click()

    in_dialog(qtbot, window, "edit_account", change_user)
    moved = load_settings(profile.settings_file).get("ann")
    assert moved is not None and moved.deliver_auth == "oauth2"
    second_key = keyring_key(credentials_account(moved))
    assert second_key == "ann/deliver/other@gmail.com@imap.gmail.com"

    def tokens(key: str) -> str | None:
        try:
            return keyring.get_password(TOKEN_SERVICE, key)
        except secretstorage.exceptions.ItemNotFoundException:
            return None

    qtbot.waitUntil(lambda: tokens(second_key) is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: tokens(first_key) is None, timeout=TIMEOUT_MS)

    remove_through_window(qtbot, window, moved)
    qtbot.waitUntil(lambda: tokens(second_key) is None, timeout=TIMEOUT_MS)
