"""The header index behind the message list: one row per stored message file, its list fields
parsed from the file's header block (popgui/store/headerindex.py), pages read on indexed
columns.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final

from popgui.catalog import store as says
from popgui.errors import DeliveryError
from popgui.store.database.connection import SQLiteFile
from popgui.store.database.records import (
    IndexedCopy,
    IndexedMessage,
    IndexFields,
    IndexLocation,
    MessageRow,
    PageQuery,
    StoredIdentity,
)
from popgui.store.database.schema import READ_SQL
from popgui.store.headerindex import ATTACHMENT_SCAN_BYTES, header_block_end, summarize

__all__ = [
    "HEAD_BYTES",
    "INDEX_MESSAGES_SQL",
    "SORT_COLUMNS",
    "HeaderIndex",
    "head_is_whole",
    "header_fields",
    "index_fields",
    "index_rows",
    "mailed_size",
]


class HeaderIndex(SQLiteFile):
    """The message list's rows: add, count, page, locate, move and drop them."""

    # --- header index ---------------------------------------------------------------------

    def index_messages(self, account: str, folder: str, messages: Iterable[IndexedMessage]) -> None:
        """Add or refresh index rows (keyed by path) in one transaction."""
        rows = index_rows(account, folder, messages)
        with self._transaction("index") as conn:
            conn.executemany(INDEX_MESSAGES_SQL, rows)

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
                f"SELECT folder, COUNT(*), SUM(NOT {READ_SQL}) FROM messages "
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
        """Path → row for rows of *account*, and for rows of any account below *under*; not
        the rows of mail delivered elsewhere (they have no file for a rescan to find)."""
        upper = under[:-1] + chr(ord(under[-1]) + 1) if under else under
        where = "elsewhere = '' AND (account = ? OR (path >= ? AND path < ?))"
        rows = self._locations(where, (account, under, upper))
        return {loc.path: loc for loc in rows}

    def _locations(self, where: str, args: Sequence[object]) -> list[IndexLocation]:
        sql = f"SELECT id, account, folder, path, token, flags FROM messages WHERE {where}"
        with self._errors("read"):
            return [IndexLocation(*row) for row in self.conn.execute(sql + " ORDER BY id", args)]

    def relocate(self, moved: Iterable[IndexLocation]) -> None:
        """Store new folder, path and flags of messages whose files were moved or renamed."""
        self._write_many(
            "index",
            "UPDATE messages SET folder = ?, path = ?, flags = ? WHERE id = ?",
            [(m.folder, m.path, m.flags, m.id) for m in moved],
        )

    def unindex(self, message_ids: Iterable[int]) -> None:
        """Drop index rows (their files are gone)."""
        self._write_many(
            "index",
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
                "SELECT path, token, uid, message_id, date, size, elsewhere FROM messages "
                f"WHERE account = ? AND message_id IN ({','.join('?' * len(chunk))}) ORDER BY id"
            )
            with self._errors("read"):
                found += [IndexedCopy(*row) for row in self.conn.execute(sql, (account, *chunk))]
        return found

    def unclaimed_identities(self, account: str) -> list[StoredIdentity]:
        """Every index row of *account* no UIDL claims (files another client put there), in
        the order they were indexed: one query, however large the Maildir."""
        with self._errors("read"):
            rows = self.conn.execute(
                "SELECT path, message_id, date, from_addr, subject FROM messages "
                "WHERE account = ? AND uid = '' ORDER BY id",
                (account,),
            ).fetchall()
        return [StoredIdentity(*row) for row in rows]


#: Message-list sort keys → the SQL each one orders by (each backed by an index).
SORT_COLUMNS: dict[str, str] = {
    "date": "date",
    "from": "from_addr COLLATE NOCASE",
    "subject": "subject COLLATE NOCASE",
    "size": "size",
    "read": READ_SQL,
}
_ROW_COLUMNS = (
    f"id, account, folder, path, from_addr, subject, date, size, {READ_SQL}, has_attachment, "
    "elsewhere"
)
_IN_CHUNK = 500  # host parameters per "IN (...)" (SQLite's limit is at least 999)


def _message_row(row: Any) -> MessageRow:
    id_, account, folder, path, from_addr, subject, date, size, read, attach, elsewhere = row
    return MessageRow(
        id_, account, folder, path, from_addr, subject, date, size, bool(read), bool(attach),
        elsewhere,
    )  # fmt: skip


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


INDEX_MESSAGES_SQL: Final = (
    "INSERT INTO messages (account, folder, path, token, uid, from_addr, subject, "
    "date, size, flags, has_attachment, message_id, elsewhere) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (path) DO UPDATE SET account = excluded.account, "
    "folder = excluded.folder, token = excluded.token, uid = excluded.uid, "
    "from_addr = excluded.from_addr, subject = excluded.subject, "
    "date = excluded.date, size = excluded.size, flags = excluded.flags, "
    "has_attachment = excluded.has_attachment, message_id = excluded.message_id, "
    "elsewhere = excluded.elsewhere"
)


def index_rows(
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
        m.elsewhere,
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

    The header block (at most 1 MB) is parsed; the rest of the file is only read to count its
    line ends, for the size as mailed (see :func:`mailed_size`). Malformed headers never raise:
    a field that cannot be decoded becomes "" (or None for the date). A file that cannot be
    read raises DeliveryError.
    """
    try:
        with open(path, "rb") as fh:
            head = _read_head(fh)
            size = mailed_size(fh, head)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DeliveryError(says.READ_MESSAGE_FAILED(path=path, reason=reason)) from exc
    return header_fields(head, size)


def mailed_size(fh: BinaryIO, head: bytes = b"") -> int:
    """The size as mailed of the stored message *fh*, whose first bytes *head* were read.

    Stored line ends are LF; mailed (and listed by a POP3 server) they are CRLF, one octet
    more each. Counting them needs the whole file, read a megabyte at a time.
    """
    size, line_ends = len(head), head.count(b"\n")
    while chunk := fh.read(1 << 20):
        size += len(chunk)
        line_ends += chunk.count(b"\n")
    return size + line_ends


def header_fields(head: bytes, size: int) -> IndexFields:
    """The index fields of a message whose start is *head* (the header block, and maybe more)
    and whose size as mailed (CRLF line ends) is *size*.

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
