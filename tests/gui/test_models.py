"""The item models: a lazy message list over a very large folder, accounts, folders."""

from __future__ import annotations

from PySide6.QtCore import Qt

from popgui.accounts.settings import Account
from popgui.gui.models import (
    COL_DATE,
    COL_FROM,
    COL_SIZE,
    COL_SUBJECT,
    PAGE_SIZE,
    AccountListModel,
    AccountState,
    MessageTableModel,
    format_size,
    sender_name,
)
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import LocalMail

ROWS = 100_000


def fill_index(database: Database, rows: int) -> None:
    """``rows`` index rows straight into SQLite (no files: the list reads only the index)."""
    base = 1_700_000_000.0
    database.conn.execute("BEGIN")
    database.conn.executemany(
        "INSERT INTO messages (account, folder, path, from_addr, subject, date, size, flags) "
        "VALUES ('big', 'INBOX', ?, ?, ?, ?, ?, ?)",
        (
            (f"/nowhere/{n}", f"Sender {n % 977} <s{n % 977}@example.org>",
             f"Message number {n}", base + n * 60, 1000 + n, "S" if n % 3 else "")
            for n in range(rows)
        ),
    )  # fmt: skip
    database.conn.execute("COMMIT")


def test_a_folder_of_100k_messages_reads_only_the_pages_it_shows(profile: Profile) -> None:
    """Opening a huge folder and reading its last row loads two pages, not 100,000 rows.

    How fast that is belongs to bench/ (the gui scenario's "shown" figure), not here.
    """
    database = Database(profile.database_file)
    try:
        fill_index(database, ROWS)
        model = MessageTableModel(LocalMail(profile, database))
        model.set_folder("big", "INBOX")
        first = model.index(0, COL_SUBJECT).data()
        last = model.index(ROWS - 1, COL_SUBJECT).data()
        assert model.rowCount() == ROWS
        assert first == f"Message number {ROWS - 1}"  # newest first
        assert last == "Message number 0"
        assert model.index(ROWS - 1, COL_SIZE).data() == format_size(1000)
        assert model.index(ROWS - 1, COL_FROM).data() == "Sender 0"
        assert model.index(ROWS - 1, COL_SUBJECT).data(Qt.ItemDataRole.FontRole).bold()
        assert len(model._pages) <= 2  # only the pages looked at were read
        model.sort(COL_DATE, Qt.SortOrder.AscendingOrder)
        assert model.index(0, COL_SUBJECT).data() == "Message number 0"
        model.set_filter("number 99999")
        assert model.rowCount() == 1
    finally:
        database.close()


def test_pages_are_bounded(profile: Profile) -> None:
    database = Database(profile.database_file)
    try:
        fill_index(database, PAGE_SIZE * 80)
        model = MessageTableModel(LocalMail(profile, database))
        model.set_folder("big", "INBOX")
        for row in range(0, PAGE_SIZE * 80, PAGE_SIZE):
            assert model.message_at(row) is not None
        assert len(model._pages) <= 64
    finally:
        database.close()


def test_sender_name() -> None:
    assert sender_name("Alice Martin <alice@example.org>") == "Alice Martin"
    assert sender_name("bob@example.org") == "bob@example.org"
    assert sender_name("") == ""


def test_account_states_are_shown_under_the_name() -> None:
    model = AccountListModel()
    account = Account(name="home", host="pop.example.org", user="me")
    model.set_accounts([account])
    assert model.index(0, 0).data() == "home\nPOP3 · pop.example.org"
    model.set_state("home", AccountState("checking"))
    assert model.index(0, 0).data() == "home\nchecking…"
    model.set_state("home", AccountState("new", 3))
    assert model.index(0, 0).data() == "home\n3 new"
    model.set_state("home", AccountState("error", text="password refused"))
    assert model.index(0, 0).data() == "home\npassword refused"
