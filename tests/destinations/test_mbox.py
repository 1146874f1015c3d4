"""The mbox destination against real files and real processes: mboxrd quoting read back with
Python's :mod:`mailbox`, the fcntl and dot locks other programs take (procmail's ``lockfile``,
Python's mailbox, a second popgui), a child process killed with SIGKILL mid-append then
recovered, a file system that fills up, and the files it must refuse to touch."""

from __future__ import annotations

import errno
import json
import mailbox
import os
import random
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.accounts.destination_spec import parse_deliver
from popgui.destinations import mbox_lock
from popgui.destinations.base import Accepted, DestinationError, Outgoing, Pending
from popgui.destinations.mbox import MboxDestination
from popgui.destinations.mbox_format import mbox_entry

CHILD = Path(__file__).with_name("mbox_child.py")
DOWNLOADED = 1_780_000_000.0  # Thu May 28 20:26:40 2026 UTC
BODY = (
    b"From here the line starts like a separator.\r\n"
    b">From there, already quoted once.\r\n"
    b">>From everywhere, twice.\r\n"
    b"Not From at the start.\r\n"
    b"From\r\n"
    b"\xe9t\xe9 latin-1 and \xc3\xa9t\xc3\xa9 utf-8\r\n"
    b"\r\n"
    b"From the last line\r\n"
)


def message(headers: str, body: bytes = BODY) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


def outgoing(folder: Path, uid: str, data: bytes, downloaded_at: float = DOWNLOADED) -> Outgoing:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uid}.eml"
    path.write_bytes(data)
    return Outgoing(
        uid=uid,
        token=f"{abs(hash(uid)):032x}"[:32],
        file=path.open("rb"),
        size=len(data),
        message_id=f"<{uid}@example.org>",
        date=None,
        downloaded_at=downloaded_at,
    )


def destination(path: Path, wait: float = 0.5) -> MboxDestination:
    return MboxDestination(parse_deliver(f"mbox:{path}"), lock_wait=wait)


def deliver(path: Path, batch: list[Outgoing]) -> list[str]:
    """Deliver *batch* the engine's way (prepare, deliver, close); the locators."""
    mbox = destination(path)
    mbox.open()
    try:
        mbox.prepare(batch)
        outcomes = mbox.deliver(batch)
    finally:
        mbox.close()
    assert all(isinstance(o, Accepted) for o in outcomes)
    return [o.receipt.locator for o in outcomes if isinstance(o, Accepted)]


def unquote(data: bytes) -> bytes:
    return re.sub(rb"(?m)^>(>*From )", rb"\1", data)


def lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def read_back(path: Path) -> list[mailbox.mboxMessage]:
    box = mailbox.mbox(path, create=False)
    try:
        return [box[key] for key in box.iterkeys()]
    finally:
        box.close()


def raw_messages(path: Path) -> list[bytes]:
    """The messages of the file as written (still quoted), without separators."""
    box = mailbox.mbox(path, create=False)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


# -- the format -------------------------------------------------------------------------------


def test_a_batch_reads_back_with_pythons_mailbox(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    datas = [
        message("Return-Path: <bounces@lists.example.org>\nFrom: Ann <ann@example.org>\n"),
        message("From: Bob <bob@example.org>\nSubject: only From\n"),
        message("Subject: neither\n"),
        message("Return-Path: <>\nFrom: postmaster@example.org\nSubject: a bounce\n"),
        b"Subject: LF only, no final line end\n\nFrom me\nlast",
    ]
    batch = [outgoing(spool, f"u{i}", data) for i, data in enumerate(datas)]
    path = tmp_path / "mail" / "deep" / "inbox.mbox"
    locators = deliver(path, batch)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    read = read_back(path)
    assert len(read) == len(datas)
    date = "Thu May 28 20:26:40 2026"  # DOWNLOADED in asctime form, UTC
    assert [m.get_from() for m in read] == [
        f"bounces@lists.example.org {date}",
        f"bob@example.org {date}",
        f"MAILER-DAEMON {date}",
        f"MAILER-DAEMON {date}",
        f"MAILER-DAEMON {date}",
    ]
    raw = raw_messages(path)
    for data, written in zip(datas, raw, strict=True):
        assert b"\r" not in written
        # mailbox keeps the line end that ends the last line, not the blank separator line
        expected = lf(data) if lf(data).endswith(b"\n") else lf(data) + b"\n"
        assert unquote(written) == expected
    assert b"\n>From here the line" in raw[0] and b"\n>>From there" in raw[0]
    assert b"\n>>>From everywhere" in raw[0] and b"\nNot From at" in raw[0]
    assert b"\nFrom\n" in raw[0]  # no space after From: not a separator, not quoted
    assert b"\xe9t\xe9 latin-1 and \xc3\xa9t\xc3\xa9" in raw[0]
    assert read[1]["Subject"] == "only From"
    offsets = [int(loc.split(";OFFSET=")[1].split(";")[0]) for loc in locators]
    content = path.read_bytes()
    assert offsets[0] == 0 and all(content[o : o + 5] == b"From " for o in offsets)
    assert len(set(locators)) == len(locators)
    assert content.endswith(b"last\n\n")


def test_appending_keeps_what_pythons_mailbox_wrote(tmp_path: Path) -> None:
    path = tmp_path / "old.mbox"
    box = mailbox.mbox(path)
    for i in range(3):
        box.add(message(f"From: old{i}@example.org\nSubject: old {i}\n").replace(b"\r\n", b"\n"))
    box.close()
    before = path.read_bytes()
    earlier = raw_messages(path)

    batch = [
        outgoing(tmp_path / "spool", f"n{i}", message(f"Subject: new {i}\n")) for i in range(2)
    ]
    deliver(path, batch)

    assert path.read_bytes().startswith(before)
    assert raw_messages(path)[:3] == earlier
    assert [m["Subject"] for m in read_back(path)] == ["old 0", "old 1", "old 2", "new 0", "new 1"]


def test_a_file_ending_mid_line_is_left_alone_then_appended_after_a_blank_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cut.mbox"
    original = b"From a@example.org Sat Jan  1 00:00:00 2000\nSubject: cut\n\nhalf a li"
    path.write_bytes(original)
    mbox = destination(path)
    mbox.open()
    mbox.close()
    assert path.read_bytes() == original  # no pending marks: not ours to mend

    deliver(path, [outgoing(tmp_path / "spool", "n", message("Subject: after\n"))])
    assert path.read_bytes().startswith(original + b"\n\nFrom ")
    assert [m["Subject"] for m in read_back(path)] == ["cut", "after"]


# -- refusals ---------------------------------------------------------------------------------


def test_a_folder_a_device_and_another_format_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "Maildir"
    (folder / "new").mkdir(parents=True)
    with pytest.raises(DestinationError, match="is a folder"):
        destination(folder).open()

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(DestinationError, match="not a regular file"):
        destination(fifo).open()

    for name, data in [("notes.txt", b"Dear diary\nFrom today on\n"), ("x.json", b"{}")]:
        other = tmp_path / name
        other.write_bytes(data)
        with pytest.raises(DestinationError, match="is not an mbox file") as caught:
            destination(other).open()
        assert str(other) in str(caught.value)
        assert other.read_bytes() == data
        assert not Path(f"{other}.lock").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Maildir", "fifo", "notes.txt", "x.json"]


# -- locks ------------------------------------------------------------------------------------


def test_a_second_writer_in_this_process_waits_then_fails(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    first = destination(path)
    first.open()
    try:
        second = destination(path, wait=0.6)
        started = time.monotonic()
        with pytest.raises(DestinationError, match="is being written by another program"):
            second.open()
        assert time.monotonic() - started >= 0.6
        second.close()
        # the first still holds both locks: a child's lockf is refused
        assert _child_can_lockf(path) is False
        assert Path(f"{path}.lock").read_text() == f"{os.getpid()}:{socket.gethostname()}\n"
    finally:
        first.close()
    first.close()  # twice is fine
    assert not Path(f"{path}.lock").exists()
    assert _child_can_lockf(path) is True
    destination(path).open()


def _child_can_lockf(path: Path) -> bool:
    code = (
        "import fcntl, sys\n"
        "f = open(sys.argv[1], 'r+b')\n"
        "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except OSError:\n    sys.exit(3)\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(path)], check=False).returncode == 0


def _holder(code: str, path: Path) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    try:
        yield child
    finally:
        child.kill()
        child.wait()


LOCKF_HOLDER = (
    "import fcntl, sys, time\n"
    "f = open(sys.argv[1], 'a+b')\n"
    "fcntl.lockf(f, fcntl.LOCK_EX)\n"
    "print('locked', flush=True)\n"
    "time.sleep(60)\n"
)
MAILBOX_HOLDER = (
    "import mailbox, sys, time\n"
    "box = mailbox.mbox(sys.argv[1])\n"
    "box.lock()\n"
    "print('locked', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.mark.parametrize("code", [LOCKF_HOLDER, MAILBOX_HOLDER], ids=["lockf", "mailbox"])
def test_another_process_holding_the_lock_makes_open_wait_then_fail(
    tmp_path: Path, code: str
) -> None:
    path = tmp_path / "inbox.mbox"
    for child in _holder(code, path):
        started = time.monotonic()
        with pytest.raises(DestinationError, match="is being written by another program") as e:
            destination(path, wait=0.5).open()
        assert time.monotonic() - started >= 0.5
        assert str(path) in str(e.value)
        assert child.poll() is None
    if code is MAILBOX_HOLDER:
        # Python's mailbox leaves its dot lock behind when killed: a fresh lock naming no
        # process is respected until it is stale (see the procmail lockfile test)
        with pytest.raises(DestinationError, match="being written"):
            destination(path, wait=0.2).open()
        os.unlink(f"{path}.lock")
    mbox = destination(path)
    mbox.open()  # the holder is gone, and its fcntl lock with it
    mbox.close()


def test_procmails_lockfile_dot_lock_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    subprocess.run(["lockfile", "-r0", f"{path}.lock"], check=True)
    with pytest.raises(DestinationError, match="is being written by another program"):
        destination(path, wait=0.3).open()
    assert Path(f"{path}.lock").exists()  # fresh and ownerless: not stale
    old = time.time() - mbox_lock.STALE_SECONDS - 60
    os.utime(f"{path}.lock", (old, old))
    mbox = destination(path, wait=0.3)
    mbox.open()  # older than STALE_SECONDS and naming no process here: stale, removed
    mbox.close()
    assert not Path(f"{path}.lock").exists()


def test_a_dot_lock_of_a_process_gone_is_removed_a_live_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(f"{path}.lock").write_text(f"{gone.stdout.strip()}:{socket.gethostname()}\n")
    mbox = destination(path, wait=0.3)
    mbox.open()
    mbox.close()

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        Path(f"{path}.lock").write_text(f"{sleeper.pid}:{socket.gethostname()}\n")
        old = time.time() - mbox_lock.STALE_SECONDS - 60
        os.utime(f"{path}.lock", (old, old))  # old, but its owner runs
        with pytest.raises(DestinationError, match="is being written by another program"):
            destination(path, wait=0.3).open()
    finally:
        sleeper.kill()
        sleeper.wait()
    mbox = destination(path, wait=0.3)
    mbox.open()
    mbox.close()


def test_windows_way_the_dot_lock_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mbox_lock, "USE_FCNTL", False)
    path = tmp_path / "inbox.mbox"
    for _child in _holder(LOCKF_HOLDER, path):
        mbox = destination(path)
        mbox.open()  # no fcntl here: a lockf holder is not seen
        assert Path(f"{path}.lock").exists()
        with pytest.raises(DestinationError, match="is being written by another program"):
            destination(path, wait=0.3).open()
        mbox.close()
    assert not Path(f"{path}.lock").exists()


# -- recovery ---------------------------------------------------------------------------------


def _spool_big_batch(folder: Path, count: int, size: int) -> list[bytes]:
    folder.mkdir()
    rng = random.Random(count * size)
    datas = []
    for i in range(count):
        lines = [
            b"From line %d of message %d" % (n, i)
            if n % 7 == 0
            else bytes(rng.choices(b"abcdefgh >\xe9", k=70))
            for n in range(size // 72)
        ]
        data = message(
            f"Message-ID: <m{i}@example.org>\nSubject: big {i}\n", b"\r\n".join(lines) + b"\r\n"
        )
        (folder / f"{i:03d}.eml").write_bytes(data)
        datas.append(data)
    return datas


def _pending(marks_file: Path) -> list[Pending]:
    rows = json.loads(marks_file.read_text())
    return [Pending(r["uid"], r["token"], 0, "", None, DOWNLOADED, r["mark"]) for r in rows]


def _run_child(path: Path, spool: Path, marks: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(path), str(spool), str(marks), *extra],
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_killed_mid_append_then_recovered_every_message_once(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    datas = _spool_big_batch(spool, 30, 300_000)
    rng = random.Random(16)
    cut_seen = 0
    for run in range(8):
        path = tmp_path / f"run{run}.mbox"
        box = mailbox.mbox(path)
        box.add(b"From: earlier@example.org\nSubject: earlier\n\nFrom before\n")
        box.close()
        before = path.read_bytes()
        marks = tmp_path / f"marks{run}.json"
        child = _run_child(path, spool, marks)
        assert child.stdout is not None and child.stdout.readline() == "delivering\n"
        pending = _pending(marks)
        first = int(pending[0].mark.split(":")[0])
        last = pending[-1].mark.split(":")
        end = int(last[0]) + int(last[1])
        target = rng.randrange(first, end)
        while path.stat().st_size < target and child.poll() is None:
            pass
        child.send_signal(signal.SIGKILL)
        child.wait()
        size = path.stat().st_size

        mbox = destination(path)
        mbox.open()  # the killed child's dot lock names a process gone: removed
        landed = mbox.recover(pending)
        count = len(landed)
        assert sorted(landed) == sorted(p.uid for p in pending[:count])
        cut_seen += size > (int(pending[count].mark.split(":")[0]) if count < 30 else end)
        assert path.read_bytes().startswith(before)
        assert [m["Subject"] for m in read_back(path)] == ["earlier"] + [
            f"big {i}" for i in range(count)
        ]
        rest = [
            outgoing(tmp_path / f"again{run}", p.uid, datas[int(p.uid[4:])])
            for p in pending[count:]
        ]
        mbox.prepare(rest)
        mbox.deliver(rest)
        mbox.close()
        subjects = [m["Subject"] for m in read_back(path)]
        assert subjects == ["earlier"] + [f"big {i}" for i in range(30)]
        for data, written in zip(datas, raw_messages(path)[1:], strict=True):
            assert unquote(written) == lf(data)
    assert cut_seen >= 4  # most runs were killed in the middle of a message


def _half_delivered(tmp_path: Path) -> tuple[Path, list[Pending], bytes]:
    """An mbox where an interrupted delivery wrote message 0 whole and half of message 1."""
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    box.add(b"From: earlier@example.org\nSubject: earlier\n\nbody\n")
    box.close()
    before = path.read_bytes()
    batch = [outgoing(tmp_path / "spool", f"u{i}", message(f"Subject: m{i}\n")) for i in range(3)]
    mbox = destination(path)
    mbox.open()
    marks = mbox.prepare(batch)
    mbox.close()
    entries = [b"".join(mbox_entry(m.file, m.downloaded_at)) for m in batch]
    with path.open("ab") as file:
        file.write(entries[0] + entries[1][: len(entries[1]) // 2])
    pending = [
        Pending(m.uid, m.token, m.size, "", None, DOWNLOADED, k)
        for m, k in zip(batch, marks, strict=True)
    ]
    return path, pending, before + entries[0]


def test_recover_cuts_off_a_half_message(tmp_path: Path) -> None:
    path, pending, whole = _half_delivered(tmp_path)
    mbox = destination(path)
    mbox.open()
    landed = mbox.recover(pending)
    mbox.close()
    assert list(landed) == ["u0"]
    offset = pending[0].mark.split(":")[0]
    assert landed["u0"].locator == f"mbox:{path};OFFSET={offset};TOKEN={pending[0].token}"
    assert path.read_bytes() == whole
    assert [m["Subject"] for m in read_back(path)] == ["earlier", "m0"]


def test_recover_changes_nothing_when_another_program_wrote_after_the_half(
    tmp_path: Path,
) -> None:
    path, pending, _ = _half_delivered(tmp_path)
    with path.open("ab") as file:
        file.write(b"\n\nFrom other@example.org Sat Jan  1 00:00:00 2000\nSubject: theirs\n\nx\n\n")
    damaged = path.read_bytes()
    mbox = destination(path)
    mbox.open()
    with pytest.raises(DestinationError, match="popgui changed nothing") as caught:
        mbox.recover(pending)
    mbox.close()
    assert f"byte {pending[1].mark.split(':')[0]}" in str(caught.value)
    assert path.read_bytes() == damaged


def test_recover_leaves_another_programs_message_where_ours_never_began(tmp_path: Path) -> None:
    path, pending, whole = _half_delivered(tmp_path)
    os.truncate(path, len(whole))  # as if the crash came right after message 0
    theirs = b"From other@example.org Sat Jan  1 00:00:00 2000\nSubject: theirs\n\nx\n\n"
    with path.open("ab") as file:
        file.write(theirs)
    mbox = destination(path)
    mbox.open()
    assert list(mbox.recover(pending)) == ["u0"]
    mbox.close()
    assert path.read_bytes() == whole + theirs


# -- a disk that fills up ---------------------------------------------------------------------


def test_a_full_disk_takes_the_batch_back_out(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    _spool_big_batch(spool, 10, 100_000)
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    box.add(b"From: earlier@example.org\nSubject: earlier\n\nbody\n")
    box.close()
    before = path.read_bytes()
    limit = len(before) + 450_000  # room for four messages and a half
    child = _run_child(path, spool, tmp_path / "marks.json", str(limit))
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 1, out
    assert "Could not write to the mbox file" in out and "stay on the server" in out
    assert path.read_bytes() == before
    assert not Path(f"{path}.lock").exists()


def test_no_space_left_mid_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "inbox.mbox"
    deliver(path, [outgoing(tmp_path / "s1", "first", message("Subject: first\n"))])
    before = path.read_bytes()
    real_write = os.write
    room = [300]  # bytes the disk still takes: a short write, then ENOSPC

    def write(fd: int, data: bytes) -> int:
        if room[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = real_write(fd, bytes(data)[: room[0]])
        room[0] -= written
        return written

    batch = [outgoing(tmp_path / "s2", f"u{i}", message(f"Subject: {i}\n")) for i in range(3)]
    mbox = destination(path)
    mbox.open()
    mbox.prepare(batch)
    monkeypatch.setattr(os, "write", write)
    with pytest.raises(DestinationError, match="No space left on device"):
        mbox.deliver(batch)
    monkeypatch.undo()
    mbox.close()
    assert path.read_bytes() == before


# -- living with other programs and odd moments -----------------------------------------------


def test_procmail_waits_for_popgui_then_appends_after_it(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    rcfile = tmp_path / "procmailrc"
    rcfile.write_text(f"LOCKSLEEP=1\n:0:\n{path}\n")
    mbox = destination(path)
    mbox.open()
    procmail = subprocess.Popen(
        ["procmail", "-f", "pm@example.org", "-m", str(rcfile)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert procmail.stdin is not None
        procmail.stdin.write(b"From: pm@example.org\nSubject: procmail\n\nFrom procmail\n")
        procmail.stdin.close()
        time.sleep(1.5)
        assert procmail.poll() is None  # it waits for our locks
        batch = [
            outgoing(tmp_path / "spool", f"u{i}", message(f"Subject: ours {i}\n")) for i in range(2)
        ]
        mbox.prepare(batch)
        mbox.deliver(batch)
    finally:
        mbox.close()
        procmail.wait(timeout=30)
    assert procmail.returncode == 0
    read = read_back(path)
    assert [m["Subject"] for m in read] == ["ours 0", "ours 1", "procmail"]
    assert read[2].get_from().startswith("pm@example.org ")


def test_an_empty_batch_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cut.mbox"
    original = b"From a@example.org Sat Jan  1 00:00:00 2000\nSubject: cut\n\nno line end"
    path.write_bytes(original)
    mbox = destination(path)
    mbox.open()
    assert mbox.prepare([]) == []
    assert mbox.deliver([]) == []
    mbox.close()
    assert path.read_bytes() == original


def test_a_file_changed_behind_the_lock_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    batch = [outgoing(tmp_path / "spool", "u", message("Subject: x\n"))]
    mbox = destination(path)
    mbox.open()
    mbox.prepare(batch)
    intruder = b"From x@example.org Sat Jan  1 00:00:00 2000\n\nignoring locks\n\n"
    with path.open("ab") as file:  # a program that takes no lock
        file.write(intruder)
    with pytest.raises(DestinationError, match="nothing was written"):
        mbox.deliver(batch)
    mbox.close()
    assert path.read_bytes() == intruder


def test_a_spool_file_changed_after_prepare_takes_the_batch_back(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    deliver(path, [outgoing(tmp_path / "s1", "first", message("Subject: first\n"))])
    before = path.read_bytes()
    batch = [outgoing(tmp_path / "s2", f"u{i}", message(f"Subject: {i}\n")) for i in range(2)]
    mbox = destination(path)
    mbox.open()
    mbox.prepare(batch)
    (tmp_path / "s2" / "u1.eml").write_bytes(message("Subject: changed\n"))
    with pytest.raises(DestinationError, match="u1 changed"):
        mbox.deliver(batch)
    mbox.close()
    assert path.read_bytes() == before


def test_a_big_message_is_streamed_not_held_in_memory(tmp_path: Path) -> None:
    import tracemalloc

    line = b"From a line that needs quoting, and some more text to fill it up\r\n"
    spool = tmp_path / "big.eml"
    with spool.open("wb") as file:
        file.write(b"Subject: big\r\n\r\n")
        for _ in range(16 * 1024 * 1024 // len(line)):
            file.write(line)
    big = Outgoing("big", "b" * 32, spool.open("rb"), spool.stat().st_size, "", None, DOWNLOADED)
    path = tmp_path / "inbox.mbox"
    mbox = destination(path)
    mbox.open()
    tracemalloc.start()
    try:
        mbox.prepare([big])
        mbox.deliver([big])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        mbox.close()
    assert peak < 4 * 1024 * 1024  # a few chunks, not the 16 MB message
    assert path.stat().st_size > 16 * 1024 * 1024


def test_an_unreadable_spool_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    # reading the start of /proc/self/mem fails with EIO: a real read error
    gone = Outgoing("gone", "0" * 32, open("/proc/self/mem", "rb"), 100, "", None, DOWNLOADED)  # noqa: SIM115
    mbox = destination(path)
    mbox.open()
    with pytest.raises(DestinationError, match="Cannot read the downloaded message gone"):
        mbox.prepare([gone])
    mbox.close()
    gone.file.close()
    assert path.read_bytes() == b""


def test_a_new_file_and_its_new_folders_are_made_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from popgui.destinations import mbox as mbox_module

    synced: list[str] = []
    real = mbox_module.fsync_directory

    def spy(path: str) -> None:
        synced.append(str(path))
        real(path)

    monkeypatch.setattr(mbox_module, "fsync_directory", spy)
    path = tmp_path / "a" / "b" / "inbox.mbox"
    deliver(path, [outgoing(tmp_path / "spool", "u", message("Subject: x\n"))])
    assert synced == [str(tmp_path), str(tmp_path / "a"), str(tmp_path / "a" / "b")]
    synced.clear()
    deliver(path, [outgoing(tmp_path / "spool", "v", message("Subject: y\n"))])
    assert synced == []  # nothing new: no folder to sync
