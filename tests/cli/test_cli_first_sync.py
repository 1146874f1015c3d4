"""``popgui account add --skip-existing / --since`` on the command line (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from popgui.store.database import Database, SkippedMessage
from tests.cli.helpers import run_popgui

ADD = ("account", "add", "acct", "--host", "pop.example.org", "--user", "me",
       "--password-command", "echo x")  # fmt: skip


@pytest.mark.parametrize("flag", [["--skip-existing"], ["--since", "2024-01-01"]])
def test_pop2_refuses_both_with_a_usage_error(tmp_path: Path, flag: list[str]) -> None:
    done = run_popgui(tmp_path, *ADD, "--protocol", "pop2", *flag)
    assert done.returncode == 2
    assert f"{flag[0]} is not possible with POP2" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize("day", ["2024-1-1", "01/01/2024", "2024-02-30", "yesterday"])
def test_since_wants_a_real_day(tmp_path: Path, day: str) -> None:
    done = run_popgui(tmp_path, *ADD, "--since", day)
    assert done.returncode == 2
    assert f"--since must be a day written YYYY-MM-DD (for example 2024-01-31), not {day!r}" in (
        done.stderr
    )
    assert not (tmp_path / "settings.json").exists()


def test_the_two_flags_exclude_each_other(tmp_path: Path) -> None:
    done = run_popgui(tmp_path, *ADD, "--skip-existing", "--since", "2024-01-01")
    assert done.returncode == 2 and "not allowed with argument" in done.stderr


def test_add_says_what_the_first_sync_will_do_and_show_shows_it(tmp_path: Path) -> None:
    done = run_popgui(tmp_path, *ADD, "--since", "2024-01-01")
    assert done.returncode == 0, done.stderr
    assert "downloads only mail dated 2024-01-01 or later" in done.stdout
    shown = run_popgui(tmp_path, "account", "show", "acct").stdout
    assert "first-sync: since\nfirst-sync-since: 2024-01-01\n" in shown
    assert "first-sync-state: not done yet: at the next sync" in shown
    assert not (tmp_path / "popgui.sqlite3").exists()

    done = run_popgui(tmp_path, *ADD, "--skip-existing", "--replace")
    assert done.returncode == 0, done.stderr
    assert "leaves the mail already on the server there" in done.stdout
    shown = run_popgui(tmp_path, "account", "show", "acct").stdout
    assert "first-sync: new\nfirst-sync-since: 20" in shown

    done = run_popgui(tmp_path, *ADD, "--replace")
    shown = run_popgui(tmp_path, "account", "show", "acct").stdout
    assert "first-sync: all\n" in shown and "first-sync-since" not in shown


def test_adding_again_with_a_rule_lets_the_next_sync_choose_again(tmp_path: Path) -> None:
    """An account removed and added again under its name (or --replace) with --skip-existing:
    the new wish holds, though the database remembers the old account's first sync."""
    with Database(tmp_path / "popgui.sqlite3") as database:
        database.record_first_sync("acct", [SkippedMessage("u1")], 1.0)
    assert run_popgui(tmp_path, *ADD).returncode == 0  # no rule: nothing to choose again
    with Database(tmp_path / "popgui.sqlite3") as database:
        assert database.first_sync_done("acct")
    done = run_popgui(tmp_path, *ADD, "--skip-existing", "--replace")
    assert done.returncode == 0, done.stderr
    with Database(tmp_path / "popgui.sqlite3") as database:
        assert not database.first_sync_done("acct")
        assert database.skipped_uid_set("acct") == {"u1"}  # what was skipped stays skipped
