"""The window's Get Mail, On server, certificate and password flows against a real Dovecot.

The ``dovecot`` fixture (tests/support/dovecot.py) runs a private Dovecot POP3 server on
loopback: clear text (with STLS) on ``plain_port``, implicit TLS on ``tls_port`` with a
certificate from the test CA, which the window does not know. Using the fixture marks these
tests ``dovecot``.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account, load_settings
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.certificate_dialog import CertificateDialog
from popgui.gui.models import COL_SUBJECT
from popgui.profile import Profile
from tests.gui.conftest import save_accounts
from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser

Opener = Callable[..., Any]
SYNC_TIMEOUT_MS = 30_000
COUNT = 8


def password_command(password: str) -> str:
    return shlex.join([sys.executable, "-c", f"print({password!r})"])


def deliver(dovecot: DovecotServer, user: MailUser, count: int, seed: int = 1) -> list[bytes]:
    messages = mixed_messages(count, seed)
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def dovecot_account(
    dovecot: DovecotServer, user: MailUser, *, security: str = "none", password: str = ""
) -> Account:
    return Account(
        name="dovecot",
        host="127.0.0.1",
        port=dovecot.tls_port if security == "tls" else dovecot.plain_port,
        security=security,  # type: ignore[arg-type]
        user=user.name,
        password_source="command",
        password_command=password_command(password or user.password),
    )


def subjects(window: Any) -> list[str]:
    model = window.message_model
    return [model.index(row, COL_SUBJECT).data() for row in range(model.rowCount())]


def press_f5(qtbot: QtBot, window: Any) -> None:
    qtbot.keyClick(window.message_table, Qt.Key.Key_F5)


def wait_for_rows(qtbot: QtBot, window: Any, count: int) -> None:
    qtbot.waitUntil(lambda: window.message_model.rowCount() == count, timeout=SYNC_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_busy("dovecot"), timeout=SYNC_TIMEOUT_MS)


def wait_for_error_bar(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(window.message_bar.isVisible, timeout=SYNC_TIMEOUT_MS)


def when_modal(kind: type[QWidget], act: Callable[[Any], None], seen: list[QWidget]) -> None:
    """Call ``act`` on the next modal dialog of this kind, once it is open."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, poll)


def open_on_server(qtbot: QtBot, window: Any) -> Any:
    view = window.on_server_view
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=SYNC_TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "preview",
    ) as blocker:
        window.show_on_server()
    assert blocker.args[0].error is None, blocker.args[0].error
    assert window.content_stack.currentWidget() is view
    return view


# -- Get Mail, then On server ---------------------------------------------------------------


def test_get_mail_then_on_server_shows_it_downloaded(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, COUNT)
    save_accounts(profile, [dovecot_account(dovecot, dovecot_user)])
    window = open_window()

    press_f5(qtbot, window)
    wait_for_rows(qtbot, window, COUNT)
    assert window.account_model.state("dovecot").kind == "new"
    assert window.account_model.state("dovecot").new == COUNT
    assert "Message n° 0 été" in subjects(window)
    assert not window.message_bar.isVisible()
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(0)  # a local message is selected...
    assert window.actions_by_name["delete"].isEnabled()

    view = open_on_server(qtbot, window)
    items = view.model.items()
    assert len(items) == COUNT
    assert all(item.downloaded for item in items)
    assert view.summary.text().endswith(", 0 not downloaded yet")
    assert not view.download_all_button.isEnabled()
    # ...but On server hides the list: Del must not trash a message nobody sees.
    for action in ("delete", "mark_read", "mark_unread", "move", "save_as"):
        assert not window.actions_by_name[action].isEnabled(), action
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert window.mail.count("dovecot", "INBOX") == COUNT
    assert window.count_label.text() == ""  # the view has its own summary
    # Asking the server (a preview job) leaves the account's "8 new" as it was.
    assert window.account_model.state("dovecot").new == COUNT

    # New mail arrives: On server lists it as new; Download All New fetches it.
    deliver(dovecot, dovecot_user, 2, seed=2)
    with qtbot.waitSignal(
        window.controller.finished, timeout=SYNC_TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "preview",
    ):  # fmt: skip
        view.refresh_button.click()
    assert sum(not item.downloaded for item in view.model.items()) == 2
    with qtbot.waitSignal(view.marked, timeout=SYNC_TIMEOUT_MS), qtbot.waitSignal(
        window.controller.finished, timeout=SYNC_TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "download",
    ) as blocker:  # fmt: skip
        view.download_all_button.click()
    assert blocker.args[0].error is None and blocker.args[0].result.downloaded == 2
    assert all(item.downloaded for item in view.model.items())  # read from the index
    assert len(view.model.items()) == COUNT + 2


# -- an unknown certificate: review, trust, then Get Mail works -----------------------------


def test_untrusted_certificate_is_reviewed_pinned_and_mail_arrives(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    test_pki: TestPKI,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, 3)
    save_accounts(profile, [dovecot_account(dovecot, dovecot_user, security="tls")])
    window = open_window()

    press_f5(qtbot, window)
    wait_for_error_bar(qtbot, window)
    assert window.message_bar.button_texts() == ["Review certificate…"]
    assert window.account_model.state("dovecot").kind == "error"
    assert window.message_model.rowCount() == 0

    expected = test_pki.fingerprint(test_pki.server_cert)
    shown: list[str] = []

    def trust(dialog: CertificateDialog) -> None:
        shown.append(dialog.fingerprint_label.text().replace("\n", ""))
        dialog.trust_button.click()

    dialogs: list[QWidget] = []
    when_modal(CertificateDialog, trust, dialogs)
    window.message_bar.click("Review certificate…")

    assert dialogs, "the certificate dialog did not open"
    assert shown == [expected]
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)  # the settings written
    pinned = load_settings(profile.settings_file).get("dovecot")
    assert pinned is not None and pinned.fingerprint == expected
    wait_for_rows(qtbot, window, 3)  # the pinned account syncs at once
    assert window.account_model.state("dovecot").kind == "new"
    assert not window.message_bar.isVisible()


# -- a wrong password: Edit account… fixes it -----------------------------------------------


def test_wrong_password_offers_edit_account_which_fixes_it(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    deliver(dovecot, dovecot_user, 2)
    wrong = dovecot_account(dovecot, dovecot_user, password="not the password")
    save_accounts(profile, [wrong])
    window = open_window()

    press_f5(qtbot, window)
    wait_for_error_bar(qtbot, window)
    assert window.message_bar.button_texts() == ["Edit account…"]
    assert window.message_bar.label.text().startswith("dovecot: ")
    assert window.account_model.state("dovecot").kind == "error"
    assert window.scheduler.is_suspended("dovecot")  # never retried in a loop

    def fix(dialog: AccountDialog) -> None:
        dialog.command_edit.setText(password_command(dovecot_user.password))
        dialog.ok_button.click()

    dialogs: list[QWidget] = []
    when_modal(AccountDialog, fix, dialogs)
    window.message_bar.click("Edit account…")

    assert dialogs, "the account dialog did not open"
    wait_for_rows(qtbot, window, 2)  # saved, then synced at once
    assert window.account_model.state("dovecot").kind == "new"
    assert not window.scheduler.is_suspended("dovecot")


# -- Test connection of an account with a password command ----------------------------------


def test_test_connection_runs_the_password_command_and_logs_in(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    account = dovecot_account(dovecot, dovecot_user)
    save_accounts(profile, [account])
    window = open_window()
    dialog = AccountDialog(window.controller, [], account=account, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()

    def test_report() -> Any:
        with qtbot.waitSignal(
            window.controller.finished, timeout=SYNC_TIMEOUT_MS,
            check_params_cb=lambda f: f.kind == "test",
        ) as blocker:  # fmt: skip
            dialog.test_button.click()
        return blocker.args[0].result

    report = test_report()
    assert report.error is None and report.login_ok is True
    assert "Connected and logged in." in dialog.report_view.toPlainText()

    dialog.command_edit.setText("echo oops >&2; exit 3")  # a broken password command
    report = test_report()
    assert report.error is None and report.login_ok is None  # the server was still tested
    assert report.capabilities
    assert any(note.startswith("The login was not tried: ") for note in map(str, report.notes))
    assert "exit status 3" in str(report.notes[-1])
    assert not any(note.startswith("No password given") for note in map(str, report.notes))
