"""Batched delivery: files are made durable a batch at a time, and a disk failure at that
moment records nothing, deletes nothing and leaves no half file in new/."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

import pytest

from popgui.errors import DeliveryError
from popgui.localserver import LocalPOP3Server, ServerMailbox
from popgui.profile import Profile
from popgui.store import maildir as maildir_module
from popgui.store import writer as writer_module
from popgui.store.database import Database, DeliveredRecord
from popgui.store.maildir import Maildir, sync_files, token_for
from popgui.sync import delivery as delivery_module
from popgui.sync.delivery import BatchedDelivery
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, as_stored, maildir_contents, make_account

MESSAGE = (
    b"From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\r\n"
    b"Subject: =?iso-8859-1?q?caf=E9?=\r\n"
    b"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
    b"Message-ID: <one@example.org>\r\n"
    b"\r\n"
    b"body\r\n"
)


@pytest.fixture
def md(tmp_path: Path) -> Maildir:
    return Maildir(tmp_path / "Mail")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "db.sqlite3")
    yield database  # type: ignore[misc]
    database.close()


def enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def deliver(batch: BatchedDelivery, uid: str, content: bytes = MESSAGE) -> DeliveredRecord:
    batch.begin(token_for("acct", uid))
    batch.write(content)
    return batch.finish(uid, token_for("acct", uid))


def test_a_message_reaches_new_only_when_its_batch_is_committed(md: Maildir, db: Database) -> None:
    batch = BatchedDelivery("acct", md, db)
    record = deliver(batch, "u1")
    assert os.listdir(md.path / "new") == []
    assert len(os.listdir(md.path / "tmp")) == 1
    assert db.delivered_uid_set("acct") == set()
    assert batch.commit() == [record]
    assert os.listdir(md.path / "tmp") == []
    assert Path(record.path).read_bytes() == MESSAGE.replace(b"\r\n", b"\n")
    assert db.delivered_uid_set("acct") == {"u1"}


def test_the_index_is_built_from_memory_not_from_the_file(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    def no_reading(path: Path) -> None:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(delivery_module, "index_fields", no_reading)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    batch.commit()
    row = db.conn.execute("SELECT from_addr, subject, date, message_id FROM messages").fetchone()
    assert row[0] == "René <rene@example.org>"
    assert row[1] == "café"
    assert row[2] == 1795687200.0
    assert row[3] == "<one@example.org>"


def test_a_header_block_longer_than_the_kept_head_is_read_from_the_file(
    md: Maildir, db: Database
) -> None:
    long_header = b"X-Long: " + b"x" * 100_000 + b"\r\nSubject: late\r\n\r\nbody\r\n"
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1", long_header)
    batch.commit()
    assert db.conn.execute("SELECT subject FROM messages").fetchone()[0] == "late"


def test_disk_failure_when_syncing_the_batch_records_nothing(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    monkeypatch.setattr(maildir_module, "sync_files", enospc)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    deliver(batch, "u2")
    with pytest.raises(DeliveryError, match="disk is full"):
        batch.commit()
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no half file left behind"
    assert db.delivered_uid_set("acct") == set()
    assert batch.durable == []


def test_disk_failure_while_linking_keeps_only_whole_recognisable_files(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    real_link = os.link
    calls = []

    def link_once(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) > 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_link(source, target)

    monkeypatch.setattr(os, "link", link_once)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    deliver(batch, "u2")
    with pytest.raises(DeliveryError, match="input/output error"):
        batch.commit()
    assert os.listdir(md.path / "tmp") == []
    # the first file is whole and carries its token: the next run recognises it
    assert md.tokens() == {token_for("acct", "u1")}
    assert db.delivered_uid_set("acct") == set()


def test_sync_files_falls_back_to_fsync_of_each_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(maildir_module, "_syncfs_state", [None])
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    paths = []
    for n in range(5):
        path = tmp_path / f"f{n}"
        path.write_bytes(b"x")
        paths.append(path)
    sync_files(tmp_path, paths)
    assert len(synced) == 5
    monkeypatch.setattr(os, "fsync", enospc)
    with pytest.raises(OSError):
        sync_files(tmp_path, paths)


def test_sync_files_reports_a_syncfs_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(maildir_module, "_syncfs_state", [lambda fd: errno.EIO])
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with pytest.raises(OSError) as info:
        sync_files(tmp_path, [path])
    assert info.value.errno == errno.EIO


def test_disk_failure_at_the_batch_sync_deletes_nothing_on_the_server(
    monkeypatch: pytest.MonkeyPatch,
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    originals = mailbox.contents()
    account = make_account(pop3_server, policy="delete")
    with monkeypatch.context() as patch:
        patch.setattr(maildir_module, "sync_files", enospc)
        failed = sync_account(account, PASSWORD, profile)
    assert isinstance(failed.error, DeliveryError)
    assert mailbox.contents() == originals, "no DELE for a message that is not durable"
    maildir = account.maildir_path(profile)
    assert maildir_contents(maildir) == []
    assert os.listdir(maildir / "tmp") == []
    fixed = sync_account(account, PASSWORD, profile)
    assert fixed.error is None
    assert maildir_contents(maildir) == as_stored(originals)
    assert mailbox.messages() == []


# --- the background writer ------------------------------------------------------------------


def test_a_failed_background_write_aborts_the_batch_cleanly(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    monkeypatch.setattr(writer_module.os, "write", enospc)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    with pytest.raises(DeliveryError, match="disk is full") as info:
        deliver(batch, "u2")  # the failure is seen at the next write, or...
        batch.commit()  # ...at the latest when the batch is made durable
    assert str(md.path / "tmp") in str(info.value)
    batch.abort_current()
    with contextlib.suppress(DeliveryError):
        batch.commit()
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no half file left behind"
    assert db.delivered_uid_set("acct") == set()


def test_a_file_that_cannot_be_created_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    def erofs(*_args: object, **_kwargs: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(writer_module.os, "open", erofs)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    with pytest.raises(DeliveryError, match=r"Could not create the file .*read-only"):
        batch.commit()
    assert os.listdir(md.path / "new") == os.listdir(md.path / "tmp") == []
    assert db.delivered_uid_set("acct") == set()


def test_a_large_message_streams_through_the_bounded_queue(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    monkeypatch.setattr(writer_module, "QUEUE_LIMIT", 64 * 1024)
    batch = BatchedDelivery("acct", md, db)
    batch.begin(token_for("acct", "big"))
    line = b"y" * 998 + b"\r\n"
    for _ in range(2000):
        batch.write(line * 4)
    record = batch.finish("big", token_for("acct", "big"))
    batch.commit()
    assert Path(record.path).stat().st_size == record.size == 2000 * 4 * 999


def test_an_aborted_message_leaves_nothing(md: Maildir, db: Database) -> None:
    batch = BatchedDelivery("acct", md, db)
    batch.begin(token_for("acct", "u1"))
    batch.write(MESSAGE)
    batch.abort_current()
    assert batch.commit() == []
    assert os.listdir(md.path / "tmp") == os.listdir(md.path / "new") == []


def test_disk_full_while_writing_deletes_nothing_on_the_server(
    monkeypatch: pytest.MonkeyPatch,
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    originals = mailbox.contents()
    account = make_account(pop3_server, policy="delete")
    real_write = os.write
    written = []

    def fill_up(fd: int, data: bytes) -> int:
        written.append(len(data))
        if len(written) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    with monkeypatch.context() as patch:
        patch.setattr(writer_module.os, "write", fill_up)
        failed = sync_account(account, PASSWORD, profile)
    assert isinstance(failed.error, DeliveryError)
    assert "disk is full" in str(failed.error)
    assert mailbox.contents() == originals, "no DELE for a message that is not durable"
    maildir = account.maildir_path(profile)
    assert os.listdir(maildir / "tmp") == []
    assert set(maildir_contents(maildir)) <= set(as_stored(originals))
    fixed = sync_account(account, PASSWORD, profile)
    assert fixed.error is None
    assert maildir_contents(maildir) == as_stored(originals)
    assert mailbox.messages() == []
