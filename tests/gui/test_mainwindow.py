"""The main window with pytest-qt, on profiles filled by the engine from the local servers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account, load_settings
from popgui.errors import CertificateError, ConfigError, PopguiError
from popgui.gui import accounts_controller, getmail_controller, message_actions
from popgui.gui.models import COL_DATE, COL_SUBJECT, encode_message_ids
from popgui.gui.reader import read_source
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, sample_messages
from popgui.profile import Profile
from tests.gui.conftest import (
    MAIL_PASSWORD,
    MAIL_USER,
    account_for,
    mailbox_of,
    save_accounts,
)

Opener = Callable[..., Any]


def subjects(window: Any) -> list[str]:
    model = window.message_model
    return [model.index(row, COL_SUBJECT).data() for row in range(model.rowCount())]


def row_about(window: Any, text: str) -> int:
    for row, subject in enumerate(subjects(window)):
        if text in subject:
            return row
    raise AssertionError(f"no message about {text!r} in {subjects(window)}")


def open_row(qtbot: QtBot, window: Any, row: int) -> None:
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(row)


def select_folder(window: Any, name: str) -> None:
    window.folder_view.setCurrentIndex(
        window.folder_model.index(window.folder_model.row_of(name), 0)
    )


# -- opening --------------------------------------------------------------------------------


def test_opens_on_a_profile_with_two_accounts(
    two_accounts: list[Account], open_window: Opener
) -> None:
    window = open_window()
    model = window.account_model
    assert [model.account_at(row).name for row in range(model.rowCount())] == [
        "home",
        "old-school",
    ]
    assert window.current_account().name == "home"
    assert window.windowTitle() == "Inbox — home — popgui"
    assert window.message_model.rowCount() == 0  # nothing downloaded yet


def test_panes_show_delivered_mail(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    folders = [
        window.folder_model.index(r, 0).data() for r in range(window.folder_model.rowCount())
    ]
    assert folders[0].startswith("Inbox") and "Trash" in folders and folders[-1] == "On server"
    assert window.message_model.rowCount() == 24
    assert "Welcome to the popgui demo" in subjects(window)
    window.account_view.setCurrentIndex(window.account_model.index(1, 0))
    # The folders and the Inbox are read in the local mail thread.
    qtbot.waitUntil(lambda: window.windowTitle() == "Inbox — old-school — popgui", timeout=5000)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 8, timeout=5000)  # every third
    assert "24 messages" not in window.count_label.text()


# -- Get Mail --------------------------------------------------------------------------------


def test_f5_gets_mail_for_every_account(
    qtbot: QtBot, two_accounts: list[Account], open_window: Opener
) -> None:
    window = open_window()
    qtbot.keyClick(window.message_table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=15000)
    qtbot.waitUntil(lambda: window.account_model.state("old-school").kind == "new", timeout=15000)
    assert window.account_model.state("home").new == 24
    assert "24 new" in window.account_model.index(0, 0).data()
    assert not window.actions_by_name["stop"].isEnabled()


def test_wrong_password_offers_to_edit_the_account(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    wrong = account_for("home", pop3_server, password_command="echo not-the-password")
    save_accounts(profile, [wrong])
    window = open_window()
    window.get_mail()
    qtbot.waitUntil(lambda: window.message_bar.isVisible(), timeout=15000)
    assert window.message_bar.button_texts() == ["Edit account…"]
    assert window.message_bar.label.text().startswith("home: ")
    assert window.account_model.state("home").kind == "error"


def test_untrusted_certificate_is_pinned_after_review(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    two_accounts: list[Account],
    profile: Profile,
    open_window: Opener,
) -> None:
    window = open_window()
    fingerprint = ":".join(["ab"] * 32)
    error = CertificateError("the server's certificate is not trusted", fingerprint=fingerprint)
    asked: list[CertificateError] = []
    monkeypatch.setattr(
        getmail_controller, "ask_trust_certificate", lambda _parent, e: asked.append(e) or True
    )
    synced: list[Any] = []
    monkeypatch.setattr(window.controller, "sync", synced.append)
    window.show_account_error("home", error)
    assert window.message_bar.button_texts() == ["Review certificate…"]
    window.message_bar.click("Review certificate…")
    assert asked == [error]
    qtbot.waitUntil(lambda: bool(synced), timeout=5000)  # once the settings are written
    assert load_settings(profile.settings_file).get("home").fingerprint == fingerprint
    assert [a.fingerprint for a in synced[0]] == [fingerprint]


def test_a_settings_file_that_cannot_be_written_is_said_and_not_pretended(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    two_accounts: list[Account],
    profile: Profile,
    open_window: Opener,
) -> None:
    window = open_window()

    def read_only(*_args: Any) -> None:
        raise ConfigError("could not write the settings file: read-only file system")

    monkeypatch.setattr(accounts_controller, "save_settings", read_only)
    monkeypatch.setattr(getmail_controller, "ask_trust_certificate", lambda _parent, _e: True)
    synced: list[Any] = []
    monkeypatch.setattr(window.controller, "sync", synced.append)
    error = CertificateError("not trusted", fingerprint=":".join(["cd"] * 32))
    window.show_account_error("home", error)
    window.message_bar.click("Review certificate…")
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)
    assert "read-only file system" in window.message_bar.label.text()
    assert window.settings.get("home").fingerprint is None  # as the file has it
    assert synced == []  # no retry with a pin that was not saved


def test_quitting_mid_sync_stops_the_engine_cleanly(
    qtbot: QtBot, faults: Faults, two_accounts: list[Account], open_window: Opener
) -> None:
    faults.stall_on = "RETR"  # the server goes silent in the middle of the first message
    window = open_window()
    window.get_mail()
    qtbot.waitUntil(lambda: window.controller.is_busy("home"), timeout=5000)
    qtbot.wait(300)  # let it reach the stalled RETR
    thread = window.controller.worker_thread
    window.close()
    assert thread.isFinished() and not thread.isRunning()


# -- the list --------------------------------------------------------------------------------


def test_filter_narrows_the_list(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    qtbot.keySequence(window, QKeySequence.StandardKey.Find)
    assert window.filter_field.hasFocus()
    qtbot.keyClicks(window.filter_field, "invoice")
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=3000)
    assert subjects(window) == ["Invoice INV-0042 for your web hosting"]
    window.filter_field.clear()
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=3000)


def test_sorting_by_a_column_header(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    dates = [window.message_model.message_at(r).date for r in range(24)]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    # The rows in the new order are read in the local mail thread.
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        window.message_table.sortByColumn(COL_SUBJECT, Qt.SortOrder.AscendingOrder)
    shown = subjects(window)
    assert len(shown) == 24 and shown == sorted(shown, key=str.casefold)
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        window.message_table.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
    dates = [window.message_model.message_at(r).date for r in range(24)]
    assert dates == sorted(dates)
    header = window.message_table.horizontalHeader()
    x = header.sectionViewportPosition(COL_DATE) + header.sectionSize(COL_DATE) // 2
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # a click flips it
    dates = [window.message_model.message_at(r).date for r in range(24)]
    assert dates == sorted(dates, reverse=True)


def test_opening_a_message_shows_it_and_marks_it_read(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    row = row_about(window, "Invoice INV-0042")
    assert not window.message_model.message_at(row).read
    open_row(qtbot, window, row)
    assert "Your invoice INV-0042" in window.reader.browser.toPlainText()
    assert window.reader.header_labels["From"].text().startswith("Example Hosting Billing")
    assert [a.filename for a in window.reader.parsed.attachments] == ["INV-0042.pdf"]
    message = window.message_model.message_at(row)
    assert message.read and window.mail.message(message.id).read
    assert not window.message_model.index(row, COL_SUBJECT).data(Qt.ItemDataRole.FontRole).bold()
    assert window.folder_model.index(0, 0).data() == "Inbox  (23)"
    dialog = window.reader.view_source(Path(message.path), read_source(Path(message.path)))
    assert "Subject: Invoice INV-0042" in dialog.text.toPlainText()
    dialog.close()


def test_making_a_row_current_does_not_mark_it_read(
    delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    assert window.message_table.currentIndex().row() == 0
    assert not window.message_model.message_at(0).read


# -- local actions ---------------------------------------------------------------------------


def test_delete_moves_to_trash_and_move_to_a_folder(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.mail.create_folder(window.current_account(), "Receipts")
    window.reload_accounts()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Receipts") >= 0, timeout=5000)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=5000)
    row = row_about(window, "Invoice INV-0042")
    window.message_table.selectRow(row)
    qtbot.keyClick(window.message_table, Qt.Key.Key_Delete)
    # Moving to Trash runs in the local mail thread; the list shows the result after.
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    assert "Invoice INV-0042 for your web hosting" not in subjects(window)
    # drop a row on the Receipts folder, as a drag from the list would
    message = window.message_model.message_at(row_about(window, "Votre facture"))
    target = window.folder_model.index(window.folder_model.row_of("Receipts"), 0)
    mime = encode_message_ids([message.id])
    assert window.folder_model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    window.folder_model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 22, timeout=5000)
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        select_folder(window, "Trash")
    assert subjects(window) == ["Invoice INV-0042 for your web hosting"]
    assert window.windowTitle() == "Trash — home — popgui"
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        select_folder(window, "Receipts")
    assert subjects(window) == ["Votre facture n° 2024-117"]


def test_deleting_the_shown_folder_shows_the_inbox(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.mail.create_folder(window.current_account(), "Old")
    window.reload_accounts()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Old") >= 0, timeout=5000)
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        select_folder(window, "Old")
    assert window.message_model.rowCount() == 0
    monkeypatch.setattr(
        accounts_controller.QMessageBox, "question",
        lambda *args, **kwargs: accounts_controller.QMessageBox.StandardButton.Yes,
    )  # fmt: skip
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        window.actions_by_name["delete_folder"].trigger()
    assert window.folder_model.row_of("Old") < 0
    assert window.windowTitle() == "Inbox — home — popgui"
    assert window.message_model.rowCount() == 24


def test_new_mail_shows_even_when_the_index_reader_fails(
    qtbot: QtBot, delivered: list[Account], profile: Profile, open_window: Opener
) -> None:
    """A failed background read is done again in the local mail thread, not given up."""
    window = open_window()
    open_row(qtbot, window, row_about(window, "Welcome"))
    opened = window.messages.shown_message_id

    def broken() -> Any:
        raise PopguiError("the index reader's connection is gone")

    window.index_reader._opener = broken
    window.mail.trash([window.message_model.message_at(row_about(window, "Invoice")).id])
    window.controller.delivered.emit("home")  # the list is read again
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    assert "Invoice INV-0042 for your web hosting" not in subjects(window)
    assert window.messages.shown_message_id == opened  # the open message stays open
    assert not window.message_bar.isVisible()


def test_mark_unread_and_read_again(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    open_row(qtbot, window, 0)
    assert window.message_model.message_at(0).read
    message_id = window.message_model.message_at(0).id
    # Marking runs in the local mail thread; the row shows the new state after.
    window.actions_by_name["mark_unread"].trigger()
    qtbot.waitUntil(lambda: not window.message_model.message_at(0).read, timeout=5000)
    assert not window.mail.message(message_id).read
    window.actions_by_name["mark_read"].trigger()
    qtbot.waitUntil(lambda: window.message_model.message_at(0).read, timeout=5000)
    assert window.mail.message(message_id).read


def test_save_as_eml(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    delivered: list[Account],
    open_window: Opener,
) -> None:
    window = open_window()
    open_row(qtbot, window, row_about(window, "Welcome"))
    target = tmp_path / "saved.eml"
    monkeypatch.setattr(
        message_actions.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "")
    )
    window.actions_by_name["save_as"].trigger()
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)  # saved in its thread
    assert b"Subject: Welcome to the popgui demo" in target.read_bytes()


# -- layout memory ---------------------------------------------------------------------------


def test_layout_is_remembered_across_windows(delivered: list[Account], open_window: Opener) -> None:
    first = open_window()
    first.resize(760, 540)  # within the offscreen screen (800x600)
    first.main_splitter.setSizes([230, 530])
    first.message_table.horizontalHeader().resizeSection(COL_DATE, 171)
    first.message_table.sortByColumn(COL_SUBJECT, Qt.SortOrder.AscendingOrder)
    first.actions_by_name["reading_pane"].setChecked(False)
    first.close()

    second = open_window()
    assert (second.width(), second.height()) == (760, 540)
    assert second.main_splitter.sizes()[0] == 230
    header = second.message_table.horizontalHeader()
    assert header.sectionSize(COL_DATE) == 171
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_SUBJECT,
        Qt.SortOrder.AscendingOrder,
    )
    assert second.message_model.sort_column == COL_SUBJECT
    assert not second.actions_by_name["reading_pane"].isChecked()
    assert not second.reader.isVisible()


def test_every_action_has_a_shortcut(two_accounts: list[Account], open_window: Opener) -> None:
    window = open_window()
    missing = [name for name, a in window.actions_by_name.items() if a.shortcut().isEmpty()]
    assert missing == []
    keys = [a.shortcut().toString() for a in window.actions_by_name.values()]
    assert len(keys) == len(set(keys)), "two actions share a shortcut"


def test_login_delay_says_when_it_will_retry(
    qtbot: QtBot, profile: Profile, open_window: Opener
) -> None:
    box = mailbox_of(sample_messages()[:3])
    server_account = ServerAccount(MAIL_USER, MAIL_PASSWORD, box)
    with LocalPOP3Server([server_account], login_delay=600) as server:
        save_accounts(profile, [account_for("home", server, check_interval_minutes=15)])
        window = open_window()
        window.get_mail()
        qtbot.waitUntil(lambda: window.account_model.state("home").kind == "new", timeout=15000)
        window.get_mail()  # at once: the server refuses with [LOGIN-DELAY]
        qtbot.waitUntil(lambda: window.message_bar.isVisible(), timeout=15000)
    text = window.message_bar.label.text()
    when = window.scheduler.next_check("home")
    assert when is not None
    assert f"will retry at {when:%H:%M}" in text, text
    assert window.account_model.state("home").kind == "retry"
    assert "Edit account…" not in window.message_bar.button_texts()


def test_on_server_folder_shows_what_waits_on_the_server(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    on_server = window.folder_model.index(window.folder_model.on_server_row, 0)
    window.folder_view.setCurrentIndex(on_server)
    assert window.content_stack.currentWidget() is window.on_server_view
    assert window.on_server_view.account is not None
    assert window.on_server_view.account.name == "home"
    view_model = window.on_server_view.model
    qtbot.waitUntil(lambda: view_model.rowCount() == 24, timeout=15000)
    select_folder(window, "INBOX")
    assert window.content_stack.currentWidget() is not window.on_server_view


def test_renumbered_server_is_asked_about_before_anything_is_fetched_again(
    qtbot: QtBot,
    delivered: list[Account],
    pop3_server: LocalPOP3Server,
    open_window: Opener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The migration guard's question in the window: nothing twice, even after 'Yes'."""
    mailbox = pop3_server.accounts[MAIL_USER].mailbox
    contents = mailbox.contents()
    mailbox.clear()
    for content in contents:  # the same mail under new identities, as after a migration
        mailbox.add(content)
    window = open_window()
    window.get_mail()
    qtbot.waitUntil(lambda: window.message_bar.button_texts() == ["Review…"], timeout=15000)
    assert "renumbered" in window.message_bar.label.text()
    assert window.message_model.rowCount() == 24, "nothing downloaded while asking"

    monkeypatch.setattr(
        getmail_controller.QMessageBox, "question",
        lambda *args, **kwargs: getmail_controller.QMessageBox.StandardButton.Yes,
    )  # fmt: skip

    def about_home(job: Any) -> bool:
        return bool(job.account == "home" and job.kind == "sync")

    with qtbot.waitSignal(
        window.controller.finished, timeout=15000, check_params_cb=about_home
    ) as accepted:
        window.message_bar.click("Review…")
    assert accepted.args[0].error is None
    assert accepted.args[0].result.recovered == 24
    assert accepted.args[0].result.downloaded == 0
    assert window.message_model.rowCount() == 24, "already-downloaded mail recognised"
    with qtbot.waitSignal(
        window.controller.finished, timeout=15000, check_params_cb=about_home
    ) as again:
        window.get_mail()
    assert again.args[0].error is None, "the new numbering is now the known one"
