"""A message's size in the index is its size as mailed: CRLF line ends, as a server lists it.

Messages are stored with LF line ends, so the file is one byte a line shorter than the
message a POP3 server lists (RFC 1939 LIST counts the octets with CRLF). The index keeps the
mailed size, so the message list and On server show the same number for the same message.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import SCHEMA_VERSION, Database, IndexedMessage, index_fields
from popgui.sync.engine import sync_account
from tests.gui.conftest import account_for

LF_MESSAGE = b"From: a@example.org\nSubject: three lines\n\nbody\n"


def test_index_fields_count_line_ends_as_crlf(tmp_path: Path) -> None:
    path = tmp_path / "message"
    path.write_bytes(LF_MESSAGE)
    assert index_fields(path).size == len(LF_MESSAGE) + 4


def test_a_long_file_is_counted_to_its_end(tmp_path: Path) -> None:
    body = b"line of a long message\n" * 200_000  # far past the header read
    path = tmp_path / "message"
    path.write_bytes(LF_MESSAGE + body)
    assert index_fields(path).size == len(LF_MESSAGE + body) + 4 + 200_000


def test_downloaded_mail_is_indexed_with_the_size_the_server_lists(tmp_path: Path) -> None:
    big = b"Subject: big\r\n\r\n" + b"0123456789" * 40_000 + b"\r\n" + b"a line\r\n" * 50_000
    contents = [LF_MESSAGE, b"Subject: crlf\r\n\r\nbody\r\n", big]
    mailbox = ServerMailbox(contents)
    listed = sorted(message.size for message in mailbox.messages())
    profile = Profile(tmp_path / "profile")
    with LocalPOP3Server([ServerAccount("sam", "pw", mailbox)]) as server:
        result = sync_account(account_for("home", server, user="sam"), "pw", profile)
    assert result.error is None, result.error
    with Database(profile.database_file) as database:
        sizes = sorted(row[0] for row in database.conn.execute("SELECT size FROM messages"))
    assert sizes == listed


def test_migration_counts_the_line_ends_of_sizes_indexed_before(tmp_path: Path) -> None:
    stored = tmp_path / "mail" / "cur" / "one:2,S"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(LF_MESSAGE)
    gone = str(tmp_path / "mail" / "cur" / "gone:2,")
    path = tmp_path / "popgui.sqlite3"
    with Database(path) as database:
        fields = index_fields(stored)
        old = [
            IndexedMessage(str(stored), fields, "t1", "u1", "S"),
            IndexedMessage(gone, fields, "t2", "u2", ""),
        ]
        database.index_messages("home", "INBOX", old)
        # As an older popgui indexed them: the file's size, LF line ends.
        database.conn.execute("UPDATE messages SET size = ?", (len(LF_MESSAGE),))
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE pending_deliveries")  # undo version 7, to be migrated again
    conn.execute("ALTER TABLE messages DROP COLUMN elsewhere")
    conn.execute("DROP TABLE skipped")  # undo version 6, to be migrated again (5 tolerates it)
    conn.execute("ALTER TABLE account_state DROP COLUMN first_sync_done")
    conn.execute("PRAGMA user_version = 3")  # the schema before sizes counted CRLF
    conn.commit()
    conn.close()
    with Database(path) as database:
        sizes = dict(database.conn.execute("SELECT path, size FROM messages"))
        assert database.schema_version == SCHEMA_VERSION
    assert sizes == {str(stored): len(LF_MESSAGE) + 4, gone: len(LF_MESSAGE)}
