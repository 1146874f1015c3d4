"""The server migration guard: never download a whole mailbox again because its UIDLs changed.

A server moved to new software, or restored from a backup, may give every message a new
UIDL. To a UIDL-based client that looks like a mailbox full of new mail, and it downloads
thousands of duplicates. Before downloading, the sync compares the current listing with the
last one the guard let pass (``server_seen``, recorded before the download starts, so that a
renumbering after an interrupted download, even the first one, is noticed too):

* ``previous``: UIDLs seen last time, minus those popgui itself deleted (QUIT +OK) and those
  the server accepted a DELE for before a QUIT whose answer may have been lost;
* ``vanished``: those of ``previous`` no longer listed;
* ``unknown``: listed UIDLs neither seen last time nor ever delivered.

The guard trips when at least :data:`MIN_PREVIOUS` UIDLs were seen, at least
:data:`VANISHED_SHARE` of them vanished, and the unknown ones number at least
:data:`UNKNOWN_SHARE` of the vanished. Plain new mail makes nothing vanish; mail deleted by
another client brings no unknown UIDLs; the first sync has nothing to compare with (and a
sync resumed after an interrupted download finds the listing it recorded unchanged). Tripping
raises :class:`~popgui.errors.MigrationSuspectedError` before anything is downloaded or
deleted, and leaves ``server_seen`` as it was, so every later run asks again.

When the user accepts (``popgui sync --accept-new-uidls``), every unknown message's header is
fetched (``TOP n 0``, pipelined) and matched against the header index of mail already stored:
same Message-ID, same Date, and a size that fits the LIST size (not for a copy adopted from
another client's Maildir, ``--adopt``: that client's added headers changed its size). A match
is recorded as delivered under its new UIDL, pointing at the file already on disk; the others
download as usual. A message the first sync left on the server (``--skip-existing``,
``--since``) is recognised by its Message-ID and Date and stays skipped under its new UIDL. A
message without Message-ID cannot be told from a look-alike, nor one whose TOP the server
refuses: those download again (a duplicate is safer than a message never downloaded).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from popgui.catalog import sync as says
from popgui.errors import MigrationSuspectedError, ServerError
from popgui.net.pop3client import POP3Client
from popgui.store.database import (
    DeliveredRecord,
    IndexedCopy,
    IndexFields,
    SkippedMessage,
    header_fields,
)
from popgui.store.names import token_of
from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery

#: Fewer UIDLs than this seen last time: too few to tell a migration from ordinary churn.
MIN_PREVIOUS = 5
#: At least this share of the UIDLs seen last time must have vanished...
VANISHED_SHARE = 0.5
#: ...and the unknown UIDLs must number at least this share of the vanished ones.
UNKNOWN_SHARE = 0.8


@dataclass(frozen=True)
class UidlChange:
    """How the current listing differs from the last one recorded."""

    previous: int
    vanished: int
    unknown: int

    @property
    def looks_like_migration(self) -> bool:
        return (
            self.previous >= MIN_PREVIOUS
            and self.vanished >= VANISHED_SHARE * self.previous
            and self.unknown >= UNKNOWN_SHARE * self.vanished
            and self.unknown > 0
        )


def compare_listing(ctx: SyncContext, current: Iterable[str]) -> UidlChange:
    """Compare *current* UIDLs with ``server_seen`` (minus what popgui deleted)."""
    delivered, deleted = ctx.database.delivered_and_deleted_uids(ctx.key)
    previous = ctx.database.server_seen(ctx.key) - deleted
    listed = set(current)
    # What the first sync skipped was seen before, as much as what it downloaded.
    unknown = listed - previous - delivered - ctx.database.skipped_uid_set(ctx.key)
    return UidlChange(len(previous), len(previous - listed), len(unknown))


def guard_migration(
    ctx: SyncContext, client: POP3Client, uids: dict[int, str] | None, sizes: dict[int, int]
) -> None:
    """Stop a suspected renumbering, or (when accepted) recognise what is already stored."""
    if uids is None:
        return  # content identities do not change when a server renumbers
    change = compare_listing(ctx, uids.values())
    if change.looks_like_migration:
        if not ctx.accept_new_uidls:
            raise _suspected(change)
        recognise_stored(ctx, client, uids, sizes)
    # Passed (or accepted): this listing is the one to compare with next time, even if this
    # run is killed before its download ends and a renumbering happens before the next run.
    ctx.database.replace_server_seen(ctx.key, uids.values())


def _suspected(change: UidlChange) -> MigrationSuspectedError:
    return MigrationSuspectedError(
        says.RENUMBERED(vanished=change.vanished, previous=change.previous, unknown=change.unknown),
        previously_seen=change.previous,
        vanished=change.vanished,
        unknown=change.unknown,
    )


def recognise_stored(
    ctx: SyncContext, client: POP3Client, uids: dict[int, str], sizes: dict[int, int]
) -> int:
    """Record as delivered each listed, undelivered message whose copy is already stored
    (under an older UIDL); returns how many."""
    known = ctx.database.delivered_uid_set(ctx.key) | ctx.database.skipped_uid_set(ctx.key)
    unknown = {number: uid for number, uid in uids.items() if uid not in known}
    if not unknown:
        return 0
    # A refused TOP leaves that one message unrecognised (it downloads again); without TOP
    # at all nothing can be recognised, and everything downloads.
    headers = client.top_many(sorted(unknown), on_refused=_unrecognisable)
    fields = {n: header_fields(head, sizes.get(n, 0)) for n, head in headers.items()}
    copies = _candidates(ctx, fields.values(), set(uids.values()))
    skipped = _skipped_identities(ctx, set(uids.values()))
    delivery = BatchedDelivery(ctx.key, ctx.maildir, ctx.database)
    still_skipped: list[SkippedMessage] = []
    for number, found in sorted(fields.items()):
        copy = _take_match(copies, found)
        if copy is not None:
            _record(ctx, delivery, unknown[number], copy)
        elif found.message_id and (found.message_id, found.date) in skipped:
            # Left on the server by the first sync's choice: it stays left there.
            still_skipped.append(SkippedMessage(unknown[number], found.message_id, found.date))
    try:
        delivery.commit()
    finally:
        delivery.close()
    ctx.database.record_skipped(ctx.key, still_skipped, ctx.now)
    return len(delivery.durable) + len(still_skipped)


def _skipped_identities(ctx: SyncContext, still_listed: set[str]) -> set[tuple[str, float | None]]:
    """Message-ID and Date of the messages the first sync skipped whose UIDL is gone."""
    return {
        (item.message_id, item.date)
        for item in ctx.database.skipped_messages(ctx.key)
        if item.message_id and item.uid not in still_listed
    }


def _unrecognisable(number: int, error: ServerError) -> None:
    """A message whose ``TOP`` the server refused: nothing to match, it downloads as usual."""


def _candidates(
    ctx: SyncContext, fields: Iterable[IndexFields], still_listed: set[str]
) -> dict[str, list[IndexedCopy]]:
    """Stored copies by Message-ID, leaving out those whose own UIDL is still listed."""
    ids = {f.message_id for f in fields if f.message_id}
    by_id: dict[str, list[IndexedCopy]] = {}
    for copy in ctx.database.indexed_by_message_id(ctx.key, ids):
        # A copy delivered elsewhere (--deliver) has no file here: the index vouches for it.
        if copy.uid not in still_listed and (copy.elsewhere or os.path.exists(copy.path)):
            by_id.setdefault(copy.message_id, []).append(copy)
    return by_id


def _take_match(copies: dict[str, list[IndexedCopy]], found: IndexFields) -> IndexedCopy | None:
    """The first stored copy matching Message-ID, Date and size; each copy matches once.

    A copy popgui did not write (adopted from another client's Maildir, ``--adopt``) has that
    client's own headers added (``Received:``...): its size says nothing, Message-ID and Date
    must do."""
    candidates = copies.get(found.message_id, []) if found.message_id else []
    for index, copy in enumerate(candidates):
        foreign = not token_of(Path(copy.path).name)
        if copy.date == found.date and (foreign or _same_size(copy, found.size)):
            return candidates.pop(index)
    return None


def _same_size(copy: IndexedCopy, listed: int) -> bool:
    """Whether the stored copy has the server's LIST size: its size as mailed (CRLF line
    ends, as RFC 1939 counts), or the file's own (LF) size from a server that counts so."""
    if copy.size == listed:
        return True
    try:
        return os.path.getsize(copy.path) == listed
    except OSError:
        return False


def _record(ctx: SyncContext, delivery: BatchedDelivery, uid: str, copy: IndexedCopy) -> None:
    """The stored file now also stands for *uid* (its name keeps its original token)."""
    if copy.elsewhere:  # delivered elsewhere: recorded as it is, nothing here to move or read
        token = copy.token or ctx.token(uid)
        record = DeliveredRecord(uid, token, copy.size, ctx.now, copy.path)
        ctx.database.record_delivered(ctx.key, [record])
        ctx.result.recovered += 1
        return
    path = Path(copy.path)
    try:
        info = path.stat()
    except OSError:
        return
    token = copy.token or ctx.token(uid)
    delivery.add(DeliveredRecord(uid, token, info.st_size, info.st_mtime, str(path)))
    ctx.result.recovered += 1
