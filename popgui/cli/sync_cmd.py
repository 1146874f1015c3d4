"""``popgui sync``: download new mail for every account, or those named."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from popgui.accounts.settings import Account
from popgui.catalog import sync as says
from popgui.cli.common import debug_trace, find_account, load, open_profile, secret_source
from popgui.cli.progress import ProgressDisplay, human_size, make_progress_display
from popgui.errors import MigrationSuspectedError
from popgui.messages import describe, error_kind
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.sync.engine import sync_account
from popgui.sync.progress import SyncResult


def run_sync(args: Namespace) -> int:
    profile = open_profile(args)
    settings = load(profile)
    accounts = [find_account(settings, name) for name in args.names] or list(settings.accounts)
    if not accounts:
        print("popgui: no accounts to sync; add one with `popgui account add`", file=sys.stderr)
        return 1
    display = make_progress_display(enabled=not args.json and sys.stderr.isatty())
    with display:
        results = [_sync_one(args, profile, account, display) for account in accounts]
    _report(args, results)
    return 0 if all(result.ok for result in results) else 1


def _sync_one(
    args: Namespace, profile: Profile, account: Account, display: ProgressDisplay
) -> SyncResult:
    options = ConnectOptions(timeout=args.timeout, trace=debug_trace(args, account.name))
    return sync_account(
        account,
        secret_source(account, profile),  # looked up while the connection opens
        profile,
        options=options,
        progress=display.update,
        accept_new_uidls=args.accept_new_uidls,
    )


def result_as_json(result: SyncResult) -> dict[str, object]:
    return {
        "account": result.account,
        "downloaded": result.downloaded,
        "deleted": result.deleted,
        "bytes": result.bytes,
        "recovered": result.recovered,
        "left_on_server": result.left_on_server,
        "adopted": result.adopted,
        "delivered_to": result.delivered_to,
        "forwarded": result.forwarded,
        "deferred": result.deferred,
        "refused": result.refused,
        "skipped": result.skipped,
        "error": describe(result.error) if result.error else None,
        "error_kind": error_kind(result.error),
    }


def _report(args: Namespace, results: list[SyncResult]) -> None:
    if args.json:
        json.dump([result_as_json(r) for r in results], sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        for result in results:
            if result.ok:
                print(_summary(result))
    for result in results:
        if result.database_set_aside is not None:
            print(_rebuilt_note(result), file=sys.stderr)
        if result.error is not None:
            print(f"popgui: {result.account}: {describe(result.error)}", file=sys.stderr)
        if isinstance(result.error, MigrationSuspectedError):
            print(_migration_advice(result.account), file=sys.stderr)
        for skipped in result.skipped:
            print(f"popgui: {result.account}: skipped {skipped}", file=sys.stderr)
        for deferred in result.deferred:
            print(
                f"popgui: {result.account}: left on the server for the next sync, "
                f"{result.delivered_to} said to try later: {deferred}",
                file=sys.stderr,
            )


def _rebuilt_note(result: SyncResult) -> str:
    return (
        f"popgui: {result.account}: the mail database was damaged; it was kept as "
        f"{result.database_set_aside} and rebuilt from the stored mail (nothing stored was "
        "downloaded again, and nothing was deleted on the server during this run)"
    )


def _migration_advice(account: str) -> str:
    return (
        f"popgui: {account}: if the server did move or was restored, run "
        f"`popgui sync --accept-new-uidls {account}`: mail already stored is recognised by "
        "its Message-ID, size and date, and only the rest is downloaded"
    )


def _summary(result: SyncResult) -> str:
    parts = [f"{result.downloaded} new message{'s' if result.downloaded != 1 else ''}"]
    if result.bytes:
        parts[0] += f" ({human_size(result.bytes)})"
    if result.delivered_to is not None:
        parts.append(f"{result.forwarded} delivered to {result.delivered_to}")
    if result.deleted:
        parts.append(f"{result.deleted} deleted on the server")
    if result.recovered:
        parts.append(f"{result.recovered} recovered from an interrupted run")
    if result.adopted:
        parts.append(str(says.ADOPTED(count=result.adopted)))
    if result.left_on_server:
        parts.append(str(says.LEFT_ON_SERVER(count=result.left_on_server)))
    return f"{result.account}: " + ", ".join(parts)
