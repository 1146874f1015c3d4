"""Batched delivery: files are made durable a batch at a time, and a disk failure at that
moment records nothing, deletes nothing and leaves no half file in new/."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from popgui import durable as durable_module
from popgui.errors import DeliveryError
from popgui.localserver import LocalPOP2Server, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.pop2client import POP2Client
from popgui.profile import Profile
from popgui.store import maildir as maildir_module
from popgui.store import writer as writer_module
from popgui.store.database import Database, DeliveredRecord
from popgui.store.maildir import Maildir
from popgui.store.names import token_for
from popgui.sync import delivery as delivery_module
from popgui.sync.delivery import BatchedDelivery
from popgui.sync.engine import sync_account
from tests.cli.helpers import password_command, run_popgui

from .conftest import PASSWORD, USER, as_stored, maildir_contents, make_account

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
    batch._spool.writer.drain()  # the file is created by the writer thread
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
    monkeypatch.setattr(writer_module, "fsync_file", enospc)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    deliver(batch, "u2")
    with pytest.raises(DeliveryError, match="disk is full"):
        batch.commit()
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no half file left behind"
    assert db.delivered_uid_set("acct") == set()
    assert batch.durable == []


def eperm(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.EPERM, os.strerror(errno.EPERM))


@pytest.mark.parametrize("move_by", ["link", "rename"])
def test_disk_failure_while_moving_keeps_only_whole_recognisable_files(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database, move_by: str
) -> None:
    """Both ways into new/: a hard link (then an unlink), and the rename where the file
    system has no hard links."""
    calls = []

    def once(real: Callable[..., None]) -> Callable[..., None]:
        def call(source: str, target: str, **kwargs: Any) -> None:
            calls.append(target)
            if len(calls) > 1:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            real(source, target, **kwargs)

        return call

    if move_by == "link":
        monkeypatch.setattr(os, "link", once(os.link))
    else:
        monkeypatch.setattr(os, "link", eperm)
        monkeypatch.setattr(os, "replace", once(os.replace))
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    deliver(batch, "u2")
    with pytest.raises(DeliveryError, match="input/output error"):
        batch.commit()
    assert os.listdir(md.path / "tmp") == []
    # the first file is whole and carries its token: the next run recognises it
    assert md.tokens() == {token_for("acct", "u1")}
    assert db.delivered_uid_set("acct") == set()


def test_each_file_is_fsynced_on_the_writer_thread_before_its_move(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    """The durability order's step 1: the file's data is durable before its name appears in
    new/; the fsync runs on the writer thread, off the thread reading the network."""
    fsynced: dict[int, str] = {}  # inode → thread
    real_fsync, real_move = writer_module.fsync_file, maildir_module._move_noreplace

    def fsync_spy(fd: int) -> None:
        real_fsync(fd)
        fsynced[os.fstat(fd).st_ino] = threading.current_thread().name

    def move_spy(old: str, new: str, old_dir: Any, new_dir: Any) -> None:
        inode = os.stat(f"{old_dir.path}/{old}").st_ino
        assert inode in fsynced, "moved into new/ before its data was durable"
        real_move(old, new, old_dir, new_dir)

    monkeypatch.setattr(writer_module, "fsync_file", fsync_spy)
    monkeypatch.setattr(maildir_module, "_move_noreplace", move_spy)
    batch = BatchedDelivery("acct", md, db)
    records = [deliver(batch, f"u{n}") for n in range(5)]
    assert batch.commit() == records
    batch.close()
    assert len(fsynced) == 5
    # on the writer threads, spread over the lanes so that several flushes are in flight
    assert {name.rsplit("-", 1)[0] for name in fsynced.values()} == {"popgui-writer"}
    assert len(set(fsynced.values())) > 1


def test_a_failed_fsync_of_a_file_records_nothing(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    def eio(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(durable_module.os, "fsync", eio)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    with pytest.raises(DeliveryError, match="input/output error") as info:
        batch.commit()
    batch.close()
    assert "Could not save" in str(info.value)
    assert os.listdir(md.path / "new") == os.listdir(md.path / "tmp") == []
    assert db.delivered_uid_set("acct") == set()


def test_disk_failure_at_the_batch_sync_deletes_nothing_on_the_server(
    monkeypatch: pytest.MonkeyPatch,
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    originals = mailbox.contents()
    account = make_account(pop3_server, policy="delete")
    with monkeypatch.context() as patch:
        patch.setattr(writer_module, "fsync_file", enospc)
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


# --- the committer thread -------------------------------------------------------------------


def settled(batch: BatchedDelivery, timeout: float = 10.0) -> None:
    """Wait until the committer has news (a batch done or a failure) for the next call."""
    deadline = time.monotonic() + timeout
    while not batch._committer.news:
        assert time.monotonic() < deadline, "the committer never finished its batch"
        time.sleep(0.002)


class Gate:
    """Holds the committer inside its batch's sync (Spool.sync) until opened."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.calls = 0
        real = maildir_module.Spool.sync

        def gated(*args: Any, **kwargs: Any) -> None:
            self.calls += 1
            self.entered.set()
            assert self.opened.wait(30), "the gate was never opened"
            real(*args, **kwargs)

        monkeypatch.setattr(maildir_module.Spool, "sync", gated)

    def wait_entered(self) -> None:
        assert self.entered.wait(10), "the committer never reached the sync"


def small_batches(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(delivery_module, "BATCH_MESSAGES", size)
    monkeypatch.setattr(delivery_module, "BATCH_SECONDS", 3600.0)


def test_a_full_batch_becomes_durable_on_the_committer_while_the_next_one_fills(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 3)
    batch = BatchedDelivery("acct", md, db)
    first = [deliver(batch, f"u{n}") for n in range(3)]  # full: handed to the committer
    settled(batch)  # no call needed from this thread: the committer works alone
    assert db.delivered_uid_set("acct") == {"u0", "u1", "u2"}
    assert sorted(os.listdir(md.path / "new")) == sorted(Path(r.path).name for r in first)
    assert batch.durable == [], "noted on this thread at its next call"
    second = [deliver(batch, f"u{n}") for n in range(3, 6)]
    assert batch.durable[:3] == first
    assert batch.commit() == first + second, "what became durable since the last commit()"
    assert batch.commit() == []
    assert db.delivered_uid_set("acct") == {f"u{n}" for n in range(6)}
    assert os.listdir(md.path / "tmp") == []
    batch.close()


def test_the_committer_keeps_the_durability_order_batch_after_batch(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    """Per batch: wait for the files to be durable (fsynced by the writer, see above), move
    each into new/, fsync new/, then record and index in one transaction; batches in the order
    they were sealed; all of it off the delivering thread."""
    small_batches(monkeypatch, 4)
    steps: list[tuple[str, str]] = []

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            steps.append((name, threading.current_thread().name))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(maildir_module.Spool, "sync", spy("sync", maildir_module.Spool.sync))
    monkeypatch.setattr(
        maildir_module, "_move_noreplace", spy("move", maildir_module._move_noreplace)
    )
    monkeypatch.setattr(maildir_module, "_fsync_dir", spy("fsync new", maildir_module._fsync_dir))
    monkeypatch.setattr(db, "record_and_index", spy("record+index", db.record_and_index))
    batch = BatchedDelivery("acct", md, db)
    records = [deliver(batch, f"u{n:02d}") for n in range(10)]
    assert batch.commit() == records == batch.durable
    batch.close()
    one_batch = ["sync", "move", "move", "move", "move", "fsync new", "record+index"]
    last = ["sync", "move", "move", "fsync new", "record+index"]
    assert [name for name, _thread in steps] == one_batch * 2 + last
    assert {thread for _name, thread in steps} == {"popgui-committer"}
    rows = db.conn.execute("SELECT uid FROM delivered ORDER BY rowid").fetchall()
    assert [row[0] for row in rows] == [r.uid for r in records]


def test_commit_waits_until_every_sealed_batch_is_durable(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 2)
    gate = Gate(monkeypatch)
    batch = BatchedDelivery("acct", md, db)
    records = [deliver(batch, f"u{n}") for n in range(3)]  # one batch sealed, one filling
    gate.wait_entered()
    threading.Timer(0.3, gate.opened.set).start()
    started = time.monotonic()
    assert batch.commit() == records
    assert time.monotonic() - started >= 0.25, "commit() returned before the committer was done"
    assert db.delivered_uid_set("acct") == {"u0", "u1", "u2"}
    assert sorted(os.listdir(md.path / "new")) == sorted(Path(r.path).name for r in records)
    batch.close()


def test_the_delivering_thread_waits_when_the_committer_is_too_far_behind(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 1)
    gate = Gate(monkeypatch)
    batch = BatchedDelivery("acct", md, db)
    delivered: list[DeliveredRecord] = []

    def deliver_five() -> None:
        for n in range(5):
            delivered.append(deliver(batch, f"u{n}"))

    thread = threading.Thread(target=deliver_five)
    thread.start()
    gate.wait_entered()
    bound = 1 + delivery_module.MAX_WAITING  # one in the committer's hands, the rest waiting
    deadline = time.monotonic() + 10
    while len(delivered) < bound and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert thread.is_alive(), "the next seal waits for room"
    assert len(delivered) == bound
    assert db.delivered_uid_set("acct") == set()
    gate.opened.set()
    thread.join(10)
    assert batch.commit() == delivered and len(delivered) == 5
    batch.close()
    assert db.delivered_uid_set("acct") == {f"u{n}" for n in range(5)}


def test_a_failed_sync_on_the_committer_is_raised_at_the_next_call(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 2)
    monkeypatch.setattr(writer_module, "fsync_file", enospc)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    deliver(batch, "u2")  # sealed: the committer fails on it
    settled(batch)
    with pytest.raises(DeliveryError, match="disk is full"):
        batch.begin(token_for("acct", "u3"))
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no file of the failed batch left behind"
    assert db.delivered_uid_set("acct") == set()
    assert batch.durable == []
    assert batch.commit() == [], "the failure is raised once"
    batch.close()


def test_a_failure_in_a_sealed_batch_drops_the_batches_after_it(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 2)
    real_write = os.write
    writes: list[int] = []

    def first_write_fails(fd: int, data: bytes) -> int:
        writes.append(fd)
        if len(writes) == 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_write(fd, data)

    monkeypatch.setattr(writer_module.os, "write", first_write_fails)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")  # its write fails on the writer thread
    deliver(batch, "u2")  # the first batch is full: sealed, fails on the committer
    batch.begin(token_for("acct", "u3"))
    batch.write(MESSAGE)
    settled(batch)
    with pytest.raises(DeliveryError, match="input/output error"):
        batch.finish("u3", token_for("acct", "u3"))
    monkeypatch.setattr(writer_module.os, "write", real_write)
    assert batch.commit() == [], "the later message was dropped with the failed batch"
    batch.close()
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no file of either batch left behind"
    assert db.delivered_uid_set("acct") == set()
    assert batch.durable == []


def test_a_failure_behind_a_waiting_batch_records_neither(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    """The committer fails on one batch while the next waits: the waiting one is never
    started, and both are removed from tmp/."""
    small_batches(monkeypatch, 1)
    gate = Gate(monkeypatch)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    gate.wait_entered()
    deliver(batch, "u2")  # waits for the committer
    monkeypatch.setattr(durable_module, "fsync_directory", enospc)  # new/ cannot be flushed
    gate.opened.set()
    with pytest.raises(DeliveryError, match="disk is full"):
        batch.commit()
    assert gate.calls == 1, "the waiting batch was not started after the failure"
    batch.close()
    assert os.listdir(md.path / "tmp") == []
    assert md.tokens() == {token_for("acct", "u1")}, "moved before the failure: recognised later"
    assert db.delivered_uid_set("acct") == set()


def test_a_failed_rename_on_the_committer_records_nothing(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    def eio(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "link", eio)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "u1")
    with pytest.raises(DeliveryError, match="input/output error"):
        batch.commit()
    batch.close()
    assert os.listdir(md.path / "new") == os.listdir(md.path / "tmp") == []
    assert db.delivered_uid_set("acct") == set()


def test_a_failed_sqlite_commit_on_the_committer_records_nothing(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 2)
    batch = BatchedDelivery("acct", md, db)
    first = [deliver(batch, "u1"), deliver(batch, "u2")]
    settled(batch)
    # the database file may not grow any more: the next batch's rows (more than a page)
    # fail with SQLITE_FULL
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages}")
    small_batches(monkeypatch, 40)
    uids = [f"u{n}" for n in range(3, 43)]
    with pytest.raises(DeliveryError, match=r"record delivered .*mail database .*disk is full"):
        for uid in uids:
            deliver(batch, uid)
        settled(batch)
        batch.begin(token_for("acct", "u99"))
    assert batch.durable == first
    batch.close()
    assert db.delivered_uid_set("acct") == {"u1", "u2"}
    assert os.listdir(md.path / "tmp") == []
    # files moved before the failed commit carry their token: the next run recognises them
    assert md.tokens() == {token_for("acct", uid) for uid in ["u1", "u2", *uids]}


def test_ctrl_c_during_the_download_still_makes_the_finished_messages_durable(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 2)
    batch = BatchedDelivery("acct", md, db)
    with pytest.raises(KeyboardInterrupt), batch:
        records = [deliver(batch, f"u{n}") for n in range(3)]  # one batch sealed, one filling
        batch.begin(token_for("acct", "u3"))
        batch.write(MESSAGE)
        raise KeyboardInterrupt
    assert batch.durable == records
    assert db.delivered_uid_set("acct") == {"u0", "u1", "u2"}
    assert os.listdir(md.path / "tmp") == [], "the half message is dropped"


def test_ctrl_c_while_waiting_for_the_committer_keeps_the_batch(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    small_batches(monkeypatch, 1)
    batch = BatchedDelivery("acct", md, db)
    real_submit = batch._committer.submit
    interrupts = [KeyboardInterrupt()]

    def submit(sealed: object) -> None:
        if interrupts:
            raise interrupts.pop()  # as if Ctrl+C came while waiting for room
        real_submit(sealed)  # type: ignore[arg-type]

    monkeypatch.setattr(batch._committer, "submit", submit)
    with pytest.raises(KeyboardInterrupt), batch:
        deliver(batch, "u1")
    assert db.delivered_uid_set("acct") == {"u1"}, "the end of the block made it durable"
    assert os.listdir(md.path / "tmp") == []


def test_an_interrupted_final_commit_abandons_what_is_not_durable(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    """Ctrl+C while the end of the block waits for the committer: the batch it is making
    durable is finished, the files of the batch it never started are removed from tmp/."""
    small_batches(monkeypatch, 1)
    gate = Gate(monkeypatch)
    batch = BatchedDelivery("acct", md, db)

    def interrupted() -> None:
        threading.Timer(0.2, gate.opened.set).start()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), batch:
        first = deliver(batch, "u1")
        gate.wait_entered()
        deliver(batch, "u2")  # waits behind the first
        batch.begin(token_for("acct", "u3"))
        batch.write(MESSAGE)  # a half message
        monkeypatch.setattr(batch._committer, "wait", interrupted)
    assert batch.durable == [first]
    assert db.delivered_uid_set("acct") == {"u1"}
    assert os.listdir(md.path / "new") == [Path(first.path).name]
    assert os.listdir(md.path / "tmp") == []
    assert gate.calls == 1, "the waiting batch was never started"


def test_each_commit_makes_one_message_durable_as_pop2_needs(md: Maildir, db: Database) -> None:
    batch = BatchedDelivery("acct", md, db)
    for n in range(5):
        record = deliver(batch, f"u{n}")
        assert batch.commit() == [record]
        assert db.delivered_uid_set("acct") == {f"u{i}" for i in range(n + 1)}
        assert Path(record.path).exists()
    batch.close()


def test_pop2_acknowledges_for_deletion_only_what_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
    pop2_server: LocalPOP2Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    originals = mailbox.contents()
    real_acknowledge = POP2Client.acknowledge
    recorded_at_ackd: list[int] = []

    def acknowledge(client: POP2Client, command: str) -> int:
        if command == "ACKD":
            with Database(profile.database_file) as other:  # what a crash now would leave
                recorded_at_ackd.append(len(other.delivered_uid_set("test")))
        return real_acknowledge(client, command)

    monkeypatch.setattr(POP2Client, "acknowledge", acknowledge)
    result = sync_account(make_account(pop2_server, policy="delete"), PASSWORD, profile)
    assert result.error is None
    assert recorded_at_ackd == list(range(1, len(originals) + 1))
    assert mailbox.messages() == []


def test_a_small_message_is_one_queued_operation_and_a_large_one_streams(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    submitted: list[tuple[int, int]] = []
    real_submit = writer_module._Lane.submit

    def counting(lane: writer_module._Lane, handle: object, flags: int, data: bytes) -> None:
        submitted.append((flags, len(data)))
        real_submit(lane, handle, flags, data)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module._Lane, "submit", counting)
    batch = BatchedDelivery("acct", md, db)
    deliver(batch, "small")
    assert submitted == [(writer_module.OPEN | writer_module.CLOSE, len(as_lf(MESSAGE)))]
    submitted.clear()
    line = b"z" * 1000 + b"\r\n"
    batch.begin(token_for("acct", "large"))
    for _ in range(16):  # ~1 MB in chunks of ~64 KB: four gathered buffers
        batch.write(line * 64)
    batch.finish("large", token_for("acct", "large"))
    flags = [flag for flag, _size in submitted]
    assert flags[0] == writer_module.OPEN and flags[-1] == writer_module.CLOSE
    assert set(flags[1:-1]) <= {0} and len(flags) == 4
    assert sum(size for _flag, size in submitted) == 1001 * 64 * 16
    batch.commit()
    batch.close()
    assert db.delivered_uid_set("acct") == {"small", "large"}


def as_lf(content: bytes) -> bytes:
    return content.replace(b"\r\n", b"\n")


# --- kill -9 while batches are pipelined ------------------------------------------------------

#: Runs a real sync with tiny batches, so a kill lands among many sealed, published and
#: recorded batches (the production size, 2,000, is rarely reached by a short test).
TINY_BATCH_SYNC = """
import sys
import popgui.sync.delivery as delivery
delivery.BATCH_MESSAGES = 7
from popgui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def kill_once_more_landed(profile: Path, new: Path, rng: random.Random) -> None:
    """Start a tiny-batch sync and kill -9 it once a few more messages reached ``new/`` (so
    mid-download, most often in a batch's burst of moves or before its commit), or a little
    after, or as soon as it ends by itself."""
    target = len(os.listdir(new)) + rng.randint(1, 60)
    process = subprocess.Popen(
        [sys.executable, "-c", TINY_BATCH_SYNC, "--profile", str(profile), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if len(os.listdir(new)) >= target:
            time.sleep(rng.choice([0.0, 0.0, rng.uniform(0, 0.02)]))
            break
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["--keep", "--delete"])
def test_kill9_among_pipelined_batches_loses_and_duplicates_nothing(
    tmp_path: Path, policy: str
) -> None:
    rng = random.Random(policy)
    contents = [
        f"Subject: m{n}\r\nMessage-ID: <{n}@example.org>\r\n\r\nbody {n}\r\n.dot\r\n".encode()
        * rng.randint(1, 40)
        for n in range(1000)
    ]
    mailbox = ServerMailbox(contents)
    profile = tmp_path / "profile"
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        added = run_popgui(
            profile, "account", "add", "k", "--host", server.host, "--port", str(server.port),
            "--security", "none", "--user", USER,
            "--password-command", password_command(PASSWORD), policy,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        maildir = profile / "mail" / "k"
        (maildir / "new").mkdir(parents=True)
        for _trial in range(8):
            kill_once_more_landed(profile, maildir / "new", rng)
        landed = len(os.listdir(maildir / "new"))
        final = run_popgui(profile, "sync")
        assert final.returncode == 0, final.stderr
        left = mailbox.contents()
    assert 0 < landed < len(contents), "every kill should land mid-download"
    assert maildir_contents(maildir) == as_stored(contents), "lost or duplicated mail"
    assert os.listdir(maildir / "tmp") == []
    assert left == ([] if policy == "--delete" else contents)
