"""Messages a first sync left on the server without downloading them, by the person's choice
(``account add --skip-existing`` or ``--since``), and whether that first sync has happened.

Skipped is not delivered: popgui holds no copy, so no deletion policy ever deletes a skipped
message on the server (the policies look at ``delivered`` only), and "download selected" may
still fetch one. The choice is made once per account: the skipped rows and the moment the
choice was made are written in ONE transaction, so a run killed before it makes the choice
again and a run killed after it never downloads what was skipped.

An adopting first sync (``account add --adopt``) records instead the messages it found in the
Maildir as delivered, pointing at the files found, in the same one transaction as "the first
sync chose" (:meth:`SkippedState.record_adopted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from popgui.store.database.connection import SQLiteFile
from popgui.store.database.records import DeliveredRecord
from popgui.store.database.state import RECORD_DELIVERED_SQL, delivered_rows

__all__ = ["SkippedMessage", "SkippedState"]


@dataclass(frozen=True)
class SkippedMessage:
    """One message left on the server: its UIDL, and what its headers said (for the migration
    guard, which recognises it under a new UIDL by Message-ID and Date)."""

    uid: str
    message_id: str = ""
    date: float | None = None


class SkippedState(SQLiteFile):
    """The ``skipped`` table and ``account_state.first_sync_done``."""

    def first_sync_done(self, account: str) -> bool:
        """Whether the account's first sync already chose what to skip."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT first_sync_done FROM account_state WHERE account = ?", (account,)
            ).fetchone()
        return row is not None and row[0] is not None

    def record_first_sync(
        self, account: str, skipped: Iterable[SkippedMessage], when: float
    ) -> None:
        """Record *skipped* and that the first sync's choice is made, all or nothing."""
        rows = [(account, s.uid, s.message_id, s.date, when) for s in skipped]
        with self._transaction("update") as conn:
            conn.executemany(_RECORD_SKIPPED_SQL, rows)
            conn.execute(_FIRST_SYNC_DONE_SQL, (account, when))

    def record_adopted(self, account: str, adopted: Iterable[DeliveredRecord], when: float) -> None:
        """Record *adopted* (files found in the Maildir) as delivered, give their index rows
        (keyed by path) the UIDL and token, and that the first sync's choice is made, all or
        nothing. The index rows exist already: the files were indexed before (a rescan)."""
        records = list(adopted)
        with self._transaction("update") as conn:
            conn.executemany(RECORD_DELIVERED_SQL, delivered_rows(account, records))
            conn.executemany(
                "UPDATE messages SET uid = ?, token = ? WHERE account = ? AND path = ?",
                [(r.uid, r.token, account, r.path) for r in records],
            )
            conn.execute(_FIRST_SYNC_DONE_SQL, (account, when))

    def forget_first_sync(self, account: str) -> None:
        """Let the next sync choose again (the account was added anew with a first-sync rule);
        what was skipped before stays skipped."""
        with self._transaction("update") as conn:
            conn.execute(
                "UPDATE account_state SET first_sync_done = NULL WHERE account = ?", (account,)
            )

    def record_skipped(self, account: str, skipped: Iterable[SkippedMessage], when: float) -> None:
        """Add skipped messages (a renumbered one recognised under its new UIDL)."""
        rows = [(account, s.uid, s.message_id, s.date, when) for s in skipped]
        self._write_many("update", _RECORD_SKIPPED_SQL, rows)

    def skipped_uid_set(self, account: str) -> set[str]:
        return self._column("SELECT uid FROM skipped WHERE account = ?", (account,))

    def skipped_messages(self, account: str) -> list[SkippedMessage]:
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT uid, message_id, date FROM skipped WHERE account = ?", (account,)
            ).fetchall()
        return [SkippedMessage(*row) for row in rows]


_RECORD_SKIPPED_SQL = (
    "INSERT OR REPLACE INTO skipped (account, uid, message_id, date, skipped_at) "
    "VALUES (?, ?, ?, ?, ?)"
)

_FIRST_SYNC_DONE_SQL = (
    "INSERT INTO account_state (account, first_sync_done) VALUES (?, ?) "
    "ON CONFLICT (account) DO UPDATE SET first_sync_done = excluded.first_sync_done"
)
