"""The window by keyboard: Tab between panes, keys that move by message, Space to read on,
Esc in the filter, and focus back in the list after dialogs and actions.

Every step is a key press on the real widgets (``qtbot.keyClick`` on the focused widget).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.errors import CredentialsError
from popgui.gui import account_dialog
from tests.gui.test_mainwindow import open_row, row_about

Opener = Callable[..., Any]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key pressed where the keyboard focus is, as a person would."""
    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)
    if modifier != Qt.KeyboardModifier.NoModifier:
        # QTest releases the modifier with the modifier still down in the event, and the
        # application keeps it as held: a later selectRow() would then toggle, not select.
        qtbot.keyRelease(focused() or widget, Qt.Key.Key_Control)
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def selected_rows(window: Any) -> list[int]:
    return sorted(index.row() for index in window.message_table.selectionModel().selectedRows())


def shown_row(window: Any) -> int:
    shown = window.messages.shown_message_id
    return -1 if shown is None else window.message_model.row_of(shown)


def wait_shown(qtbot: QtBot, window: Any, row: int) -> None:
    """The reading pane shows the message of ``row`` (opened, parsed and on screen)."""
    message = window.message_model.message_at(row)
    qtbot.waitUntil(lambda: window.messages.shown_message_id == message.id, timeout=5000)
    qtbot.waitUntil(lambda: window.reader.path is not None, timeout=5000)
    qtbot.waitUntil(lambda: message.subject.split()[0] in window.reader.subject_label.text(),
                    timeout=5000)  # fmt: skip


@pytest.fixture
def window(qtbot: QtBot, delivered: list[Account], open_window: Opener) -> Any:
    opened = open_window()
    opened.resize(1280, 800)
    qtbot.waitUntil(lambda: opened.message_model.rowCount() == 24, timeout=5000)
    return opened


# -- Tab between the panes -------------------------------------------------------------------


def test_tab_moves_between_the_panes_not_the_cells(qtbot: QtBot, window: Any) -> None:
    row = row_about(window, "Re: T")
    open_row(qtbot, window, row)
    shown = window.messages.shown_message_id
    window.account_view.setFocus()
    order = [window.folder_view, window.message_table, window.reader.browser,
             window.filter_field, window.account_view]  # fmt: skip
    for expected in order:
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is expected, f"Tab went to {focused()!r}, not {expected!r}"
    for expected in reversed(order[:-1]):
        press(qtbot, Qt.Key.Key_Backtab)
        assert focused() is expected, f"Shift+Tab went to {focused()!r}, not {expected!r}"
    # Tab through the list neither walked its cells nor opened another message.
    assert selected_rows(window) == [row]
    assert window.messages.shown_message_id == shown


def test_the_reading_pane_scrolls_by_keyboard(qtbot: QtBot, window: Any) -> None:
    window.reading_splitter.setSizes([600, 100])  # a short pane: the message is longer
    open_row(qtbot, window, row_about(window, "Invoice INV-0042"))
    window.message_table.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.reader.browser
    bar = window.reader.browser.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    press(qtbot, Qt.Key.Key_PageDown)
    assert bar.value() > 0


# -- keys that move by message ---------------------------------------------------------------


def test_home_end_and_pages_select_the_message_they_move_to(qtbot: QtBot, window: Any) -> None:
    last = window.message_model.rowCount() - 1
    open_row(qtbot, window, 5)
    window.message_table.setFocus()
    steps = [
        (Qt.Key.Key_Home, Qt.KeyboardModifier.NoModifier, lambda: 0),
        (Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier, lambda: last),
        (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier, lambda: None),
        (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier, lambda: 0),
        (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier, lambda: None),
        (Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier, lambda: last),
    ]
    for key, modifier, where in steps:
        before = window.message_table.currentIndex().row()
        press(qtbot, key, modifier)
        current = window.message_table.currentIndex().row()
        expected = where()
        if expected is not None:
            assert current == expected, f"{key!r} {modifier!r} went to row {current}"
        else:
            assert current != before, f"{key!r} did not move"
        # The current message is the selected one, and the one the reading pane shows.
        assert selected_rows(window) == [current], f"{key!r} {modifier!r}"
        wait_shown(qtbot, window, current)
    assert focused() is window.message_table


def test_the_reading_pane_empties_when_its_message_is_deselected(qtbot: QtBot, window: Any) -> None:
    open_row(qtbot, window, 3)
    window.message_table.setFocus()
    press(qtbot, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)  # Qt's toggle
    assert selected_rows(window) == []
    assert window.messages.shown_message_id is None
    assert window.reader.path is None  # "No message selected", not a message unhighlighted


# -- Space reads on ---------------------------------------------------------------------------


def test_space_pages_through_the_message_then_opens_the_next_unread(
    qtbot: QtBot, window: Any
) -> None:
    window.reading_splitter.setSizes([600, 100])  # a short pane: the message is longer
    invoice = row_about(window, "Invoice INV-0042")
    assert invoice + 2 < window.message_model.rowCount()
    open_row(qtbot, window, invoice + 1)  # read already: Space must skip it
    open_row(qtbot, window, invoice)
    wait_shown(qtbot, window, invoice)
    window.message_table.setFocus()
    bar = window.reader.browser.verticalScrollBar()
    assert bar.maximum() > 0
    press(qtbot, Qt.Key.Key_Space)
    assert bar.value() > 0 and window.messages.shown_message_id is not None
    assert shown_row(window) == invoice  # paged down, still the same message
    press(qtbot, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == 0  # Shift+Space pages back up
    for _ in range(50):
        if bar.value() >= bar.maximum():
            break
        press(qtbot, Qt.Key.Key_Space)
    assert bar.value() == bar.maximum() and shown_row(window) == invoice
    press(qtbot, Qt.Key.Key_Space)  # at the end: the next unread message
    assert selected_rows(window) == [invoice + 2]
    wait_shown(qtbot, window, invoice + 2)
    assert focused() is window.message_table


def test_space_in_the_reading_pane_reads_on_too(qtbot: QtBot, window: Any) -> None:
    open_row(qtbot, window, 0)
    wait_shown(qtbot, window, 0)
    window.reader.browser.setFocus()
    bar = window.reader.browser.verticalScrollBar()
    for _ in range(50):
        if bar.value() >= bar.maximum():
            break
        press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Space)
    assert selected_rows(window) == [1]
    wait_shown(qtbot, window, 1)


# -- Esc in the filter ------------------------------------------------------------------------


def test_escape_clears_the_filter_then_goes_back_to_the_list(qtbot: QtBot, window: Any) -> None:
    window.message_table.setFocus()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.filter_field
    qtbot.keyClicks(window.filter_field, "invoice")
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=3000)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.filter_field.text() == ""
    assert focused() is window.filter_field
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=3000)
    press(qtbot, Qt.Key.Key_Escape)
    assert focused() is window.message_table


# -- focus back in the list -------------------------------------------------------------------


class AcceptingDialog:
    """The account dialog, answered OK with the account it was given (or a new one)."""

    new_account: Account | None = None

    def __init__(self, _controller: object, _names: object, account: Account | None,
                 parent: object = None, **_options: object) -> None:  # fmt: skip
        self._account = account or self.new_account
        self.sign_in_box = SimpleNamespace(signed_in=None)
        self.first_sync = SimpleNamespace(pending_for=lambda _account: None)  # nothing to import
        # No destination password, no destination sign-in.
        self.deliver = SimpleNamespace(
            typed_password=lambda: None, oauth=SimpleNamespace(box=SimpleNamespace(signed_in=None))
        )
        # No proxy password, no client key passphrase typed.
        self.proxy = SimpleNamespace(typed_password=lambda: None)
        self.client_cert = SimpleNamespace(typed_passphrase=lambda: None)

    def exec(self) -> int:
        return 1

    def account(self) -> Account | None:
        return self._account

    def password(self) -> str | None:
        return None


def test_focus_is_back_in_the_list_after_fixing_an_account_from_the_bar(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: Any
) -> None:
    monkeypatch.setattr(account_dialog, "AccountDialog", AcceptingDialog)
    synced: list[Any] = []
    monkeypatch.setattr(window.controller, "sync", synced.append)
    window.show_account_error("home", CredentialsError("the server refused the password"))
    button = next(b for b in window.message_bar.findChildren(QPushButton)
                  if b.text() == "Edit account…")  # fmt: skip
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a click gives the button the focus
    qtbot.waitUntil(lambda: bool(synced), timeout=5000)  # saved, then checked again
    assert window.focusWidget() is window.message_table


def test_focus_is_back_in_the_list_after_saving_an_account(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: Any
) -> None:
    home = window.settings.get("home")
    monkeypatch.setattr(AcceptingDialog, "new_account", replace(home, name="third"))
    monkeypatch.setattr(account_dialog, "AccountDialog", AcceptingDialog)
    synced: list[Any] = []
    monkeypatch.setattr(window.controller, "sync", synced.append)
    window.account_view.setFocus()
    press(
        qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: bool(synced), timeout=5000)
    assert window.settings.get("third") is not None
    assert window.focusWidget() is window.message_table


def test_focus_is_back_in_the_list_after_view_source(qtbot: QtBot, window: Any) -> None:
    open_row(qtbot, window, 2)
    wait_shown(qtbot, window, 2)
    window.reader.browser.setFocus()
    dialogs: list[Any] = []
    original = window.reader.view_source
    window.reader.view_source = lambda *args: dialogs.append(original(*args)) or dialogs[-1]
    press(qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    qtbot.keyClick(dialogs[0].text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialogs[0].isVisible(), timeout=3000)
    assert window.focusWidget() is window.message_table


def test_focus_is_back_in_the_server_list_after_deleting_there(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: Any
) -> None:
    window.show_on_server()
    view = window.on_server_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 24, timeout=15000)
    monkeypatch.setattr(view, "confirm_delete", lambda *_args: True)
    view.table.selectRow(0)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 23, timeout=15000)
    qtbot.waitUntil(lambda: view.refresh_button.isEnabled(), timeout=15000)
    assert window.focusWidget() is view.table


def test_the_server_list_selects_rows_and_tab_leaves_it(qtbot: QtBot, window: Any) -> None:
    window.show_on_server()
    view = window.on_server_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 24, timeout=15000)
    view.table.selectRow(2)
    view.table.setFocus()
    press(qtbot, Qt.Key.Key_Home)
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [0]
    press(qtbot, Qt.Key.Key_End)
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [23]
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not view.table
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [23]
    # The filter is the message list's, hidden with it: Ctrl+F says so by being disabled.
    assert not window.filter_field.isVisible()
    assert not window.actions_by_name["find"].isEnabled()
    window.folder_view.setCurrentIndex(window.folder_model.index(0, 0))
    assert window.actions_by_name["find"].isEnabled()
