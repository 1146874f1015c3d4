"""``popgui account import-state NAME --from KIND FILE``: what another client downloaded.

The file is read whole (and refused whole) before anything is recorded; the UIDLs are then
recorded in one transaction, under the account's lock so that no sync of the account runs
meanwhile. Nothing else changes: no setting, no file in the Maildir, nothing on the server.
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from popgui.accounts.stateformats import Found, Kind, Target, read_state
from popgui.cli.common import find_account, load, open_profile
from popgui.errors import UsageError
from popgui.sync.stateimport import record_import

#: The programs' names as they write them.
_PROGRAMS = {
    "mpop": "mpop",
    "fetchmail": "fetchmail",
    "getmail": "getmail",
    "thunderbird": "Thunderbird",
}


def run_import_state(args: Namespace) -> int:
    profile = open_profile(args)
    account = find_account(load(profile), args.name)
    if account.protocol != "pop3":
        raise UsageError(
            f"{account.name!r} is a POP2 account: POP2 has no UIDLs, there is nothing to import"
        )
    kind: Kind = args.source
    found = read_state(kind, Target(Path(args.file), account.host, account.user))
    new = record_import(profile, account.name, kind, found.uids)
    print(_summary(_PROGRAMS[kind], account.user, account.host, found, new))
    for note in _notes(found):
        print(note)
    return 0


def _summary(kind: str, user: str, host: str, found: Found, new: int) -> str:
    where = f"{user} at {host}" + (f" port {found.port}" if found.port is not None else "")
    total = len(found.uids)
    if not total:
        return f"{kind}'s file lists no downloaded message for {where}: nothing to import"
    if not new:
        known = "was" if total == 1 else "were"
        return (
            f"nothing new imported: the {_messages(total)} {kind} downloaded for {where} "
            f"{known} already known to popgui"
        )
    known = f" ({total - new} already known)" if new < total else ""
    them = "it" if new == 1 else "them"
    return (
        f"imported {_messages(new)} that {kind} downloaded for {where}{known}: "
        f"popgui will neither download {them} nor delete {them} on the server"
    )


def _notes(found: Found) -> list[str]:
    notes = []
    if found.lines > len(found.uids):
        notes.append(f"{found.lines - len(found.uids)} duplicate line(s) counted once")
    if found.not_downloaded:
        notes.append(
            f"{found.not_downloaded} message(s) marked b (headers only) or f (fetch later) "
            "were not downloaded by Thunderbird: popgui will download them"
        )
    if found.skipped:
        notes.append(f"{found.skipped} line(s) not understood were skipped")
    return notes


def _messages(count: int) -> str:
    return f"{count} message" + ("" if count == 1 else "s")
