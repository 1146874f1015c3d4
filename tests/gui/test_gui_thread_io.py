"""The window never waits on the disk or the database: its file and SQLite work runs elsewhere.

Every store function the window's actions call, and every use of a SQLite connection, records
the thread it ran in; none may be the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account, load_settings
from popgui.gui import accounts_controller
from popgui.gui.models import COL_SUBJECT
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import LocalMail

Opener = Callable[..., Any]

#: What the window's actions ask of the store (each changes or reads files, or the index).
STORE_CALLS = (
    "folders", "message", "set_read", "move", "trash", "save_eml", "create_folder",
    "rename_folder", "delete_folder", "count", "page",
)  # fmt: skip


@pytest.fixture
def threads_used(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """``(what, on the GUI thread)`` for each store call and each use of a connection."""
    seen: list[tuple[str, bool]] = []

    def spy(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def recording(*args: Any, **kwargs: Any) -> Any:
            seen.append((name, threading.current_thread() is threading.main_thread()))
            return original(*args, **kwargs)

        return recording

    for name in STORE_CALLS:
        monkeypatch.setattr(LocalMail, name, spy(name, getattr(LocalMail, name)))
    monkeypatch.setattr(Database, "_errors", spy("sqlite", Database._errors))
    saving = spy("save_settings", accounts_controller.save_settings)
    monkeypatch.setattr(accounts_controller, "save_settings", saving)
    return seen


def _subjects(window: Any) -> list[str]:
    model = window.message_model
    return [model.index(row, COL_SUBJECT).data() for row in range(model.rowCount())]


def _settle(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)


def _select_folder(qtbot: QtBot, window: Any, name: str) -> None:
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        row = window.folder_model.row_of(name)
        window.folder_view.setCurrentIndex(window.folder_model.index(row, 0))


def test_local_actions_run_off_the_gui_thread(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    profile: Profile,
    delivered: list[Account],
    open_window: Opener,
    threads_used: list[tuple[str, bool]],
) -> None:
    window = open_window()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    threads_used.clear()  # from here on, only what the actions do

    row = next(r for r, s in enumerate(_subjects(window)) if "Invoice INV-0042" in s)
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(row)  # opening marks read
    window.actions_by_name["mark_unread"].trigger()
    _settle(qtbot, window)
    target = tmp_path / "saved.eml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.actions_by_name["save_as"].trigger()
    _settle(qtbot, window)
    assert b"Subject: Invoice INV-0042" in target.read_bytes()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Receipts", True))
    window.actions_by_name["new_folder"].trigger()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Receipts") >= 0, timeout=5000)
    window.message_actions.move_messages([window.message_model.message_at(0).id], "Receipts")
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    window.message_table.selectRow(0)
    qtbot.keyClick(window.message_table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 22, timeout=5000)
    _select_folder(qtbot, window, "Receipts")
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Bills", True))
    window.actions_by_name["rename_folder"].trigger()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Bills") >= 0, timeout=5000)
    _select_folder(qtbot, window, "Bills")
    window.actions_by_name["delete_folder"].trigger()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Bills") < 0, timeout=5000)
    window.filter_field.setText("team trip")
    qtbot.waitUntil(lambda: 0 < window.message_model.rowCount() < 20, timeout=5000)
    assert all("Team trip" in subject for subject in _subjects(window))
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(1)
    everything = list(threads_used)
    threads_used.clear()
    window.actions_by_name["view_source"].trigger()  # last: its window takes the focus
    qtbot.waitUntil(lambda: any(name == "message" for name, _ in threads_used), timeout=5000)
    window.filter_field.clear()
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 22, timeout=5000)
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        window.message_table.sortByColumn(COL_SUBJECT, Qt.SortOrder.AscendingOrder)
    window.account_view.setCurrentIndex(window.account_model.index(1, 0))
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 8, timeout=5000)
    window.actions_by_name["remove_account"].trigger()
    _settle(qtbot, window)
    assert load_settings(profile.settings_file).names() == ["home"]

    done = {name for name, _ in everything + threads_used}
    assert done >= {*STORE_CALLS, "sqlite", "save_settings"}, "an action was not exercised"
    on_gui_thread = sorted({name for name, on_gui in everything + threads_used if on_gui})
    assert on_gui_thread == [], f"done on the GUI thread: {on_gui_thread}"
