"""Batched durable delivery: the one place that writes mail and records it.

The order for each message (the design notes' durability order), batched:
1. stream into ``tmp/`` and close the file (no fsync yet: the network keeps flowing);
2. once per batch: make every file of the batch durable at once (one ``syncfs`` on Linux,
   parallel fsyncs elsewhere), then link each into ``new/`` under a name carrying the token,
   fsync ``new/`` once, and commit the records to SQLite in one transaction.
Only what :meth:`BatchedDelivery.commit` has returned as durable may be deleted on the server.

A crash before the sync leaves only unrecognised temporary files in ``tmp/`` (removed at the
next start; nothing was recorded or deleted, so the messages are downloaded again); a crash
after a link leaves a durable file whose token the next run recognises (recovery.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from popgui.errors import DeliveryError
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
from popgui.store.writer import BackgroundWriter

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
        self._pending: list[DeliveredRecord] = []
        #: Messages of the pending batch still in ``tmp/``, not yet durable nor in ``new/``.
        self._unsynced: list[Delivery] = []
        #: Index fields read from memory while streaming, by record path.
        self._fields: dict[str, IndexFields] = {}
        self._pending_bytes = 0
        self._batch_started = time.monotonic()
        self._current: Delivery | None = None
        #: Creates and writes the files on its own thread while this one reads the network.
        self._writer = BackgroundWriter()
        self.durable: list[DeliveredRecord] = []

    def begin(self, token: str | None) -> Delivery:
        """Start a message; a None token is given at :meth:`finish` (content identity)."""
        self.abort_current()
        self._current = self._maildir.begin(token, keep_head=HEAD_BYTES, writer=self._writer)
        return self._current

    def write(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current.write(chunk)

    def finish(self, uid: str, token: str) -> DeliveredRecord:
        """Close the current message; it is made durable and put into ``new/`` (at the path
        the record names) by the next :meth:`commit`."""
        assert self._current is not None
        delivery, self._current = self._current, None
        path = str(delivery.close_unsynced(token))
        record = DeliveredRecord(
            uid=uid, token=token, size=delivery.size, delivered_at=time.time(), path=path
        )
        head = delivery.head
        if head_is_whole(head, delivery.size):
            self._fields[path] = header_fields(head, delivery.size)
        self._unsynced.append(delivery)
        self.add(record)
        return record

    def add(self, record: DeliveredRecord) -> None:
        """Queue a record of a file already in ``new/`` or ``cur/`` (also used by recovery)."""
        self._pending.append(record)
        self._pending_bytes += record.size
        if self._batch_is_full():
            self.commit()

    def _batch_is_full(self) -> bool:
        return (
            len(self._pending) >= BATCH_MESSAGES
            or self._pending_bytes >= BATCH_BYTES
            or time.monotonic() - self._batch_started >= BATCH_SECONDS
        )

    def commit(self) -> list[DeliveredRecord]:
        """fsync ``new/`` once and record the whole batch in one transaction."""
        batch, self._pending = self._pending, []
        unsynced, self._unsynced = self._unsynced, []
        fields, self._fields = self._fields, {}
        self._pending_bytes = 0
        self._batch_started = time.monotonic()
        if not batch:
            return []
        self._publish(unsynced)
        self._maildir.sync_new()
        self._database.record_delivered(self._account, batch)
        self.durable.extend(batch)
        self._index(batch, fields)
        if self._on_durable is not None:
            self._on_durable(batch)
        return batch

    def _publish(self, unsynced: list[Delivery]) -> None:
        """Make the batch's files durable, then link each into ``new/``.

        On a disk error every file not yet linked is removed from ``tmp/`` and the error is
        raised: the batch is not recorded, so nothing of it is deleted on the server. (Files
        already linked carry their token and are recognised by the next run.)
        """
        try:
            self._writer.drain()
            for delivery in unsynced:
                delivery.check_written()
            self._maildir.sync_files([d.temp_path for d in unsynced])
            for delivery in unsynced:
                delivery.publish()
        except DeliveryError:
            for delivery in unsynced:
                delivery.abort()  # does nothing to one already published
            raise

    def _index(self, batch: list[DeliveredRecord], fields: dict[str, IndexFields]) -> None:
        """Add the batch to the header index the message list reads (after it is durable).

        A recovered file may already lie in a folder the user moved it to: it is indexed
        there, with its flags.
        """
        by_folder: dict[str, list[IndexedMessage]] = {}
        for record in batch:
            path = Path(record.path)
            folder = self._maildir.folder_of(path) or INBOX
            by_folder.setdefault(folder, []).append(
                IndexedMessage(
                    record.path,
                    fields.get(record.path) or index_fields(path),
                    record.token,
                    record.uid,
                    info_flags(path.name),
                )
            )
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
        """Make the last batch durable however the block ends (a half message is dropped)."""
        try:
            self.abort_current()
            self.commit()
        finally:
            self.close()

    def close(self) -> None:
        """End the writer threads (call after the last :meth:`commit`); safe to call twice."""
        self._writer.close()

    def abort_current(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.abort()
