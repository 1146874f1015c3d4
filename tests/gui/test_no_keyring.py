"""The window where no Secret Service runs (keyring's fail backend), and with the real one.

No keyring: the account dialog says so before anyone types a password and offers the real
ways out (a keyring to install or unlock, a password command); an account that still takes
its password from the keyring is marked as such, never as "password refused", and the bar
names no keyring backend, command-line flag or web address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, keyring_key
from popgui.accounts.settings import Account
from popgui.gui.account_dialog import AccountDialog
from popgui.profile import Profile
from tests.gui.conftest import save_accounts
from tests.support.qt_modal import when_modal
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 20_000
BACKEND_WORDS = ("keyring.backends", "fail.Keyring", "https://", "--password", "`")


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def keyring_account(name: str = "home") -> Account:
    # Port 9 (discard) on loopback: nothing is listening; no test here gets that far.
    return Account(name=name, host="127.0.0.1", port=9, security="none", user="jane")


def in_dialog(qtbot: QtBot, window: Any, action: str, look: Callable[[AccountDialog], Any]) -> Any:
    """Open the window's account dialog (Add or Edit), let ``look`` read it once the keyring
    check answered, and cancel it."""
    seen: list[Any] = []

    def act(dialog: AccountDialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.keyring_state is not None, timeout=TIMEOUT_MS)
            seen.append(look(dialog))
        except BaseException as error:  # never leave the dialog open on a failure
            seen.append(error)
        finally:
            dialog.reject()

    dialogs: list[QWidget] = []
    when_modal(AccountDialog, act, dialogs)
    window.actions_by_name[action].trigger()
    assert dialogs and seen, "the account dialog did not open"
    if isinstance(seen[0], BaseException):
        raise seen[0]
    return seen[0]


def what_it_offers(dialog: AccountDialog) -> dict[str, Any]:
    return {
        "notice": dialog.server.keyring_notice.text()
        if dialog.server.keyring_notice.isVisible()
        else "",
        "keyring_enabled": dialog.keyring_radio.isEnabled(),
        "command_checked": dialog.command_radio.isChecked(),
        "placeholder": dialog.password_edit.placeholderText(),
        "message": dialog.message_label.text(),
    }


def test_add_account_says_up_front_there_is_no_keyring_and_offers_the_ways_out(
    qtbot: QtBot, no_keyring: None, profile: Profile, open_window: Opener
) -> None:
    window = open_window()

    offered = in_dialog(qtbot, window, "add_account", what_it_offers)

    notice = offered["notice"]
    for words in ("No system keyring", "GNOME Keyring", "KWallet", "password command"):
        assert words.lower() in notice.lower(), notice
    assert not any(words in notice for words in BACKEND_WORDS), notice
    assert not offered["keyring_enabled"]
    assert offered["command_checked"]
    assert "leave empty" not in offered["placeholder"]


def test_edit_does_not_promise_to_keep_a_password_that_is_not_stored(
    qtbot: QtBot, no_keyring: None, profile: Profile, open_window: Opener
) -> None:
    save_accounts(profile, [keyring_account()])
    window = open_window()

    offered = in_dialog(qtbot, window, "edit_account", what_it_offers)

    assert "keep the stored password" not in offered["placeholder"]
    assert "No system keyring" in offered["notice"]


def test_get_mail_without_a_keyring_is_not_a_refused_password(
    qtbot: QtBot, no_keyring: None, profile: Profile, open_window: Opener
) -> None:
    save_accounts(profile, [keyring_account()])
    window = open_window()

    window.get_mail()
    qtbot.waitUntil(lambda: window.account_model.state("home").kind == "error", timeout=TIMEOUT_MS)

    state = window.account_model.state("home")
    assert "password refused" not in state.label()
    assert state.label() == "no keyring"
    bar = window.message_bar.label.text()
    assert "No system keyring" in bar and "GNOME Keyring" in bar, bar
    assert not any(words in bar + state.detail for words in BACKEND_WORDS), bar
    assert window.message_bar.button_texts() == ["Edit account…"]


def test_with_a_secret_service_the_dialog_offers_the_keyring(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    stored, empty = keyring_account("stored"), keyring_account("empty")
    keyring.set_password(KEYRING_SERVICE, keyring_key(stored), "secret")
    save_accounts(profile, [stored, empty])
    window = open_window()
    try:
        offered = in_dialog(qtbot, window, "add_account", what_it_offers)
        assert offered["notice"] == "" and offered["keyring_enabled"]
        assert not offered["command_checked"]

        edited_stored = in_dialog(qtbot, window, "edit_account", what_it_offers)
        assert edited_stored["placeholder"] == "leave empty to keep the stored password"

        window.account_view.setCurrentIndex(window.account_model.index(1, 0))
        edited_empty = in_dialog(qtbot, window, "edit_account", what_it_offers)
        assert "keep the stored password" not in edited_empty["placeholder"]
        assert edited_empty["notice"] == "" and edited_empty["keyring_enabled"]
    finally:
        keyring.delete_password(KEYRING_SERVICE, keyring_key(stored))


def test_without_a_keyring_the_password_can_be_kept_in_a_private_file_knowingly(
    qtbot: QtBot, no_keyring: None, profile: Profile, pop3_server: Any, open_window: Opener
) -> None:
    """The third way out: the file choice warns, and then the account works."""
    import stat

    from popgui.accounts.secrets import password_file
    from popgui.accounts.settings import load_settings
    from tests.gui.conftest import MAIL_PASSWORD, MAIL_USER
    from tests.gui.test_mainwindow import subjects

    warnings: list[str] = []

    def choose_the_file(dialog: AccountDialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.keyring_state is not None, timeout=TIMEOUT_MS)
            qtbot.keyClicks(dialog.name_edit, "home")
            qtbot.keyClicks(dialog.host_edit, pop3_server.host)
            qtbot.keyClicks(dialog.port_edit, str(pop3_server.port))
            dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
            qtbot.keyClicks(dialog.user_edit, MAIL_USER)
            assert not dialog.server.file_warning.isVisible()
            dialog.file_radio.click()
            warnings.append(dialog.server.file_warning.text())
            qtbot.keyClicks(dialog.file_edit, MAIL_PASSWORD)
            dialog.ok_button.click()  # stores the password through the worker, then closes
        except BaseException:
            dialog.reject()
            raise

    window = open_window()
    dialogs: list[QWidget] = []
    when_modal(AccountDialog, choose_the_file, dialogs)
    window.actions_by_name["add_account"].trigger()  # returns once the dialog is closed

    assert dialogs and warnings, "the account dialog did not open"
    assert "anyone who can read your files" in warnings[0]
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)
    account = load_settings(profile.settings_file).get("home")
    assert account is not None and account.password_source == "file"
    assert MAIL_PASSWORD not in profile.settings_file.read_text()
    path = password_file(profile, account)
    assert path.read_text() == MAIL_PASSWORD
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Welcome to the popgui demo" in subjects(window)
    qtbot.waitUntil(lambda: window.account_model.state("home").kind == "new", timeout=TIMEOUT_MS)


def test_switching_a_keyring_account_to_the_file_moves_its_password(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """Edit: "Password in a file", left empty ("leave empty to keep the stored password"): the
    password moves from gnome-keyring to the file, and nothing stays in the keyring."""
    from popgui.accounts.secrets import SecretStore, password_file
    from popgui.accounts.settings import load_settings
    from tests.gui.test_keyring_window import stored_password

    account = keyring_account()
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), "moving secret")
    save_accounts(profile, [account])
    window = open_window()
    hints: list[str] = []

    def to_the_file(dialog: AccountDialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.keyring_state is not None, timeout=TIMEOUT_MS)
            dialog.file_radio.click()
            hints.append(dialog.file_edit.placeholderText())
            dialog.ok_button.click()
        except BaseException:
            dialog.reject()
            raise

    dialogs: list[QWidget] = []
    when_modal(AccountDialog, to_the_file, dialogs)
    window.actions_by_name["edit_account"].trigger()

    assert dialogs and hints == ["leave empty to keep the stored password"]
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)  # settings written
    edited = load_settings(profile.settings_file).get("home")
    assert edited is not None and edited.password_source == "file"
    path = password_file(profile, edited)
    qtbot.waitUntil(path.exists, timeout=TIMEOUT_MS)  # moved in the engine worker
    assert SecretStore(profile=profile).get_password(edited) == "moving secret"
    qtbot.waitUntil(lambda: stored_password(account) is None, timeout=TIMEOUT_MS)


def proxy_and_key_secrets(dialog: AccountDialog) -> dict[str, Any]:
    """The Proxy tab with a SOCKS5 login, and an encrypted client key: what they offer."""
    dialog.proxy.kind_combo.setCurrentIndex(dialog.proxy.kind_combo.findData("socks5"))
    dialog.proxy.login_check.setChecked(True)
    dialog.client_cert.cert_edit.setText("/home/jane/jane.pem")
    dialog.client_cert.encrypted_check.setChecked(True)
    offered: dict[str, Any] = {}
    for name, box in (("proxy", dialog.proxy), ("key", dialog.client_cert)):
        rows = box.secret
        offered[name] = {
            "keyring_enabled": rows.keyring_radio.isEnabled(),
            "typed_field_enabled": rows.secret_edit.isEnabled(),
            "command_checked": rows.command_radio.isChecked(),
            "notice": rows.notice.text() if not rows.notice.isHidden() else "",
        }
    return offered


def test_without_a_keyring_the_proxy_password_and_key_passphrase_take_a_command(
    qtbot: QtBot, no_keyring: None, profile: Profile, open_window: Opener
) -> None:
    """Said before Save, not after: a typed proxy password or passphrase could not be kept."""
    window = open_window()

    offered = in_dialog(qtbot, window, "add_account", proxy_and_key_secrets)

    for name, what in (("proxy", "proxy's password"), ("key", "key's passphrase")):
        seen = offered[name]
        assert not seen["keyring_enabled"] and not seen["typed_field_enabled"], seen
        assert seen["command_checked"], seen
        assert f"no system keyring to keep the {what} in" in seen["notice"], seen
        assert "GNOME Keyring" in seen["notice"]


def test_with_a_keyring_the_proxy_password_and_key_passphrase_can_be_typed(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    window = open_window()

    offered = in_dialog(qtbot, window, "add_account", proxy_and_key_secrets)

    for seen in offered.values():
        assert seen["keyring_enabled"] and seen["typed_field_enabled"], seen
        assert not seen["command_checked"] and seen["notice"] == "", seen
