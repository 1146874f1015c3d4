"""Deleting in the window: "Delete Permanently" in Trash, asked once, Undo after a move to Trash,
and the next message selected but never opened (nor marked read) behind the person's back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.layout_state import LayoutState
from popgui.gui.models import COL_SUBJECT
from popgui.gui.preferences import Preferences
from popgui.profile import Profile
from popgui.store.localmail import LocalMail

Opener = Callable[..., Any]


def subjects(window: Any) -> list[str]:
    model = window.message_model
    return [model.index(row, COL_SUBJECT).data() for row in range(model.rowCount())]


def row_about(window: Any, text: str) -> int:
    return next(row for row, subject in enumerate(subjects(window)) if text in subject)


def settle(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)


def select_folder(qtbot: QtBot, window: Any, name: str) -> None:
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        row = window.folder_model.row_of(name)
        window.folder_view.setCurrentIndex(window.folder_model.index(row, 0))


def open_row(qtbot: QtBot, window: Any, row: int) -> None:
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(row)


def selected_rows(window: Any) -> list[int]:
    return sorted(i.row() for i in window.message_table.selectionModel().selectedRows())


def activate(qtbot: QtBot, window: Any) -> None:
    """The window active again after a dialog closed (a window manager does that; offscreen
    Qt does not), so that its shortcuts work."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def press_delete(qtbot: QtBot, window: Any) -> None:
    activate(qtbot, window)
    window.message_table.setFocus()
    qtbot.keyClick(window.message_table, Qt.Key.Key_Delete)


def trash_some(qtbot: QtBot, window: Any, texts: list[str]) -> list[int]:
    """Move the messages about ``texts`` to Trash (as another program would), then show Trash."""
    ids = [window.message_model.message_at(row_about(window, text)).id for text in texts]
    window.mail.trash(ids)
    window.reload_accounts()
    settle(qtbot, window)
    select_folder(qtbot, window, "Trash")
    return ids


class Answer:
    """Answers the next modal message box: notes what it showed, ticks the check box if
    asked, and presses the button with ``button_text``."""

    def __init__(self, button_text: str, *, tick: bool = False) -> None:
        self.button_text = button_text
        self.tick = tick
        self.text = ""
        self.default = ""
        self.check_text: str | None = None
        QTimer.singleShot(0, self._answer)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, self._answer)
            return
        self.text = f"{box.text()} {box.informativeText()}"
        default = box.defaultButton()
        self.default = default.text().replace("&", "") if default is not None else ""
        check = box.checkBox()
        self.check_text = check.text() if check is not None else None
        if check is not None and self.tick:
            check.setChecked(True)
        for button in box.buttons():
            if button.text().replace("&", "") == self.button_text:
                button.click()
                return
        box.reject()


# -- the words ---------------------------------------------------------------------------------


def test_delete_says_delete_permanently_in_trash(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    delete = window.actions_by_name["delete"]
    assert delete.text().replace("&", "") == "Delete"
    assert "Trash" in delete.toolTip()
    trash_some(qtbot, window, ["Invoice INV-0042"])
    assert delete.text().replace("&", "") == "Delete Permanently"
    assert delete.toolTip().startswith("Delete the selected messages permanently")
    toolbar_button = window.toolbar.widgetForAction(delete)
    assert toolbar_button.text().replace("&", "") == "Delete Permanently"
    select_folder(qtbot, window, "INBOX")
    assert delete.text().replace("&", "") == "Delete"


# -- asking before a permanent delete ----------------------------------------------------------


def test_deleting_in_trash_asks_once_and_cancel_keeps_everything(
    qtbot: QtBot, profile: Profile, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    ids = trash_some(qtbot, window, ["Invoice INV-0042", "Welcome"])
    window.message_table.selectAll()
    asked = Answer("Cancel")
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: bool(asked.text), timeout=5000)
    assert "Permanently delete 2 messages?" in asked.text
    assert "cannot be undone" in asked.text
    assert asked.default == "Cancel"
    assert asked.check_text is not None and asked.check_text.replace("&", "") == "Don't ask again"
    settle(qtbot, window)
    assert all(window.mail.message(i) is not None for i in ids)
    assert window.message_model.rowCount() == 2

    asked = Answer("Delete Permanently", tick=True)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 0, timeout=5000)
    assert all(window.mail.message(i) is None for i in ids)
    assert not window.preferences.confirm_permanent_delete
    assert not Preferences.load(LayoutState(profile)).confirm_permanent_delete  # kept
    # the notice says it is for good, and offers no Undo
    assert "cannot be undone" in window.message_bar.label.text()
    assert window.message_bar.button_texts() == []
    assert not window.actions_by_name["undo_delete"].isEnabled()


def test_dont_ask_again_is_not_asked_again_and_preferences_turn_it_back_on(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.preferences = Preferences(confirm_permanent_delete=False)
    ids = trash_some(qtbot, window, ["Invoice INV-0042", "Welcome"])
    window.message_table.selectRow(row_about(window, "Welcome"))
    settle(qtbot, window)
    press_delete(qtbot, window)  # no question: it would block here
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=5000)
    assert window.mail.message(ids[1]) is None and window.mail.message(ids[0]) is not None

    dialog = window.show_preferences()
    check = dialog.confirm_delete_check
    assert check.text().replace("&", "") == "Ask before deleting messages permanently"
    assert not check.isChecked()
    check.setChecked(True)
    dialog.accept()
    assert window.preferences.confirm_permanent_delete
    window.message_table.selectRow(0)
    asked = Answer("Cancel")
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: bool(asked.text), timeout=5000)
    assert "Permanently delete 1 message?" in asked.text


# -- what is selected after a delete -----------------------------------------------------------


def test_after_a_delete_the_next_row_is_selected_but_not_opened_nor_read(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    row = row_about(window, "Invoice INV-0042")
    following = window.message_model.message_at(row + 1)
    assert not following.read
    open_row(qtbot, window, row)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    settle(qtbot, window)
    qtbot.wait(100)  # a page arriving late must not open it either
    assert selected_rows(window) == [row]
    assert window.message_model.message_at(row).id == following.id
    assert window.messages.shown_message_id is None
    hint = window.reader.findChild(QLabel, "readerPlaceholder")
    assert hint.isVisible() and hint.text() == "Press Enter to open the selected message"
    assert not window.mail.message(following.id).read
    assert not window.message_model.message_at(row).read
    assert window.actions_by_name["mark_read"].isEnabled()
    assert not window.actions_by_name["mark_unread"].isEnabled()

    # Del again deletes that one (the selection is there), still opening nothing
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 22, timeout=5000)
    settle(qtbot, window)
    assert window.mail.message(following.id).folder == "Trash"
    assert window.messages.shown_message_id is None

    # opening it the normal way (a click on the row) reads it
    now = window.message_model.message_at(row)
    rect = window.message_table.visualRect(window.message_model.index(row, COL_SUBJECT))
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        qtbot.mouseClick(
            window.message_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert window.messages.shown_message_id == now.id
    qtbot.waitUntil(lambda: window.mail.message(now.id).read, timeout=5000)


def test_enter_opens_the_row_left_selected_after_a_delete(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    open_row(qtbot, window, 0)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    settle(qtbot, window)
    message = window.message_model.message_at(0)
    assert window.messages.shown_message_id is None
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        qtbot.keyClick(window.message_table, Qt.Key.Key_Return)
    assert window.messages.shown_message_id == message.id


def test_a_permanent_delete_does_not_open_the_next_message_either(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.preferences = Preferences(confirm_permanent_delete=False)
    trash_some(qtbot, window, ["Invoice INV-0042", "Welcome", "Team trip"])
    assert not any(window.message_model.message_at(row).read for row in range(3))
    open_row(qtbot, window, 0)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 2, timeout=5000)
    settle(qtbot, window)
    assert selected_rows(window) == [0]
    assert window.messages.shown_message_id is None
    assert not window.message_model.message_at(0).read


# -- Undo ----------------------------------------------------------------------------------


def test_undo_in_the_message_bar_puts_the_message_back(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    row = row_about(window, "Invoice INV-0042")
    message = window.message_model.message_at(row)
    window.message_table.selectRow(row)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    assert window.message_bar.isVisible()
    assert window.message_bar.label.text() == "1 message moved to Trash."
    assert window.message_bar.button_texts() == ["Undo"]
    assert window.mail.message(message.id).folder == "Trash"
    window.message_bar.click("Undo")
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=5000)
    settle(qtbot, window)
    back = window.mail.message(message.id)
    assert back is not None and back.folder == "INBOX" and back.read  # it had been opened
    assert "Invoice INV-0042 for your web hosting" in subjects(window)
    assert not window.actions_by_name["undo_delete"].isEnabled()
    select_folder(qtbot, window, "Trash")
    assert window.message_model.rowCount() == 0


def test_ctrl_z_undoes_a_delete_of_several_messages_from_a_folder(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    delivered: list[Account],
    open_window: Opener,
) -> None:
    window = open_window()
    window.mail.create_folder(window.current_account(), "Receipts")
    first = window.message_model.message_at(row_about(window, "Invoice INV-0042"))
    second = window.message_model.message_at(row_about(window, "Votre facture"))
    window.mail.move([first.id, second.id], "Receipts")
    window.reload_accounts()
    settle(qtbot, window)
    select_folder(qtbot, window, "Receipts")
    moves: list[tuple[str, bool]] = []
    original = LocalMail.move

    def recording(mail: LocalMail, ids: Any, folder: str) -> None:
        moves.append((folder, threading.current_thread() is threading.main_thread()))
        original(mail, ids, folder)

    monkeypatch.setattr(LocalMail, "move", recording)
    window.message_table.selectAll()
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 0, timeout=5000)
    assert window.message_bar.label.text() == "2 messages moved to Trash."
    undo = window.actions_by_name["undo_delete"]
    assert undo.isEnabled() and undo.text().replace("&", "") == "Undo Delete"
    assert undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert edit.actions()[0] is undo
    qtbot.keyClick(window.message_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 2, timeout=5000)
    settle(qtbot, window)
    assert {window.mail.message(i).folder for i in (first.id, second.id)} == {"Receipts"}
    assert moves == [("Trash", False), ("Receipts", False)]  # never on the GUI thread
    assert not window.message_bar.isVisible()


def test_undo_is_offered_for_a_few_seconds_only(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.message_actions.undo.undo_ms = 300
    window.message_table.selectRow(0)
    settle(qtbot, window)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    undo = window.actions_by_name["undo_delete"]
    assert undo.isEnabled()
    qtbot.waitUntil(lambda: not undo.isEnabled(), timeout=5000)
    assert not window.message_bar.isVisible()
    qtbot.keyClick(window.message_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(200)
    settle(qtbot, window)
    assert window.message_model.rowCount() == 23


def test_an_error_shown_meanwhile_is_not_dismissed_by_the_undo_timer(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.message_actions.undo.undo_ms = 300
    window.message_table.selectRow(0)
    settle(qtbot, window)
    press_delete(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    window.message_bar.show_message("home: the server is down")
    qtbot.waitUntil(lambda: not window.actions_by_name["undo_delete"].isEnabled(), timeout=5000)
    assert window.message_bar.isVisible()
    assert window.message_bar.label.text() == "home: the server is down"


# -- View Source and Mark as Read/Unread (issue item 10) ---------------------------------------


def test_view_source_is_titled_with_the_subject(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    from popgui.gui.reader import SourceDialog

    window = open_window()
    open_row(qtbot, window, row_about(window, "Invoice INV-0042"))
    window.actions_by_name["view_source"].trigger()
    qtbot.waitUntil(lambda: bool(window.reader.findChildren(SourceDialog)), timeout=5000)
    dialog = window.reader.findChildren(SourceDialog)[0]
    assert dialog.windowTitle() == "Source of “Invoice INV-0042 for your web hosting”"
    dialog.close()


def test_mark_as_read_is_disabled_when_every_selected_message_is_read(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    mark_read = window.actions_by_name["mark_read"]
    mark_unread = window.actions_by_name["mark_unread"]
    open_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.message_model.message_at(0).read, timeout=5000)
    assert not mark_read.isEnabled() and mark_unread.isEnabled()
    # two unread rows selected (several rows open nothing)
    selection = window.message_table.selectionModel()
    selection.clearSelection()
    flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
    for row in (2, 3):
        selection.select(window.message_model.index(row, COL_SUBJECT), flags)
    assert mark_read.isEnabled() and not mark_unread.isEnabled()
    selection.select(window.message_model.index(0, COL_SUBJECT), flags)  # a read one too
    assert mark_read.isEnabled() and mark_unread.isEnabled()
    mark_read.trigger()
    qtbot.waitUntil(lambda: not mark_read.isEnabled(), timeout=5000)
    assert mark_unread.isEnabled()
    assert all(window.message_model.message_at(r).read for r in (0, 2, 3))
    window.message_table.selectRow(3)
    qtbot.mouseClick(
        window.message_table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(5, window.message_table.rowViewportPosition(3) + 3),
    )
    assert not mark_read.isEnabled() and mark_unread.isEnabled()
