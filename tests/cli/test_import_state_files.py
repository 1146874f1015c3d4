"""``popgui account import-state`` from the command line, with files built here: Thunderbird's
popstate.dat (it cannot run headless), what it prints, and what it refuses."""

from __future__ import annotations

from pathlib import Path

from popgui.profile import Profile
from popgui.store.database import Database

from .helpers import run_popgui

POPSTATE = """\
# POP3 State File
# This is a generated file!  Do not edit.

*pop.example.com bob
k BOB-1 1700000000
*Pop.Example.com alice
k K-1 1700000001
d D-1 1700000002
b B-1 1700000003
f F-1 1700000004
k K-1 1700000005
k K-2 1700000006
*pop.example.com carol
d CAROL-1 1700000007
"""


def add(profile: Path, *extra: str) -> None:
    done = run_popgui(
        profile, "account", "add", "tb", "--host", "pop.example.com", "--user", "alice",
        "--password-command", "true", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_thunderbird_state_is_imported_once_with_what_was_not_downloaded_said(
    tmp_path: Path,
) -> None:
    add(tmp_path)
    state = tmp_path / "popstate.dat"
    state.write_text(POPSTATE)
    done = run_popgui(
        tmp_path, "account", "import-state", "tb", "--from", "thunderbird", str(state)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "imported 3 messages that Thunderbird downloaded for alice at pop.example.com: "
        "popgui will neither download them nor delete them on the server",
        "1 duplicate line(s) counted once",
        "2 message(s) marked b (headers only) or f (fetch later) were not downloaded by "
        "Thunderbird: popgui will download them",
    ]
    with Database(Profile(tmp_path).database_file) as db:
        assert db.imported_uid_set("tb") == {"K-1", "K-2", "D-1"}
    again = run_popgui(
        tmp_path, "account", "import-state", "tb", "--from", "thunderbird", str(state)
    )
    assert again.returncode == 0
    assert again.stdout.startswith(
        "nothing new imported: the 3 messages Thunderbird downloaded for alice at "
        "pop.example.com were already known to popgui"
    )


def test_a_refused_file_records_nothing(tmp_path: Path) -> None:
    add(tmp_path)
    state = tmp_path / "popstate.dat"
    state.write_text(POPSTATE.replace("alice", "alicia"))
    done = run_popgui(
        tmp_path, "account", "import-state", "tb", "--from", "thunderbird", str(state)
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"popgui: {state} has no entry for alice at pop.example.com; it has: bob at "
        "pop.example.com, alicia at Pop.Example.com, carol at pop.example.com; "
        "nothing was imported\n"
    )
    with Database(Profile(tmp_path).database_file) as db:
        assert db.delivered_uid_set("tb") == set()


def test_a_pop2_account_has_no_uidls_to_import(tmp_path: Path) -> None:
    add(tmp_path, "--protocol", "pop2")
    state = tmp_path / "popstate.dat"
    state.write_text(POPSTATE)
    done = run_popgui(
        tmp_path, "account", "import-state", "tb", "--from", "thunderbird", str(state)
    )
    assert done.returncode == 2 and "POP2 has no UIDLs" in done.stderr
