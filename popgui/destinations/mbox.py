"""``--deliver mbox:PATH``: the messages appended to one mbox file, exactly once.

The file is opened and locked once for the whole sync (:mod:`.mbox_lock`: fcntl and a dot
lock on Unix, the dot lock on Windows), so it cannot change between :meth:`prepare` and
:meth:`deliver`. Each message goes in the mboxrd form (:mod:`.mbox_format`).

Exactly once: :meth:`MboxDestination.prepare` works out, by streaming each spool file once,
where each message will start and exactly which bytes will be written; its mark,
``OFFSET:LENGTH:SHA256:LINE_LENGTH:LINE_SHA`` (the last two: the ``From`` line alone), is
recorded by the engine before :meth:`deliver` writes anything. After a crash,
:meth:`recover` reads back each recorded range: same bytes, the message landed; the first one
that is cut short is a half message, cut off, but only when nothing after it is another
program's. Bytes before the first recorded offset are never touched, and without recorded
marks nothing of the file is ever changed: a file that ends badly is someone else's to mend.

A batch ends with one fsync; a write that fails (disk full) cuts the file back to its size
before the batch, so no half message is left behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from popgui.accounts.destination_spec import DeliverSpec
from popgui.catalog import Message
from popgui.catalog import destinations as says
from popgui.destinations.base import (
    Accepted,
    Destination,
    DestinationError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
)
from popgui.destinations.mbox_format import CHUNK, mbox_entry
from popgui.destinations.mbox_lock import LockBusy, MboxLock
from popgui.durable import fsync_directory, fsync_file

__all__ = ["LOCK_WAIT", "MboxDestination"]

#: How long :meth:`MboxDestination.open` waits for another writer to finish (seconds).
LOCK_WAIT = 30.0
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_LINE_HASH = 16  # hex digits of the From line's hash kept in the mark


@dataclass(frozen=True)
class _Mark:
    """Where one message goes and what it is (see the module doc)."""

    offset: int
    length: int
    sha256: str
    line_length: int
    line_sha: str

    def text(self) -> str:
        return f"{self.offset}:{self.length}:{self.sha256}:{self.line_length}:{self.line_sha}"

    @classmethod
    def parse(cls, text: str) -> _Mark | None:
        parts = text.split(":")
        if len(parts) != 5 or not all(p.isdigit() for p in (parts[0], parts[1], parts[3])):
            return None  # no mark (an older engine, another destination): cannot be checked
        return cls(int(parts[0]), int(parts[1]), parts[2], int(parts[3]), parts[4])


class _Changed(Exception):
    """A spool file gave other bytes in deliver than in prepare."""

    def __init__(self, uid: str) -> None:
        super().__init__(uid)
        self.uid = uid


class MboxDestination(Destination):
    """One mbox file, *spec.path* (absolute), created with mode 0600 when missing."""

    #: One fsync and one engine commit per batch; a batch of mail is a few seconds of
    #: writing at most, so a crash or a full disk takes back little, and recovery reads back
    #: at most this much.
    batch_messages = 500
    batch_bytes = 32 * 1024 * 1024

    def __init__(self, spec: DeliverSpec, *, lock_wait: float = LOCK_WAIT) -> None:
        self.path = spec.path
        self.lock_wait = lock_wait
        self._fd: int | None = None
        self._lock: MboxLock | None = None
        self._plan: tuple[list[str], int, list[_Mark]] | None = None

    def describe(self) -> str:
        return str(says.MBOX_FILE(path=self.path))

    # -- open and close ------------------------------------------------------------------------
    def open(self) -> None:
        if self._fd is not None:
            return
        self._refuse_odd_path()
        deadline = time.monotonic() + self.lock_wait
        lock = MboxLock(self.path)
        fd = -1
        try:
            self._lock_step(lock.reserve, lock, deadline)
            fd = self._open_file()
            self._lock_step(functools.partial(lock.acquire, fd), lock, deadline)
            self._refuse_other_format(fd)
        except BaseException:
            lock.release()
            if fd >= 0:
                os.close(fd)
            raise
        self._fd, self._lock = fd, lock

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):  # every batch was fsynced already
            fsync_file(fd)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        with contextlib.suppress(OSError):
            os.close(fd)

    def _refuse_odd_path(self) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._error(says.MBOX_CANNOT_OPEN, exc) from exc
        if stat.S_ISDIR(info.st_mode):
            raise DestinationError(says.MBOX_IS_FOLDER(path=self.path))
        if not stat.S_ISREG(info.st_mode):
            raise DestinationError(says.MBOX_NOT_A_FILE(path=self.path))

    def _open_file(self) -> int:
        """Open the file, creating it and its folders when missing; what was created is made
        durable (the folders' entries fsynced), or a power cut could take the file away with
        mail already deleted from the server."""
        created = _missing_folders(os.path.dirname(self.path))
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            new = not os.path.exists(self.path)
            fd = os.open(self.path, _OPEN_FLAGS, 0o600)
        except OSError as exc:
            raise self._error(says.MBOX_CANNOT_OPEN, exc) from exc
        try:
            for path in [*created, self.path] if new else created:
                fsync_directory(os.path.dirname(path))
        except OSError as exc:
            os.close(fd)
            raise self._error(says.MBOX_CANNOT_OPEN, exc) from exc
        return fd

    def _lock_step(self, step: Callable[[float], None], lock: MboxLock, deadline: float) -> None:
        try:
            step(deadline)
        except LockBusy:
            wait = math.ceil(self.lock_wait)
            raise DestinationError(says.MBOX_BUSY(path=self.path, count=wait)) from None
        except OSError as exc:
            reason = _reason(exc)
            raise DestinationError(
                says.MBOX_CANNOT_LOCK(path=self.path, lock=lock.lock_path, reason=reason)
            ) from exc

    def _refuse_other_format(self, fd: int) -> None:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DestinationError(says.MBOX_NOT_A_FILE(path=self.path))
        if info.st_size and _read_at(fd, 0, 5) != b"From ":
            raise DestinationError(says.MBOX_NOT_MBOX(path=self.path))

    # -- prepare and deliver -------------------------------------------------------------------
    def prepare(self, batch: Sequence[Outgoing]) -> list[str]:
        fd = self._opened()
        end = os.fstat(fd).st_size
        offset = end + len(_gap(fd, end))
        marks = []
        for message in batch:
            try:
                mark = _measure(message, offset)
            except OSError as exc:
                reason = _reason(exc)
                sentence = says.MBOX_SPOOL_UNREADABLE(uid=message.uid, reason=reason)
                raise DestinationError(sentence) from exc
            marks.append(mark)
            offset += mark.length
        self._plan = ([m.token for m in batch], end, marks)
        return [mark.text() for mark in marks]

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        fd = self._opened()
        if not batch:
            return []  # nothing to write: not even the blank line before a first message
        if self._plan is None or self._plan[0] != [m.token for m in batch]:
            self.prepare(batch)
        assert self._plan is not None
        _, end, marks = self._plan
        self._plan = None
        size = os.fstat(fd).st_size
        if size != end:
            raise DestinationError(says.MBOX_FILE_CHANGED(path=self.path, size=size, expected=end))
        try:
            self._append(fd, end, batch, marks)
        except (OSError, _Changed) as exc:
            self._roll_back(fd, end, exc)
        if self._lock is not None:
            self._lock.refresh()
        pairs = zip(marks, batch, strict=True)
        return [Accepted(self._receipt(mark, message.token)) for mark, message in pairs]

    def _append(self, fd: int, end: int, batch: Sequence[Outgoing], marks: list[_Mark]) -> None:
        buffer = bytearray(_gap(fd, end))
        os.lseek(fd, end, os.SEEK_SET)
        for message, mark in zip(batch, marks, strict=True):
            digest, length = hashlib.sha256(), 0
            for chunk in mbox_entry(message.file, message.downloaded_at):
                digest.update(chunk)
                length += len(chunk)
                buffer += chunk
                if len(buffer) >= CHUNK:
                    _write_all(fd, buffer)
                    buffer.clear()
            if (length, digest.hexdigest()) != (mark.length, mark.sha256):
                raise _Changed(message.uid)
        _write_all(fd, buffer)
        fsync_file(fd)

    def _roll_back(self, fd: int, end: int, exc: OSError | _Changed) -> None:
        """Cut the file back to *end* (its size before the batch), then raise."""
        try:
            os.ftruncate(fd, end)
            fsync_file(fd)
        except OSError as failed:
            reason = _reason(exc) if isinstance(exc, OSError) else exc.uid
            raise DestinationError(
                says.MBOX_ROLLBACK_FAILED(
                    path=self.path, reason=reason, size=end, rollback=_reason(failed)
                )
            ) from exc
        if isinstance(exc, _Changed):
            raise DestinationError(says.MBOX_MESSAGE_CHANGED(uid=exc.uid, path=self.path))
        raise self._error(says.MBOX_WRITE_FAILED, exc) from exc

    # -- recover ---------------------------------------------------------------------------------
    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        fd = self._opened()
        marked = [(m, p) for p in pending if (m := _Mark.parse(p.mark)) is not None]
        marked.sort(key=lambda pair: pair[0].offset)
        try:
            size = os.fstat(fd).st_size
            landed: dict[str, Receipt] = {}
            for mark, item in marked:
                if mark.offset + mark.length > size or not self._holds(fd, mark):
                    self._cut_half_message(fd, mark, size)
                    break  # messages go in order: nothing of the later ones was written
                landed[item.uid] = self._receipt(mark, item.token)
        except OSError as exc:
            raise self._error(says.MBOX_CANNOT_READ, exc) from exc
        return landed

    def _holds(self, fd: int, mark: _Mark) -> bool:
        digest = hashlib.sha256()
        for chunk in _chunks(fd, mark.offset, mark.length):
            digest.update(chunk)
        return digest.hexdigest() == mark.sha256

    def _cut_half_message(self, fd: int, mark: _Mark, size: int) -> None:
        """The message *mark* did not land whole: cut off what of it is there, if anything
        is and nothing after it is another program's."""
        there = size - mark.offset
        if there <= 0:
            return  # nothing of it was written (or the file was rewritten since: see docs)
        head = _read_at(fd, mark.offset, min(there, mark.line_length))
        if not _is_our_line(head, mark):
            return  # another program's message starts there: ours was never begun
        if there >= mark.length or _foreign_message_after(fd, mark, size):
            raise DestinationError(says.MBOX_DAMAGED(path=self.path, offset=mark.offset))
        os.ftruncate(fd, mark.offset)
        fsync_file(fd)

    # -- helpers -----------------------------------------------------------------------------
    def _opened(self) -> int:
        if self._fd is None:
            raise RuntimeError("MboxDestination used before open()")  # a programming error
        return self._fd

    def _receipt(self, mark: _Mark, token: str) -> Receipt:
        # The token keeps the locator unique even after a mail program compacts the file
        # and a later message lands at an offset used before.
        return Receipt(f"mbox:{self.path};OFFSET={mark.offset};TOKEN={token}", self.describe())

    def _error(self, message: Message, exc: OSError) -> DestinationError:
        return DestinationError(message(path=self.path, reason=_reason(exc)))


def _missing_folders(folder: str) -> list[str]:
    """The folders of *folder*'s path that do not exist yet, outermost first."""
    missing = []
    while folder and not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing[::-1]


def _measure(message: Outgoing, offset: int) -> _Mark:
    """The mark of *message* written at *offset*: its bytes streamed once, hashed."""
    digest, length = hashlib.sha256(), 0
    line = b""
    for chunk in mbox_entry(message.file, message.downloaded_at):
        if not line:
            line = chunk  # mbox_entry yields the From line alone first
        digest.update(chunk)
        length += len(chunk)
    line_sha = hashlib.sha256(line).hexdigest()[:_LINE_HASH]
    return _Mark(offset, length, digest.hexdigest(), len(line), line_sha)


def _is_our_line(head: bytes, mark: _Mark) -> bool:
    """Whether *head* (the first bytes at the mark's offset) is our From line, or, when
    shorter, could be its beginning (no line end in it yet)."""
    if len(head) >= mark.line_length:
        return hashlib.sha256(head).hexdigest()[:_LINE_HASH] == mark.line_sha
    return b"From ".startswith(head[:5]) and b"\n" not in head


def _foreign_message_after(fd: int, mark: _Mark, size: int) -> bool:
    """Whether a line starting with "From " follows our From line before the end: mboxrd
    quoting leaves none in what popgui writes, so such a line is another program's message."""
    start = mark.offset + mark.line_length - 1  # from the LF that ends our From line
    tail = b""
    for chunk in _chunks(fd, start, size - start):
        if b"\nFrom " in tail + chunk:
            return True
        tail = chunk[-5:]
    return False


def _gap(fd: int, end: int) -> bytes:
    """What goes before our first message so that its From line follows a blank line."""
    if end == 0:
        return b""
    last = _read_at(fd, max(0, end - 2), min(end, 2))
    if last.endswith(b"\n\n") or (end == 1 and last == b"\n"):
        return b""
    return b"\n" if last.endswith(b"\n") else b"\n\n"


def _read_at(fd: int, offset: int, count: int) -> bytes:
    """*count* bytes at *offset* (fewer at the end). os.pread does not exist on Windows."""
    os.lseek(fd, offset, os.SEEK_SET)
    parts = []
    while count > 0:
        data = os.read(fd, min(count, CHUNK))
        if not data:
            break
        parts.append(data)
        count -= len(data)
    return b"".join(parts)


def _chunks(fd: int, offset: int, count: int) -> Iterator[bytes]:
    while count > 0:
        data = _read_at(fd, offset, min(count, CHUNK))
        if not data:
            return
        yield data
        offset += len(data)
        count -= len(data)


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
