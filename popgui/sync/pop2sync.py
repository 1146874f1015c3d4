"""One POP2 (RFC 937) account's sync.

POP2 has no UIDL and no TOP, so every message is identified by its content (see
``content.py``). ACKD must follow the message at once, so in delete mode each message is made
durable (file, directory, database) before its ACKD: a server may apply the deletion at any
session end, even a dropped connection (RFC 937 digest, ambiguity 1).
"""

from __future__ import annotations

from popgui.accounts.settings import Account
from popgui.net.pop2client import POP2Client
from popgui.net.session import ConnectOptions, connect_transport
from popgui.sync.content import ContentIdentityWriter
from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery


def sync_pop2(ctx: SyncContext) -> None:
    ctx.report("connecting")
    client, count = open_pop2(ctx.account, ctx.secret, ctx.options)
    try:
        _sync_mailbox(ctx, client, count)
    finally:
        client.close()


def _sync_mailbox(ctx: SyncContext, client: POP2Client, count: int) -> None:
    deleted: set[str] = set()
    seen: set[str] = set()
    with BatchedDelivery(ctx.key, ctx.maildir, ctx.database) as delivery:
        writer = ContentIdentityWriter(ctx, delivery)
        length = client.read(1) if count else 0
        received = 0
        for number in range(1, count + 1):
            ctx.report("downloading", number - 1, count, received, force=False)
            received += length
            if length == 0:
                length = client.read(number + 1) if number < count else 0
                continue
            uid, length, delete = _take(ctx, client, writer, delivery)
            seen.add(uid)
            if delete:
                deleted.add(uid)
        ctx.report("downloading", count, count, received)
    ctx.database.replace_server_seen(ctx.key, seen)
    if client.quit() and deleted:
        ctx.database.mark_deleted_on_server(ctx.key, deleted)
        ctx.result.deleted += len(deleted)
    ctx.report("done")


def _take(
    ctx: SyncContext, client: POP2Client, writer: ContentIdentityWriter, delivery: BatchedDelivery
) -> tuple[str, int, bool]:
    """Retrieve the current message and acknowledge it: (its identity, next length, ACKD?).

    Without deletion, ACKS is answered *before* the message is kept: POP2 allows nothing
    between the message's last octet and that reply, so a reply that is not ``=n`` means
    the announced count was wrong and the message is dropped (it will be fetched again).
    With deletion the message must be durable before ACKD, so it is kept first.
    """
    writer.start()
    client.retrieve(writer.data)
    if not ctx.may_delete:
        length = client.acknowledge("ACKS")
        uid, _new = writer.end()
        return uid, length, False
    uid, _new = writer.end()
    delete = uid in _deletable(ctx, delivery, uid)
    return uid, client.acknowledge("ACKD" if delete else "ACKS"), delete


def _deletable(ctx: SyncContext, delivery: BatchedDelivery, uid: str) -> set[str]:
    """Whether ``uid`` may be ACKD'ed now; makes its delivery durable first when it is."""
    if not ctx.may_delete:
        return set()
    delivery.commit()  # the ACKD that follows may take effect at any session end
    return ctx.deletable_uids({uid})


def open_pop2(account: Account, secret: str, options: ConnectOptions) -> tuple[POP2Client, int]:
    """A POP2 client with its mailbox selected, and that mailbox's message count."""
    client = POP2Client(connect_transport(account, options), trace=options.trace)
    try:
        client.read_greeting()
        count = client.helo(account.user, secret)
        if account.remote_folder:
            count = client.fold(account.remote_folder)
    except BaseException:
        client.close()
        raise
    return client, count
