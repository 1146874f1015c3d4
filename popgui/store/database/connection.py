"""One SQLite file: opened, configured, migrated; every use locked, every error translated.

Durability: WAL journal with ``synchronous=FULL``, so a committed transaction survives a power
cut; on macOS also ``fullfsync`` (popgui/durable.py explains why). A download commits
each batch in one transaction, which the delivery runs only after the batch's files are
fsynced and ``new/`` is fsynced (see popgui/sync/delivery.py).

Threads: a :class:`SQLiteFile` wraps one ``sqlite3`` connection, which any thread may use:
every use of it (a query, a whole transaction) holds the file's lock, so two threads never
interleave statements (the delivery's committer thread records batches while the delivering
thread may read or record; see popgui/sync/delivery.py). The lock costs little next to a
statement. A worker thread that reads a lot (the message list) opens its own database on the
same file instead: WAL lets readers and one writer coexist.

Errors are split three ways, following qutebrowser:

* the environment's fault (disk full, read-only, locked, I/O error, cannot open)
  → :class:`~popgui.errors.DeliveryError` with a plain sentence naming the file;
* a damaged file ("file is not a database", "malformed") → :class:`DatabaseCorruptError`;
* anything else (SQL mistakes, constraint violations) is our bug and propagates unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from popgui import durable
from popgui.catalog import Message, Sentence
from popgui.catalog import store as says
from popgui.errors import DeliveryError
from popgui.store.database import schema

__all__ = ["DatabaseCorruptError", "SQLiteFile", "set_aside_corrupt"]

_BUSY_TIMEOUT_SECONDS = 10.0


class DatabaseCorruptError(DeliveryError):
    """The database file is damaged or is not a popgui database at all.

    ``path`` lets a front end offer to move the file aside and start afresh (which would make
    every message on the server look new, so a person must decide).
    """

    def __init__(self, message: str | Sentence, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


# --- error classification -----------------------------------------------------------------

_ENVIRONMENT_CODES: dict[int, Message] = {
    sqlite3.SQLITE_FULL: says.DISK_FULL,
    sqlite3.SQLITE_READONLY: says.DATABASE_READ_ONLY,
    sqlite3.SQLITE_BUSY: says.LOCKED_BY_ANOTHER,
    sqlite3.SQLITE_LOCKED: says.LOCKED_BY_ANOTHER,
    sqlite3.SQLITE_IOERR: says.IO_ERROR,
    sqlite3.SQLITE_CANTOPEN: says.CANNOT_OPEN,
    sqlite3.SQLITE_PERM: says.PERMISSION_DENIED,
    sqlite3.SQLITE_NOLFS: says.NO_LARGE_FILES,
    sqlite3.SQLITE_PROTOCOL: says.LOCKED_BY_ANOTHER,
    sqlite3.SQLITE_NOMEM: says.OUT_OF_MEMORY,
}
#: What is being done to the database, for the sentence of an error.
Action = Literal[
    "read",
    "open",
    "update",
    "upgrade",
    "index",
    "record delivered messages in",
    "record deletions in",
]
_ACTIONS: dict[Action, Message] = {
    "read": says.DATABASE_READ,
    "open": says.DATABASE_OPEN,
    "update": says.DATABASE_UPDATE,
    "upgrade": says.DATABASE_UPGRADE,
    "index": says.DATABASE_UPDATE_INDEX,
    "record delivered messages in": says.DATABASE_RECORD_DELIVERED,
    "record deletions in": says.DATABASE_RECORD_DELETIONS,
}
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def _translate(exc: sqlite3.Error, path: Path, action: Action) -> DeliveryError | None:
    """Map an sqlite3 error to a DeliveryError, or None when it is our bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in _CORRUPT_CODES:
        return DatabaseCorruptError(says.DATABASE_DAMAGED(path=path), path=path)
    reason = _ENVIRONMENT_CODES.get(primary)
    if reason is None:
        return None
    return DeliveryError(_failed(action, path, reason()))


def _failed(action: Action, path: Path, reason: str | Sentence) -> Sentence:
    return says.DATABASE_FAILED(action=_ACTIONS[action](), path=path, reason=reason)


class SQLiteFile:
    """popgui's SQLite file: open it, migrate it, run statements and transactions (thread-safe).

    :class:`~popgui.store.database.Database` adds what is read and recorded in it.
    """

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
    def _errors(self, action: Action) -> Iterator[None]:
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
            raise DeliveryError(_failed(action, self.path, exc.strerror or str(exc))) from exc

    @contextlib.contextmanager
    def _transaction(self, action: Action) -> Iterator[sqlite3.Connection]:
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

    def _write_many(self, action: Action, sql: str, rows: Iterable[Sequence[object]]) -> None:
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
            if durable.full_fsync_wanted():  # macOS: flush the drive's cache too
                self.conn.execute("PRAGMA fullfsync = ON")
                self.conn.execute("PRAGMA checkpoint_fullfsync = ON")
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
        while version < schema.SCHEMA_VERSION:
            with self._transaction("upgrade") as conn:
                version = self._user_version()  # under the write lock: the one that counts
                self._refuse_newer(version)
                if version < schema.SCHEMA_VERSION:
                    schema.MIGRATIONS[version](conn)
                    version += 1
                    conn.execute(f"PRAGMA user_version = {version}")

    def _refuse_newer(self, version: int) -> None:
        if version > schema.SCHEMA_VERSION:
            newer = says.DATABASE_TOO_NEW(
                path=self.path, version=version, known=schema.SCHEMA_VERSION
            )
            raise DeliveryError(newer)

    @property
    def schema_version(self) -> int:
        """The schema version stored in the file (``PRAGMA user_version``)."""
        with self._errors("read"):
            return self._user_version()

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()

    def __enter__(self) -> SQLiteFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _fold(value: object) -> str:
    return value.casefold() if isinstance(value, str) else ""


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
        reason = exc.strerror or str(exc)
        raise DeliveryError(says.MOVE_ASIDE_FAILED(path=path, reason=reason)) from exc
    return target
