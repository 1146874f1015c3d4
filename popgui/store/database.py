"""The SQLite state (which UIDLs were delivered) and the header index behind the message list.

Durability: WAL journal with ``synchronous=FULL``, so a committed batch survives a power cut;
:meth:`Database.record_delivered` commits a whole batch in one transaction, which the engine
calls only after the batch's files are fsynced and ``new/`` is fsynced (see maildir.py).

Threads: a :class:`Database` wraps one ``sqlite3`` connection, which any thread may use:
every use of it (a query, a whole transaction) holds the database's lock, so two threads never
interleave statements (the delivery's committer thread records batches while the delivering
thread may read or record; see popgui/sync/delivery.py). The lock costs ~0.2 µs a call, little
next to a statement's 4 µs or more. A worker thread that reads a lot (the message list) opens
its own ``Database`` on the same file instead: WAL lets readers and one writer coexist.

Errors are split three ways, following qutebrowser:

* the environment's fault (disk full, read-only, locked, I/O error, cannot open)
  → :class:`~popgui.errors.DeliveryError` with a plain sentence naming the file;
* a damaged file ("file is not a database", "malformed") → :class:`DatabaseCorruptError`;
* anything else (SQL mistakes, constraint violations) is our bug and propagates unchanged.

Vanished UIDLs (decided here, see :meth:`Database.forget_vanished`): ``deleted_on_server`` only
ever means "popgui sent DELE and QUIT answered +OK". When a listing no longer shows a UIDL, the
row gets ``vanished_at``; it is dropped only after :data:`KEEP_VANISHED_SECONDS`, because some
servers list old messages again (Gmail's "recent mode", a mailbox restored from a backup) and a
forgotten UIDL would be downloaded twice.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Final

from popgui.errors import DeliveryError
from popgui.store.headerindex import ATTACHMENT_SCAN_BYTES, header_block_end, summarize

__all__ = [
    "KEEP_VANISHED_SECONDS",
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
    "header_fields",
    "index_fields",
    "set_aside_corrupt",
]

#: How long a delivered row is kept after its UIDL stopped being listed (180 days).
KEEP_VANISHED_SECONDS = 180 * 86400
_BUSY_TIMEOUT_SECONDS = 10.0


class DatabaseCorruptError(DeliveryError):
    """The database file is damaged or is not a popgui database at all.

    ``path`` lets a front end offer to move the file aside and start afresh (which would make
    every message on the server look new, so a person must decide).
    """

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class DeliveredRecord:
    """One message popgui delivered: its UIDL, the token in its file name, where it went."""

    uid: str
    token: str
    size: int
    delivered_at: float
    path: str
    deleted_on_server: bool = False
    vanished_at: float | None = None
    locally_deleted_at: float | None = None


@dataclass(frozen=True)
class AccountState:
    """What the last POP3 login of an account said, for periodic checks (LOGIN-DELAY)."""

    account: str
    last_login: float | None = None
    login_delay: int | None = None
    expire: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class MessageRow:
    """One line of the message list, read from the header index."""

    id: int
    account: str
    folder: str
    path: str
    from_addr: str
    subject: str
    date: float | None
    size: int
    read: bool
    has_attachment: bool


@dataclass(frozen=True)
class IndexFields:
    """What the message list shows, parsed from the header block of a stored message."""

    from_addr: str = ""
    subject: str = ""
    date: float | None = None
    message_id: str = ""
    has_attachment: bool = False
    size: int = 0


@dataclass(frozen=True)
class IndexedMessage:
    """A stored message to put in the header index (one row per file path)."""

    path: str
    fields: IndexFields
    token: str = ""
    uid: str = ""
    flags: str = ""


# --- schema -------------------------------------------------------------------------------


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    """The first schema: delivered UIDLs, the last server listing, the header index."""
    _execute_all(
        conn,
        """
        CREATE TABLE delivered (
            account TEXT NOT NULL,
            uid TEXT NOT NULL,
            token TEXT NOT NULL,
            size INTEGER NOT NULL,
            delivered_at REAL NOT NULL,
            path TEXT NOT NULL,
            deleted_on_server INTEGER NOT NULL DEFAULT 0,
            vanished_at REAL,
            PRIMARY KEY (account, uid)
        );
        CREATE INDEX delivered_token ON delivered (account, token);
        CREATE TABLE server_seen (
            account TEXT NOT NULL,
            uid TEXT NOT NULL,
            last_seen REAL NOT NULL,
            PRIMARY KEY (account, uid)
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            path TEXT NOT NULL UNIQUE,
            token TEXT NOT NULL DEFAULT '',
            uid TEXT NOT NULL DEFAULT '',
            from_addr TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '',
            date REAL,
            size INTEGER NOT NULL DEFAULT 0,
            flags TEXT NOT NULL DEFAULT '',
            has_attachment INTEGER NOT NULL DEFAULT 0,
            message_id TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX messages_by_date ON messages (account, folder, date);
        """,
    )


def _execute_all(conn: sqlite3.Connection, script: str) -> None:
    """Run ";"-separated statements inside the current transaction.

    ``executescript`` would COMMIT first, so a failed migration could leave half a schema.
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


#: Whether an index row is read, as SQL: the Maildir "S" (seen) flag. The expression index
#: ``messages_by_read`` is built on exactly this text, so keep them identical.
_READ_SQL = "(instr(flags, 'S') > 0)"


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Message-list indexes, local deletions, login state, tokens of mail deleted for good."""
    _execute_all(
        conn,
        f"""
        CREATE INDEX messages_by_from ON messages (account, folder, from_addr COLLATE NOCASE);
        CREATE INDEX messages_by_subject ON messages (account, folder, subject COLLATE NOCASE);
        CREATE INDEX messages_by_size ON messages (account, folder, size);
        CREATE INDEX messages_by_read ON messages (account, folder, {_READ_SQL});
        CREATE INDEX messages_by_token ON messages (account, token);
        ALTER TABLE delivered ADD COLUMN locally_deleted_at REAL;
        CREATE TABLE account_state (
            account TEXT PRIMARY KEY,
            last_login REAL,
            login_delay INTEGER,
            expire TEXT,
            last_error TEXT
        );
        CREATE TABLE discarded_tokens (
            account TEXT NOT NULL,
            token TEXT NOT NULL,
            discarded_at REAL NOT NULL,
            PRIMARY KEY (account, token)
        )
        """,
    )


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """The fingerprint of the last listing a sync left nothing to do for (no-op fast path)."""
    _execute_all(
        conn,
        """
        ALTER TABLE account_state ADD COLUMN listing_digest TEXT;
        ALTER TABLE account_state ADD COLUMN listing_valid_until REAL
        """,
    )


#: Migration *i* brings the schema from version *i* to *i + 1*. Append; never edit old ones.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_to_1,
    _migrate_to_2,
    _migrate_to_3,
]
SCHEMA_VERSION = len(MIGRATIONS)


# --- error classification -----------------------------------------------------------------

_ENVIRONMENT_CODES = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "it is read-only",
    sqlite3.SQLITE_BUSY: "another program keeps it locked",
    sqlite3.SQLITE_LOCKED: "another program keeps it locked",
    sqlite3.SQLITE_IOERR: "the disk reported an input/output error",
    sqlite3.SQLITE_CANTOPEN: "the file cannot be opened",
    sqlite3.SQLITE_PERM: "permission was denied",
    sqlite3.SQLITE_NOLFS: "the file system does not support large files",
    sqlite3.SQLITE_PROTOCOL: "another program keeps it locked",
    sqlite3.SQLITE_NOMEM: "the computer ran out of memory",
}
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def _translate(exc: sqlite3.Error, path: Path, action: str) -> DeliveryError | None:
    """Map an sqlite3 error to a DeliveryError, or None when it is our bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in _CORRUPT_CODES:
        return DatabaseCorruptError(
            f"The mail database {path} is damaged or is not a popgui database.", path=path
        )
    reason = _ENVIRONMENT_CODES.get(primary)
    if reason is None:
        return None
    return DeliveryError(f"Could not {action} the mail database {path}: {reason}")


# --- the database -------------------------------------------------------------------------


class Database:
    """popgui's SQLite file: open it, migrate it, read and record state (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        #: Held around every use of the connection; re-entrant, as a transaction's body and
        #: some methods nest them.
        self._lock = threading.RLock()
        with self._errors("open"):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Another thread may use the connection; self._lock serialises every use.
            self._conn = sqlite3.connect(
                self.path,
                timeout=_BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
        try:
            self._configure()
            self._migrate()
        except BaseException:
            self.close()
            raise

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection (raises when closed). Used directly (tests), it is not under
        the lock: only while no other thread uses this database."""
        if self._conn is None:
            raise sqlite3.ProgrammingError("the database is closed")
        return self._conn

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Hold the lock; turn environment failures and corruption into DeliveryError (bugs
        pass through)."""
        try:
            with self._lock:
                yield
        except sqlite3.Error as exc:
            mapped = _translate(exc, self.path, action)
            if mapped is None:
                raise
            raise mapped from exc
        except OSError as exc:  # creating the profile directory
            raise DeliveryError(
                f"Could not {action} the mail database {self.path}: {exc.strerror or exc}"
            ) from exc

    @contextlib.contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception, errors translated; under
        the lock throughout (another thread's statement would join the transaction)."""
        with self._errors(action):
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    def _write_many(self, action: str, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """One statement over many rows, in one transaction."""
        with self._transaction(action) as conn:
            conn.executemany(sql, rows)

    def _column(self, sql: str, args: Sequence[object]) -> set[Any]:
        """The first column of a query's rows, as a set."""
        with self._errors("read"):
            return {row[0] for row in self.conn.execute(sql, args)}

    def _configure(self) -> None:
        with self._errors("open"):
            self.conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_SECONDS * 1000)}")
            self.conn.execute("PRAGMA journal_mode = WAL").fetchone()
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.create_function("popgui_fold", 1, _fold, deterministic=True)

    def _user_version(self) -> int:
        row = self.conn.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        """Apply the missing migrations one by one, each in its own transaction.

        Several connections may open the file at once (the window's worker, a cron ``popgui
        sync``). The version is first read without a lock, so opening an up-to-date file
        never takes the write lock; when it is older, each step re-reads the version inside
        its BEGIN IMMEDIATE transaction and runs only if no other connection ran it meanwhile.
        """
        with self._errors("open"):
            version = self._user_version()
        self._refuse_newer(version)
        while version < SCHEMA_VERSION:
            with self._transaction("upgrade") as conn:
                version = self._user_version()  # under the write lock: the one that counts
                self._refuse_newer(version)
                if version < SCHEMA_VERSION:
                    MIGRATIONS[version](conn)
                    version += 1
                    conn.execute(f"PRAGMA user_version = {version}")

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise DeliveryError(
                f"The mail database {self.path} was written by a newer popgui "
                f"(schema {version}, this version knows {SCHEMA_VERSION}); please upgrade."
            )

    @property
    def schema_version(self) -> int:
        """The schema version stored in the file (``PRAGMA user_version``)."""
        with self._errors("read"):
            return self._user_version()

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
            conn.executemany(_RECORD_DELIVERED_SQL, _delivered_rows(account, records))
            for folder, messages in index.items():
                conn.executemany(_INDEX_MESSAGES_SQL, _index_rows(account, folder, messages))

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

    # --- header index ---------------------------------------------------------------------

    def index_messages(self, account: str, folder: str, messages: Iterable[IndexedMessage]) -> None:
        """Add or refresh index rows (keyed by path) in one transaction."""
        rows = _index_rows(account, folder, messages)
        with self._transaction("update the message index in") as conn:
            conn.executemany(_INDEX_MESSAGES_SQL, rows)

    def index_message(self, account: str, folder: str, message: IndexedMessage) -> None:
        """Add or refresh one index row."""
        self.index_messages(account, folder, [message])

    def count_messages(self, account: str, folder: str) -> int:
        """How many indexed messages *folder* of *account* holds."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT COUNT(*) FROM messages WHERE account = ? AND folder = ?",
                (account, folder),
            ).fetchone()
        return int(row[0])

    def folder_counts(self, account: str) -> dict[str, tuple[int, int]]:
        """Folder → (total, unread) for every folder of *account* the index knows."""
        with self._errors("read"):
            rows = self.conn.execute(
                f"SELECT folder, COUNT(*), SUM(NOT {_READ_SQL}) FROM messages "
                "WHERE account = ? GROUP BY folder",
                (account,),
            ).fetchall()
        return {row[0]: (int(row[1]), int(row[2] or 0)) for row in rows}

    def count_matching(self, account: str, folder: str, filter_text: str = "") -> int:
        """How many rows of *folder* match *filter_text* (sender or subject, any case)."""
        where, args = _list_filter(account, folder, filter_text)
        with self._errors("read"):
            row = self.conn.execute(f"SELECT COUNT(*) FROM messages WHERE {where}", args)
            return int(row.fetchone()[0])

    def message_page(self, query: PageQuery) -> list[MessageRow]:
        """One page of the message list, sorted on an indexed column (ties: by id).

        The inner query walks only the index (row ids), so a far offset stays cheap; the outer
        one reads the page's rows.
        """
        column = SORT_COLUMNS.get(query.sort)
        if column is None:
            raise ValueError(f"cannot sort the message list by {query.sort!r}")
        direction = "DESC" if query.descending else "ASC"
        order = f"{column} {direction}, id {direction}"
        where, args = _list_filter(query.account, query.folder, query.filter_text)
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM messages WHERE id IN "
            f"(SELECT id FROM messages WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?) "
            f"ORDER BY {order}"
        )
        bounds = (max(0, query.limit), max(0, query.offset))
        with self._errors("read"):
            rows = self.conn.execute(sql, (*args, *bounds)).fetchall()
        return [_message_row(row) for row in rows]

    def message_row(self, message_id: int) -> MessageRow | None:
        with self._errors("read"):
            row = self.conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        return None if row is None else _message_row(row)

    def locations(self, message_ids: Iterable[int]) -> list[IndexLocation]:
        """Where the given messages lie (unknown ids are left out), in id order."""
        ids = sorted(set(message_ids))
        found: list[IndexLocation] = []
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            found += self._locations(f"id IN ({','.join('?' * len(chunk))})", chunk)
        return found

    def folder_locations(self, account: str, folder: str) -> list[IndexLocation]:
        """Every indexed message of one folder."""
        return self._locations("account = ? AND folder = ?", (account, folder))

    def indexed_paths(self, account: str, under: str) -> dict[str, IndexLocation]:
        """Path → row for rows of *account*, and for rows of any account below *under*."""
        upper = under[:-1] + chr(ord(under[-1]) + 1) if under else under
        rows = self._locations("account = ? OR (path >= ? AND path < ?)", (account, under, upper))
        return {loc.path: loc for loc in rows}

    def _locations(self, where: str, args: Sequence[object]) -> list[IndexLocation]:
        sql = f"SELECT id, account, folder, path, token, flags FROM messages WHERE {where}"
        with self._errors("read"):
            return [IndexLocation(*row) for row in self.conn.execute(sql + " ORDER BY id", args)]

    def relocate(self, moved: Iterable[IndexLocation]) -> None:
        """Store new folder, path and flags of messages whose files were moved or renamed."""
        self._write_many(
            "update the message index in",
            "UPDATE messages SET folder = ?, path = ?, flags = ? WHERE id = ?",
            [(m.folder, m.path, m.flags, m.id) for m in moved],
        )

    def unindex(self, message_ids: Iterable[int]) -> None:
        """Drop index rows (their files are gone)."""
        self._write_many(
            "update the message index in",
            "DELETE FROM messages WHERE id = ?",
            [(i,) for i in message_ids],
        )

    def indexed_by_message_id(
        self, account: str, message_ids: Collection[str]
    ) -> list[IndexedCopy]:
        """Index rows of *account* whose Message-ID is one of *message_ids* (empty ones never)."""
        wanted = sorted({m for m in message_ids if m})
        found: list[IndexedCopy] = []
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            sql = (
                "SELECT path, token, uid, message_id, date, size FROM messages "
                f"WHERE account = ? AND message_id IN ({','.join('?' * len(chunk))}) ORDER BY id"
            )
            with self._errors("read"):
                found += [IndexedCopy(*row) for row in self.conn.execute(sql, (account, *chunk))]
        return found

    def has_state(self, account: str) -> bool:
        """Whether *account* has any delivered row or index row (False after a rebuild)."""
        with self._errors("read"):
            row = self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM delivered WHERE account = ?) "
                "OR EXISTS (SELECT 1 FROM messages WHERE account = ?)",
                (account, account),
            ).fetchone()
        return bool(row[0])

    # --- housekeeping ---------------------------------------------------------------------

    def remove_account(self, account: str) -> None:
        """Drop every row of *account* (state, last listing, index) in one transaction."""
        tables = ("delivered", "server_seen", "messages", "account_state", "discarded_tokens")
        with self._transaction("update") as conn:
            for table in tables:
                conn.execute(f"DELETE FROM {table} WHERE account = ?", (account,))

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class IndexLocation:
    """Where an indexed message lies, what the local actions need to move it."""

    id: int
    account: str
    folder: str
    path: str
    token: str
    flags: str


@dataclass(frozen=True)
class IndexedCopy:
    """A stored message as the header index knows it, for recognising it under a new UIDL."""

    path: str
    token: str
    uid: str
    message_id: str
    date: float | None
    size: int


def set_aside_corrupt(path: Path, *, now: float | None = None) -> Path:
    """Rename a damaged database (and its ``-wal``/``-shm`` companions) out of the way.

    The file is kept as ``<name>.corrupt-<UTC time>`` for inspection; its WAL goes along, so
    that a fresh database at *path* cannot replay the damaged journal. Returns the new name.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
    try:
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.replace(companion, target.with_name(target.name + suffix))
        os.replace(path, target)
    except OSError as exc:
        raise DeliveryError(
            f"Could not move the damaged mail database {path} aside: {exc.strerror or exc}"
        ) from exc
    return target


@dataclass(frozen=True)
class PageQuery:
    """Which page of the message list to read: folder, sort, filter, window."""

    account: str
    folder: str
    sort: str = "date"
    descending: bool = True
    filter_text: str = ""
    offset: int = 0
    limit: int = 200


#: Message-list sort keys → the SQL each one orders by (each backed by an index).
SORT_COLUMNS: dict[str, str] = {
    "date": "date",
    "from": "from_addr COLLATE NOCASE",
    "subject": "subject COLLATE NOCASE",
    "size": "size",
    "read": _READ_SQL,
}
_ROW_COLUMNS = (
    f"id, account, folder, path, from_addr, subject, date, size, {_READ_SQL}, has_attachment"
)
_MARK_LOCALLY_DELETED = (
    "UPDATE delivered SET locally_deleted_at = COALESCE(locally_deleted_at, ?) "
    "WHERE account = ? AND token = ?"
)
_IN_CHUNK = 500  # host parameters per "IN (...)" (SQLite's limit is at least 999)


def _forget_listing(conn: sqlite3.Connection, account: str) -> None:
    conn.execute(
        "UPDATE account_state SET listing_digest = NULL, listing_valid_until = NULL "
        "WHERE account = ?",
        (account,),
    )


def _message_row(row: Any) -> MessageRow:
    id_, account, folder, path, from_addr, subject, date, size, read, attach = row
    return MessageRow(
        id_, account, folder, path, from_addr, subject, date, size, bool(read), bool(attach)
    )


def _list_filter(account: str, folder: str, text: str) -> tuple[str, tuple[str, ...]]:
    """WHERE clause and arguments: the folder, and *text* in sender or subject, any case.

    ASCII text uses LIKE (case-insensitive for ASCII, in C); other text a casefold function.
    """
    where = "account = ? AND folder = ?"
    text = text.strip()
    if not text:
        return where, (account, folder)
    if text.isascii():
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
        clause = " AND (from_addr LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\')"
        return where + clause, (account, folder, pattern, pattern)
    needle = text.casefold()
    clause = " AND (instr(popgui_fold(from_addr), ?) > 0 OR instr(popgui_fold(subject), ?) > 0)"
    return where + clause, (account, folder, needle, needle)


def _fold(value: object) -> str:
    return value.casefold() if isinstance(value, str) else ""


_RECORD_DELIVERED_SQL: Final = (
    "INSERT INTO delivered (account, uid, token, size, delivered_at, path, "
    "deleted_on_server, vanished_at, locally_deleted_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (account, uid) DO UPDATE SET token = excluded.token, "
    "size = excluded.size, delivered_at = excluded.delivered_at, "
    "path = excluded.path, deleted_on_server = excluded.deleted_on_server, "
    "vanished_at = excluded.vanished_at, "
    "locally_deleted_at = excluded.locally_deleted_at"
)

_INDEX_MESSAGES_SQL: Final = (
    "INSERT INTO messages (account, folder, path, token, uid, from_addr, subject, "
    "date, size, flags, has_attachment, message_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (path) DO UPDATE SET account = excluded.account, "
    "folder = excluded.folder, token = excluded.token, uid = excluded.uid, "
    "from_addr = excluded.from_addr, subject = excluded.subject, "
    "date = excluded.date, size = excluded.size, flags = excluded.flags, "
    "has_attachment = excluded.has_attachment, message_id = excluded.message_id"
)


def _delivered_rows(account: str, records: Iterable[DeliveredRecord]) -> list[tuple[object, ...]]:
    return [
        (account, r.uid, r.token, r.size, r.delivered_at, r.path, int(r.deleted_on_server),
         r.vanished_at, r.locally_deleted_at)
        for r in records
    ]  # fmt: skip


def _index_rows(
    account: str, folder: str, messages: Iterable[IndexedMessage]
) -> list[tuple[object, ...]]:
    return [_index_row(account, folder, m) for m in messages]


def _index_row(account: str, folder: str, m: IndexedMessage) -> tuple[object, ...]:
    f = m.fields
    return (
        account,
        folder,
        m.path,
        m.token,
        m.uid,
        f.from_addr,
        f.subject,
        f.date,
        f.size,
        m.flags,
        int(f.has_attachment),
        f.message_id,
    )


# --- header parsing -----------------------------------------------------------------------

_FIRST_READ = ATTACHMENT_SCAN_BYTES  # one read holds all that the attachment check looks at
_MAX_HEADER_BYTES = 1024 * 1024


#: How much of a message's start the delivery keeps in memory for :func:`header_fields`.
HEAD_BYTES = _FIRST_READ


def head_is_whole(head: bytes, size: int) -> bool:
    """Whether *head*, the first bytes of a *size*-byte message, is all :func:`index_fields`
    would read of it (so the index needs no second read of the file)."""
    return len(head) >= size or (len(head) >= _FIRST_READ and header_block_end(head) >= 0)


def index_fields(path: Path) -> IndexFields:
    """Parse what the message list needs from the header block of the stored message *path*.

    Only the start of the file is read (the header block, at most 1 MB). Malformed headers
    never raise: a field that cannot be decoded becomes "" (or None for the date). A file that
    cannot be read raises DeliveryError.
    """
    try:
        with open(path, "rb") as fh:
            head, size = _read_head(fh), _file_size(fh)
    except OSError as exc:
        raise DeliveryError(f"Could not read the message {path}: {exc.strerror or exc}") from exc
    return header_fields(head, size)


def header_fields(head: bytes, size: int) -> IndexFields:
    """The index fields of a message whose start is *head* (the header block, and maybe more).

    Also used on ``TOP n 0`` replies, to recognise a message already stored under another
    UIDL (see popgui/sync/migration.py). Never raises (parsing: popgui/store/headerindex.py).
    """
    summary = summarize(head)
    return IndexFields(
        from_addr=summary.from_addr,
        subject=summary.subject,
        date=summary.date,
        message_id=summary.message_id,
        has_attachment=summary.has_attachment,
        size=size,
    )


def _read_head(fh: BinaryIO) -> bytes:
    """Read 64 KB, then more only while the header block has not ended (up to 1 MB)."""
    head = fh.read(_FIRST_READ)
    while len(head) < _MAX_HEADER_BYTES and header_block_end(head) < 0:
        more = fh.read(_FIRST_READ)
        if not more:
            break
        head += more
    return head


def _file_size(fh: BinaryIO) -> int:
    return os.fstat(fh.fileno()).st_size
