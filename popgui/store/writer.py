"""Background threads doing the file-system work of message deliveries.

Creating a file in ``tmp/``, writing it and fsyncing it costs kernel time, the fsync above all;
done on the thread that reads the socket, nothing would be read meanwhile.
:class:`BackgroundWriter` takes those system calls off that thread: a :class:`QueuedFile` is
created, written, fsynced and closed by a worker thread (system calls release the GIL, so
receiving and writing overlap whenever the delivering thread waits: for the network, for
SQLite).

The files are spread over a few *lanes*, each a queue with its own worker thread, so that
several fsyncs are in flight at once: a disk completes concurrent flushes together, where one
thread would wait for each in turn (docs/performance.md). A file's operations all go to one
lane and run in the order they were queued.

The unit of work is one *operation* per queued call, each doing as much as it can: a small
message is one operation (create, write everything, close), so it costs one trip through the
queue and one wake-up of the worker; a large one is an operation per gathered buffer (the
caller gathers, see :class:`~popgui.store.maildir.Delivery`), the first creating the file,
the last closing it.

The last operation of a file fsyncs it before closing it (the durability order's step 1,
popgui/durable.py), but nothing here makes anything visible: the files stay in ``tmp/``
under temporary names. The caller waits with :meth:`BackgroundWriter.wait` (or
:meth:`~BackgroundWriter.drain`) before it renames or records them, and a failure of any step is
reported then (or at the next write of that file) as the ``OSError`` the system call raised. The
queue is bounded in bytes, so a huge message never sits in memory.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import threading

from popgui.durable import fsync_file

__all__ = ["LANES", "QUEUE_LIMIT", "BackgroundWriter", "Directory", "Mark", "QueuedFile"]

#: A position in every lane's queue (see BackgroundWriter.mark).
Mark = tuple[int, ...]

#: At most this many bytes wait in the queues; a writer beyond it blocks (back-pressure).
QUEUE_LIMIT = 16 * 1024 * 1024
#: How many files are written and fsynced at once.
LANES = 4
#: The worker thread ends after this long without work (started again on demand).
_IDLE_SECONDS = 2.0
#: The worker takes at most this many operations per lock round (fewer lock round trips when
#: it is behind, yet room is freed for the producer every few operations).
_TAKE = 32

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # POSIX only; Windows handles are not inherited anyway
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC | getattr(os, "O_BINARY", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC
_USE_DIR_FD = os.open in os.supports_dir_fd

#: Operation flags: create the file first, fsync and close it after writing the data.
OPEN = 1
CLOSE = 2


class Directory:
    """A directory files are created in, opened once so each creation skips the path lookup.

    :meth:`open` it on the delivering thread before queueing work (the worker only reads
    :attr:`fd`). Until then, or where opening fails or the platform cannot create relative to a
    descriptor, :attr:`fd` is None and full paths are used, so a failure is reported by the
    creation itself, with its usual wording.
    """

    __slots__ = ("fd", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def open(self) -> None:
        if self.fd is None and _USE_DIR_FD:
            with contextlib.suppress(OSError):
                self.fd = os.open(self.path, _DIR_FLAGS)

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


class QueuedFile:
    """A file in ``tmp/`` created and written by the background thread; one per Delivery.

    The delivering thread calls :meth:`write` and :meth:`close`; the worker runs the queued
    operations (:meth:`run`) and records the first failure in :attr:`error`.
    """

    __slots__ = ("_closed", "_fd", "_lane", "_opened", "directory", "error", "failed_step", "name")

    def __init__(self, lane: _Lane, directory: Directory, name: str) -> None:
        self.directory = directory
        self.name = name
        self.error: OSError | None = None  # set by the worker; read after wait()
        self.failed_step = ""  # "open", "write", "sync" or "close": what the error interrupted
        self._lane = lane
        self._fd = -1
        self._opened = False  # an operation creating the file was queued (delivering thread)
        self._closed = False

    @property
    def path(self) -> str:
        return f"{self.directory.path}/{self.name}"

    # -- called on the delivering thread ----------------------------------------------------

    def write(self, data: bytes) -> None:
        """Queue *data* (already gathered by the caller); the first call creates the file."""
        if self.error is not None:
            raise self.error
        self._submit(0, data)

    def close(self, data: bytes = b"") -> None:
        """Queue the last *data* and the close; errors are seen after a wait."""
        if self._closed:
            return
        self._closed = True
        self._submit(CLOSE, data)

    def discard(self) -> None:
        """Close (if needed) and remove the file, and wait until that is done."""
        self._closed = True
        if self._opened:
            self._lane.submit(self, -1, b"")
            self._lane.wait(self._lane.submitted)

    def _submit(self, flags: int, data: bytes) -> None:
        if not self._opened:
            self._opened = True
            flags |= OPEN
        self._lane.submit(self, flags, data)

    # -- called on the worker thread ---------------------------------------------------------

    def run(self, flags: int, data: bytes) -> None:
        if flags < 0:
            self._remove()
            return
        if self.error is not None:
            return
        step = "open"
        try:
            if flags & OPEN:
                self._open()
            step = "write"
            if data:
                self._write_all(data)
            if flags & CLOSE:
                step = "sync"
                fsync_file(self._fd)
                step = "close"
                fd, self._fd = self._fd, -1
                os.close(fd)
        except OSError as exc:
            self._failed(step, exc)

    def _open(self) -> None:
        dir_fd = self.directory.fd
        if dir_fd is None:
            self._fd = os.open(self.path, _OPEN_FLAGS, 0o600)
        else:
            self._fd = os.open(self.name, _OPEN_FLAGS, 0o600, dir_fd=dir_fd)

    def _write_all(self, data: bytes) -> None:
        written = os.write(self._fd, data)
        if written < len(data):  # rare (a signal, a nearly full disk): finish the rest
            view = memoryview(data)[written:]
            while view:
                view = view[os.write(self._fd, view) :]

    def _failed(self, step: str, exc: OSError) -> None:
        if exc.filename is None:
            exc.filename = self.path
        self.error, self.failed_step = exc, step
        self._close_fd()
        if step != "open":  # a file we did not create is not ours to remove
            self._unlink()

    def _remove(self) -> None:
        self._close_fd()
        if self.error is None or self.failed_step != "open":
            self._unlink()

    def _unlink(self) -> None:
        with contextlib.suppress(OSError):  # clean_tmp() gets a leftover later
            dir_fd = self.directory.fd
            if dir_fd is None:
                os.unlink(self.path)
            else:
                os.unlink(self.name, dir_fd=dir_fd)

    def _close_fd(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)


class BackgroundWriter:
    """Worker threads running queued file operations, each file's in submission order.

    Files are given to the lanes in turn. Only the delivering thread creates files, so the
    turn needs no lock.
    """

    def __init__(self, limit: int | None = None, lanes: int = LANES) -> None:
        per_lane = (QUEUE_LIMIT if limit is None else limit) // lanes
        self._lanes = tuple(_Lane(per_lane, f"popgui-writer-{n + 1}") for n in range(lanes))
        self._turn = 0

    def file(self, directory: Directory, name: str) -> QueuedFile:
        """A new file *name* in *directory* (created exclusively, mode 0600, by a worker
        along with its first data)."""
        lane = self._lanes[self._turn]
        self._turn = (self._turn + 1) % len(self._lanes)
        return QueuedFile(lane, directory, name)

    def mark(self) -> Mark:
        """A position in the queues: :meth:`wait` with it returns once everything queued so
        far has run."""
        return tuple(lane.submitted for lane in self._lanes)

    def wait(self, mark: Mark) -> None:
        """Wait until every operation queued before :meth:`mark` returned *mark* has run."""
        for lane, position in zip(self._lanes, mark, strict=True):
            lane.wait(position)

    def drain(self) -> None:
        """Wait until every queued operation has run."""
        for lane in self._lanes:
            lane.wait(lane.submitted)

    def close(self) -> None:
        """Run what is queued, then end the worker threads (a later use starts them again)."""
        for lane in self._lanes:
            lane.stop()


class _Lane:
    """One worker thread and its queue (operations run in submission order).

    ``submitted`` is written by the threads that queue work, ``_done`` by the worker only;
    both under the condition's lock, which also guards the queue. Each side wakes the other
    only when it waits for something the other just made true (work to do, a mark reached,
    room in the queue), so a steady stream costs no wake-up per operation.

    Two threads may wait at once: the delivery's committer for a batch's mark, the delivering
    thread in :meth:`QueuedFile.discard` (and either may queue a removal). ``_wake_at`` holds
    the nearest mark any of them waits for; the worker wakes them all when it is reached and
    each one still short of its own mark registers it again.
    """

    def __init__(self, limit: int, name: str) -> None:
        self._limit = limit
        self._name = name
        self._queue: collections.deque[tuple[QueuedFile, int, bytes]] = collections.deque()
        self._queued_bytes = 0
        self.submitted = 0
        self._done = 0
        self._wake_at = 0  # the nearest mark a thread waits for _done to reach (0: no one)
        self._room_wanted = False  # a thread waits for the queue to shrink
        self._idle = False  # the worker waits for work: a submit must notify
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._cond = threading.Condition(threading.Lock())

    def submit(self, handle: QueuedFile, flags: int, data: bytes) -> None:
        with self._cond:
            while self._queued_bytes > self._limit and self._queue:
                self._room_wanted = True
                self._cond.wait()
            self._queue.append((handle, flags, data))
            self._queued_bytes += len(data)
            self.submitted += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            elif self._idle:
                self._cond.notify_all()

    def wait(self, mark: int) -> None:
        with self._cond:
            while self._done < mark:
                if not self._wake_at or mark < self._wake_at:
                    self._wake_at = mark
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
            taken = self._take()
            if taken is None:
                return
            size = 0
            for handle, flags, data in taken:
                size += len(data)
                try:
                    handle.run(flags, data)
                except Exception as exc:  # a bug here must not hang wait(): report a failure
                    handle.error = OSError(errno.EIO, f"internal error while writing: {exc!r}")
            self._finished(len(taken), size)

    def _finished(self, count: int, size: int) -> None:
        with self._cond:
            self._done += count
            self._queued_bytes -= size
            reached = self._wake_at and self._done >= self._wake_at
            if reached or (self._room_wanted and self._queued_bytes <= self._limit):
                self._wake_at, self._room_wanted = 0, False
                self._cond.notify_all()

    def _take(self) -> list[tuple[QueuedFile, int, bytes]] | None:
        """The next operations to run (at most ``_TAKE``); None when the thread should end."""
        with self._cond:
            while not self._queue:
                if self._stopping:
                    self._thread = None
                    return None
                self._idle = True
                woken = self._cond.wait(_IDLE_SECONDS)
                self._idle = False
                if not woken and not self._queue:
                    self._thread = None
                    return None
            queue = self._queue
            return [queue.popleft() for _ in range(min(_TAKE, len(queue)))]
