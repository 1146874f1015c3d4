"""A background thread doing the file-system work of message deliveries, in order.

Creating a file in ``tmp/`` and writing it costs a few hundred microseconds on a busy ext4
(creations wait for the journal); done on the thread that reads the socket, nothing is read
meanwhile. :class:`BackgroundWriter` takes those system calls off that thread: a
:class:`QueuedFile` looks like a binary file to :class:`~popgui.store.maildir.Delivery`, but
its ``open``/``write``/``close`` are queued and run by one worker thread (system calls release
the GIL, so receiving and writing overlap).

Nothing here makes anything durable or visible: the files stay in ``tmp/`` under temporary
names. The caller waits with :meth:`BackgroundWriter.drain` before it syncs, links or records
them, and a failure of any step is reported then (or at the next write of that file) as the
``OSError`` the system call raised. The queue is bounded in bytes, so a huge message never
sits in memory.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import threading
from pathlib import Path

__all__ = ["BackgroundWriter", "QueuedFile"]

#: At most this many bytes wait in the queue; a writer beyond it blocks (back-pressure).
QUEUE_LIMIT = 16 * 1024 * 1024
#: How many files may be created and written at the same time.
WRITER_THREADS = 1
#: Small writes are gathered into one system call of about this size.
_GATHER = 256 * 1024
#: The worker thread ends after this long without work (started again on demand).
_IDLE_SECONDS = 2.0

_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


class QueuedFile:
    """A file in ``tmp/`` written by the background thread; used by one Delivery."""

    def __init__(self, writer: _Lane, path: Path) -> None:
        self.path = path
        self.error: OSError | None = None  # set by the worker; read after drain()
        self.failed_step = ""  # "open", "write" or "close": what the error interrupted
        self._writer = writer
        self._fd = -1
        self._buffer = bytearray()
        self._closed = False

    # -- called on the delivering thread ----------------------------------------------------

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        self._buffer += data
        if len(self._buffer) >= _GATHER:
            self._push()
        return len(data)

    def close(self) -> None:
        """Queue the rest and the close; errors are seen after :meth:`BackgroundWriter.drain`."""
        if self._closed:
            return
        self._closed = True
        self._push()
        self._writer.submit(self, "close", b"")

    def discard(self) -> None:
        """Close (if needed) and remove the file, and wait until that is done."""
        self._closed = True
        self._buffer.clear()
        self._writer.submit(self, "discard", b"")
        self._writer.drain()

    def _push(self) -> None:
        if self._buffer:
            data, self._buffer = bytes(self._buffer), bytearray()
            self._writer.submit(self, "write", data)

    # -- called on the worker thread ---------------------------------------------------------

    def run(self, op: str, data: bytes) -> None:
        if op == "discard":
            self._close_fd()
            with contextlib.suppress(OSError):  # clean_tmp() gets a leftover later
                os.unlink(self.path)
            return
        if self.error is not None:
            return
        try:
            if op == "open":
                self._fd = os.open(self.path, _OPEN_FLAGS, 0o600)
            elif op == "write":
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view) :]
            elif op == "close":
                fd, self._fd = self._fd, -1
                os.close(fd)
        except OSError as exc:
            if exc.filename is None:
                exc.filename = os.fspath(self.path)
            self.error, self.failed_step = exc, op
            self._close_fd()
            if op != "open":  # a file we did not create is not ours to remove
                with contextlib.suppress(OSError):
                    os.unlink(self.path)

    def _close_fd(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)


class BackgroundWriter:
    """Worker threads running queued file operations; each file's operations run in order,
    on one thread, while different files may be created at the same time (a file system
    that waits for its journal lets several creations wait together)."""

    def __init__(self, limit: int | None = None, threads: int = WRITER_THREADS) -> None:
        per_lane = (QUEUE_LIMIT if limit is None else limit) // max(1, threads)
        self._lanes = [_Lane(per_lane) for _ in range(max(1, threads))]
        self._next = 0

    def open(self, path: Path) -> QueuedFile:
        """A new file at *path* (created exclusively, mode 0600, by a worker)."""
        lane = self._lanes[self._next % len(self._lanes)]
        self._next += 1
        handle = QueuedFile(lane, path)
        lane.submit(handle, "open", b"")
        return handle

    def drain(self) -> None:
        """Wait until every queued operation has run."""
        for lane in self._lanes:
            lane.drain()

    def close(self) -> None:
        """Run what is queued, then end the worker threads (a later use starts them again)."""
        for lane in self._lanes:
            lane.stop()


class _Lane:
    """One worker thread and its queue (operations run in submission order)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._queue: collections.deque[tuple[QueuedFile, str, bytes]] = collections.deque()
        self._queued_bytes = 0
        self._busy = False
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._cond = threading.Condition()

    def submit(self, handle: QueuedFile, op: str, data: bytes) -> None:
        with self._cond:
            while self._queued_bytes > self._limit and self._queue:
                self._cond.wait()
            self._queue.append((handle, op, data))
            self._queued_bytes += len(data)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="popgui-writer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def drain(self) -> None:
        with self._cond:
            while self._queue or self._busy:
                self._cond.wait()

    def stop(self) -> None:
        with self._cond:
            thread, self._stopping = self._thread, True
            self._cond.notify_all()
        if thread is not None:
            thread.join()
        with self._cond:
            self._stopping = False

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue:
                    if self._stopping or (
                        not self._cond.wait(_IDLE_SECONDS) and not self._queue
                    ):
                        self._thread = None
                        return
                handle, op, data = self._queue.popleft()
                self._busy = True
            try:
                handle.run(op, data)
            except Exception as exc:  # a bug here must not hang drain(): report it as a failure
                handle.error = OSError(errno.EIO, f"internal error while writing: {exc!r}")
            finally:
                with self._cond:
                    self._busy = False
                    self._queued_bytes -= len(data)
                    self._cond.notify_all()
