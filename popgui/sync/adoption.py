"""The first sync of an account added with ``--adopt``: its Maildir already holds the mail
(another client put it there); recognise it instead of downloading it again.

Before the first sync the engine indexes the Maildir's files (``LocalMail.rescan``, which reads
each file's header block once): the header index is the in-memory identity map's source, read
in one query however large the Maildir. Then every message on the server whose UIDL popgui
does not know, and every one only imported from another client's state (``import-state``:
popgui had no copy), is looked for in it by its header (``TOP n 0``, pipelined): by Message-ID,
or, for a message without one, by Date + From + Subject. Both sides are parsed by the one
header decoder (popgui/store/headerindex.py), so the headers another client added
(``Received:``, ``X-…``), its line ends and where it moved the file (``cur/`` with flags, a
subfolder) do not matter: the identity is compared, not the bytes.

A message found is recorded as delivered, pointing at the file found, and its index row gets
the UIDL (the window lists it, as it listed every file of the Maildir). These messages ARE on
disk: they are popgui's own from now on, and the account's deletion policy applies to them
like to mail popgui downloaded; ``--delete-after-days`` counts from the adoption, not from
the day the other client stored them, which leaves time to check the adoption. Two files
with the same identity: one is adopted, the other stays listed as it is (nothing is lost).
What is not found downloads as usual. A message whose TOP the server refuses cannot be
recognised: it downloads (a duplicate is better than a message never seen).

The choice is made once: the adopted records and "the first sync chose" are written in one
transaction (``Database.record_adopted``); mail arriving later is downloaded normally, never
looked for in the Maildir (only another client still running could have put it there).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterable

from popgui.catalog import sync as says
from popgui.errors import RemoteProtocolError, ServerError
from popgui.net.pop3client import POP3Client
from popgui.store.database import DeliveredRecord, IndexFields, StoredIdentity, header_fields
from popgui.sync.context import SyncContext
from popgui.sync.delivery import Wanted

__all__ = ["adopt_on_first_sync"]

#: Headers asked for (TOP) per pipelined slice: bounds the memory they take.
TOP_SLICE = 1000

#: What recognises a message: ("id", Message-ID), or ("dfs", date, From, Subject) without one.
Identity = tuple[object, ...]


def adopt_on_first_sync(
    ctx: SyncContext, client: POP3Client, uids: dict[int, str], wanted: list[Wanted]
) -> list[Wanted]:
    """*wanted* without the messages found in the Maildir, on the first sync of an adopting
    account (which records them as delivered); otherwise *wanted* as it is. *uids* is the
    whole listing (number → UIDL), for the imported messages that may be found too."""
    if not ctx.account.adopt or ctx.database.first_sync_done(ctx.key):
        return wanted
    imported = ctx.database.imported_uid_set(ctx.key)
    candidates = {item.number: item.uid for item in wanted}
    candidates |= {number: uid for number, uid in uids.items() if uid in imported}
    found = _found(ctx, client, candidates)
    ctx.database.record_adopted(ctx.key, found, time.time())
    ctx.result.adopted += len(found)
    adopted = {record.uid for record in found}
    return [item for item in wanted if item.uid not in adopted]


def _found(
    ctx: SyncContext, client: POP3Client, candidates: dict[int, str]
) -> list[DeliveredRecord]:
    """The records of the *candidates* whose copy is in the Maildir."""
    if not candidates:
        return []
    ctx.report("listing")
    caps = client.capabilities
    if caps is not None and not caps.has("TOP"):
        raise RemoteProtocolError(says.ADOPT_NEEDS_TOP())
    on_disk = _identity_map(ctx.database.unclaimed_identities(ctx.key))
    numbers = sorted(candidates)
    found: list[DeliveredRecord] = []
    answered = False
    # TOP in slices, each pipelined: only one slice of headers is in memory at a time.
    for start in range(0, len(numbers), TOP_SLICE):
        heads = client.top_many(numbers[start : start + TOP_SLICE], on_refused=_unrecognised)
        answered = answered or bool(heads)
        for number, head in sorted(heads.items()):
            record = _take(ctx, on_disk, candidates[number], header_fields(head, 0))
            if record is not None:
                found.append(record)
    if not answered:
        raise RemoteProtocolError(says.ADOPT_NEEDS_TOP())
    return found


def _take(
    ctx: SyncContext, on_disk: dict[Identity, list[str]], uid: str, fields: IndexFields
) -> DeliveredRecord | None:
    """The record of *uid* pointing at the first file with its identity (each file is taken
    once); None when there is none."""
    paths = on_disk.get(_identity(fields))
    while paths:  # a file that vanished since the rescan is no copy: try the next one
        record = _record(ctx, uid, paths.pop(0))
        if record is not None:
            return record
    return None


def _identity(fields: IndexFields | StoredIdentity) -> Identity:
    if fields.message_id:
        return ("id", fields.message_id)
    return ("dfs", fields.date, fields.from_addr, fields.subject)


def _identity_map(stored: Iterable[StoredIdentity]) -> dict[Identity, list[str]]:
    """Identity → the paths of the files that have it, in index order."""
    by_identity: dict[Identity, list[str]] = defaultdict(list)
    for copy in stored:
        by_identity[_identity(copy)].append(copy.path)
    return by_identity


def _record(ctx: SyncContext, uid: str, path: str) -> DeliveredRecord | None:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return None
    return DeliveredRecord(uid, ctx.token(uid), size, ctx.now, path)


def _unrecognised(number: int, error: ServerError) -> None:
    """A message whose TOP the server refused cannot be recognised: it downloads."""
