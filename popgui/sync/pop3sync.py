"""One POP3 account's incremental sync: list, download what is new, delete what policy allows.

Identity is the UIDL. A server without UIDL gets a content identity instead: a hash of the
headers (``TOP n 0``) and the size, or, without TOP either, of the whole message (which means
downloading every kept message at every sync to recognise it; see the README).
"""

from __future__ import annotations

import hashlib

from popgui.errors import RemoteProtocolError, ServerError
from popgui.net.pop3client import POP3Client
from popgui.sync.content import ContentIdentityWriter
from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery, Wanted
from popgui.sync.recovery import recover_delivered
from popgui.sync.session import open_pop3


def sync_pop3(ctx: SyncContext) -> None:
    ctx.report("connecting")
    client = open_pop3(ctx.account, ctx.secret, ctx.options)
    try:
        _sync_session(ctx, client)
    finally:
        client.close()


def _sync_session(ctx: SyncContext, client: POP3Client) -> None:
    ctx.report("listing")
    sizes = client.list_sizes()
    uids = client.uidl()
    delivery = BatchedDelivery(ctx.key, ctx.maildir, ctx.database)
    try:
        if uids is None:
            uids = _content_identities(ctx, client, sizes, delivery)
        elif set(uids) != set(sizes):
            raise RemoteProtocolError(
                "the server's UIDL and LIST disagree about which messages exist; "
                "popgui will not act on an ambiguous listing"
            )
        by_uid = {uid: number for number, uid in uids.items()}
        wanted = _plan(ctx, uids, sizes, delivery)
        _download(ctx, client, wanted, delivery)
    finally:
        delivery.abort_current()
        delivery.commit()
    ctx.database.replace_server_seen(ctx.key, set(by_uid))
    _delete_and_quit(ctx, client, by_uid)


def _plan(
    ctx: SyncContext, uids: dict[int, str], sizes: dict[int, int], delivery: BatchedDelivery
) -> list[Wanted]:
    """The messages to download, after recognising those a killed run already delivered."""
    delivered = ctx.database.delivered_uids(ctx.key)
    fresh = {number: uid for number, uid in uids.items() if uid not in delivered}
    recovered = recover_delivered(ctx, fresh.values(), delivery)
    return [
        Wanted(number, uid, ctx.token(uid), sizes.get(number, 0))
        for number, uid in sorted(fresh.items())
        if uid not in recovered
    ]


class _MessageWriter:
    """The sink RETR streams into: one Maildir delivery per message, progress as it goes."""

    def __init__(self, ctx: SyncContext, wanted: list[Wanted], delivery: BatchedDelivery) -> None:
        self._ctx = ctx
        self._wanted = {item.number: item for item in wanted}
        self._delivery = delivery
        self._total_messages = len(wanted)
        self._total_bytes = sum(item.size for item in wanted)
        self.messages_done = 0
        self.bytes_done = 0

    def begin(self, number: int) -> None:
        self._ctx.check_cancel()
        self._delivery.begin(self._wanted[number].token)

    def data(self, chunk: bytes) -> None:
        self._delivery.write(chunk)
        self.bytes_done += len(chunk)
        self.report(force=False)

    def end(self, number: int) -> None:
        item = self._wanted[number]
        record = self._delivery.finish(item.uid, item.token)
        self.messages_done += 1
        self._ctx.result.downloaded += 1
        self._ctx.result.bytes += record.size
        self._ctx.result.paths.append(record.path)
        self.report(force=False)

    def refused(self, number: int, error: ServerError) -> None:
        """A message the server will not send now (deleted by another client...): skip it."""
        self._delivery.abort_current()
        self._ctx.result.skipped.append(f"message {number}: {error}")

    def report(self, *, force: bool) -> None:
        self._ctx.report(
            "downloading",
            self.messages_done,
            self._total_messages,
            self.bytes_done,
            self._total_bytes,
            force=force,
        )


def _download(
    ctx: SyncContext, client: POP3Client, wanted: list[Wanted], delivery: BatchedDelivery
) -> None:
    writer = _MessageWriter(ctx, wanted, delivery)
    writer.report(force=True)
    client.retrieve_many([item.number for item in wanted], writer, on_refused=writer.refused)
    writer.report(force=True)


def _delete_and_quit(ctx: SyncContext, client: POP3Client, by_uid: dict[str, int]) -> None:
    doomed = sorted(ctx.deletable_uids(set(by_uid)))
    marked: list[int] = []
    if doomed:
        ctx.report("deleting", 0, len(doomed))
        marked = client.delete_many(by_uid[uid] for uid in doomed)
    if client.quit() and marked:
        # DELE counts only once QUIT has answered +OK (the UPDATE state, RFC 1939).
        deleted = {uid for uid in doomed if by_uid[uid] in set(marked)}
        ctx.database.mark_deleted_on_server(ctx.key, deleted)
        ctx.result.deleted += len(deleted)
    ctx.report("done")


# -- servers without UIDL -------------------------------------------------------------------


class _HeaderCollector:
    """A sink for ``TOP n 0``: keeps the (small) header block of each message."""

    def __init__(self) -> None:
        self.headers: dict[int, bytearray] = {}
        self._current = bytearray()

    def begin(self, number: int) -> None:
        self._current = self.headers[number] = bytearray()

    def data(self, chunk: bytes) -> None:
        self._current += chunk

    def end(self, number: int) -> None:
        pass


def _content_identities(
    ctx: SyncContext, client: POP3Client, sizes: dict[int, int], delivery: BatchedDelivery
) -> dict[int, str]:
    """Identities for a server without UIDL: a hash of headers and size, via TOP."""
    if client.capabilities is not None and not client.capabilities.has("TOP"):
        return _identities_by_download(ctx, client, sizes, delivery)
    collector = _HeaderCollector()
    try:
        client.retrieve_many(sorted(sizes), collector, command="TOP", extra=("0",))
    except ServerError:
        return _identities_by_download(ctx, client, sizes, delivery)
    identities: dict[int, str] = {}
    for number, header in collector.headers.items():
        digest = hashlib.sha256(str(sizes[number]).encode() + b"\n" + bytes(header))
        identities[number] = "sha256-top:" + digest.hexdigest()
    if len(set(identities.values())) != len(identities):
        return _identities_by_download(ctx, client, sizes, delivery)
    return identities


class _HashingSink:
    """Adapts :class:`ContentIdentityWriter` to the POP3 client's sink interface."""

    def __init__(self, writer: ContentIdentityWriter) -> None:
        self._writer = writer
        self.identities: dict[int, str] = {}

    def begin(self, number: int) -> None:
        self._writer.start()

    def data(self, chunk: bytes) -> None:
        self._writer.data(chunk)

    def end(self, number: int) -> None:
        self.identities[number], _ = self._writer.end()


def _identities_by_download(
    ctx: SyncContext, client: POP3Client, sizes: dict[int, int], delivery: BatchedDelivery
) -> dict[int, str]:
    sink = _HashingSink(ContentIdentityWriter(ctx, delivery))
    ctx.report("downloading", 0, len(sizes), 0, sum(sizes.values()))
    client.retrieve_many(sorted(sizes), sink)
    return sink.identities
