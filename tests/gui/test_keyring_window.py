"""The window and the real Secret Service: removing an account forgets its password.

The ``secret_service`` fixture runs gnome-keyring on a private D-Bus session bus and points
``keyring`` at it, so the window's own :class:`~popgui.accounts.secrets.SecretStore` (used in
the engine worker thread) talks to a real keyring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

import keyring
import secretstorage
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import KEYRING_SERVICE, KeyringLockedError, keyring_key
from popgui.accounts.settings import Account, load_settings
from popgui.gui.worker import EngineController, JobFinished
from popgui.profile import Profile
from tests.gui.conftest import PASSWORD_COMMAND, save_accounts
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 20_000


def keyring_account(name: str, user: str = "jane") -> Account:
    # Port 9 (discard) on loopback: nothing here ever connects.
    return Account(name=name, host="127.0.0.1", port=9, security="none", user=user)


def stored_password(account: Account) -> str | None:
    """The password gnome-keyring holds for ``account``, None if none.

    Polled while the window's worker deletes that very entry: when the deletion lands between
    keyring's search and its read, secretstorage says the item does not exist, which is the
    answer too.
    """
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_key(account))
    except secretstorage.exceptions.ItemNotFoundException:
        return None


def run_password_job(
    qtbot: QtBot, controller: EngineController, account: Account, job: Callable[[], None]
) -> JobFinished:
    with qtbot.waitSignal(
        controller.finished,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "password" and f.account == account.name,
    ) as blocker:
        job()
    finished: JobFinished = blocker.args[0]
    return finished


def accept_next_question(answers: list[str]) -> None:
    """Press Yes in the next modal message box (the removal's confirmation)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        answers.append(box.text())
        yes = box.button(QMessageBox.StandardButton.Yes)
        assert yes is not None
        yes.click()

    QTimer.singleShot(0, answer)


def select_account(window: Any, name: str) -> None:
    window.account_view.setCurrentIndex(
        window.account_model.index(window.account_model.row_of(name), 0)
    )


def remove_through_window(
    qtbot: QtBot, window: Any, account: Account, answers: list[str] | None = None
) -> JobFinished:
    select_account(window, account.name)
    answers = [] if answers is None else answers
    accept_next_question(answers)
    finished = run_password_job(
        qtbot,
        window.controller,
        account,
        window.actions_by_name["remove_account"].trigger,
    )
    assert answers and account.name in answers[0]
    assert "keyring" in answers[0]  # the confirmation says the password goes too
    return finished


def test_removing_an_account_forgets_its_password(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    home, work = keyring_account("home"), keyring_account("work", user="sam")
    save_accounts(profile, [home, work])
    window = open_window()
    for account, password in ((home, "home secret"), (work, "work secret")):
        store = partial(window.controller.store_password, account, password)
        finished = run_password_job(qtbot, window.controller, account, store)
        assert finished.error is None
    assert stored_password(home) == "home secret"

    finished = remove_through_window(qtbot, window, home)

    assert finished.error is None and finished.result is True
    assert stored_password(home) is None
    assert stored_password(work) == "work secret"  # the other account keeps its password
    assert load_settings(profile.settings_file).names() == ["work"]
    assert not window.message_bar.isVisible()
    keyring.delete_password(KEYRING_SERVICE, keyring_key(work))


def test_removing_an_account_without_a_stored_password_is_quiet(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    home = keyring_account("home")
    save_accounts(profile, [home])
    window = open_window()

    finished = remove_through_window(qtbot, window, home)

    assert finished.error is None and finished.result is False
    assert load_settings(profile.settings_file).names() == []
    assert not window.message_bar.isVisible()


def test_an_account_with_a_password_command_leaves_the_keyring_alone(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """Removing it neither says the keyring is involved nor runs a keyring job: an entry
    under its key (say from when it used the keyring) is still there afterwards."""
    account = Account(
        name="cmd", host="127.0.0.1", port=9, security="none", user="jane",
        password_source="command", password_command=PASSWORD_COMMAND,
    )  # fmt: skip
    other = keyring_account("other")
    keyring.set_password(KEYRING_SERVICE, keyring_key(account), "left from before")
    save_accounts(profile, [account, other])
    window = open_window()
    jobs: list[JobFinished] = []
    window.controller.finished.connect(jobs.append)
    select_account(window, "cmd")
    answers: list[str] = []
    accept_next_question(answers)

    window.actions_by_name["remove_account"].trigger()
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=30_000)  # the settings written
    # Jobs run one after the other: once this one is done, a keyring job the removal had
    # asked for would be done too.
    store = partial(window.controller.store_password, other, "other secret")
    assert run_password_job(qtbot, window.controller, other, store).error is None

    assert answers and "cmd" in answers[0] and "keyring" not in answers[0]
    assert load_settings(profile.settings_file).names() == ["other"]
    assert [job.account for job in jobs] == ["other"]
    assert stored_password(account) == "left from before"
    assert not window.message_bar.isVisible()
    keyring.delete_password(KEYRING_SERVICE, keyring_key(account))
    keyring.delete_password(KEYRING_SERVICE, keyring_key(other))


def test_a_failure_to_forget_is_shown(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    home = keyring_account("home")
    save_accounts(profile, [home])
    window = open_window()
    secret_service.lock()
    try:
        finished = remove_through_window(qtbot, window, home)
    finally:
        secret_service.unlock()
    assert isinstance(finished.error, KeyringLockedError)
    assert window.message_bar.isVisible()
    assert "locked" in window.message_bar.label.text()
    assert window.message_bar.label.text().startswith(
        "The account home was removed, but its password could not be removed"
    )


def test_removing_an_oauth2_account_forgets_its_sign_in(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    from popgui.oauth.tokenstore import TokenRecord, TokenStore

    office = dataclasses.replace(
        keyring_account("office"), auth="oauth2", oauth_provider="custom",
        oauth_issuer="https://id.example.org",
    )  # fmt: skip
    record = TokenRecord(
        access_token="at-x", expires_at=None, refresh_token="rt-x", scope="mail",
        obtained_at=0.0, issuer="https://id.example.org", token_endpoint="https://id.example.org/t",
    )  # fmt: skip
    TokenStore().save(office, record)
    save_accounts(profile, [office])
    window = open_window()

    answers: list[str] = []
    finished = remove_through_window(qtbot, window, office, answers)

    assert finished.error is None and finished.result is True
    assert TokenStore().load(office) is None
    # An OAuth2 account has no password: the question speaks of its sign-in and client secret.
    assert "password" not in answers[0]
    assert "sign-in" in answers[0] and "client secret" in answers[0]


def oauth_office() -> Account:
    return dataclasses.replace(
        keyring_account("office"), auth="oauth2", oauth_provider="custom",
        oauth_issuer="https://id.example.org", oauth_client_id="own-app",
    )  # fmt: skip


def token_record(**changes: Any) -> Any:
    from popgui.oauth.tokenstore import TokenRecord

    record = TokenRecord(
        access_token="at-x", expires_at=None, refresh_token="rt-x", scope="mail",
        obtained_at=0.0, issuer="https://id.example.org", token_endpoint="https://id.example.org/t",
    )  # fmt: skip
    return dataclasses.replace(record, **changes)


def open_dialog(qtbot: QtBot, window: Any, account: Account) -> Any:
    from popgui.gui.account_dialog import AccountDialog
    from popgui.gui.keyring_check import probe_keyring

    dialog = AccountDialog(
        window.controller, [], account=account, parent=window,
        keyring_probe=partial(probe_keyring, account, profile=window.profile),
    )  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_state is not None, timeout=TIMEOUT_MS)
    return dialog


def test_the_account_dialog_says_whether_an_oauth2_account_is_signed_in(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """Read from the real keyring off the GUI thread, as ``account show`` reads it: never
    signed in, signed in, a sign-in whose refresh token is known to be over; and whether a
    client secret is stored (the empty field then keeps it)."""
    from popgui.oauth.tokenstore import TokenStore

    office = oauth_office()
    save_accounts(profile, [office])
    window = open_window()
    status = lambda dialog: dialog.sign_in_box.status.text()  # noqa: E731

    dialog = open_dialog(qtbot, window, office)
    assert "Not signed in yet" in status(dialog)
    secret = dialog.sign_in_box.client_secret_edit
    assert secret.placeholderText() == "only if the provider gave your app one"
    dialog.reject()

    TokenStore().save(office, token_record())
    keyring.set_password(KEYRING_SERVICE, keyring_key(office), "the app's secret")
    dialog = open_dialog(qtbot, window, office)
    assert "Signed in" in status(dialog) and "expired" not in status(dialog)
    secret = dialog.sign_in_box.client_secret_edit
    assert secret.placeholderText() == "leave empty to keep the stored secret"
    assert secret.text() == ""  # never shown
    dialog.reject()

    TokenStore().save(office, token_record(refresh_good_until=1000.0))
    dialog = open_dialog(qtbot, window, office)
    assert "Sign-in expired: sign in again" in status(dialog)
    dialog.reject()

    TokenStore().save(office, token_record(refresh_token=None, expires_at=1000.0))
    dialog = open_dialog(qtbot, window, office)
    assert "Sign-in expired" in status(dialog)
    dialog.reject()
    TokenStore().delete(office)
    keyring.delete_password(KEYRING_SERVICE, keyring_key(office))


def test_renaming_an_oauth2_account_in_the_window_moves_its_client_secret_and_sign_in(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """The client secret is the account's keyring password entry: like a password, it follows
    a new name (the tokens too), and nothing stays under the old key."""
    from popgui.gui.account_dialog import AccountDialog
    from popgui.oauth.tokenstore import TokenStore

    office = oauth_office()
    TokenStore().save(office, token_record())
    keyring.set_password(KEYRING_SERVICE, keyring_key(office), "the app's secret")
    save_accounts(profile, [office])
    window = open_window()
    renamed = dataclasses.replace(office, name="office365")

    def rename() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AccountDialog):
            QTimer.singleShot(20, rename)
            return
        dialog.name_edit.setText("office365")
        dialog.ok_button.click()

    QTimer.singleShot(0, rename)
    with qtbot.waitSignal(
        window.controller.finished, timeout=TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "password" and f.account == "office365",
    ):  # fmt: skip
        window.accounts.edit_account("office")
    assert stored_password(renamed) == "the app's secret"
    assert stored_password(office) is None
    assert TokenStore().load(renamed) is not None and TokenStore().load(office) is None
    TokenStore().delete(renamed)
    keyring.delete_password(KEYRING_SERVICE, keyring_key(renamed))


def _edit_in_window(qtbot: QtBot, window: Any, name: str, edit: Callable[[Any], None]) -> None:
    """Edit Account ``name``: ``edit`` fills the dialog, then OK; wait for the keyring jobs."""
    from popgui.gui.account_dialog import AccountDialog

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AccountDialog):
            QTimer.singleShot(20, act)
            return
        qtbot.waitUntil(lambda: dialog.keyring_state is not None, timeout=TIMEOUT_MS)
        edit(dialog)
        dialog.ok_button.click()

    QTimer.singleShot(0, act)
    window.accounts.edit_account(name)
    qtbot.waitUntil(lambda: not window.controller.is_busy(name), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)


def test_switching_from_oauth2_to_a_password_never_sends_the_client_secret_as_one(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """The client secret sits in the account's keyring entry: switched to a password login,
    that entry must not become its password, and the old sign-in's tokens go too."""
    from popgui.oauth.tokenstore import TokenStore

    office = oauth_office()
    TokenStore().save(office, token_record())
    keyring.set_password(KEYRING_SERVICE, keyring_key(office), "the app's secret")
    save_accounts(profile, [office])
    window = open_window()
    hints: list[str] = []

    def to_password_login(dialog: Any) -> None:
        dialog.auth_combo.setCurrentIndex(dialog.auth_combo.findData("auto"))
        dialog.keyring_radio.setChecked(True)
        hints.append(dialog.password_edit.placeholderText())

    _edit_in_window(qtbot, window, "office", to_password_login)
    assert "keep the stored password" not in hints[0]  # a client secret is no password
    qtbot.waitUntil(lambda: stored_password(office) is None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: TokenStore().load(office) is None, timeout=TIMEOUT_MS)
    assert load_settings(profile.settings_file).get("office").auth == "auto"


def test_switching_to_oauth2_does_not_keep_the_password_as_a_client_secret(
    qtbot: QtBot, secret_service: SecretService, profile: Profile, open_window: Opener
) -> None:
    """Back the other way: the old password is not kept as a client secret (the provider would
    be sent the mailbox password); a secret typed in the dialog is kept, as the entry."""
    plain = dataclasses.replace(oauth_office(), auth="auto", oauth_provider=None,
                                oauth_issuer=None, oauth_client_id=None)  # fmt: skip
    keyring.set_password(KEYRING_SERVICE, keyring_key(plain), "the mailbox password")
    save_accounts(profile, [plain])
    window = open_window()

    def to_oauth2(secret: str, dialog: Any) -> None:
        dialog.auth_combo.setCurrentIndex(dialog.auth_combo.findData("oauth2"))
        box = dialog.sign_in_box
        box.issuer_edit.setText("https://id.example.org")
        box.client_id_edit.setText("own-app")
        box.client_secret_edit.setText(secret)

    _edit_in_window(qtbot, window, "office", partial(to_oauth2, ""))
    qtbot.waitUntil(lambda: stored_password(plain) is None, timeout=TIMEOUT_MS)
    edited = load_settings(profile.settings_file).get("office")
    assert edited is not None and edited.auth == "oauth2"

    keyring.set_password(KEYRING_SERVICE, keyring_key(plain), "the mailbox password")
    save_accounts(profile, [plain])
    window.reload_accounts()
    _edit_in_window(qtbot, window, "office", partial(to_oauth2, "a new secret"))
    qtbot.waitUntil(lambda: stored_password(plain) == "a new secret", timeout=TIMEOUT_MS)
    keyring.delete_password(KEYRING_SERVICE, keyring_key(plain))
