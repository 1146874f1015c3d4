"""The account dialog and the real gnome-keyring, driven through the window like a user.

Add Account opens the real :class:`AccountDialog`; the password typed there goes through the
window's engine worker into the ``secret_service`` fixture's gnome-keyring, where this test
reads it back with ``keyring.get_password``. The window then gets mail from the real Dovecot
with that password, and removing the account takes the password out of the keyring.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account, load_settings
from popgui.gui.account_dialog import AccountDialog
from popgui.profile import Profile
from tests.gui.conftest import save_accounts
from tests.gui.test_dovecot_window import deliver, wait_for_rows
from tests.gui.test_keyring_window import remove_through_window, stored_password
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.qt_modal import when_modal
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]


def fill_and_press_ok(qtbot: QtBot, port: int, user: MailUser) -> Callable[[Any], None]:
    """What a user does in a new account's dialog: type each field and the password, OK."""

    def act(dialog: AccountDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "dovecot")
        qtbot.keyClicks(dialog.host_edit, "127.0.0.1")
        qtbot.keyClicks(dialog.port_edit, str(port))
        dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
        qtbot.keyClicks(dialog.user_edit, user.name)
        dialog.keyring_radio.setChecked(True)
        qtbot.keyClicks(dialog.password_edit, user.password)
        dialog.ok_button.click()  # stores the password through the worker, then closes

    return act


def test_a_password_typed_in_the_dialog_is_in_gnome_keyring_until_the_account_is_removed(
    qtbot: QtBot,
    secret_service: SecretService,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, 2)
    window = open_window()
    dialogs: list[QWidget] = []
    when_modal(AccountDialog, fill_and_press_ok(qtbot, dovecot.plain_port, dovecot_user), dialogs)

    window.actions_by_name["add_account"].trigger()  # returns once the dialog is closed

    assert dialogs, "the account dialog did not open"
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=30_000)  # the settings written
    account = load_settings(profile.settings_file).get("dovecot")
    assert account is not None and account.password_source == "keyring"
    assert dovecot_user.password not in profile.settings_file.read_text()
    assert keyring_key(account) == f"dovecot/{dovecot_user.name}@127.0.0.1"
    assert stored_password(account) == dovecot_user.password
    wait_for_rows(qtbot, window, 2)  # Get Mail after Add read the password from the keyring
    assert not window.message_bar.isVisible(), window.message_bar.label.text()

    finished = remove_through_window(qtbot, window, account)

    assert finished.error is None and finished.result is True
    assert stored_password(account) is None
    assert load_settings(profile.settings_file).names() == []


def rename_and_press_ok(qtbot: QtBot, new_name: str, password: str) -> Callable[[Any], None]:
    """Edit Account: a new name, and the password typed again or left empty ("leave empty to
    keep the stored password")."""

    def act(dialog: AccountDialog) -> None:
        dialog.name_edit.clear()
        qtbot.keyClicks(dialog.name_edit, new_name)
        qtbot.keyClicks(dialog.password_edit, password)
        dialog.ok_button.click()

    return act


def edit_a_keyring_account(
    qtbot: QtBot,
    dovecot: DovecotServer,
    user: MailUser,
    profile: Profile,
    open_window: Opener,
    name: str,
    edit: Callable[[Any], None],
) -> tuple[Any, Account]:
    """A window whose one account ``name`` has its password in gnome-keyring and two messages
    waiting; ``edit`` is done in its Edit Account dialog, and the settings are written."""
    deliver(dovecot, user, 2)
    account = Account(
        name=name, host="127.0.0.1", port=dovecot.plain_port, security="none", user=user.name
    )
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), user.password)
    save_accounts(profile, [account])
    window = open_window()
    dialogs: list[QWidget] = []
    when_modal(AccountDialog, edit, dialogs)
    window.actions_by_name["edit_account"].trigger()
    assert dialogs, "the account dialog did not open"
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=30_000)  # the settings written
    return window, account


@pytest.mark.parametrize("typed", [False, True], ids=["left-empty", "typed-again"])
def test_renaming_in_the_dialog_keeps_the_stored_password_and_leaves_none_behind(
    typed: bool,
    qtbot: QtBot,
    secret_service: SecretService,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    """A rename changes the keyring key: the password must follow the account (the empty
    field promises to keep it), and nothing may stay under the old key."""
    edit = rename_and_press_ok(qtbot, "dovecot", dovecot_user.password if typed else "")

    window, old = edit_a_keyring_account(
        qtbot, dovecot, dovecot_user, profile, open_window, "before", edit
    )

    renamed = load_settings(profile.settings_file).get("dovecot")
    assert renamed is not None
    # The keyring work is queued in the engine worker: wait for the old entry to go.
    qtbot.waitUntil(lambda: stored_password(old) is None, timeout=30_000)
    assert stored_password(renamed) == dovecot_user.password
    window.actions_by_name["get_mail"].trigger()
    wait_for_rows(qtbot, window, 2)
    assert not window.message_bar.isVisible(), window.message_bar.label.text()
    keyring.delete_password(KEYRING_SERVICE, keyring_key(renamed))


def test_switching_to_a_password_command_removes_the_stored_password(
    qtbot: QtBot,
    secret_service: SecretService,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    """The account no longer reads the keyring: its password must not stay there."""
    command = shlex.join([sys.executable, "-c", f"print({dovecot_user.password!r})"])

    def use_the_command(dialog: AccountDialog) -> None:
        dialog.command_radio.setChecked(True)
        qtbot.keyClicks(dialog.command_edit, command)
        dialog.ok_button.click()

    window, account = edit_a_keyring_account(
        qtbot, dovecot, dovecot_user, profile, open_window, "dovecot", use_the_command
    )

    edited = load_settings(profile.settings_file).get("dovecot")
    assert edited is not None and edited.password_source == "command"
    qtbot.waitUntil(lambda: stored_password(account) is None, timeout=30_000)
    window.actions_by_name["get_mail"].trigger()
    wait_for_rows(qtbot, window, 2)
    assert not window.message_bar.isVisible(), window.message_bar.label.text()
