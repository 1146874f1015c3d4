"""The SQLite schema, versioned with ``PRAGMA user_version``, and its migrations step by step.

:class:`~popgui.store.database.connection.SQLiteFile` runs the missing steps when it opens a
file. Append a migration; never edit an old one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["MIGRATIONS", "READ_SQL", "SCHEMA_VERSION"]


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
READ_SQL = "(instr(flags, 'S') > 0)"


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Message-list indexes, local deletions, login state, tokens of mail deleted for good."""
    _execute_all(
        conn,
        f"""
        CREATE INDEX messages_by_from ON messages (account, folder, from_addr COLLATE NOCASE);
        CREATE INDEX messages_by_subject ON messages (account, folder, subject COLLATE NOCASE);
        CREATE INDEX messages_by_size ON messages (account, folder, size);
        CREATE INDEX messages_by_read ON messages (account, folder, {READ_SQL});
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


def _migrate_to_4(conn: sqlite3.Connection) -> None:
    """Index sizes become the size as mailed (CRLF line ends, what a POP3 server lists), so
    the message list and On server show one size for one message: every stored file is read
    once to count its line ends. A file that cannot be read keeps its old size; the index is
    not the mail, so nothing is lost."""
    rows = conn.execute("SELECT id, path, size FROM messages").fetchall()
    for row_id, path, size in rows:
        mailed = _mailed_size(path)
        if mailed is not None and mailed != size:
            conn.execute("UPDATE messages SET size = ? WHERE id = ?", (mailed, row_id))


def _mailed_size(path: str) -> int | None:
    """A stored file's size with its LF line ends counted as CRLF (None: unreadable).

    Its own copy, not the index's: a migration must do tomorrow what it does today.
    """
    size = line_ends = 0
    try:
        with open(path, "rb") as file:
            while chunk := file.read(1 << 20):
                size += len(chunk)
                line_ends += chunk.count(b"\n")
    except OSError:
        return None
    return size + line_ends


def _migrate_to_5(conn: sqlite3.Connection) -> None:
    """Delivered rows that another mail client downloaded (``popgui account import-state``):
    the program named, NULL for what popgui downloaded itself. popgui never deletes such a
    message on the server by its policy: it has no copy of it."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(delivered)")}
    if "imported_from" not in columns:  # a file whose version number was set back by hand
        conn.execute("ALTER TABLE delivered ADD COLUMN imported_from TEXT")


def _migrate_to_6(conn: sqlite3.Connection) -> None:
    """Messages a first sync left on the server unseen (``account add --skip-existing`` or
    ``--since``), with the Message-ID and Date their headers gave, and when the first sync
    made that choice (it is made once per account)."""
    _execute_all(
        conn,
        """
        CREATE TABLE skipped (
            account TEXT NOT NULL,
            uid TEXT NOT NULL,
            message_id TEXT NOT NULL DEFAULT '',
            date REAL,
            skipped_at REAL NOT NULL,
            PRIMARY KEY (account, uid)
        );
        ALTER TABLE account_state ADD COLUMN first_sync_done REAL
        """,
    )


def _migrate_to_7(conn: sqlite3.Connection) -> None:
    """Mail delivered elsewhere (``--deliver``): a message whose delivery began and whose end
    is not recorded yet (``pending_deliveries``, with the destination's mark), and, in the
    index, where a message lives when it is not a file of the Maildir (``elsewhere``, shown
    by the window; its ``path`` is then the destination's locator)."""
    _execute_all(
        conn,
        """
        CREATE TABLE pending_deliveries (
            account TEXT NOT NULL,
            uid TEXT NOT NULL,
            token TEXT NOT NULL,
            size INTEGER NOT NULL,
            message_id TEXT NOT NULL DEFAULT '',
            date REAL,
            sender TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '',
            downloaded_at REAL NOT NULL,
            mark TEXT NOT NULL DEFAULT '',
            destination TEXT NOT NULL,
            PRIMARY KEY (account, uid)
        );
        ALTER TABLE messages ADD COLUMN elsewhere TEXT NOT NULL DEFAULT ''
        """,
    )


#: Migration *i* brings the schema from version *i* to *i + 1*. Append; never edit old ones.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_to_1,
    _migrate_to_2,
    _migrate_to_3,
    _migrate_to_4,
    _migrate_to_5,
    _migrate_to_6,
    _migrate_to_7,
]
SCHEMA_VERSION = len(MIGRATIONS)
