"""Whole syncs on the store's other-platform branches, forced on Linux: the Windows Maildir
info separator through a delivery and a recovery, and a sync where ``fcntl`` does not exist
and the account lock goes through ``msvcrt``, as on Windows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from popgui.localserver import LocalPOP3Server, ServerMailbox
from popgui.profile import Profile
from popgui.store import names
from popgui.store.database import Database
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, as_stored, maildir_contents, make_account

REPO = Path(__file__).resolve().parents[2]


def test_windows_separator_delivers_and_recovers(
    monkeypatch: pytest.MonkeyPatch,
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    """Read mail lies in cur/ under ``<name>;2,S``; a run killed before its commit is
    recognised from those names: nothing is downloaded twice, the flags are kept."""
    monkeypatch.setattr(names, "SEPARATOR", ";")
    account = make_account(pop3_server)
    first = sync_account(account, PASSWORD, profile)
    assert first.error is None and first.downloaded == len(mailbox.messages())
    maildir = account.maildir_path(profile)
    delivered = sorted((maildir / "new").iterdir())
    read = delivered[0]
    read_name = names.with_flags(read.name, "S")
    assert read_name.endswith(";2,S") and ":" not in read_name
    os.rename(read, maildir / "cur" / read_name)
    with Database(profile.database_file) as db:  # as if the first run died before its commit
        db.conn.execute("DELETE FROM delivered")
        db.conn.execute("DELETE FROM messages")
        db.forget_handled_listing(account.name)

    again = sync_account(account, PASSWORD, profile)

    assert again.error is None
    assert again.downloaded == 0 and again.recovered == len(delivered)
    assert maildir_contents(maildir) == as_stored(mailbox.contents())
    with Database(profile.database_file) as db:
        flags = dict(db.conn.execute("SELECT path, flags FROM messages").fetchall())
    assert flags[str(maildir / "cur" / read_name)] == "S"
    assert list(flags.values()).count("S") == 1


WITHOUT_FCNTL = textwrap.dedent(
    """
    import json, sys
    sys.modules["fcntl"] = None  # as on Windows: importing it fails
    from tests.store import fake_msvcrt
    msvcrt = sys.modules["msvcrt"] = fake_msvcrt.make()

    from pathlib import Path

    import popgui.sync.engine
    from popgui.accounts.settings import Account
    from popgui.profile import Profile
    from popgui.store import oslock

    oslock.WINDOWS = True  # what os.name == "nt" chooses
    fields = json.loads(sys.argv[1])
    account = Account(**fields)
    result = popgui.sync.engine.sync_account(account, sys.argv[2], Profile(Path(sys.argv[3])))
    print(json.dumps({
        "error": None if result.error is None else str(result.error),
        "downloaded": result.downloaded,
        "lock_calls": msvcrt.calls,
        "fcntl": sys.modules["fcntl"] is None,
    }))
    """
)


def test_a_sync_without_fcntl_locks_through_msvcrt_and_delivers(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    fields = {name: getattr(account, name) for name in account.__dataclass_fields__}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_FCNTL, json.dumps(fields), PASSWORD, str(profile.path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["error"] is None
    assert report["downloaded"] == len(mailbox.messages()) > 0
    assert report["fcntl"], "fcntl stayed unimportable"
    modes = [mode for mode, _offset, _size in report["lock_calls"]]
    assert modes[:1] == [2] and 0 in modes, "locked (LK_NBLCK) and unlocked (LK_UNLCK)"
    maildir = account.maildir_path(profile)
    assert maildir_contents(maildir) == as_stored(mailbox.contents())
