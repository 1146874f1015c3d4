"""Batched durable delivery: the one place that writes mail and records it.

The order for each message (the design notes' durability order), batched:
1. stream into ``tmp/``, fsync and close the file; the files are created, written and
   fsynced by the spool's writer thread, so the network keeps flowing meanwhile;
2. once per batch: wait until the writer has made every file of the batch durable, then move
   each into ``new/`` under a name carrying the token, fsync ``new/`` once, and commit the
   records to SQLite in one transaction.
Only what :meth:`BatchedDelivery.commit` has returned as durable may be deleted on the server
(the engine deletes only after the last commit, when the delivery ends).

Step 2 runs on a *committer* thread (:class:`_Committer`), batch after batch in sealing order,
while the delivering thread keeps reading the network: step 2 is mostly waiting (for the writer
thread to finish the batch's files, renames, the directory's and SQLite's fsync), and those
system calls release the GIL. The delivering thread hands a full batch over and goes on; it
waits only when :data:`MAX_WAITING` batches already wait for the committer (so the mail in
memory and not yet durable stays bounded), and in :meth:`~BatchedDelivery.commit` (and at the
end), which returns once every finished message is durable and recorded. A failure on the
committer (disk full, I/O error, SQLite) stops it; the delivering thread raises it at its next
call (begin, finish, add, commit, the end of the ``with`` block) and removes every file not yet
moved into ``new/`` from ``tmp/``: none of them was recorded, so none is deleted on the server.
Nothing is deleted before the final commit anyway (the engine deletes after the delivery ends).

A crash before the move leaves only unrecognised temporary files in ``tmp/`` (removed by the
account's next run, see :meth:`~popgui.store.maildir.Maildir.clean_own_tmp`; nothing was
recorded or deleted, so the messages are downloaded again); a crash after a move leaves a
durable file whose token the next run recognises (recovery.py).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from popgui.store.database import (
    HEAD_BYTES,
    Database,
    DeliveredRecord,
    IndexedMessage,
    IndexFields,
    head_is_whole,
    header_fields,
    index_fields,
)
from popgui.store.localmail import INBOX
from popgui.store.maildir import Delivery, Maildir
from popgui.store.names import info_flags
from popgui.store.writer import Mark

#: A batch is made durable after this many messages, bytes or seconds, whichever comes first.
#: Each batch costs two flushes to the disk (``new/``, the database journal), each waiting
#: behind everything else being written, and each commit rewrites every page of the header
#: index it touches (the sender, subject, size and token indexes take rows in random places),
#: so larger batches write less (measured in docs/performance.md). The heads are not kept
#: (see finish), so memory stays small; the time limit keeps the window's list moving on slow
#: links.
BATCH_MESSAGES = 2000
BATCH_BYTES = 32 * 1024 * 1024
BATCH_SECONDS = 1.0
#: Sealed batches that may wait for the committer besides the one it is making durable; the
#: delivering thread waits for room beyond that (back-pressure).
MAX_WAITING = 1
#: The committer thread ends after this long without a batch (started again on demand).
_IDLE_SECONDS = 2.0


@dataclass(frozen=True)
class Wanted:
    """A message the engine decided to download: its server identity and file-name token."""

    number: int
    uid: str
    token: str
    size: int


@dataclass
class _Batch:
    """Records on their way to being durable, and the deliveries still in ``tmp/``."""

    started: float
    records: list[DeliveredRecord] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    #: Our own deliveries' index fields read from memory (None: the head was cut short, read
    #: the file), by record path. A record not here was recovered (found already on disk).
    own: dict[str, IndexFields | None] = field(default_factory=dict)
    size: int = 0
    #: The writer's position once the batch was sealed: its files are written past it.
    mark: Mark = ()
    #: Set by the committer once the records are committed (a later step may still fail).
    recorded: bool = False


class _Committer:
    """The thread that makes sealed batches durable, one at a time, in the order handed over.

    The delivering thread hands batches over (:meth:`submit`) and takes the outcome
    (:meth:`collect`); the thread runs *step* on each batch. After a failed step it runs
    nothing more until the failure was collected, so no batch is recorded past a failed one.
    """

    def __init__(self, step: Callable[[_Batch], None]) -> None:
        self._step = step
        self._cond = threading.Condition(threading.Lock())
        self._waiting: collections.deque[_Batch] = collections.deque()
        self._running: _Batch | None = None
        self._done: list[_Batch] = []
        self._error: BaseException | None = None
        self._failed: _Batch | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        #: Something to collect (a batch done, a failure): read without the lock, so that a
        #: call of the delivering thread costs one attribute test when there is nothing.
        self.news = False

    def submit(self, batch: _Batch) -> None:
        """Queue *batch*; waits while :data:`MAX_WAITING` batches already wait (not after a
        failure: the batch is then left for :meth:`collect`)."""
        with self._cond:
            while len(self._waiting) >= MAX_WAITING and self._error is None:
                self._cond.wait()
            self._waiting.append(batch)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="popgui-committer", daemon=True
                )
                self._thread.start()
            else:
                self._cond.notify_all()

    def wait(self) -> None:
        """Wait until every submitted batch is done, or one failed."""
        with self._cond:
            while (self._waiting or self._running is not None) and self._error is None:
                self._cond.wait()

    def collect(self) -> tuple[list[_Batch], BaseException | None, list[_Batch]]:
        """(batches done since the last call, the failure or None, the batches it left: the
        failed one first, then those that were waiting). Collecting a failure lets the thread
        take new batches again."""
        with self._cond:
            done, self._done = self._done, []
            error, self._error = self._error, None
            left: list[_Batch] = []
            if error is not None:
                left = [b for b in (self._failed, *self._waiting) if b is not None]
                self._waiting.clear()
                self._failed = None
                self._cond.notify_all()  # a submit waiting for room
            self.news = False
        return done, error, left

    def stop(self) -> list[_Batch]:
        """Let the batch in progress finish, end the thread and return the batches that were
        still waiting (not started: nothing of them is durable)."""
        with self._cond:
            left = list(self._waiting)
            self._waiting.clear()
            thread, self._stopping = self._thread, True
            self._cond.notify_all()
        if thread is not None:
            thread.join()
        with self._cond:
            self._stopping = False
        return left

    def _work(self) -> None:
        while (batch := self._take()) is not None:
            try:
                self._step(batch)
            except BaseException as exc:  # reported on the delivering thread, never lost
                self._finished(batch, exc)
            else:
                self._finished(batch, None)

    def _take(self) -> _Batch | None:
        """The next batch; None when the thread should end (stopped, or idle too long)."""
        with self._cond:
            while not self._waiting or self._error is not None:
                if self._stopping:
                    self._thread = None
                    return None
                if not self._cond.wait(_IDLE_SECONDS) and not self._waiting:  # idle: end
                    self._thread = None
                    return None
            self._running = self._waiting.popleft()
            self._cond.notify_all()  # room for a waiting submit
            return self._running

    def _finished(self, batch: _Batch, error: BaseException | None) -> None:
        with self._cond:
            self._running = None
            if error is None:
                self._done.append(batch)
            else:
                self._error, self._failed = error, batch
            self.news = True
            self._cond.notify_all()


class BatchedDelivery:
    """Writes messages into a Maildir and records them in the database in durable batches.

    Used from one thread (the delivering thread); the batches are made durable on the
    committer thread (see the module doc). Create it only while holding the account's lock
    (popgui/store/lock.py), as the engine does: it removes the account's leftover temporary
    files of other processes.
    """

    def __init__(
        self,
        account: str,
        maildir: Maildir,
        database: Database,
        *,
        on_durable: Callable[[list[DeliveredRecord]], None] | None = None,
    ) -> None:
        self._account = account
        self._maildir = maildir
        self._database = database
        #: Called on the delivering thread with each batch's records once they are durable.
        self._on_durable = on_durable
        self._own_folder = maildir.folder_of(maildir.path / "new" / "x") or INBOX
        self._filling = _Batch(time.monotonic())
        self._current: Delivery | None = None
        #: Creates and writes the files on its own thread while this one reads the network.
        self._spool = maildir.spool(account)
        # Under the account lock no other live process writes this account's mail: its
        # temporary files from another process are what a killed run left behind.
        maildir.clean_own_tmp(account)
        #: Makes the sealed batches durable on another thread, in order.
        self._committer = _Committer(self._make_durable)
        #: Every record made durable and recorded, in order (committed batches only).
        self.durable: list[DeliveredRecord] = []
        self._returned = 0  # how many of self.durable commit() has returned

    def begin(self, token: str | None) -> Delivery:
        """Start a message; a None token is given at :meth:`finish` (content identity)."""
        if self._committer.news:
            self._collect()
        self.abort_current()
        self._current = self._spool.begin(token, keep_head=HEAD_BYTES)
        return self._current

    def write(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current.write(chunk)

    def finish(self, uid: str, token: str) -> DeliveredRecord:
        """Close the current message; it is made durable and put into ``new/`` (at the path
        the record names) by the committer (at the latest when :meth:`commit` returns)."""
        assert self._current is not None
        delivery, self._current = self._current, None
        path = delivery.close_in_tmp(token)
        size = delivery.size
        record = DeliveredRecord(
            uid=uid, token=token, size=size, delivered_at=time.time(), path=path
        )
        head = delivery.take_head()
        batch = self._filling
        whole = head_is_whole(head, size)
        batch.own[path] = header_fields(head, delivery.mailed_size) if whole else None
        batch.deliveries.append(delivery)
        self.add(record)
        return record

    def add(self, record: DeliveredRecord) -> None:
        """Queue a record of a file already in ``new/`` or ``cur/`` (also used by recovery)."""
        batch = self._filling
        batch.records.append(record)
        batch.size += record.size
        if (
            len(batch.records) >= BATCH_MESSAGES
            or batch.size >= BATCH_BYTES
            or time.monotonic() - batch.started >= BATCH_SECONDS
        ):
            self._seal()
        if self._committer.news:
            self._collect()

    def commit(self) -> list[DeliveredRecord]:
        """Make every finished message durable and record it, now; returns the records made
        durable since the previous call (raises the committer's failure, see the module doc)."""
        self._seal()
        self._committer.wait()
        self._collect()
        done, self._returned = self.durable[self._returned :], len(self.durable)
        return done

    def _seal(self) -> None:
        """Hand the filling batch over to the committer (waits while it is too far behind)."""
        batch = self._filling
        if batch.records:
            batch.mark = self._spool.mark()
            # Interrupted while waiting for room (Ctrl+C), the batch stays the filling one:
            # the end of the delivery still makes it durable or removes its files.
            self._committer.submit(batch)
        self._filling = _Batch(time.monotonic())

    def _collect(self) -> None:
        """Take the committer's news: note the batches made durable; raise its failure after
        removing every file it left unrecorded."""
        done, error, left = self._committer.collect()
        self._note_durable(done)
        if error is not None:
            self._abandon(left)
            raise error

    def _note_durable(self, batches: list[_Batch]) -> None:
        for batch in batches:
            self.durable.extend(batch.records)
            if self._on_durable is not None:
                self._on_durable(batch.records)

    def _abandon(self, batches: list[_Batch]) -> None:
        """Remove from ``tmp/`` every file of *batches* and of the filling batch (none of them
        recorded, so nothing of them is deleted on the server). A batch recorded before a
        later step failed is durable: it is noted, not removed."""
        batches, self._filling = [*batches, self._filling], _Batch(time.monotonic())
        self._note_durable([b for b in batches if b.recorded])
        for batch in batches:
            for delivery in batch.deliveries:
                delivery.abort()  # does nothing to one already published

    # -- on the committer thread -------------------------------------------------------------

    def _make_durable(self, batch: _Batch) -> None:
        """Sync and publish *batch*, then record and index it in one transaction (the
        committer's step).

        On a failure the files already moved into ``new/`` carry their token and are
        recognised by the next run; the others are removed by :meth:`_abandon`.
        """
        self._publish(batch)
        self._database.record_and_index(self._account, batch.records, self._index(batch))
        batch.recorded = True

    def _publish(self, batch: _Batch) -> None:
        """Make the batch's files durable, move each into ``new/``, fsync ``new/``."""
        if batch.deliveries:
            self._spool.sync(batch.deliveries, batch.mark)
            for delivery in batch.deliveries:
                delivery.publish()
        self._spool.sync_new()  # also makes a recovered file's name (if in new/) durable

    def _index(self, batch: _Batch) -> dict[str, list[IndexedMessage]]:
        """The header index rows of the batch (what the message list reads), by folder.

        A recovered file may already lie in a folder the user moved it to: it is indexed
        there, with its flags.
        """
        by_folder: dict[str, list[IndexedMessage]] = {}
        own = batch.own
        for delivered in batch.records:
            if delivered.path in own:
                fields = own[delivered.path] or index_fields(Path(delivered.path))
                folder, flags = self._own_folder, ""  # in new/: no flags yet
            else:
                path = Path(delivered.path)
                fields = index_fields(path)
                folder = self._maildir.folder_of(path) or INBOX
                flags = info_flags(path.name)
            message = IndexedMessage(delivered.path, fields, delivered.token, delivered.uid, flags)
            by_folder.setdefault(folder, []).append(message)
        return by_folder

    # -- the end -----------------------------------------------------------------------------

    def __enter__(self) -> BatchedDelivery:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Make the last batches durable however the block ends (a half message is dropped)."""
        try:
            self.abort_current()
            self.commit()
        finally:
            self.close()

    def close(self) -> None:
        """End the committer and writer threads; safe to call twice. Called after the last
        :meth:`commit` there is nothing left to do; otherwise (an interrupted commit) the batch
        in progress is finished and whatever was not made durable is removed from ``tmp/``."""
        left = self._committer.stop()
        done, _error, failed = self._committer.collect()  # the error was raised or is moot
        self._note_durable(done)
        self.abort_current()
        self._abandon([*failed, *left])
        self._spool.close()

    def abort_current(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.abort()
