"""``account add --skip-existing`` and ``--since`` against the real Dovecot.

What counts is what Dovecot says it sent: its logout line (``retr=N/bytes``) proves how many
messages popgui downloaded, and its Maildir what is still on the server. The popgui processes
run with ``TZ=UTC`` so that "dated that day or later" means the same day on any machine.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import password_command, run_popgui
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.dovecot_log import log_size, wait_for_log_lines

pytestmark = pytest.mark.dovecot

UTC_ENV = {"TZ": "UTC"}


def message(subject: str, date: str | None) -> bytes:
    """A small message with its own Message-ID, and this Date header (None: none at all)."""
    lines = [
        "From: Sender <sender@example.org>",
        "To: someone@example.org",
        f"Subject: {subject}",
        f"Message-ID: <{subject}.{secrets.token_hex(4)}@example.org>",
    ]
    if date is not None:
        lines.append(f"Date: {date}")
    return ("\n".join(lines) + f"\n\nThis is {subject}.\n").encode()


def add_account(profile: Path, dovecot: DovecotServer, user: MailUser, *extra: str) -> None:
    done = run_popgui(
        profile, "account", "add", "acct", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", user.name,
        "--auth", "user", "--password-command", password_command(user.password), *extra,
        env=UTC_ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def sync(dovecot: DovecotServer, profile: Path) -> tuple[dict[str, Any], int]:
    """One ``popgui sync --json`` that must succeed: its report, and how many messages Dovecot
    says it sent (RETR) in that session."""
    since = log_size(dovecot)
    done = run_popgui(profile, "sync", "--json", env=UTC_ENV)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0], retrieved(dovecot, since)


def retrieved(dovecot: DovecotServer, since: int) -> int:
    """RETRs of the one POP3 session logged after *since* (its logout line, ``retr=N/…``)."""
    lines = wait_for_log_lines(dovecot, lambda line: "retr=" in line, since=since)
    assert len(lines) == 1, lines
    found = re.search(r"retr=(\d+)/", lines[0])
    assert found is not None, lines[0]
    return int(found.group(1))


def stored(profile: Path) -> list[bytes]:
    maildir = profile / "mail" / "acct"
    return sorted(
        p.read_bytes() for p in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    )


def on_server(dovecot: DovecotServer, user: MailUser) -> list[bytes]:
    return sorted(dovecot.server_messages(user.name))


def deliver(dovecot: DovecotServer, user: MailUser, messages: list[bytes]) -> list[bytes]:
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def old_mail(count: int, tag: str = "old") -> list[bytes]:
    return [
        message(f"{tag}{n}", f"Mon, 0{n % 9 + 1} Jan 2018 10:00:00 +0000") for n in range(count)
    ]


def soon(seconds: float = 120) -> str:
    """A Date a little after now: new mail, written after the account was added."""
    return formatdate(time.time() + seconds)


def show(profile: Path) -> str:
    done = run_popgui(profile, "account", "show", "acct", env=UTC_ENV)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_skip_existing_downloads_nothing_old_then_new_mail_comes(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    old = deliver(dovecot, dovecot_user, old_mail(5))
    add_account(tmp_path, dovecot, dovecot_user, "--skip-existing")
    assert "first-sync: new" in show(tmp_path)
    assert "first-sync-state: not done yet: at the next sync" in show(tmp_path)
    # Mail arriving between adding and the first sync is new mail: it comes.
    between = deliver(dovecot, dovecot_user, [message("between", soon())])

    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["left_on_server"], retrs) == (1, 5, 1)
    assert stored(tmp_path) == sorted(between)
    assert "first-sync-state: done: 5 messages left on the server" in show(tmp_path)

    later = deliver(dovecot, dovecot_user, [message("later", soon()), message("undated", None)])
    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["left_on_server"], retrs) == (2, 0, 2)
    assert stored(tmp_path) == sorted(between + later)
    assert on_server(dovecot, dovecot_user) == sorted(old + between + later)

    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], retrs) == (0, 0)


def test_since_downloads_exactly_mail_dated_that_day_or_later_and_undated_mail(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    before = deliver(dovecot, dovecot_user, [
        message("last-minute-of-2023", "Sun, 31 Dec 2023 23:59:59 +0000"),
        message("in-2022", "Thu, 15 Sep 2022 08:00:00 +0200"),
        message("new-year-in-new-york", "Sun, 31 Dec 2023 22:00:00 -0500"),  # 03:00 UTC: kept
    ])  # fmt: skip
    wanted = deliver(dovecot, dovecot_user, [
        message("first-second-of-2024", "Mon, 01 Jan 2024 00:00:00 +0000"),
        message("march-2024", "Fri, 01 Mar 2024 12:00:00 +0100"),
        message("no-date", None),
        message("bad-date", "the day after tomorrow"),
    ])  # fmt: skip
    new_york = before.pop()
    wanted.append(new_york)
    add_account(tmp_path, dovecot, dovecot_user, "--since", "2024-01-01")
    assert "first-sync-since: 2024-01-01" in show(tmp_path)

    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["left_on_server"], retrs) == (5, 2, 5)
    assert stored(tmp_path) == sorted(wanted)

    # The choice is made once: mail arriving later comes whatever its Date says.
    late_old = deliver(
        dovecot, dovecot_user, [message("old-but-new-here", "Mon, 1 Jan 2001 0:0 +0000")]
    )
    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], retrs) == (1, 1)
    assert stored(tmp_path) == sorted(wanted + late_old)
    assert on_server(dovecot, dovecot_user) == sorted(before + wanted + late_old)


def test_the_delete_policy_never_deletes_skipped_mail(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    old = deliver(dovecot, dovecot_user, old_mail(4))
    add_account(tmp_path, dovecot, dovecot_user, "--skip-existing", "--delete")
    new = deliver(dovecot, dovecot_user, [message("new1", soon()), message("new2", soon())])

    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["deleted"], retrs) == (2, 2, 2)
    assert on_server(dovecot, dovecot_user) == sorted(old)
    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["deleted"], retrs) == (0, 0, 0)
    assert on_server(dovecot, dovecot_user) == sorted(old)
    assert stored(tmp_path) == sorted(new)


def test_a_renumbered_server_still_trips_and_skipped_mail_stays_skipped(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    """Point 5 of the issue: the migration guard counts skipped mail as seen before; accepting
    new UIDLs recognises skipped mail by Message-ID and Date and leaves it on the server."""
    deliver(dovecot, dovecot_user, old_mail(6))
    add_account(tmp_path, dovecot, dovecot_user, "--skip-existing")
    first = deliver(dovecot, dovecot_user, [message("first", soon())])
    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], report["left_on_server"]) == (1, 6)

    dovecot.reset_uidlist(dovecot_user.name)
    later = deliver(dovecot, dovecot_user, [message("later", soon())])
    done = run_popgui(tmp_path, "sync", "--json", env=UTC_ENV)
    assert done.returncode == 1 and json.loads(done.stdout)[0]["error_kind"] == "migration"
    done = run_popgui(tmp_path, "sync", "--json", "--accept-new-uidls", env=UTC_ENV)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["downloaded"] == 1
    assert stored(tmp_path) == sorted(first + later)
    report, retrs = sync(dovecot, tmp_path)
    assert (report["downloaded"], retrs) == (0, 0)


# A `popgui sync` that kills itself with SIGKILL at one moment of its first sync: "before":
# when it calls for the one transaction that records the skipped mail (a kill inside it is
# the same to SQLite: nothing of it is committed); "after": once that transaction has
# committed, before the first RETR.
KILLED_FIRST_SYNC = """
import os, signal, sys
from popgui.store.database import Database
from popgui.sync import pop3sync
moment = sys.argv.pop(1)
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if moment == "before":
    Database.record_first_sync = die
else:
    pop3sync.download = die
from popgui.cli import run
run()
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_first_sync_killed_around_its_choice_never_downloads_old_mail(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, moment: str
) -> None:
    deliver(dovecot, dovecot_user, old_mail(5))
    add_account(tmp_path, dovecot, dovecot_user, "--skip-existing")
    new = deliver(dovecot, dovecot_user, [message("new", soon())])
    killed_from = log_size(dovecot)
    process = subprocess.run(
        [sys.executable, "-c", KILLED_FIRST_SYNC, moment, "--profile", str(tmp_path), "sync"],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **UTC_ENV},
    )  # fmt: skip
    assert process.returncode == -signal.SIGKILL, (process.returncode, process.stderr)
    assert stored(tmp_path) == []
    # Dovecot logs the end of the killed session when it notices it: wait for that line, so
    # that the next session's logout line is the only one after it.
    assert retrieved(dovecot, killed_from) == 0

    report, retrs = sync(dovecot, tmp_path)
    left = 5 if moment == "before" else 0  # chosen again, or already chosen
    assert (report["downloaded"], report["left_on_server"], retrs) == (1, left, 1)
    assert stored(tmp_path) == sorted(new)
    assert "first-sync-state: done: 5 messages left on the server" in show(tmp_path)
