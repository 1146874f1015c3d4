"""One POP3 account's incremental sync: list, download what is new, delete what policy allows.

Identity is the UIDL. A server without UIDL gets a content identity instead: a hash of the
headers (``TOP n 0``) and the size, or, without TOP either, of the whole message (which means
downloading every kept message at every sync to recognise it; see the README).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Collection, Iterator

from popgui.accounts.settings import Account
from popgui.catalog import sync as says
from popgui.destinations.base import DestinationError
from popgui.errors import RemoteProtocolError, ServerError
from popgui.net.pop3client import POP3Client, parse_uidl
from popgui.net.session import ConnectOptions, open_pop3
from popgui.store.database import Database
from popgui.sync.adoption import adopt_on_first_sync
from popgui.sync.content import ContentIdentityWriter
from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery, Wanted
from popgui.sync.firstsync import skip_on_first_sync
from popgui.sync.forwarding import Forwarding
from popgui.sync.handled import listing_digest, listing_is_handled, remember_if_handled
from popgui.sync.migration import guard_migration
from popgui.sync.recovery import recover_delivered


def sync_pop3(ctx: SyncContext) -> None:
    with pop3_session(ctx, uidl_ahead=True) as client:
        _sync_session(ctx, client)


def _sync_session(ctx: SyncContext, client: POP3Client) -> None:
    digest: str | None = None
    handled = ctx.database.handled_listing(ctx.key)
    if handled is not None:
        # Probably nothing new: UIDL alone first, LIST only if the listing changed.
        ctx.report("listing")
        lines = client.uidl_lines()
        if lines is not None:
            digest = listing_digest(ctx, lines)
            if listing_is_handled(ctx, digest, handled):
                delete_and_quit(ctx, client, {}, [])
                return
        uids, sizes = _with_sizes(client, None if lines is None else parse_uidl(lines))
    else:
        uids, sizes = list_messages(ctx, client)
        if uids is not None:
            digest = listing_digest(ctx, _uidl_lines(uids))
    guard_migration(ctx, client, uids, sizes)  # may stop here; records a UIDL listing
    content_identities = uids is None
    with delivering(ctx) as delivery:
        if uids is None:
            uids = _content_identities(ctx, client, sizes, delivery)
        wanted = adopt_on_first_sync(ctx, client, uids, plan(ctx, uids, sizes, delivery))
        wanted = skip_on_first_sync(ctx, client, wanted)
        download(ctx, client, wanted, delivery)
    by_uid = {uid: number for number, uid in uids.items()}
    if content_identities:  # a UIDL listing was recorded by the guard, before the download
        ctx.database.replace_server_seen(ctx.key, set(by_uid))
    doomed = sorted(ctx.deletable_uids(set(by_uid)))
    quit_ok = delete_and_quit(ctx, client, by_uid, doomed)
    if digest is not None and quit_ok and not doomed:
        remember_if_handled(ctx, digest, set(by_uid))


def _with_sizes(
    client: POP3Client, uids: dict[int, str] | None
) -> tuple[dict[int, str] | None, dict[int, int]]:
    sizes = client.list_sizes()
    _check_agreement(uids, sizes)
    return uids, sizes


def _uidl_lines(uids: dict[int, str]) -> tuple[bytes, ...]:
    """A parsed listing written back as the server's lines, for :func:`listing_digest`.

    The digest of the next (unparsed) listing matches only if the server sends exactly
    these lines; a server that pads or reorders just never takes the fast path.
    """
    return tuple(f"{number} {uid}".encode("ascii") for number, uid in uids.items())


# -- steps shared with selective.py ----------------------------------------------------------


@contextlib.contextmanager
def logged_in(
    account: Account,
    secret: str,
    options: ConnectOptions,
    database: Database,
    *,
    uidl_ahead: bool = False,
) -> Iterator[POP3Client]:
    """A logged-in POP3 client, closed at the end; the login is noted in ``account_state``.

    *uidl_ahead*: ask for the UIDL listing with the login (see :meth:`POP3Client.login`).
    """
    client = open_pop3(account, secret, options, uidl_ahead=uidl_ahead)
    try:
        note_login(database, account.name, client)
        yield client
    finally:
        client.close()


def pop3_session(
    ctx: SyncContext, *, uidl_ahead: bool = False
) -> contextlib.AbstractContextManager[POP3Client]:
    ctx.report("connecting")
    return logged_in(ctx.account, ctx.secret, ctx.options, ctx.database, uidl_ahead=uidl_ahead)


def note_login(database: Database, account: str, client: POP3Client) -> None:
    """Record the login time and what CAPA says of LOGIN-DELAY and EXPIRE (RFC 2449)."""
    caps = client.capabilities
    delay = caps.login_delay if caps is not None else None
    expire = " ".join(caps.args("EXPIRE")) if caps is not None and caps.has("EXPIRE") else None
    database.record_login(account, time.time(), delay, expire)


def list_messages(
    ctx: SyncContext, client: POP3Client
) -> tuple[dict[int, str] | None, dict[int, int]]:
    """LIST and UIDL (None without UIDL); refuses listings that disagree."""
    ctx.report("listing")
    sizes, uids = client.list_and_uidl()
    _check_agreement(uids, sizes)
    return uids, sizes


def _check_agreement(uids: dict[int, str] | None, sizes: dict[int, int]) -> None:
    if uids is not None and set(uids) != set(sizes):
        raise RemoteProtocolError(says.LISTINGS_DISAGREE())


#: Where a download goes: the account's Maildir, or its destination (``--deliver``).
Sink = BatchedDelivery | Forwarding


def delivering(ctx: SyncContext) -> Sink:
    """A batched delivery for ``ctx`` (into its destination when it has one); as a context
    manager it makes its last batch durable however the block ends. The handled listing is
    forgotten first: an interrupted delivery leaves work (recovery) for the next sync's full
    path (see handled.py)."""
    ctx.database.forget_handled_listing(ctx.key)
    if ctx.destination is not None:
        return Forwarding(ctx, ctx.destination)
    return BatchedDelivery(ctx.key, ctx.maildir, ctx.database)


def plan(
    ctx: SyncContext,
    uids: dict[int, str],
    sizes: dict[int, int],
    delivery: Sink,
    only: Collection[str] | None = None,
) -> list[Wanted]:
    """The messages to download (those of *only* when given), after recognising those a
    killed run already delivered. A sync leaves out what the first sync skipped; the chosen
    messages of *only* may be skipped ones (the person asked for them)."""
    delivery.commit()  # what was delivered while identifying (no UIDL) counts as delivered
    known = ctx.database.delivered_uid_set(ctx.key)
    if only is None:
        known |= ctx.database.skipped_uid_set(ctx.key)
    fresh = {
        number: uid
        for number, uid in uids.items()
        if uid not in known and (only is None or uid in only)
    }
    recovered: set[str] = set()  # a destination's were recovered when it was opened
    if isinstance(delivery, BatchedDelivery):
        recovered = recover_delivered(ctx, fresh.values(), delivery)
    return [
        Wanted(number, uid, ctx.token(uid), sizes.get(number, 0))
        for number, uid in sorted(fresh.items())
        if uid not in recovered
    ]


class _MessageWriter:
    """The sink RETR streams into: one Maildir delivery per message, progress as it goes."""

    def __init__(self, ctx: SyncContext, wanted: list[Wanted], delivery: Sink) -> None:
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
        if isinstance(self._delivery, BatchedDelivery):  # a file of the Maildir
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


def download(ctx: SyncContext, client: POP3Client, wanted: list[Wanted], delivery: Sink) -> None:
    """RETR the wanted messages, streamed into the durable delivery."""
    writer = _MessageWriter(ctx, wanted, delivery)
    writer.report(force=True)
    client.retrieve_many([item.number for item in wanted], writer, on_refused=writer.refused)
    writer.report(force=True)


def delete_and_quit(
    ctx: SyncContext, client: POP3Client, by_uid: dict[str, int], doomed: list[str]
) -> bool:
    """DELE *doomed*, QUIT; deletions are recorded and counted only once QUIT said +OK.
    Returns whether QUIT said +OK."""
    marked: set[int] = set()
    if doomed:
        ctx.report("deleting", 0, len(doomed))
        marked = set(client.delete_many(by_uid[uid] for uid in doomed))
        _forget_seen(ctx, {uid for uid in doomed if by_uid[uid] in marked})
    quit_ok = client.quit()
    if quit_ok and marked:
        # DELE counts only once QUIT has answered +OK (the UPDATE state, RFC 1939).
        deleted = {uid for uid in doomed if by_uid[uid] in marked}
        ctx.database.mark_deleted_on_server(ctx.key, deleted)
        ctx.result.deleted += len(deleted)
    ctx.report("done")
    return quit_ok


def _forget_seen(ctx: SyncContext, asked: set[str]) -> None:
    """Drop *asked* (DELE answered +OK) from the last listing before QUIT.

    If QUIT's answer is lost, the server may have deleted them while popgui cannot record
    it; their absence from the next listing must not count as vanished UIDLs, which the
    migration guard would take for a renumbered mailbox once new mail arrives.
    """
    if asked:
        seen = ctx.database.server_seen(ctx.key)
        ctx.database.replace_server_seen(ctx.key, seen - asked)


# -- servers without UIDL -------------------------------------------------------------------


def _content_identities(
    ctx: SyncContext, client: POP3Client, sizes: dict[int, int], delivery: Sink
) -> dict[int, str]:
    """Identities for a server without UIDL: a hash of headers and size, via TOP."""
    if client.capabilities is not None and not client.capabilities.has("TOP"):
        return _identities_by_download(ctx, client, sizes, delivery)
    try:
        headers = client.top_many(sorted(sizes))
    except ServerError:
        return _identities_by_download(ctx, client, sizes, delivery)
    identities: dict[int, str] = {}
    for number, header in headers.items():
        digest = hashlib.sha256(str(sizes[number]).encode() + b"\n" + header)
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
    ctx: SyncContext, client: POP3Client, sizes: dict[int, int], delivery: Sink
) -> dict[int, str]:
    if isinstance(delivery, Forwarding):
        # Each message would have to be downloaded at every sync to be recognised, and
        # delivered to learn its identity: not for a destination that cannot be asked.
        raise DestinationError(says.FORWARD_NEEDS_UIDL())
    sink = _HashingSink(ContentIdentityWriter(ctx, delivery))
    ctx.report("downloading", 0, len(sizes), 0, sum(sizes.values()))
    client.retrieve_many(sorted(sizes), sink)
    return sink.identities
