"""Recognising messages a killed run delivered but did not record.

A run killed between the rename into ``new/`` and the database commit leaves a file whose
name carries the message's token. Listing the Maildir (not parsing any file) finds it, and it
is recorded instead of being downloaded a second time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from popgui.store.database import DeliveredRecord
from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery


def recover_delivered(
    ctx: SyncContext, fresh_uids: Iterable[str], delivery: BatchedDelivery
) -> set[str]:
    """Record each UID whose token is already in the Maildir; returns those UIDs.

    A token the user deleted for good before any run recorded it (see
    ``Database.record_discarded``) counts too: the message was delivered once.
    """
    fresh = list(fresh_uids)
    if not fresh:
        return set()  # nothing new: no need to list the Maildir (a no-op sync)
    on_disk = ctx.maildir.token_paths()
    discarded = ctx.database.discarded_tokens(ctx.key)
    if not on_disk and not discarded:
        return set()
    recovered: set[str] = set()
    gone: list[DeliveredRecord] = []
    for uid in fresh:
        token = ctx.token(uid)
        path = on_disk.get(token)
        if path is not None and record_existing(ctx, uid, token, delivery, path):
            recovered.add(uid)
        elif token in discarded:
            gone.append(DeliveredRecord(uid, token, 0, ctx.now, "", locally_deleted_at=ctx.now))
            recovered.add(uid)
    if gone:
        ctx.database.record_delivered(ctx.key, gone)
        ctx.result.recovered += len(gone)
    return recovered


def record_existing(
    ctx: SyncContext, uid: str, token: str, delivery: BatchedDelivery, path: Path | None = None
) -> bool:
    """Queue a record for the file already carrying ``token``; False if it vanished meanwhile."""
    path = path or ctx.maildir.path_for_token(token)
    if path is None:
        return False
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    delivery.add(DeliveredRecord(uid, token, info.st_size, info.st_mtime, str(path)))
    ctx.result.recovered += 1
    return True
