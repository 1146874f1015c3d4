"""``popgui sync`` with ``--deliver``: the whole command line, from the real Dovecot's POP3 to
its IMAP and LMTP, to a program and to an mbox file; killed at random instants; with a
destination that is down, refuses the login, or asks to try later."""

from __future__ import annotations

import email
import mailbox
import random
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.certs import TestPKI
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser, private_dovecot

from .helpers import POPGUI, password_command, run_popgui, sync_json

pytestmark = pytest.mark.dovecot


def add_source(
    profile: Path, dovecot: DovecotServer, source: MailUser, *deliver: str, policy: str = "--delete"
) -> None:
    done = run_popgui(
        profile, "account", "add", "src", "--host", "127.0.0.1",
        "--port", str(dovecot.plain_port), "--security", "none", "--user", source.name,
        "--password-command", password_command(source.password), policy, *deliver,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def imap_to(dovecot: DovecotServer, pki: TestPKI, user: MailUser, password: str = "") -> list[str]:
    return [
        "--deliver", f"imap://{user.name}@127.0.0.1:{dovecot.imap_port}/INBOX",
        "--deliver-ca-file", str(pki.ca_cert),
        "--deliver-password-command", password_command(password or user.password),
    ]  # fmt: skip


def fill(dovecot: DovecotServer, user: MailUser, count: int, seed: int) -> list[bytes]:
    messages = mixed_messages(count, seed)
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


def message_ids(contents: list[bytes]) -> Counter[str]:
    return Counter(email.message_from_bytes(c)["Message-ID"] for c in contents)


def new_user(dovecot: DovecotServer, name: str) -> MailUser:
    password = f"pw-{name}"
    return MailUser(name, password, dovecot.add_user(name, password))


@pytest.fixture
def users(dovecot: DovecotServer, dovecot_user: MailUser) -> Iterator[tuple[MailUser, MailUser]]:
    """A POP3 mailbox to download from and another user's mailbox to deliver into."""
    yield dovecot_user, new_user(dovecot, dovecot_user.name + "dest")


# -- IMAP ---------------------------------------------------------------------------------------


def kill_at_random_instants(profile: Path, rounds: int, seed: int) -> int:
    """Start `popgui sync` and kill it with SIGKILL after a random delay, *rounds* times;
    returns how many were killed while still running."""
    rng = random.Random(seed)
    killed = 0
    for _ in range(rounds):
        child = subprocess.Popen(
            [*POPGUI, "--profile", str(profile), "sync", "src"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 2.5))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait(timeout=60)
    return killed


@pytest.mark.parametrize("uidplus", [True, False], ids=["uidplus", "no-uidplus"])
def test_imap_killed_at_random_instants_delivers_every_message_exactly_once(
    tmp_path: Path, test_pki: TestPKI, uidplus: bool
) -> None:
    capability = None if uidplus else "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE"
    with private_dovecot(test_pki, imap_capability=capability) as dovecot:
        source, dest = new_user(dovecot, "popsrc"), new_user(dovecot, "imapdest")
        messages = fill(dovecot, source, 400, seed=16)
        profile = tmp_path / "profile"
        add_source(profile, dovecot, source, *imap_to(dovecot, test_pki, dest))
        killed = kill_at_random_instants(profile, rounds=6, seed=3 + uidplus)
        code, report, stderr = sync_json(profile, "src")
        assert (code, report[0]["error"]) == (0, None), stderr
        landed = dovecot.server_messages(dest.name)
        assert message_ids(landed) == message_ids(messages)  # each exactly once
        assert dovecot.server_messages(source.name) == []  # delivered, so deleted
        assert killed >= 1


def test_imap_messages_arrive_unread_with_their_own_date(
    tmp_path: Path, dovecot: DovecotServer, test_pki: TestPKI, users: tuple[MailUser, MailUser]
) -> None:
    source, dest = users
    messages = fill(dovecot, source, 5, seed=4)
    profile = tmp_path / "profile"
    add_source(profile, dovecot, source, *imap_to(dovecot, test_pki, dest), policy="--keep")
    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["forwarded"], report[0]["error"]) == (0, 5, None), stderr
    assert report[0]["delivered_to"] == "INBOX on 127.0.0.1"
    maildir = dovecot.maildir(dest.name)
    files = list((maildir / "new").iterdir()) + list((maildir / "cur").iterdir())
    assert len(files) == 5 and not any(":2," in f.name and "S" in f.name.split(":2,")[1]
                                       for f in files)  # fmt: skip
    assert message_ids(dovecot.server_messages(dest.name)) == message_ids(messages)
    assert len(dovecot.server_messages(source.name)) == 5  # --keep
    again = sync_json(profile, "src")
    assert (again[0], again[1][0]["forwarded"]) == (0, 0)


@pytest.mark.parametrize("trouble", ["down", "wrong-password"])
def test_a_destination_that_is_down_or_refuses_the_login_deletes_nothing(
    tmp_path: Path,
    dovecot: DovecotServer,
    test_pki: TestPKI,
    users: tuple[MailUser, MailUser],
    trouble: str,
) -> None:
    source, dest = users
    fill(dovecot, source, 3, seed=5)
    profile = tmp_path / "profile"
    if trouble == "down":
        deliver = ["--deliver", "lmtp://127.0.0.1:9"]  # the discard port: nobody listens
    else:
        deliver = imap_to(dovecot, test_pki, dest, password="not-the-password")
    add_source(profile, dovecot, source, *deliver)
    code, report, _stderr = sync_json(profile, "src")
    kind = "destination" if trouble == "down" else "destination-login"
    assert (code, report[0]["error_kind"], report[0]["downloaded"]) == (1, kind, 0)
    assert len(dovecot.server_messages(source.name)) == 3


# -- LMTP ---------------------------------------------------------------------------------------


def test_lmtp_delivers_into_dovecot_and_deletes_only_after(
    tmp_path: Path, dovecot: DovecotServer, users: tuple[MailUser, MailUser]
) -> None:
    source, dest = users
    messages = fill(dovecot, source, 20, seed=6)
    profile = tmp_path / "profile"
    lmtp = ["--deliver", f"lmtp://127.0.0.1:{dovecot.lmtp_port}", "--deliver-to", dest.name]
    add_source(profile, dovecot, source, *lmtp)
    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["forwarded"], report[0]["error"]) == (0, 20, None), stderr
    assert message_ids(dovecot.server_messages(dest.name)) == message_ids(messages)
    assert dovecot.server_messages(source.name) == []


# -- a program ----------------------------------------------------------------------------------

TEMPFAIL_ONCE = """\
import sys, pathlib
state = pathlib.Path(sys.argv[1])
if not state.exists():
    state.write_text("asked once")
    sys.stdin.buffer.read()
    sys.exit(75)
out = pathlib.Path(sys.argv[2])
with out.open("ab") as f:
    f.write(sys.stdin.buffer.read() + b"\\n--end--\\n")
"""


def test_a_program_that_says_try_later_then_delivers(
    tmp_path: Path, dovecot: DovecotServer, users: tuple[MailUser, MailUser]
) -> None:
    source, _dest = users
    fill(dovecot, source, 1, seed=7)
    script = tmp_path / "mda.py"
    script.write_text(TEMPFAIL_ONCE)
    out, state = tmp_path / "out", tmp_path / "state"
    command = shlex.join([sys.executable, str(script), str(state), str(out)])
    profile = tmp_path / "profile"
    add_source(profile, dovecot, source, "--deliver", f"mda:{command}")
    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["forwarded"], len(report[0]["deferred"])) == (0, 0, 1), stderr
    assert "try later" in stderr
    assert len(dovecot.server_messages(source.name)) == 1  # left for the next sync
    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["forwarded"], report[0]["deferred"]) == (0, 1, []), stderr
    assert out.read_bytes().count(b"--end--") == 1
    assert b"\r\n" not in out.read_bytes()  # Unix line ends for a Unix program
    assert dovecot.server_messages(source.name) == []


# -- an mbox file -------------------------------------------------------------------------------


def test_mbox_keeps_from_lines_and_survives_a_kill_mid_append(
    tmp_path: Path, dovecot: DovecotServer, users: tuple[MailUser, MailUser]
) -> None:
    source, _dest = users
    tricky = [
        b"Message-ID: <from-1@test>\r\nSubject: quoting\r\n\r\nFrom here on\r\n>From there\r\n"
        b">>From everywhere\r\n",
    ]
    for content in tricky:
        dovecot.deliver(source.name, content)
    messages = tricky + fill(dovecot, source, 150, seed=8)
    path = tmp_path / "mail" / "all.mbox"
    profile = tmp_path / "profile"
    add_source(profile, dovecot, source, "--deliver", f"mbox:{path}")
    kill_at_random_instants(profile, rounds=4, seed=9)
    code, report, stderr = sync_json(profile, "src")
    assert (code, report[0]["error"]) == (0, None), stderr
    box = mailbox.mbox(path)
    read = [msg.as_bytes() for msg in box]
    assert message_ids(read) == message_ids(messages)
    quoting = next(m for m in box if m["Message-ID"] == "<from-1@test>")
    # mboxrd: one more ">" on each quoted line (Python's reader leaves the quotes as they are)
    assert quoting.get_payload(decode=True) == (
        b">From here on\n>>From there\n>>>From everywhere\n"
    )
