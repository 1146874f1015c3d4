"""popgui's SQLite file: the download state (which UIDLs were delivered) and the header index
behind the message list.

One class, :class:`Database`, made of one part per role:

* :mod:`.connection`: opening, configuring and migrating the file (:mod:`.schema`), locking
  every use, translating errors, setting a damaged file aside;
* :mod:`.state`: delivered UIDLs, the last listing, login state (:class:`DownloadState`);
* :mod:`.skipped`: what a first sync left on the server by choice (:class:`SkippedState`);
* :mod:`.forwarded`: deliveries to a destination begun and not yet recorded
  (:class:`ForwardedState`);
* :mod:`.index`: the header index rows and pages (:class:`HeaderIndex`);
* :mod:`.records`: the values they store and return.
"""

from __future__ import annotations

from popgui.store.database.connection import DatabaseCorruptError, SQLiteFile, set_aside_corrupt
from popgui.store.database.forwarded import ForwardedState, PendingDelivery
from popgui.store.database.index import (
    HEAD_BYTES,
    SORT_COLUMNS,
    HeaderIndex,
    head_is_whole,
    header_fields,
    index_fields,
)
from popgui.store.database.records import (
    AccountState,
    DeliveredRecord,
    IndexedCopy,
    IndexedMessage,
    IndexFields,
    IndexLocation,
    MessageRow,
    PageQuery,
    StoredIdentity,
)
from popgui.store.database.schema import MIGRATIONS, SCHEMA_VERSION
from popgui.store.database.skipped import SkippedMessage, SkippedState
from popgui.store.database.state import KEEP_VANISHED_SECONDS, DownloadState

__all__ = [
    "HEAD_BYTES",
    "KEEP_VANISHED_SECONDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SORT_COLUMNS",
    "AccountState",
    "Database",
    "DatabaseCorruptError",
    "DeliveredRecord",
    "IndexFields",
    "IndexLocation",
    "IndexedCopy",
    "IndexedMessage",
    "MessageRow",
    "PageQuery",
    "PendingDelivery",
    "SQLiteFile",
    "SkippedMessage",
    "StoredIdentity",
    "head_is_whole",
    "header_fields",
    "index_fields",
    "set_aside_corrupt",
]


class Database(DownloadState, SkippedState, ForwardedState, HeaderIndex):
    """popgui's SQLite file: open it, migrate it, read and record state (thread-safe)."""

    def has_state(self, account: str) -> bool:
        """Whether *account* has any delivered row or index row (False after a rebuild).

        Rows imported from another client do not count: they say nothing of the Maildir,
        whose files the first sync still indexes."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM delivered WHERE account = ? "
                "AND imported_from IS NULL) "
                "OR EXISTS (SELECT 1 FROM messages WHERE account = ?)",
                (account, account),
            ).fetchone()
        return bool(row[0])

    # --- housekeeping ---------------------------------------------------------------------

    def remove_account(self, account: str) -> None:
        """Drop every row of *account* (state, last listing, index) in one transaction."""
        tables = ("delivered", "server_seen", "messages", "account_state", "discarded_tokens",
                  "skipped", "pending_deliveries")  # fmt: skip
        with self._transaction("update") as conn:
            for table in tables:
                conn.execute(f"DELETE FROM {table} WHERE account = ?", (account,))

    def __enter__(self) -> Database:
        return self
