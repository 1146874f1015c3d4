"""The first sync of an account added with ``--skip-existing`` or ``--since``: leave the older
mail on the server, recorded as skipped, and download the rest.

When is "what is on the server when the account is added" captured? Adding an account never
connects (it works offline, and from the window before a password is known), so the account
keeps the moment it was added (``first_sync = "new"``) or the chosen day (``"since"``), and its
first sync reads every unknown message's header (``TOP n 0``, pipelined) and leaves on the
server each one whose Date is before that moment. Mail that arrives between adding and the
first sync is dated after the moment, so it comes; a message without a readable Date is
downloaded (a duplicate is better than a message never seen). A server that refuses TOP gives
no dates: for "new", everything it lists at the first sync is taken as what was there when
the account was added; for "since", everything downloads.

The choice is made once: the skipped UIDLs and "the first sync chose" are written in one
transaction (Database.record_first_sync). Killed before it, the next run chooses again, with
the same rule; killed after it, the next run downloads only what was not skipped.

Skipped messages are not delivered, so no deletion policy touches them
(SyncContext.deletable_uids looks at delivered UIDLs only); "download selected" may still
fetch one, and the migration guard counts them as seen before (migration.py).
"""

from __future__ import annotations

import time

from popgui.accounts.settings import Account, first_sync_start
from popgui.catalog import Sentence
from popgui.catalog import accounts as account_says
from popgui.errors import ServerError
from popgui.net.pop3client import POP3Client
from popgui.profile import Profile
from popgui.store.database import Database, SkippedMessage, header_fields
from popgui.sync.context import SyncContext
from popgui.sync.delivery import Wanted

__all__ = ["first_sync_status", "skip_on_first_sync"]


def first_sync_status(account: Account, profile: Profile) -> Sentence:
    """Whether the first sync has already left the older mail on the server (or adopted the
    Maildir's), and how much: for ``account show`` and the account dialog. It reads the
    database, and creates none where there is none yet."""
    if not profile.database_file.exists():
        return account_says.FIRST_SYNC_PENDING()
    with Database(profile.database_file) as database:
        if not database.first_sync_done(account.name):
            return account_says.FIRST_SYNC_PENDING()
        count = len(database.skipped_uid_set(account.name))
    if account.adopt:
        return account_says.ADOPTION_DONE()
    return account_says.FIRST_SYNC_DONE(count=count)


def skip_on_first_sync(ctx: SyncContext, client: POP3Client, wanted: list[Wanted]) -> list[Wanted]:
    """*wanted* (what the sync would download: not delivered, not found in the Maildir),
    without the older mail on the first sync of a "new" or "since" account, which is
    recorded as skipped. Messages a rebuild recognised in the Maildir are not in *wanted*:
    they count as delivered, never as skipped."""
    start = first_sync_start(ctx.account)
    if start is None or ctx.database.first_sync_done(ctx.key):
        return wanted
    fresh = {item.number: item.uid for item in wanted}
    skipped = _older(ctx, client, fresh, start.timestamp())
    ctx.database.record_first_sync(ctx.key, skipped, time.time())
    ctx.result.left_on_server += len(skipped)
    left = {item.uid for item in skipped}
    return [item for item in wanted if item.uid not in left]


def _older(
    ctx: SyncContext, client: POP3Client, fresh: dict[int, str], start: float
) -> list[SkippedMessage]:
    """The messages of *fresh* dated before *start*."""
    if not fresh:
        return []
    ctx.report("listing")
    caps = client.capabilities
    heads: dict[int, bytes] = {}
    if caps is None or caps.has("TOP"):
        heads = client.top_many(sorted(fresh), on_refused=_undated)
    if not heads and ctx.account.first_sync == "new":
        # No dates at all: what the first sync finds is what was there when it was added.
        return [SkippedMessage(uid) for uid in fresh.values()]
    older = []
    for number, head in sorted(heads.items()):
        fields = header_fields(head, 0)
        if fields.date is not None and fields.date < start:
            older.append(SkippedMessage(fresh[number], fields.message_id, fields.date))
    return older


def _undated(number: int, error: ServerError) -> None:
    """A message whose TOP the server refused has no date: it downloads (unless the server
    refused every TOP, see :func:`_older`)."""
