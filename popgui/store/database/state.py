"""The download state: which UIDLs were delivered, the last server listing, each account's
login state and the fingerprint of the last listing a sync handled completely.

Vanished UIDLs (decided here, see :meth:`DownloadState.forget_vanished`): ``deleted_on_server``
only ever means "popgui sent DELE and QUIT answered +OK". When a listing no longer shows a UIDL,
the row gets ``vanished_at``; it is dropped only after :data:`KEEP_VANISHED_SECONDS`, because
some servers list old messages again (Gmail's "recent mode", a mailbox restored from a backup)
and a forgotten UIDL would be downloaded twice.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable, Mapping
from typing import Final

from popgui.store.database.connection import SQLiteFile
from popgui.store.database.index import INDEX_MESSAGES_SQL, index_rows
from popgui.store.database.records import AccountState, DeliveredRecord, IndexedMessage
from popgui.store.names import token_for

__all__ = ["KEEP_VANISHED_SECONDS", "RECORD_DELIVERED_SQL", "DownloadState", "delivered_rows"]

#: How long a delivered row is kept after its UIDL stopped being listed (180 days).
KEEP_VANISHED_SECONDS = 180 * 86400


class DownloadState(SQLiteFile):
    """What was downloaded and what the server listed, per account."""

    # --- delivered UIDLs ------------------------------------------------------------------

    def delivered_uids(self, account: str) -> dict[str, DeliveredRecord]:
        """Every UIDL recorded for *account*, vanished ones included (they may come back)."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT uid, token, size, delivered_at, path, deleted_on_server, vanished_at, "
                "locally_deleted_at FROM delivered WHERE account = ?",
                (account,),
            ).fetchall()
        return {
            row[0]: DeliveredRecord(
                row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7]
            )
            for row in rows
        }

    def delivered_uid_set(self, account: str) -> set[str]:
        """The UIDLs of :meth:`delivered_uids`, without building a record for each: for
        membership tests (a no-op sync of 50,000 messages needs nothing more)."""
        return self._column("SELECT uid FROM delivered WHERE account = ?", (account,))

    def delivered_and_deleted_uids(self, account: str) -> tuple[set[str], set[str]]:
        """:meth:`delivered_uid_set`, and those of them popgui deleted on the server (QUIT
        confirmed), in one query."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT uid, deleted_on_server FROM delivered WHERE account = ?", (account,)
            ).fetchall()
        return {row[0] for row in rows}, {row[0] for row in rows if row[1]}

    def record_delivered(self, account: str, records: Iterable[DeliveredRecord]) -> None:
        """Record a batch of delivered messages in ONE transaction: all of them or none.

        Recording a UIDL again replaces its row (a re-delivery after reconciliation).
        """
        self.record_and_index(account, records, {})

    def record_and_index(
        self,
        account: str,
        records: Iterable[DeliveredRecord],
        index: Mapping[str, Iterable[IndexedMessage]],
    ) -> None:
        """:meth:`record_delivered` and :meth:`index_messages` (folder → its messages) in ONE
        transaction: a download commits each batch with one fsync of the journal, not two."""
        with self._transaction("record delivered messages in") as conn:
            conn.executemany(RECORD_DELIVERED_SQL, delivered_rows(account, records))
            for folder, messages in index.items():
                conn.executemany(INDEX_MESSAGES_SQL, index_rows(account, folder, messages))

    def record_imported(
        self, account: str, uids: Iterable[str], source: str, *, now: float | None = None
    ) -> int:
        """Record *uids* as downloaded by another program (*source*) in ONE transaction;
        returns how many were new. UIDLs already recorded stay as they are.

        The rows have no file (``path`` ""). When the account has no last listing yet, the
        imported UIDLs become it: the migration guard then compares the first listing with
        them, as with a listing popgui saw itself (a file from before a renumbering trips it).
        """
        now = time.time() if now is None else now
        rows = [(account, uid, token_for(account, uid), now, source) for uid in uids]
        with self._transaction("update") as conn:
            before = conn.total_changes
            conn.executemany(_RECORD_IMPORTED_SQL, rows)
            new = conn.total_changes - before
            if new:
                _forget_listing(conn, account)
            listed = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM server_seen WHERE account = ?)", (account,)
            ).fetchone()[0]
            if new and not listed:
                conn.executemany(
                    "INSERT OR IGNORE INTO server_seen (account, uid, last_seen) VALUES (?, ?, ?)",
                    [(account, uid, now) for account, uid, _, _, _ in rows],
                )
        return new

    def imported_uid_set(self, account: str) -> set[str]:
        """The UIDLs recorded by :meth:`record_imported` that popgui has not downloaded since."""
        return self._column(
            "SELECT uid FROM delivered WHERE account = ? AND imported_from IS NOT NULL",
            (account,),
        )

    def mark_deleted_on_server(self, account: str, uids: Iterable[str]) -> None:
        """Note that DELE for *uids* took effect (call only after QUIT answered +OK)."""
        rows = [(account, uid) for uid in uids]
        with self._transaction("record deletions in") as conn:
            conn.executemany(
                "UPDATE delivered SET deleted_on_server = 1 WHERE account = ? AND uid = ?", rows
            )

    def forget_vanished(
        self,
        account: str,
        present_uids: Collection[str],
        *,
        now: float | None = None,
        keep_for: float = KEEP_VANISHED_SECONDS,
    ) -> int:
        """Reconcile rows with a complete server listing; return how many rows were dropped.

        Rows whose UIDL is missing from *present_uids* get ``vanished_at = now`` (if not
        already set); rows listed again lose it; rows vanished for *keep_for*
        seconds are deleted, whether popgui deleted them or someone else did. Keeping them a
        while makes a server that lists old mail again (Gmail recent mode, a restored backup)
        harmless.
        """
        now = time.time() if now is None else now
        with self._transaction("update") as conn:
            self._fill_present(conn, present_uids)
            conn.execute(
                "UPDATE delivered SET vanished_at = ? WHERE account = ? AND vanished_at IS NULL "
                "AND uid NOT IN (SELECT uid FROM temp.present)",
                (now, account),
            )
            conn.execute(
                "UPDATE delivered SET vanished_at = NULL WHERE account = ? "
                "AND vanished_at IS NOT NULL AND uid IN (SELECT uid FROM temp.present)",
                (account,),
            )
            dropped = conn.execute(
                "DELETE FROM delivered WHERE account = ? AND vanished_at <= ?",
                (account, now - keep_for),
            ).rowcount
            conn.execute("DELETE FROM temp.present")
        return dropped

    @staticmethod
    def _fill_present(conn: sqlite3.Connection, uids: Iterable[str]) -> None:
        """Load *uids* into a temporary table so a set comparison stays in SQL."""
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS present (uid TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.present")
        conn.executemany(
            "INSERT OR IGNORE INTO temp.present (uid) VALUES (?)", ((u,) for u in uids)
        )

    def mark_locally_deleted(
        self, account: str, tokens: Iterable[str], *, now: float | None = None
    ) -> None:
        """Note that the user moved these messages to Trash (they are "deleted locally").

        The first moment is kept; rows of messages never recorded as delivered are unaffected.
        """
        now = time.time() if now is None else now
        rows = [(now, account, token) for token in tokens if token]
        with self._transaction("record deletions in") as conn:
            conn.executemany(_MARK_LOCALLY_DELETED, rows)
            _forget_listing(conn, account)  # the next sync may have to delete on the server

    def clear_locally_deleted(self, account: str, tokens: Iterable[str]) -> None:
        """Undo :meth:`mark_locally_deleted` (a message restored from Trash)."""
        self._write_many(
            "update",
            "UPDATE delivered SET locally_deleted_at = NULL WHERE account = ? AND token = ?",
            [(account, token) for token in tokens if token],
        )

    def locally_deleted_uids(self, account: str) -> set[str]:
        """UIDs of delivered messages the user deleted here and the server may still hold."""
        return self._column(
            "SELECT uid FROM delivered WHERE account = ? AND locally_deleted_at IS NOT NULL "
            "AND deleted_on_server = 0",
            (account,),
        )

    def record_deleted_for_good(
        self, account: str, tokens: Iterable[str], *, now: float | None = None
    ) -> None:
        """Before files are deleted for good: mark their delivered rows locally deleted, and
        remember the tokens no delivered row accounts for.

        Such a file came from a run killed before its commit; the next sync must recognise its
        UIDL through :meth:`discarded_tokens` although the file is gone.
        """
        now = time.time() if now is None else now
        with self._transaction("record deletions in") as conn:
            _forget_listing(conn, account)
            for token in filter(None, tokens):
                if not conn.execute(_MARK_LOCALLY_DELETED, (now, account, token)).rowcount:
                    conn.execute(
                        "INSERT OR IGNORE INTO discarded_tokens (account, token, discarded_at) "
                        "VALUES (?, ?, ?)",
                        (account, token, now),
                    )

    def discarded_tokens(self, account: str) -> set[str]:
        return self._column("SELECT token FROM discarded_tokens WHERE account = ?", (account,))

    def uid_for_token(self, account: str, token: str) -> str:
        """The UIDL a delivered row with *token* records, or "" when none does."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT uid FROM delivered WHERE account = ? AND token = ?", (account, token)
            ).fetchone()
        return "" if row is None else str(row[0])

    def tokens_for_account(self, account: str) -> set[str]:
        """The tokens of every delivered row, for reconciling with ``Maildir.tokens()``."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT token FROM delivered WHERE account = ?", (account,)
            ).fetchall()
        return {row[0] for row in rows}

    # --- last server listing --------------------------------------------------------------

    def replace_server_seen(
        self, account: str, uids: Iterable[str], *, now: float | None = None
    ) -> None:
        """Store the UIDLs of the latest listing, replacing the previous snapshot.

        Only the difference is written (nothing at all when the listing is unchanged, the
        usual case of a sync that finds no new mail).
        """
        now = time.time() if now is None else now
        current = set(uids)
        previous = self.server_seen(account)
        if current == previous:
            return
        with self._transaction("update") as conn:
            conn.executemany(
                "DELETE FROM server_seen WHERE account = ? AND uid = ?",
                [(account, uid) for uid in previous - current],
            )
            conn.executemany(
                "INSERT INTO server_seen (account, uid, last_seen) VALUES (?, ?, ?)",
                [(account, uid, now) for uid in current - previous],
            )

    def server_seen(self, account: str) -> set[str]:
        """The UIDLs the server listed last time (empty before the first listing)."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT uid FROM server_seen WHERE account = ?", (account,)
            ).fetchall()
        return {row[0] for row in rows}

    # --- account state (periodic checks) --------------------------------------------------

    def record_login(
        self, account: str, when: float, login_delay: int | None, expire: str | None
    ) -> None:
        """Note a successful login and what CAPA said about LOGIN-DELAY and EXPIRE."""
        with self._transaction("update") as conn:
            conn.execute(
                "INSERT INTO account_state (account, last_login, login_delay, expire) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET "
                "last_login = excluded.last_login, login_delay = excluded.login_delay, "
                "expire = excluded.expire",
                (account, when, login_delay, expire),
            )

    def record_error(self, account: str, error: str | None) -> None:
        """Remember how the last sync ended: a sentence for a person, or None when it worked.

        Unchanged, nothing is written: a transaction that changes no row costs no journal
        write or fsync, and a sync run from cron every few minutes mostly finds the account
        as fine as last time.
        """
        with self._transaction("update") as conn:
            conn.execute(
                "INSERT INTO account_state (account, last_error) VALUES (?, ?) "
                "ON CONFLICT (account) DO UPDATE SET last_error = excluded.last_error "
                "WHERE last_error IS NOT excluded.last_error",
                (account, error),
            )

    # --- fingerprint of a handled listing (the no-op fast path, see pop3sync.py) --------

    def handled_listing(self, account: str) -> tuple[str, float | None] | None:
        """The digest of the last listing a sync handled completely, and until when that
        stays true (None: until something changes); None when there is none."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT listing_digest, listing_valid_until FROM account_state "
                "WHERE account = ? AND listing_digest IS NOT NULL",
                (account,),
            ).fetchone()
        return None if row is None else (str(row[0]), row[1])

    def remember_handled_listing(
        self, account: str, digest: str, valid_until: float | None
    ) -> None:
        with self._transaction("update") as conn:
            conn.execute(
                "INSERT INTO account_state (account, listing_digest, listing_valid_until) "
                "VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET "
                "listing_digest = excluded.listing_digest, "
                "listing_valid_until = excluded.listing_valid_until",
                (account, digest, valid_until),
            )

    def forget_handled_listing(self, account: str) -> None:
        """Before anything that may leave work for the next sync (a delivery that could be
        interrupted, a local deletion the server must follow)."""
        with self._transaction("update") as conn:
            _forget_listing(conn, account)

    def account_state(self, account: str) -> AccountState | None:
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT last_login, login_delay, expire, last_error FROM account_state "
                "WHERE account = ?",
                (account,),
            ).fetchone()
        return None if row is None else AccountState(account, *row)


_MARK_LOCALLY_DELETED = (
    "UPDATE delivered SET locally_deleted_at = COALESCE(locally_deleted_at, ?) "
    "WHERE account = ? AND token = ?"
)


def _forget_listing(conn: sqlite3.Connection, account: str) -> None:
    conn.execute(
        "UPDATE account_state SET listing_digest = NULL, listing_valid_until = NULL "
        "WHERE account = ?",
        (account,),
    )


_RECORD_IMPORTED_SQL: Final = (
    "INSERT INTO delivered (account, uid, token, size, delivered_at, path, imported_from) "
    "VALUES (?, ?, ?, 0, ?, '', ?) ON CONFLICT (account, uid) DO NOTHING"
)

RECORD_DELIVERED_SQL: Final = (
    "INSERT INTO delivered (account, uid, token, size, delivered_at, path, "
    "deleted_on_server, vanished_at, locally_deleted_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (account, uid) DO UPDATE SET token = excluded.token, "
    "size = excluded.size, delivered_at = excluded.delivered_at, "
    "path = excluded.path, deleted_on_server = excluded.deleted_on_server, "
    "vanished_at = excluded.vanished_at, "
    "locally_deleted_at = excluded.locally_deleted_at, "
    # popgui downloading (or recognising) a message another client had: now its own copy.
    "imported_from = NULL"
)


def delivered_rows(account: str, records: Iterable[DeliveredRecord]) -> list[tuple[object, ...]]:
    return [
        (account, r.uid, r.token, r.size, r.delivered_at, r.path, int(r.deleted_on_server),
         r.vanished_at, r.locally_deleted_at)
        for r in records
    ]  # fmt: skip
