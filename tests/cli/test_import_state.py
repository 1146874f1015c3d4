"""``popgui account import-state`` with the state files the real mpop, fetchmail and getmail6
write against the real Dovecot: popgui then downloads only what they had not seen (Dovecot's
logout line counts the RETRs), never deletes what they downloaded, and the migration guard
still compares the first listing with what was imported.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from popgui.profile import Profile
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_size, wait_for_log_lines
from tests.support.other_clients import run_fetchmail, run_getmail, run_mpop, stored_count

from .helpers import password_command, run_popgui

pytestmark = pytest.mark.dovecot

CLIENTS: dict[str, Callable[[DovecotServer, MailUser], Path]] = {
    "mpop": run_mpop,
    "fetchmail": run_fetchmail,
    "getmail": run_getmail,
}


def add_account(profile: Path, dovecot: DovecotServer, user: MailUser, *extra: str) -> None:
    done = run_popgui(
        profile, "account", "add", "acct", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", user.name,
        "--auth", "user", "--password-command", password_command(user.password), *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def deliver(dovecot: DovecotServer, user: MailUser, messages: list[bytes]) -> list[bytes]:
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def import_state(profile: Path, kind: str, path: Path) -> tuple[int, str, str]:
    done = run_popgui(profile, "account", "import-state", "acct", "--from", kind, str(path))
    return done.returncode, done.stdout, done.stderr


def sync(profile: Path, dovecot: DovecotServer, user: MailUser) -> tuple[dict[str, Any], str]:
    """One ``popgui sync``: its JSON report, and Dovecot's logout line for that session."""
    since = log_size(dovecot)
    done = run_popgui(profile, "sync", "--json")
    assert done.stdout.strip(), done.stderr
    marker = f"pop3({user.name})"
    lines = wait_for_log_lines(
        dovecot, lambda line: marker in line and "Logged out" in line, since=since
    )
    return json.loads(done.stdout)[0], lines[-1]


def retrieved(logout: str) -> int:
    """``retr=N/BYTES`` of Dovecot's logout line: how many RETRs the session made."""
    match = re.search(r"retr=(\d+)/", logout)
    assert match, logout
    return int(match.group(1))


def stored(maildir: Path) -> list[bytes]:
    return sorted(p.read_bytes() for sub in ("new", "cur") for p in (maildir / sub).iterdir())


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_after_an_import_only_what_the_other_client_had_not_seen_is_downloaded(
    kind: str, tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    seen = deliver(dovecot, dovecot_user, mixed_messages(5, seed=21))
    state = CLIENTS[kind](dovecot, dovecot_user)
    assert stored_count(dovecot, dovecot_user, kind) == 5
    unseen = deliver(dovecot, dovecot_user, mixed_messages(8, seed=21)[5:])
    add_account(tmp_path, dovecot, dovecot_user, "--keep")

    code, out, err = import_state(tmp_path, kind, state)
    assert code == 0, err
    assert out.startswith(f"imported 5 messages that {kind} downloaded for {dovecot_user.name}")
    assert not err

    report, logout = sync(tmp_path, dovecot, dovecot_user)
    assert report["downloaded"] == 3, report
    assert retrieved(logout) == 3
    maildir = tmp_path / "mail" / "acct"
    assert stored(maildir) == sorted(unseen)
    assert len(dovecot.server_messages(dovecot_user.name)) == len(seen + unseen)

    code, out, err = import_state(tmp_path, kind, state)  # again: harmless
    assert code == 0, err
    assert out.startswith("nothing new imported: the 5 messages")

    later = deliver(dovecot, dovecot_user, mixed_messages(10, seed=21)[8:])
    report, logout = sync(tmp_path, dovecot, dovecot_user)
    assert (report["downloaded"], retrieved(logout)) == (2, 2), report
    assert stored(maildir) == sorted(unseen + later)


def test_policy_delete_leaves_what_the_other_client_downloaded_on_the_server(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    """popgui has no copy of the imported messages: its delete policy does not touch them."""
    seen = deliver(dovecot, dovecot_user, mixed_messages(4, seed=22))
    state = run_mpop(dovecot, dovecot_user)
    unseen = deliver(dovecot, dovecot_user, mixed_messages(6, seed=22)[4:])
    add_account(tmp_path, dovecot, dovecot_user, "--delete")
    code, _, err = import_state(tmp_path, "mpop", state)
    assert code == 0, err

    report, logout = sync(tmp_path, dovecot, dovecot_user)
    assert (report["downloaded"], report["deleted"], retrieved(logout)) == (2, 2, 2), report
    assert "del=2/" in logout
    assert sorted(dovecot.server_messages(dovecot_user.name)) == sorted(seen)
    assert stored(tmp_path / "mail" / "acct") == sorted(unseen)

    report, logout = sync(tmp_path, dovecot, dovecot_user)  # and not later either
    assert (report["downloaded"], report["deleted"]) == (0, 0), report
    assert sorted(dovecot.server_messages(dovecot_user.name)) == sorted(seen)


def test_the_migration_guard_compares_the_first_listing_with_what_was_imported(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    """A state file from before the server renumbered its mail: the first sync stops, as it
    would had popgui seen the old listing itself, instead of downloading everything again."""
    deliver(dovecot, dovecot_user, mixed_messages(6, seed=23))
    state = run_mpop(dovecot, dovecot_user)
    dovecot.reset_uidlist(dovecot_user.name)
    add_account(tmp_path, dovecot, dovecot_user, "--keep")
    code, _, err = import_state(tmp_path, "mpop", state)
    assert code == 0, err

    done = run_popgui(tmp_path, "sync", "--json")
    report = json.loads(done.stdout)[0]
    assert (done.returncode, report["error_kind"], report["downloaded"]) == (1, "migration", 0)
    assert "renumbered" in done.stderr


def test_a_maildir_shared_with_the_other_client_is_indexed_by_the_first_sync(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    """Pointed at mpop's own Maildir, the first sync after an import still indexes the files
    already there (the window lists them), as a first sync does."""
    deliver(dovecot, dovecot_user, mixed_messages(4, seed=24))
    state = run_mpop(dovecot, dovecot_user)
    deliver(dovecot, dovecot_user, mixed_messages(5, seed=24)[4:])
    add_account(
        tmp_path, dovecot, dovecot_user, "--keep", "--maildir", str(state.parent / "Maildir")
    )
    code, _, err = import_state(tmp_path, "mpop", state)
    assert code == 0, err

    report, logout = sync(tmp_path, dovecot, dovecot_user)
    assert (report["downloaded"], retrieved(logout)) == (1, 1), report
    with sqlite3.connect(Profile(tmp_path).database_file) as db:
        indexed = db.execute("SELECT count(*) FROM messages WHERE account = 'acct'").fetchone()
    assert indexed == (5,)


def test_refusals_change_nothing_and_exit_as_other_commands_do(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    deliver(dovecot, dovecot_user, mixed_messages(3, seed=25))
    state = run_fetchmail(dovecot, dovecot_user)
    add_account(tmp_path, dovecot, dovecot_user, "--keep")

    code, _, err = import_state(tmp_path, "mpop", state)  # not of the named kind
    assert code == 1 and "is not an mpop UIDLs file" in err and "nothing was imported" in err
    other = state.with_name("other-account")
    other.write_text(state.read_text().replace(f"{dovecot_user.name}@", "someone@"))
    code, _, err = import_state(tmp_path, "fetchmail", other)
    assert code == 1, err
    assert f"has no entry for {dovecot_user.name} at 127.0.0.1; it has: someone at 127.0.0.1" in err
    code, _, err = import_state(tmp_path, "fetchmail", tmp_path / "missing")
    assert (code, err.strip()) == (2, f"popgui: there is no file {tmp_path / 'missing'}")
    done = run_popgui(tmp_path, "account", "import-state", "nobody", "--from", "mpop", str(state))
    assert done.returncode == 2 and "there is no account named 'nobody'" in done.stderr
    done = run_popgui(tmp_path, "account", "import-state", "acct", "--from", "pine", str(state))
    assert done.returncode == 2 and "invalid choice: 'pine'" in done.stderr

    report, _ = sync(tmp_path, dovecot, dovecot_user)  # nothing was recorded: all 3 come
    assert report["downloaded"] == 3, report
