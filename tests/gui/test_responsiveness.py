"""The window stays responsive during a sync and starts fast: what those changes must keep.

New mail is counted and read in the index reader thread, coalesced, and added to the list
without a reset when the rows on screen did not change; paints ask Python once per cell
(``multiData``); the first folder is read in a thread while the window is built.
"""

from __future__ import annotations

import email.utils
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelRoleData, Qt
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.indexreader import IndexReader, Refreshed, RefreshRequest
from popgui.gui.listing import PAGE_SIZE, ListContents, ListQuery, read_list
from popgui.gui.models import COL_SIZE, COL_SUBJECT, MessageTableModel, sender_name
from popgui.gui.startup import StartupRead
from popgui.gui.worker import AccountProgress
from popgui.profile import Profile
from popgui.store.database import Database, IndexedMessage, IndexFields
from popgui.store.localmail import FolderInfo, LocalMail, MessageRow
from tests.gui.conftest import save_accounts

ACCOUNT = "big"
BASE_DATE = 1_750_000_000.0
#: The roles a QStyledItemDelegate asks for when it paints a cell.
DELEGATE_ROLES = (6, 7, 9, 10, 1, 0, 8)


@pytest.fixture
def account(profile: Profile) -> Account:
    account = Account(name=ACCOUNT, host="127.0.0.1", user="me")
    save_accounts(profile, [account])
    for sub in ("cur", "new", "tmp"):
        (account.maildir_path(profile) / sub).mkdir(parents=True, exist_ok=True)
    return account


def add_messages(profile: Profile, account: Account, numbers: range) -> None:
    """Messages ``Message n`` dated ``BASE_DATE + n``, read, each with a real file."""
    folder = account.maildir_path(profile) / "cur"
    indexed = []
    for n in numbers:
        path = folder / f"1750000000.G{n + 1000:06d}.test:2,S"
        path.write_bytes(
            f"From: Sender {n} <s{n}@example.org>\nSubject: Message {n}\n\nHi\n".encode()
        )
        fields = IndexFields(
            from_addr=f"Sender {n} <s{n}@example.org>",
            subject=f"Message {n}",
            date=BASE_DATE + n,
            size=100,
        )
        indexed.append(IndexedMessage(str(path), fields, f"{n + 1000:032x}", f"U{n}", "S"))
    with Database(profile.database_file) as database:
        database.index_messages(account.name, "INBOX", indexed)


def all_subjects(qtbot: QtBot, model: MessageTableModel) -> list[str]:
    """Every row's subject; the window's list reads its pages elsewhere: waited for."""
    subjects = []
    for row in range(model.rowCount()):
        if model.message_at(row) is None:  # asked for; it arrives by signal
            qtbot.waitUntil(lambda row=row: model.cached_message(row) is not None, timeout=5000)
        message = model.message_at(row)
        assert message is not None, row
        subjects.append(message.subject)
    return subjects


@pytest.fixture
def counted_resets() -> Iterator[Callable[[Any], list[str]]]:
    """Connects to a model's resets and inserts; the list of what happened."""

    def connect(model: Any) -> list[str]:
        seen: list[str] = []
        model.modelReset.connect(lambda: seen.append("reset"))
        model.rowsInserted.connect(lambda *_args: seen.append("inserted"))
        return seen

    yield connect


# -- new mail during a sync --------------------------------------------------------------------


def test_mail_landing_below_the_rows_shown_is_added_without_a_reset(
    qtbot: QtBot,
    profile: Profile,
    account: Account,
    open_window: Callable[..., Any],
    counted_resets: Callable[[Any], list[str]],
) -> None:
    add_messages(profile, account, range(300))
    window = open_window()
    assert window.message_model.rowCount() == 300
    seen = counted_resets(window.message_model)
    add_messages(profile, account, range(-50, 0))  # older: below the rows on screen
    for _ in range(3):  # a burst of deliveries: coalesced by the index reader
        window.controller.delivered.emit(ACCOUNT)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 350, timeout=5000)
    qtbot.waitUntil(lambda: not window.index_reader.is_busy(), timeout=5000)
    assert "reset" not in seen and "inserted" in seen
    assert sorted(all_subjects(qtbot, window.message_model)) == sorted(
        f"Message {n}" for n in range(-50, 300)
    )
    assert window.message_model.index(0, COL_SUBJECT).data() == "Message 299"
    assert "350 messages" in window.count_label.text()


def test_every_new_message_shows_when_deliveries_come_in_bursts(
    qtbot: QtBot, profile: Profile, account: Account, open_window: Callable[..., Any]
) -> None:
    add_messages(profile, account, range(10))
    window = open_window()
    for batch in range(5):  # mail lands while earlier refreshes are still being read
        add_messages(profile, account, range(10 + batch * 40, 50 + batch * 40))
        window.controller.delivered.emit(ACCOUNT)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 210, timeout=5000)
    qtbot.waitUntil(lambda: not window.index_reader.is_busy(), timeout=5000)
    assert all_subjects(qtbot, window.message_model) == [f"Message {n}" for n in range(209, -1, -1)]
    inbox = window.folder_model.folders()[0]
    assert (inbox.name, inbox.total) == ("INBOX", 210)


def test_the_open_message_stays_selected_when_newer_mail_arrives(
    qtbot: QtBot, profile: Profile, account: Account, open_window: Callable[..., Any]
) -> None:
    add_messages(profile, account, range(50))
    window = open_window()
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(0)
    opened = window.message_model.message_at(0)
    assert opened is not None and opened.subject == "Message 49"
    add_messages(profile, account, range(50, 60))  # newer: on top, the rows shown move
    window.controller.delivered.emit(ACCOUNT)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 60, timeout=5000)
    rows = window.message_table.selectionModel().selectedRows()
    assert [index.row() for index in rows] == [10]
    assert window.message_model.message_at(10).id == opened.id
    assert window.messages.shown_message_id == opened.id  # still open, not opened again


def test_a_read_asked_before_a_local_change_is_not_shown_but_asked_again(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    profile: Profile,
    account: Account,
    open_window: Callable[..., Any],
) -> None:
    """It may predate the change (a message moved away would come back): it is read again."""
    add_messages(profile, account, range(20))
    window = open_window()
    reader = window.index_reader
    asked: list[RefreshRequest] = []
    request = reader.request
    monkeypatch.setattr(reader, "request", lambda r: (asked.append(r), request(r)))
    stale = RefreshRequest(account, window.message_model.query(), None, (-1, -1))
    add_messages(profile, account, range(20, 25))
    reader.request(stale)
    qtbot.waitUntil(lambda: len(asked) == 2 and not reader.is_busy(), timeout=5000)
    current = (window.folder_model.generation, window.message_model.generation)
    assert asked[1].generations == current
    assert window.message_model.rowCount() == 25
    assert window.message_model.index(0, COL_SUBJECT).data() == "Message 24"


def test_starting_a_sync_does_not_grow_the_status_bar(
    profile: Profile, account: Account, open_window: Callable[..., Any]
) -> None:
    """A taller bar would relayout and repaint the whole window while the engine starts."""
    window = open_window()
    before = window.statusBar().height()
    window.controller.busyChanged.emit(ACCOUNT, True)
    window.controller.progress.emit(AccountProgress(ACCOUNT, "downloading", 1, 9, 10, 90, 5.0))
    window.layout().activate()
    assert window.status_progress.entry_text(ACCOUNT) is not None
    assert window.statusBar().height() == before
    window.controller.busyChanged.emit(ACCOUNT, False)
    assert window.status_progress.entry_text(ACCOUNT) is None


# -- the index reader --------------------------------------------------------------------------


class _SlowMail:
    """A LocalMail stand-in whose first count waits until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.counts = 0

    def folders(self, account: Account) -> list[FolderInfo]:
        return [FolderInfo("INBOX", "Inbox", self.counts, 0, "inbox")]

    def count(self, account: str, folder: str, filter_text: str = "") -> int:
        self.counts += 1
        if self.counts == 1:
            self.release.wait(5)
        return self.counts

    def page(self, account: str, folder: str, **_query: Any) -> list[MessageRow]:
        return []


def test_the_index_reader_runs_one_read_at_a_time_and_the_latest_request_wins(
    qtbot: QtBot, profile: Profile, account: Account
) -> None:
    mail = _SlowMail()
    reader = IndexReader(profile, opener=lambda: (mail, lambda: None))  # type: ignore[arg-type,return-value]
    results: list[Refreshed] = []
    reader.ready.connect(results.append)
    query = ListQuery(ACCOUNT, "INBOX", "", "date", True)
    try:
        for keep in (1, 2, 3):
            reader.request(RefreshRequest(account, query, keep))
        assert reader.is_busy()
        mail.release.set()
        qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
        qtbot.wait(50)
        assert [r.request.keep_id for r in results] == [1, 3]  # 2 was replaced by 3
        assert [r.contents.count for r in results if r.contents] == [1, 2]
        assert not reader.is_busy()
    finally:
        reader.shutdown()


# -- the list model ----------------------------------------------------------------------------


@pytest.fixture
def local_mail(profile: Profile, account: Account) -> Iterator[LocalMail]:
    add_messages(profile, account, range(2 * PAGE_SIZE + 10))
    database = Database(profile.database_file)
    try:
        yield LocalMail(profile, database)
    finally:
        database.close()


def test_read_list_finds_the_kept_message_and_reads_the_pages_asked(local_mail: LocalMail) -> None:
    query = ListQuery(ACCOUNT, "INBOX", "", "date", True)
    oldest = local_mail.page(ACCOUNT, "INBOX", descending=False, limit=1)[0]
    contents = read_list(local_mail, query, oldest.id, pages=(1,))
    assert contents.count == 2 * PAGE_SIZE + 10
    assert contents.kept_row == 2 * PAGE_SIZE + 9
    assert sorted(contents.pages) == [0, 1, 2]
    assert read_list(local_mail, query, None, pages=(7,)).pages.keys() == {0}  # no page 7


def test_show_contents_repaints_only_when_the_rows_shown_changed(
    local_mail: LocalMail, counted_resets: Callable[[Any], list[str]]
) -> None:
    model = MessageTableModel(local_mail)
    model.set_folder(ACCOUNT, "INBOX")
    query = model.query()
    assert query is not None
    for row in range(20):
        model.message_at(row)  # the view painted these
    seen = counted_resets(model)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    same = read_list(local_mail, query)
    grown = ListContents(same.count + 5, same.pages)
    assert model.show_contents(grown, range(0, 20)) is True
    assert model.rowCount() == same.count + 5 and seen == ["inserted"] and changed == []
    shifted = {0: same.pages[0][1:]}
    assert model.show_contents(ListContents(grown.count, shifted), range(0, 20)) is False
    assert changed == [(0, 19)]
    assert model.show_contents(ListContents(3, {0: same.pages[0][:3]}), range(0, 20)) is False
    assert model.rowCount() == 3 and seen[-1] == "reset"


def test_multidata_answers_as_data_does(local_mail: LocalMail) -> None:
    model = MessageTableModel(local_mail)
    model.set_folder(ACCOUNT, "INBOX")
    for column in range(model.columnCount()):
        index = model.index(0, column)
        for role in (*DELEGATE_ROLES, Qt.ItemDataRole.ToolTipRole):
            slot = QModelRoleData(int(role))
            model.multiData(index, slot)
            assert slot.data() == model.data(index, role), (column, role)
    reused = QModelRoleData(int(Qt.ItemDataRole.TextAlignmentRole))  # delegates reuse slots
    model.multiData(model.index(0, COL_SIZE), reused)
    assert reused.data() is not None
    model.multiData(model.index(0, COL_SUBJECT), reused)
    assert reused.data() is None


def test_senders_are_named_as_the_email_package_names_them() -> None:
    for sender in (
        "Alice Martin <alice@example.org>",
        "  Alice   Martin   <a@b>  ",
        "Hélène Dupré <h@example.fr>",
        '"Dupré, Hélène" <h@x.fr>',
        "J. Smith <j@x.org>",
        "Bob (work) <b@x>",
        "<a@b.c>",
        " <a@>",
        "bob@example.org",
        "=?utf-8?q?x?= <a@b>",
        "Bob <b@x>, Carol <c@x>",
        "",
    ):
        name, address = email.utils.parseaddr(sender)
        assert sender_name(sender) == (name.strip() or address or sender), sender


# -- start-up ----------------------------------------------------------------------------------


def test_the_first_folder_read_at_start_up_is_what_the_window_shows(
    profile: Profile, account: Account, open_window: Callable[..., Any], tmp_path: Path
) -> None:
    add_messages(profile, account, range(PAGE_SIZE + 5))
    startup = StartupRead.begin(profile)
    assert startup is not None
    window = open_window(startup=startup)
    assert window.message_model.rowCount() == PAGE_SIZE + 5
    assert window.message_model.index(0, COL_SUBJECT).data() == f"Message {PAGE_SIZE + 4}"
    assert window.folder_model.folders()[0].total == PAGE_SIZE + 5
    assert window._database is not None and window.accounts._startup is None  # taken, used once


def test_no_start_up_read_for_a_new_profile(profile: Profile) -> None:
    assert StartupRead.begin(profile) is None  # nothing to show: no database yet
