"""Mail delivered elsewhere (``--deliver``): the deliveries begun and not yet recorded.

A batch is recorded as *pending* (with each message's mark from the destination) in one
transaction before it is handed to the destination, and its end (the accepted ones recorded
as delivered and indexed, every pending row of the batch removed) in one transaction after.
A run killed in between leaves pending rows: the next run asks the destination which of them
landed (popgui/sync/forwarding.py). A pending row names the destination it was meant for: a
destination changed meanwhile has nothing to say about the old one's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from popgui.store.database.connection import SQLiteFile
from popgui.store.database.index import INDEX_MESSAGES_SQL, index_rows
from popgui.store.database.records import DeliveredRecord, IndexedMessage
from popgui.store.database.state import RECORD_DELIVERED_SQL, delivered_rows

__all__ = ["ForwardedState", "PendingDelivery"]


@dataclass(frozen=True)
class PendingDelivery:
    """A message handed to a destination whose answer is not recorded."""

    uid: str
    token: str
    size: int
    message_id: str
    date: float | None
    sender: str
    subject: str
    downloaded_at: float
    mark: str
    destination: str


class ForwardedState(SQLiteFile):
    """The ``pending_deliveries`` table, and the end of a forwarded batch."""

    def record_pending(self, account: str, pending: Iterable[PendingDelivery]) -> None:
        """Note that these deliveries begin (one transaction)."""
        rows = [
            (account, p.uid, p.token, p.size, p.message_id, p.date, p.sender, p.subject,
             p.downloaded_at, p.mark, p.destination)
            for p in pending
        ]  # fmt: skip
        with self._transaction("update") as conn:
            conn.executemany(_RECORD_PENDING_SQL, rows)

    def pending_deliveries(self, account: str) -> list[PendingDelivery]:
        """The deliveries an earlier run began and did not finish, in the order begun."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT uid, token, size, message_id, date, sender, subject, downloaded_at, mark, "
                "destination "
                "FROM pending_deliveries WHERE account = ? ORDER BY rowid",
                (account,),
            ).fetchall()
        return [PendingDelivery(*row) for row in rows]

    def finish_forwarded(
        self,
        account: str,
        delivered: Iterable[DeliveredRecord],
        index: Mapping[str, Iterable[IndexedMessage]],
        done: Iterable[str],
    ) -> None:
        """Record *delivered* and its *index* rows (folder → messages) and forget the pending
        rows of *done* (UIDLs: delivered, deferred or refused), all in ONE transaction."""
        with self._transaction("record delivered messages in") as conn:
            conn.executemany(RECORD_DELIVERED_SQL, delivered_rows(account, delivered))
            for folder, messages in index.items():
                conn.executemany(INDEX_MESSAGES_SQL, index_rows(account, folder, messages))
            conn.executemany(
                "DELETE FROM pending_deliveries WHERE account = ? AND uid = ?",
                [(account, uid) for uid in done],
            )


_RECORD_PENDING_SQL = (
    "INSERT OR REPLACE INTO pending_deliveries (account, uid, token, size, message_id, date, "
    "sender, subject, downloaded_at, mark, destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
