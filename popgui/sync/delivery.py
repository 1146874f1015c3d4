"""Batched durable delivery: the one place that writes mail and records it.

The order for each message (the design notes' durability order):
1. stream into ``tmp/``, fsync the file; 2. rename into ``new/`` under a name carrying the
token; 3. once per batch, fsync ``new/`` and commit the records to SQLite in one transaction.
Only what :meth:`BatchedDelivery.commit` has returned as durable may be deleted on the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from popgui.store.database import Database, DeliveredRecord, IndexedMessage, index_fields
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
        self._pending_bytes = 0
        self._batch_started = time.monotonic()
        self._current: Delivery | None = None
        self.durable: list[DeliveredRecord] = []

    def begin(self, token: str | None) -> Delivery:
        """Start a message; a None token is given at :meth:`finish` (content identity)."""
        self.abort_current()
        self._current = self._maildir.begin(token)
        return self._current

    def write(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current.write(chunk)

    def finish(self, uid: str, token: str) -> DeliveredRecord:
        """Move the current message into ``new/``; durable at the next :meth:`commit`."""
        assert self._current is not None
        delivery, self._current = self._current, None
        path = delivery.finish(token)
        record = DeliveredRecord(
            uid=uid, token=token, size=delivery.size, delivered_at=time.time(), path=str(path)
        )
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
        self._pending_bytes = 0
        self._batch_started = time.monotonic()
        if not batch:
            return []
        self._maildir.sync_new()
        self._database.record_delivered(self._account, batch)
        self.durable.extend(batch)
        self._index(batch)
        if self._on_durable is not None:
            self._on_durable(batch)
        return batch

    def _index(self, batch: list[DeliveredRecord]) -> None:
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
                    record.path, index_fields(path), record.token, record.uid, info_flags(path.name)
                )
            )
        for folder, messages in by_folder.items():
            self._database.index_messages(self._account, folder, messages)

    def abort_current(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.abort()
