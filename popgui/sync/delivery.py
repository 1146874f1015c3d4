"""Batched durable delivery: the one place that writes mail and records it.

The order for each message (the design notes' durability order), batched:
1. stream into ``tmp/`` and close the file (no fsync yet: the network keeps flowing); the
   files are created and written by the spool's writer thread;
2. once per batch: make every file of the batch durable at once (one ``syncfs`` on Linux,
   parallel fsyncs elsewhere), then move each into ``new/`` under a name carrying the token,
   fsync ``new/`` once, and commit the records to SQLite in one transaction.
Only what :meth:`BatchedDelivery.commit` has returned as durable may be deleted on the server
(the engine deletes only after the last commit, when the delivery ends).

Step 2 of a full batch is done when the *next* batch is full (or at :meth:`~BatchedDelivery.
commit`), not at once: the writer thread can only create files while the delivering thread
waits (both need the GIL, and parsing mail keeps it busy), and step 2 is mostly waiting
(``syncfs``, renames, SQLite's fsync), during which the writer creates the next batch's files.
So one full batch may wait, written but not yet durable, while the next one downloads; it is
never recorded before it is durable, and nothing is deleted before the final commit.

A crash before the sync leaves only unrecognised temporary files in ``tmp/`` (removed at the
next start; nothing was recorded or deleted, so the messages are downloaded again); a crash
after a move leaves a durable file whose token the next run recognises (recovery.py).
"""

from __future__ import annotations

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
from popgui.store.maildir import Delivery, Maildir, info_flags

#: A batch is made durable after this many messages, bytes or seconds, whichever comes first.
BATCH_MESSAGES = 200
BATCH_BYTES = 32 * 1024 * 1024
BATCH_SECONDS = 1.0


@dataclass(frozen=True)
class Wanted:
    """A message the engine decided to download: its server identity and file-name token."""

    number: int
    uid: str
    token: str
    size: int


@dataclass(slots=True)
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
    mark: int = 0


class BatchedDelivery:
    """Writes messages into a Maildir and records them in the database in durable batches."""

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
        self._on_durable = on_durable
        self._own_folder = maildir.folder_of(maildir.path / "new" / "x") or INBOX
        self._filling = _Batch(time.monotonic())
        #: Full batches whose files are still being written, oldest first (at most one
        #: between calls: see the module doc).
        self._sealed: list[_Batch] = []
        self._current: Delivery | None = None
        #: Creates and writes the files on its own thread while this one reads the network.
        self._spool = maildir.spool()
        self.durable: list[DeliveredRecord] = []

    def begin(self, token: str | None) -> Delivery:
        """Start a message; a None token is given at :meth:`finish` (content identity)."""
        self.abort_current()
        self._current = self._spool.begin(token, keep_head=HEAD_BYTES)
        return self._current

    def write(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current.write(chunk)

    def finish(self, uid: str, token: str) -> DeliveredRecord:
        """Close the current message; it is made durable and put into ``new/`` (at the path
        the record names) by a later batch step (at the latest :meth:`commit`)."""
        assert self._current is not None
        delivery, self._current = self._current, None
        path = delivery.close_unsynced(token)
        size = delivery.size
        record = DeliveredRecord(
            uid=uid, token=token, size=size, delivered_at=time.time(), path=path
        )
        head = delivery.take_head()
        batch = self._filling
        batch.own[path] = header_fields(head, size) if head_is_whole(head, size) else None
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
            while len(self._sealed) > 1:  # the previous batch's files were written meanwhile
                self._make_durable()

    def commit(self) -> list[DeliveredRecord]:
        """Make every finished message durable and record it, now; returns those records."""
        self._seal()
        done: list[DeliveredRecord] = []
        while self._sealed:
            done += self._make_durable()
        return done

    def _seal(self) -> None:
        batch, self._filling = self._filling, _Batch(time.monotonic())
        if batch.records:
            batch.mark = self._spool.mark()
            self._sealed.append(batch)

    def _make_durable(self) -> list[DeliveredRecord]:
        """Sync, publish and record the oldest sealed batch.

        On any failure every message not yet moved into ``new/`` (this batch's and the later
        ones') is removed from ``tmp/`` and the error is raised: none of them is recorded, so
        nothing of them is deleted on the server. (Files already moved carry their token and
        are recognised by the next run.)
        """
        batch = self._sealed[0]
        try:
            self._publish(batch)
            self._database.record_delivered(self._account, batch.records)
        except BaseException:
            self._abort_unrecorded()
            raise
        del self._sealed[0]
        self.durable.extend(batch.records)
        self._index(batch)
        if self._on_durable is not None:
            self._on_durable(batch.records)
        return batch.records

    def _publish(self, batch: _Batch) -> None:
        """Make the batch's files durable, move each into ``new/``, fsync ``new/``."""
        if batch.deliveries:
            self._spool.sync(batch.deliveries, batch.mark)
            for delivery in batch.deliveries:
                delivery.publish()
        self._spool.sync_new()  # also makes a recovered file's name (if in new/) durable

    def _abort_unrecorded(self) -> None:
        batches, self._sealed = [*self._sealed, self._filling], []
        self._filling = _Batch(time.monotonic())
        for batch in batches:
            for delivery in batch.deliveries:
                delivery.abort()  # does nothing to one already published

    def _index(self, batch: _Batch) -> None:
        """Add the batch to the header index the message list reads (after it is durable).

        A recovered file may already lie in a folder the user moved it to: it is indexed
        there, with its flags.
        """
        by_folder: dict[str, list[IndexedMessage]] = {}
        own = batch.own
        for record in batch.records:
            if record.path in own:
                fields = own[record.path] or index_fields(Path(record.path))
                folder, flags = self._own_folder, ""  # in new/: no flags yet
            else:
                path = Path(record.path)
                fields = index_fields(path)
                folder = self._maildir.folder_of(path) or INBOX
                flags = info_flags(path.name)
            message = IndexedMessage(record.path, fields, record.token, record.uid, flags)
            by_folder.setdefault(folder, []).append(message)
        for folder, messages in by_folder.items():
            self._database.index_messages(self._account, folder, messages)

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
        """End the writer thread (call after the last :meth:`commit`); safe to call twice."""
        self._spool.close()

    def abort_current(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.abort()
