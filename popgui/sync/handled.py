"""The no-op fast path: recognise a server listing the last sync already handled completely.

Most syncs find nothing new. Rather than parse a UIDL listing of 50,000 lines and compare it
with 50,000 recorded UIDLs each time, a sync that left nothing to do stores a digest of the
listing it handled (and of the account settings that decide what a sync does). When the next
UIDL listing has the same digest, there is nothing to download, recover or delete, and the
session ends at once.

Why that is safe, case by case:

* the digest is stored only after a complete sync: no error, no message skipped, nothing
  deleted (a deletion changes the listing; the next full sync stores the new one);
* anything that may leave work for a later sync forgets it first: a delivery batch, before
  its files are linked into the Maildir (a kill between the link and the commit leaves a file
  only the full path recovers), and a local deletion the server must follow
  (``delete_when_deleted_locally``, see Database.mark_locally_deleted);
* "delete after N days" stores until when the listing stays handled: the moment the oldest
  listed message becomes due;
* settings that change what a sync does (server, user, Maildir, policy) are part of the
  digest; servers without UIDL (content identity), rebuilt databases and accepted UIDL
  migrations always take the full path.
"""

from __future__ import annotations

import hashlib
import math

from popgui.sync.context import SyncContext

__all__ = ["listing_digest", "listing_is_handled", "next_due", "remember_if_handled"]

_SLICE = 2048  # lines hashed per join in listing_digest


def listing_digest(ctx: SyncContext, lines: tuple[bytes, ...]) -> str:
    """SHA-256 over what decides a sync's work: account settings and the raw listing."""
    account = ctx.account
    settings = (
        account.protocol, account.host, account.effective_port, account.user,
        str(ctx.maildir.path), account.policy, account.delete_after_days,
        ctx.deletes_locally_deleted, account.deliver,
    )  # fmt: skip
    digest = hashlib.sha256(repr(settings).encode("utf-8", "surrogateescape") + b"\0")
    # b"\n".join(lines), fed in slices: one join of a long listing needs a fresh buffer
    # as large as the listing; slices reuse a small one.
    for start in range(0, len(lines), _SLICE):
        if start:
            digest.update(b"\n")
        digest.update(b"\n".join(lines[start : start + _SLICE]))
    return digest.hexdigest()


def listing_is_handled(
    ctx: SyncContext, digest: str, stored: tuple[str, float | None] | None
) -> bool:
    """Whether *digest* is the *stored* handled listing (``Database.handled_listing``), still
    valid now."""
    if ctx.rebuilding or ctx.accept_new_uidls:
        return False
    if stored is None or stored[0] != digest:
        return False
    valid_until = stored[1]
    return valid_until is None or ctx.now < valid_until


def next_due(ctx: SyncContext, on_server: set[str]) -> float | None:
    """When the policy will next want to delete one of *on_server* (None: never by itself)."""
    if ctx.account.policy != "delete-after-days":
        return None
    delivered = ctx.database.delivered_uids(ctx.key)
    on_server = on_server - ctx.database.imported_uid_set(ctx.key)  # never deleted by policy
    times = [
        delivered[uid].delivered_at
        for uid in on_server
        if uid in delivered and not delivered[uid].deleted_on_server
    ]
    if not times:
        return None
    due = min(times) + (ctx.account.delete_after_days or 0) * 86400
    return due if math.isfinite(due) else None


def remember_if_handled(ctx: SyncContext, digest: str, on_server: set[str]) -> None:
    """Store *digest* of a listing this sync handled: call after a QUIT answered +OK, only
    when the policy wanted nothing deleted (even a refused DELE is work for the next sync)."""
    # A message skipped, or left for later or refused by the destination (--deliver), is
    # work for the next sync, though the listing does not change.
    result = ctx.result
    if result.skipped or result.deferred or result.refused or ctx.rebuilding:
        return
    ctx.database.remember_handled_listing(ctx.key, digest, next_due(ctx, on_server))
