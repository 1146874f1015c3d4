"""The server migration guard against a real Dovecot (``reset_uidlist`` renumbers every message).

A renumbered server stops the sync with an explanation and downloads nothing;
``--accept-new-uidls`` goes on and recognises what is already stored (Message-ID + size +
date). Plain new mail, mail deleted on the server and an interrupted first download never trip it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import POPGUI, password_command, run_popgui
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser

pytestmark = pytest.mark.dovecot


def stored(maildir: Path) -> list[bytes]:
    files = [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    return sorted(path.read_bytes() for path in files)


def add_account(profile: Path, dovecot: DovecotServer, user: MailUser, policy: str) -> None:
    done = run_popgui(
        profile, "account", "add", "acct", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", user.name,
        "--auth", "user", "--password-command", password_command(user.password), policy,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def deliver(dovecot: DovecotServer, user: MailUser, messages: list[bytes]) -> list[bytes]:
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def sync(profile: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    done = run_popgui(profile, "sync", "--json", *extra)
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout)[0], done.stderr


def test_renumbered_server_stops_then_accepting_recognises_stored_mail(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    first = deliver(dovecot, dovecot_user, mixed_messages(12, seed=3))
    add_account(tmp_path, dovecot, dovecot_user, "--keep")
    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 12), stderr

    dovecot.reset_uidlist(dovecot_user.name)
    for _attempt in range(2):  # it keeps asking until the user decides
        code, report, stderr = sync(tmp_path)
        assert code == 1
        assert (report["error_kind"], report["downloaded"]) == ("migration", 0)
        assert "renumbered" in stderr and "--accept-new-uidls" in stderr
    maildir = tmp_path / "mail" / "acct"
    assert stored(maildir) == sorted(first)

    later = deliver(dovecot, dovecot_user, mixed_messages(14, seed=4)[12:])
    code, report, stderr = sync(tmp_path, "--accept-new-uidls")
    assert code == 0, stderr
    assert (report["downloaded"], report["recovered"]) == (2, 12)
    assert stored(maildir) == sorted(first + later)

    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 0), stderr


def test_new_mail_and_mail_deleted_elsewhere_never_trip(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    first = deliver(dovecot, dovecot_user, mixed_messages(6, seed=5))
    add_account(tmp_path, dovecot, dovecot_user, "--keep")
    assert sync(tmp_path)[0] == 0
    more = deliver(dovecot, dovecot_user, mixed_messages(40, seed=6)[6:])
    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 34), stderr

    for path in sorted(dovecot.maildir(dovecot_user.name).glob("*/*popgui-test*"))[:30]:
        path.unlink()  # another client deleted most of the mailbox
    assert len(dovecot.server_messages(dovecot_user.name)) == 10
    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 0), stderr
    assert stored(tmp_path / "mail" / "acct") == sorted(first + more)


def test_delete_policy_never_trips(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    add_account(tmp_path, dovecot, dovecot_user, "--delete")
    everything: list[bytes] = []
    for seed in (7, 8, 9):
        everything += deliver(dovecot, dovecot_user, mixed_messages(8, seed=seed))
        code, report, stderr = sync(tmp_path)
        assert (code, report["downloaded"], report["deleted"]) == (0, 8, 8), stderr
    assert stored(tmp_path / "mail" / "acct") == sorted(everything)


def test_an_interrupted_first_download_never_trips(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser
) -> None:
    messages = deliver(dovecot, dovecot_user, mixed_messages(80, seed=10))
    add_account(tmp_path, dovecot, dovecot_user, "--keep")
    new = tmp_path / "mail" / "acct" / "new"
    process = subprocess.Popen(
        [*POPGUI, "--profile", str(tmp_path), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if new.is_dir() and len(list(new.iterdir())) >= 10:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    code, report, stderr = sync(tmp_path)
    assert code == 0, stderr
    assert stored(tmp_path / "mail" / "acct") == sorted(messages)
    dovecot.deliver(dovecot_user.name, mixed_messages(81, seed=10)[80])
    code, report, stderr = sync(tmp_path)
    assert (code, report["downloaded"]) == (0, 1), stderr
