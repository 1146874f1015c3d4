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
import time
from pathlib import Path

import pytest

from popgui.errors import DeliveryError
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store import maildir as maildir_module
from popgui.store import writer as writer_module
from popgui.store.database import Database, DeliveredRecord
from popgui.store.maildir import Maildir, sync_files, token_for
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


@pytest.mark.parametrize("move_by", ["renameat2", "link"])
def test_disk_failure_while_moving_keeps_only_whole_recognisable_files(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database, move_by: str
) -> None:
    calls = []

    def link_once(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) > 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_link(source, target)

    def rename_once(old_dir: int, old: bytes, new_dir: int, new: bytes) -> int:
        calls.append(new)
        if len(calls) > 1:
            return errno.EIO
        os.rename(old, new, src_dir_fd=old_dir, dst_dir_fd=new_dir)
        return 0

    real_link = os.link
    if move_by == "link":
        monkeypatch.setattr(maildir_module, "_renameat2_state", [None])
        monkeypatch.setattr(os, "link", link_once)
    else:
        monkeypatch.setattr(maildir_module, "_renameat2_state", [rename_once])
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


# --- a full batch waits for the next one (pipelined durability) ----------------------------


def test_a_full_batch_is_made_durable_when_the_next_one_is_full(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    monkeypatch.setattr(delivery_module, "BATCH_MESSAGES", 3)
    monkeypatch.setattr(delivery_module, "BATCH_SECONDS", 3600.0)
    batch = BatchedDelivery("acct", md, db)
    first = [deliver(batch, f"u{n}") for n in range(3)]
    # full and sealed, its files written meanwhile: not durable, not recorded
    assert os.listdir(md.path / "new") == []
    assert db.delivered_uid_set("acct") == set()
    second = [deliver(batch, f"u{n}") for n in range(3, 6)]
    assert batch.durable == first
    assert sorted(os.listdir(md.path / "new")) == sorted(Path(r.path).name for r in first)
    assert db.delivered_uid_set("acct") == {"u0", "u1", "u2"}
    assert batch.commit() == second
    assert db.delivered_uid_set("acct") == {f"u{n}" for n in range(6)}
    assert os.listdir(md.path / "tmp") == []
    batch.close()


def test_a_failure_in_the_waiting_batch_records_nothing_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, md: Maildir, db: Database
) -> None:
    monkeypatch.setattr(delivery_module, "BATCH_MESSAGES", 2)
    monkeypatch.setattr(delivery_module, "BATCH_SECONDS", 3600.0)
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
    deliver(batch, "u2")  # the first batch is full: sealed
    deliver(batch, "u3")
    with pytest.raises(DeliveryError, match="input/output error"):
        deliver(batch, "u4")  # the second is full: the first must become durable, and fails
    monkeypatch.setattr(writer_module.os, "write", real_write)
    assert batch.commit() == [], "the later messages were dropped with the failed batch"
    batch.close()
    assert os.listdir(md.path / "new") == []
    assert os.listdir(md.path / "tmp") == [], "no file of either batch left behind"
    assert db.delivered_uid_set("acct") == set()
    assert batch.durable == []


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
#: recorded batches (the production size, 200, is rarely reached by a short test).
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
