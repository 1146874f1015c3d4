"""The window never waits on the disk or the database: its file and SQLite work runs elsewhere.

Every store function the window's actions call, every use of a SQLite connection, and every
read of a message file (the reading pane's, View Source's) records the thread it ran in; none
may be the GUI thread. That holds for paging down a long folder too.
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
from popgui.gui import accounts_controller, listing, message_actions, message_list, models, reader
from popgui.gui.listing import ListContents, ListQuery
from popgui.gui.models import COL_SUBJECT, MessageTableModel
from popgui.gui.reader import SourceDialog
from popgui.profile import Profile
from popgui.store.database import Database, IndexedMessage, IndexFields
from popgui.store.localmail import LocalMail, MessageRow

Opener = Callable[..., Any]

#: What the window's actions ask of the store (each changes or reads files, or the index).
STORE_CALLS = (
    "folders", "message", "set_read", "move", "trash", "untrash", "save_eml", "create_folder",
    "rename_folder", "delete_folder", "count", "page",
)  # fmt: skip
#: The message file reads (the reading pane's, View Source's) and the attachment writes.
FILE_READS = (
    (reader, "read_message_file"), (message_actions, "read_source"), (reader, "write_attachment"),
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
    for module, name in FILE_READS:
        monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
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
    attachment = tmp_path / "invoice.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(attachment), ""))
    window.reader.ask_save_attachment(0)
    _settle(qtbot, window)
    assert attachment.read_bytes() == window.reader.parsed.attachments[0].data
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
    window.actions_by_name["undo_delete"].trigger()  # back from Trash, then deleted again
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 23, timeout=5000)
    _settle(qtbot, window)
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
    qtbot.waitUntil(lambda: bool(window.reader.findChildren(SourceDialog)), timeout=5000)
    source = window.reader.findChildren(SourceDialog)[0].text.toPlainText()
    assert "Team trip" in source and "Subject:" in source
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
    reads = {name for _module, name in FILE_READS}
    assert done >= {*STORE_CALLS, "sqlite", "save_settings", *reads}, "not exercised"
    on_gui_thread = sorted({name for name, on_gui in everything + threads_used if on_gui})
    assert on_gui_thread == [], f"done on the GUI thread: {on_gui_thread}"


SMALL_PAGE = 50
LONG_FOLDER = 2_000


def _fill_inbox(profile: Profile, account: str, rows: int) -> None:
    """``rows`` more index rows in ``account``'s Inbox (no files: the list reads the index)."""
    with Database(profile.database_file) as database:
        database.conn.execute("BEGIN")
        database.conn.executemany(
            "INSERT INTO messages (account, folder, path, from_addr, subject, date, size, flags) "
            "VALUES (?, 'INBOX', ?, 'Sender <s@example.org>', ?, ?, 100, 'S')",
            ((account, f"/nowhere/{n}", f"Old {n}", 1_000_000_000.0 + n) for n in range(rows)),
        )
        database.conn.execute("COMMIT")


def test_scrolling_a_long_folder_reads_every_page_off_the_gui_thread(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    profile: Profile,
    delivered: list[Account],
    open_window: Opener,
    threads_used: list[tuple[str, bool]],
) -> None:
    for module in (listing, models, message_list):
        monkeypatch.setattr(module, "PAGE_SIZE", SMALL_PAGE)
    monkeypatch.setattr(models, "MAX_CACHED_PAGES", 4)  # scrolling drops pages too
    _fill_inbox(profile, delivered[0].name, LONG_FOLDER)
    window = open_window()
    model, table = window.message_model, window.message_table
    total = model.rowCount()
    assert total == LONG_FOLDER + 24
    threads_used.clear()

    table.scrollToBottom()  # End: the last page is read, none between
    qtbot.waitUntil(lambda: model.cached_message(total - 1) is not None, timeout=5000)
    assert model.index(total - 1, COL_SUBJECT).data() == "Old 0"  # the oldest, last
    assert sum(name == "page" for name, _ in threads_used) <= 2
    ids: set[int] = set()
    for first in range(0, total, SMALL_PAGE):  # down the folder, page by page, as a view does
        table.scrollTo(model.index(first, COL_SUBJECT), table.ScrollHint.PositionAtTop)
        qtbot.waitUntil(lambda row=first: model.cached_message(row) is not None, timeout=5000)
        for row in range(first, min(first + SMALL_PAGE, total)):
            message = model.cached_message(row)
            assert message is not None, row
            ids.add(message.id)
    assert len(ids) == total, "a row was never read"
    assert {name for name, _ in threads_used} >= {"page"}
    on_gui_thread = sorted({name for name, on_gui in threads_used if on_gui})
    assert on_gui_thread == [], f"done on the GUI thread: {on_gui_thread}"


def _add_unread(profile: Profile, account: Account, rows: int) -> None:
    """``rows`` unread messages (real files) older than the delivered mail, in the Inbox."""
    folder = account.maildir_path(profile) / "cur"
    indexed = []
    for n in range(rows):
        path = folder / f"1000000000.G{n:06d}.test:2,"
        path.write_bytes(f"From: s@example.org\nSubject: Old {n}\n\nHi\n".encode())
        fields = IndexFields(from_addr="s@example.org", subject=f"Old {n}", date=1e9 + n, size=40)
        indexed.append(IndexedMessage(str(path), fields, f"{n:032x}", f"old{n}", ""))
    with Database(profile.database_file) as database:
        database.index_messages(account.name, "INBOX", indexed)


def test_a_selection_of_rows_never_read_is_acted_on_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    profile: Profile,
    delivered: list[Account],
    open_window: Opener,
) -> None:
    """Select All in a long folder selects rows whose page the list never read: all count."""
    for module in (listing, models, message_list):
        monkeypatch.setattr(module, "PAGE_SIZE", SMALL_PAGE)
    monkeypatch.setattr(models, "MAX_CACHED_PAGES", 4)
    _add_unread(profile, delivered[0], 10 * SMALL_PAGE)
    window = open_window()
    model, table = window.message_model, window.message_table
    assert model.rowCount() == 10 * SMALL_PAGE + 24
    table.selectAll()
    assert len(window.messages.selection()[1]) > 5 * SMALL_PAGE  # most never read
    window.actions_by_name["mark_read"].trigger()
    _settle(qtbot, window)
    assert window.folder_model.folders()[0].unread == 0

    window.mail.create_folder(window.current_account(), "Old")
    window.reload_accounts()
    qtbot.waitUntil(lambda: window.folder_model.row_of("Old") >= 0, timeout=5000)
    qtbot.waitUntil(lambda: model.rowCount() == 10 * SMALL_PAGE + 24, timeout=5000)
    table.selectAll()
    mime = model.mimeData(table.selectionModel().selectedIndexes())  # as a drag takes it
    target = window.folder_model.index(window.folder_model.row_of("Old"), 0)
    window.folder_model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=10000)
    old = window.folder_model.folders()[window.folder_model.row_of("Old")]
    assert old.total == 10 * SMALL_PAGE + 24


def test_a_selection_the_list_no_longer_matches_is_left_alone(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    profile: Profile,
    delivered: list[Account],
    open_window: Opener,
) -> None:
    """Rows never read are looked up when the action runs: if the folder changed meanwhile,
    those rows would name other messages, so nothing is done and the person is told."""
    for module in (listing, models, message_list):
        monkeypatch.setattr(module, "PAGE_SIZE", SMALL_PAGE)
    monkeypatch.setattr(models, "MAX_CACHED_PAGES", 4)
    _add_unread(profile, delivered[0], 10 * SMALL_PAGE)
    window = open_window()
    window.message_table.selectAll()
    assert window.messages.selection()[1]  # rows never read are part of the selection
    unread = window.folder_model.folders()[0].unread
    first = window.message_model.cached_message(0)
    assert first is not None
    window.mail.trash([first.id])  # the folder changes before the action runs
    window.actions_by_name["mark_read"].trigger()
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: window.message_bar.isVisible(), timeout=5000)
    assert "select the messages again" in window.message_bar.label.text()
    inbox = window.mail.folders(window.current_account())[0]
    assert inbox.unread == unread - (0 if first.read else 1)  # nothing marked


def _rows(folder: str, numbers: range) -> list[MessageRow]:
    return [MessageRow(n, "a", folder, f"/m/{n}", "s@x", f"{folder} {n}", None, 1, True, False)
            for n in numbers]  # fmt: skip


def test_the_list_asks_for_a_page_once_and_drops_it_if_the_list_changed(qtbot: QtBot) -> None:
    asked: list[tuple[ListQuery, int, Callable[[list[MessageRow] | None], None]]] = []
    model = MessageTableModel()
    model.set_page_reader(lambda query, number, arrived: asked.append((query, number, arrived)))
    size = listing.PAGE_SIZE
    inbox = ListQuery("a", "INBOX", "", "date", True)
    model.set_folder(
        "a", "INBOX", (inbox, ListContents(3 * size, {0: _rows("INBOX", range(size))}))
    )
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, *_: changed.append(top.row()))

    assert model.message_at(size + 1) is None  # not read yet: asked for, shown empty
    assert model.index(size + 2, COL_SUBJECT).data() is None  # painted again: not asked again
    assert [(query, number) for query, number, _ in asked] == [(inbox, 1)]
    with qtbot.waitSignal(model.pageArrived):
        asked[0][2](_rows("INBOX", range(size, 2 * size)))
    assert model.message_at(size + 1) == _rows("INBOX", range(size + 1, size + 2))[0]
    assert changed == [size] and len(asked) == 1

    assert model.message_at(2 * size) is None  # page 2 asked for, then another folder shown
    other = ListQuery("a", "Other", "", "date", True)
    model.set_folder("a", "Other", (other, ListContents(3 * size, {0: _rows("Other", range(5))})))
    asked[1][2](_rows("INBOX", range(2 * size, 3 * size)))  # INBOX's page: dropped
    assert model.cached_message(2 * size) is None and changed == [size]
    assert model.message_at(2 * size) is None  # Other's own page 2 is asked for
    assert [(query, number) for query, number, _ in asked[1:]] == [(inbox, 2), (other, 2)]

    model.show_contents(ListContents(3 * size, {0: _rows("Other", range(5))}))  # new mail
    asked[2][2](_rows("Other", range(2 * size, 3 * size)))  # read before it: stale
    assert model.cached_message(2 * size) is None
    assert changed[-1] == 2 * size  # repainted, so asked for again
    assert model.message_at(2 * size) is None and asked[-1][:2] == (other, 2) and len(asked) == 4
    asked[-1][2](None)  # that read failed: asked again when painted again
    assert model.message_at(2 * size) is None and asked[-1][:2] == (other, 2) and len(asked) == 5

    assert model.message_at(size) is None  # page 1 asked for, then the filter changes
    filtered = ListQuery("a", "Other", "x", "date", True)
    model.set_filter("x")
    model.set_folder("a", "Other", (filtered, ListContents(2 * size, {0: _rows("x", range(3))})))
    seen = len(changed)
    asked[-1][2](_rows("Other", range(size, 2 * size)))  # unfiltered: dropped
    assert model.cached_message(size) is None and len(changed) == seen
    assert model.message_at(size) is None and asked[-1][:2] == (filtered, 1)
