"""The account dialog on its own, for tests of its tabs: a stand-in for EngineController
with a real profile (the dialog reads the profile; a test that needs Test connection or the
keyring writes uses tests/gui/test_account_dialog.py's recording controller instead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.account_dialog import AccountDialog
from popgui.profile import Profile


class Controller(QObject):
    """What the dialog needs of EngineController, with a real profile."""

    finished = Signal(object)

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def test_connection(
        self,
        account: Account,
        password: str | None,
        *,
        proxy_password: str | None = None,
        client_key_passphrase: str | None = None,
    ) -> None:
        raise AssertionError("not used here")

    def store_password(self, account: Account, password: str) -> None:
        raise AssertionError("not used here")


def open_dialog(qtbot: QtBot, profile: Profile, account: Account | None = None) -> AccountDialog:
    """The dialog for a new account (or *account*), shown."""
    dialog = AccountDialog(Controller(profile), [], account)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def add_through_window(
    qtbot: QtBot, window: Any, name: str, act: Callable[[AccountDialog], None], timeout_ms: int
) -> Any:
    """Add Account in the window, the dialog filled (and accepted) by *act*; returns the
    JobFinished of the Get Mail that follows for the account *name*."""
    from tests.gui.test_dovecot_window import when_modal

    dialogs: list[QWidget] = []
    when_modal(AccountDialog, act, dialogs)
    finished = sync_finished(qtbot, window, name, window.actions_by_name["add_account"].trigger,
                             timeout_ms)  # fmt: skip
    assert dialogs, "the account dialog did not open"
    return finished


def sync_finished(
    qtbot: QtBot, window: Any, name: str, start: Callable[[], object], timeout_ms: int
) -> Any:
    """Call *start* (Get Mail, Add Account...) and return the JobFinished of the sync of the
    account *name* that it sets off."""
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=timeout_ms,
        check_params_cb=lambda f: f.kind == "sync" and f.account == name,
    ) as blocker:
        start()
    return blocker.args[0]


def run_connection_test(qtbot: QtBot, dialog: AccountDialog, timeout_ms: int) -> Any:
    """Press Test connection in *dialog* and wait until its report is in and the button is
    back; returns the ConnectionReport."""
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=timeout_ms)
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=timeout_ms)
    return dialog.report
