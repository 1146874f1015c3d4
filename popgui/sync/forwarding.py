"""Delivering an account's mail to its destination (``--deliver``) instead of its Maildir.

:class:`Forwarding` takes the place of :class:`~popgui.sync.delivery.BatchedDelivery` for
such an account: the POP3 download streams each message into a spool file (in memory up to
:data:`SPOOL_MEMORY`, then an anonymous temporary file), and full batches go to the
destination in the order of popgui/destinations/base.py: pending rows recorded, the batch
handed over, the accepted messages recorded as delivered (and indexed, so the window lists
them with where they went) with the pending rows removed. Only recorded messages are deleted
on the server, after the download, as for the Maildir.

Before anything is downloaded, :func:`recover_pending` asks the destination about the
pending rows a killed run left (IMAP searches, mbox checks its file): what landed is recorded
and not delivered again; the rest is downloaded and delivered again.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import BinaryIO, cast

from popgui.catalog import render
from popgui.catalog import sync as says
from popgui.destinations.base import (
    Accepted,
    Deferred,
    Destination,
    DestinationError,
    MessagesRefusedError,
    Outgoing,
    Pending,
    Receipt,
    Refused,
)
from popgui.errors import CancelledError
from popgui.store.database import (
    HEAD_BYTES,
    DeliveredRecord,
    IndexedMessage,
    IndexFields,
    PendingDelivery,
    header_fields,
)
from popgui.store.localmail import INBOX
from popgui.sync.context import SyncContext

#: A message up to this size is spooled in memory; a bigger one in a temporary file.
SPOOL_MEMORY = 1024 * 1024
#: The index shows a forwarded message as read: it is read where it went, not here.
FORWARDED_FLAGS = "S"


@dataclass
class _Spooled:
    """One downloaded message waiting in its batch."""

    outgoing: Outgoing
    fields: IndexFields


@dataclass
class _Batch:
    messages: list[_Spooled] = field(default_factory=list)
    size: int = 0


class Forwarding:
    """The sink the download streams into for an account with a destination. Used from one
    thread; the destination is open for the whole sync (see :func:`destination_open`)."""

    def __init__(self, ctx: SyncContext, destination: Destination) -> None:
        self._ctx = ctx
        self._destination = destination
        self._batch = _Batch()
        self._current: BinaryIO | None = None
        self._current_size = 0
        self._head = bytearray()
        #: Every message the destination accepted and popgui recorded, in order.
        self.durable: list[DeliveredRecord] = []
        self._returned = 0

    # -- what the download calls (as for BatchedDelivery) -----------------------------------

    def begin(self, token: str | None) -> None:
        if token is None:  # a content identity needs the whole message first (no UIDL, no TOP)
            raise DestinationError(says.FORWARD_NEEDS_UIDL())
        self.abort_current()
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self._current = cast(BinaryIO, spool)  # typeshed types it as IO[bytes] only
        self._current_size = 0
        self._head.clear()

    def write(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current.write(chunk)
        self._current_size += len(chunk)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]

    def finish(self, uid: str, token: str) -> DeliveredRecord:
        """The message is whole: into the batch (delivered when the batch is full)."""
        assert self._current is not None
        file, self._current = self._current, None
        now = time.time()
        fields = header_fields(bytes(self._head), self._current_size)
        outgoing = Outgoing(
            uid=uid, token=token, file=file, size=self._current_size,
            message_id=fields.message_id, date=fields.date, downloaded_at=now,
            sender=fields.from_addr, subject=fields.subject,
        )  # fmt: skip
        self._batch.messages.append(_Spooled(outgoing, fields))
        self._batch.size += outgoing.size
        destination = self._destination
        if (
            len(self._batch.messages) >= destination.batch_messages
            or self._batch.size >= destination.batch_bytes
        ):
            self._flush()
        return DeliveredRecord(uid, token, outgoing.size, now, destination.describe())

    def abort_current(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.close()

    def commit(self) -> list[DeliveredRecord]:
        """Deliver the batch now; returns the records made since the previous call."""
        self._flush()
        done, self._returned = self.durable[self._returned :], len(self.durable)
        return done

    def __enter__(self) -> Forwarding:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Deliver the whole messages downloaded before the block ended (the POP server's
        connection broke, say), unless the destination itself failed or the person cancelled:
        then they are downloaded again next time."""
        try:
            self.abort_current()
            if not isinstance(value, DestinationError | CancelledError):
                self.commit()
        finally:
            self.close()

    def close(self) -> None:
        """Drop what was not delivered (it was not recorded, so it stays on the server)."""
        self.abort_current()
        for spooled in self._batch.messages:
            spooled.outgoing.file.close()
        self._batch = _Batch()

    # -- one batch --------------------------------------------------------------------------

    def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        if not batch.messages:
            return
        try:
            self._hand_over(batch)
        finally:
            for spooled in batch.messages:
                spooled.outgoing.file.close()

    def _hand_over(self, batch: _Batch) -> None:
        ctx, destination = self._ctx, self._destination
        messages = [spooled.outgoing for spooled in batch.messages]
        ctx.check_cancel()
        marks = destination.prepare(messages)
        where = ctx.account.deliver or ""
        if destination.recovers:
            pending = [_pending(m, mark, where) for m, mark in zip(messages, marks, strict=True)]
            ctx.database.record_pending(ctx.key, pending)
        outcomes = destination.deliver(messages)
        if len(outcomes) != len(messages):
            raise DestinationError(says.FORWARD_ANSWERS_MISSING())
        delivered: list[DeliveredRecord] = []
        index: list[IndexedMessage] = []
        for spooled, outcome in zip(batch.messages, outcomes, strict=True):
            message = spooled.outgoing
            if isinstance(outcome, Accepted):
                record, row = _recorded(message, spooled.fields, outcome.receipt, time.time())
                delivered.append(record)
                index.append(row)
            elif isinstance(outcome, Deferred):
                ctx.result.deferred.append(f"{message.uid}: {outcome.reason}")
            elif isinstance(outcome, Refused):
                ctx.result.refused.append(f"{message.uid}: {outcome.reason}")
        ctx.database.finish_forwarded(ctx.key, delivered, {INBOX: index}, [m.uid for m in messages])
        ctx.result.forwarded += len(delivered)
        self.durable.extend(delivered)


def _pending(message: Outgoing, mark: str, destination: str) -> PendingDelivery:
    m = message
    return PendingDelivery(
        m.uid, m.token, m.size, m.message_id, m.date, m.sender, m.subject, m.downloaded_at,
        mark, destination,
    )  # fmt: skip


def _recorded(
    message: Outgoing | Pending, fields: IndexFields, receipt: Receipt, when: float
) -> tuple[DeliveredRecord, IndexedMessage]:
    record = DeliveredRecord(message.uid, message.token, message.size, when, receipt.locator)
    row = IndexedMessage(
        receipt.locator, fields, message.token, message.uid, FORWARDED_FLAGS, receipt.where
    )
    return record, row


# -- the destination's life in a sync --------------------------------------------------------


@contextlib.contextmanager
def forwarding_to_destination(ctx: SyncContext) -> Iterator[None]:
    """For an account with a destination: make it (its password is looked up now), open it
    before the POP server is asked anything (a destination that is down or refuses the login
    ends the sync before anything is downloaded or deleted), recover what a killed run left
    pending, and close it at the end. Nothing for an account that fills its Maildir."""
    if ctx.account.deliver is None or ctx.profile is None:
        yield
        return
    # Loaded only for an account with a destination: the keyring and the destinations' code
    # are no part of an ordinary sync.
    from popgui.destinations import factory

    destination = factory.make_destination(ctx.account, ctx.profile, ctx.options)
    ctx.destination = destination
    ctx.result.delivered_to = render(destination.describe())
    try:
        destination.open()
        recover_pending(ctx, destination)
        yield
    finally:
        ctx.destination = None
        destination.close()


def raise_refusals(ctx: SyncContext) -> None:
    """After the sync: messages the destination refused make it end in an error (they stay
    on the server; the others were delivered and, by the policy, deleted)."""
    refused = ctx.result.refused
    if refused:
        where = ctx.result.delivered_to or ctx.account.deliver or ""
        raise MessagesRefusedError(
            says.FORWARD_REFUSED(destination=where, count=len(refused), first=refused[0])
        )


def recover_pending(ctx: SyncContext, destination: Destination) -> int:
    """Record the pending deliveries that landed; forget the others (they are downloaded
    and delivered again). Returns how many had landed."""
    rows = ctx.database.pending_deliveries(ctx.key)
    if not rows:
        return 0
    where = ctx.account.deliver or ""
    ours = [row for row in rows if row.destination == where]
    pending = [
        Pending(r.uid, r.token, r.size, r.message_id, r.date, r.downloaded_at, r.mark) for r in ours
    ]
    landed = destination.recover(pending) if pending else {}
    delivered: list[DeliveredRecord] = []
    index: list[IndexedMessage] = []
    now = time.time()
    for row, item in zip(ours, pending, strict=True):
        receipt = landed.get(item.uid)
        if receipt is not None:
            fields = IndexFields(row.sender, row.subject, row.date, row.message_id, False, row.size)
            record, indexed = _recorded(item, fields, receipt, now)
            delivered.append(record)
            index.append(indexed)
    ctx.database.finish_forwarded(ctx.key, delivered, {INBOX: index}, [r.uid for r in rows])
    ctx.result.recovered += len(delivered)
    return len(delivered)
