"""What the window's "On server" view does: download or delete chosen messages, show one's top.

Messages are chosen by UIDL, never by message number: numbers change between sessions, UIDLs
do not. Downloads and deletions run under the account lock and along the same durable path as
a sync (``engine.run_job`` and the steps of ``pop3sync``): tmp/ → fsync → new/ → one commit per
batch; a deletion counts only once QUIT answered +OK. POP2 has neither UIDL nor TOP, so these
actions are refused for POP2 accounts with a plain explanation.
"""

from __future__ import annotations

from collections.abc import Collection

from popgui.accounts.settings import Account
from popgui.catalog import Sentence
from popgui.catalog import sync as says
from popgui.errors import ConfigError
from popgui.net.pop3client import POP3Client
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.context import SyncContext
from popgui.sync.engine import run_job
from popgui.sync.pop3sync import (
    delete_and_quit,
    delivering,
    download,
    list_messages,
    logged_in,
    plan,
    pop3_session,
)
from popgui.sync.progress import ProgressCallback, SyncResult, ignore_progress

__all__ = ["delete_on_server", "download_selected", "top_lines"]


def download_selected(
    account: Account,
    secret: str,
    profile: Profile,
    uids: Collection[str],
    *,
    options: ConnectOptions | None = None,
    progress: ProgressCallback = ignore_progress,
) -> SyncResult:
    """Download the chosen messages not yet delivered; deletes nothing.

    UIDs no longer on the server are listed in ``result.skipped``.
    """
    chosen = frozenset(uids)

    def job(ctx: SyncContext) -> None:
        _refuse_pop2(ctx.account, says.DOWNLOAD_CHOSEN())
        with pop3_session(ctx) as client:
            _download_chosen(ctx, client, chosen)

    return run_job(account, secret, profile, job, options=options, progress=progress)


def _download_chosen(ctx: SyncContext, client: POP3Client, chosen: frozenset[str]) -> None:
    uids, sizes = list_messages(ctx, client)
    by_uid = _by_uid(uids)
    _skip_absent(ctx, chosen, by_uid)
    with delivering(ctx) as delivery:
        download(ctx, client, plan(ctx, uids or {}, sizes, delivery, only=chosen), delivery)
    ctx.database.replace_server_seen(ctx.key, set(by_uid))
    delete_and_quit(ctx, client, by_uid, [])


def delete_on_server(
    account: Account,
    secret: str,
    profile: Profile,
    uids: Collection[str],
    *,
    options: ConnectOptions | None = None,
) -> SyncResult:
    """DELE the chosen messages; they count (and are recorded) only once QUIT answered +OK."""
    chosen = frozenset(uids)

    def job(ctx: SyncContext) -> None:
        _refuse_pop2(ctx.account, says.DELETE_CHOSEN())
        with pop3_session(ctx) as client:
            ctx.report("listing")
            by_uid = _by_uid(client.uidl())
            present = _skip_absent(ctx, chosen, by_uid)
            delete_and_quit(ctx, client, by_uid, sorted(present))

    return run_job(account, secret, profile, job, options=options)


def top_lines(
    account: Account,
    secret: str,
    profile: Profile,
    uid: str,
    lines: int = 20,
    *,
    options: ConnectOptions | None = None,
) -> bytes:
    """The headers and first *lines* body lines of one message (``TOP``), as the server sent
    them (CRLF line ends). Raises the typed error when something fails."""
    _refuse_pop2(account, says.SHOW_START())
    if lines < 0:
        raise ConfigError(says.NEGATIVE_LINES())
    with (
        Database(profile.database_file) as database,
        logged_in(account, secret, options or ConnectOptions(), database) as client,
    ):
        number = _by_uid(client.uidl()).get(uid)
        if number is None:
            raise ConfigError(says.GONE_FROM_SERVER(uid=repr(uid)))
        top = client.top_many([number], lines)
        client.quit()
    return top.get(number, b"")


def _refuse_pop2(account: Account, action: Sentence) -> None:
    if account.protocol == "pop2":
        raise ConfigError(says.POP2_CANNOT(action=action))


def _by_uid(uids: dict[int, str] | None) -> dict[str, int]:
    """UIDL → current message number; a server without UIDL cannot name messages."""
    if uids is None:
        raise ConfigError(says.NO_UIDL())
    return {uid: number for number, uid in uids.items()}


def _skip_absent(ctx: SyncContext, chosen: frozenset[str], by_uid: dict[str, int]) -> set[str]:
    """The chosen UIDs still on the server; the others go to ``result.skipped``."""
    present = chosen & by_uid.keys()
    ctx.result.skipped += [f"{uid}: no longer on the server" for uid in sorted(chosen - present)]
    return set(present)
