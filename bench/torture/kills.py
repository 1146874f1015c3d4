"""Harness 1, kill -9: ``popgui sync`` killed at random instants against a real Dovecot.

The approach of tests/test_kill9.py, repeated: a private Dovecot (tests/support/dovecot.py)
with a fresh user per round, a mixed corpus (small mail, lines that need dot-stuffing,
attachments up to a few MB), then ``popgui sync`` started and sent SIGKILL after a random
delay, many times, in keep and in delete mode. After a final clean sync the Maildir must equal
the server's original messages as a multiset (none lost, none twice), ``tmp/`` must be empty,
and in delete mode the server must be empty (in keep mode, untouched).

Quick: 2 rounds of 10 kills. Long: 8 rounds of 25 kills (200).
"""

from __future__ import annotations

import base64
import contextlib
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bench  # noqa: F401  (puts the repository on sys.path for tests.support)
from bench.torture.results import HarnessResult
from tests.support.certs import make_test_pki
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, DovecotUnavailable, MailUser

POPGUI = [sys.executable, "-m", "popgui"]
QUICK = (2, 10)  # rounds, kills per round
LONG = (8, 25)


@dataclass
class RoundOutcome:
    kills: int = 0
    lost: int = 0
    duplicated: int = 0
    crashed: int = 0
    notes: tuple[str, ...] = ()


def large_message(index: int, rng: random.Random) -> bytes:
    blob = base64.encodebytes(rng.randbytes(rng.randrange(1, 4) * 1024 * 1024)).decode()
    return (
        f"From: big{index}@example.org\nSubject: large {index}\n"
        f"Message-ID: <large{index}.{rng.randrange(10**9)}@example.org>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\n.dot line\n--b\n"
        "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        f"{blob}--b--\n"
    ).encode()


def corpus(rng: random.Random) -> list[bytes]:
    messages = mixed_messages(rng.randrange(60, 120), seed=rng.randrange(10**6))
    for index in range(rng.randrange(1, 4)):
        messages.insert(rng.randrange(len(messages)), large_message(index, rng))
    return messages


@contextlib.contextmanager
def private_dovecot() -> Iterator[DovecotServer]:
    directory = Path(tempfile.mkdtemp(prefix="popgui-torture-kills-"))
    directory.chmod(0o755)
    try:
        server = DovecotServer(directory / "dovecot", make_test_pki(directory / "pki"))
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def popgui(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "POPGUI_PROFILE"}
    return subprocess.run(
        [*POPGUI, "--profile", str(profile), *args],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip


def add_account(profile: Path, server: DovecotServer, user: MailUser, policy: str) -> None:
    command = shlex.join([sys.executable, "-c", f"print({user.password!r})"])
    done = popgui(
        profile, "account", "add", "k", "--host", "127.0.0.1", "--port", str(server.plain_port),
        "--security", "none", "--user", user.name, "--password-command", command, policy,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"account add failed: {done.stderr}")


def kill_at_random(profile: Path, rng: random.Random) -> None:
    process = subprocess.Popen(
        [*POPGUI, "--profile", str(profile), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(rng.uniform(0.05, 1.5))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def stored(maildir: Path) -> Counter[bytes]:
    files = [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    return Counter(path.read_bytes() for path in files)


def one_round(
    server: DovecotServer, workdir: Path, policy: str, kills: int, rng: random.Random
) -> RoundOutcome:
    name, password = f"k{rng.randrange(16**8):08x}", f"pw-{rng.randrange(10**9)}"
    user = MailUser(name, password, server.add_user(name, password))
    messages = corpus(rng)
    for content in messages:
        server.deliver(user.name, content)
    profile = workdir / "profile"
    add_account(profile, server, user, policy)
    for _ in range(kills):
        kill_at_random(profile, rng)
    final = popgui(profile, "sync")
    return judge(server, user, profile / "mail" / "k", messages, policy, final, kills)


def judge(
    server: DovecotServer, user: MailUser, maildir: Path, messages: list[bytes], policy: str,
    final: subprocess.CompletedProcess[str], kills: int,
) -> RoundOutcome:  # fmt: skip
    have, want = stored(maildir), Counter(messages)
    outcome = RoundOutcome(kills, sum((want - have).values()), sum((have - want).values()))
    notes = []
    if final.returncode != 0:
        outcome.crashed += 1
        notes.append(f"{policy}: the final sync failed: {final.stderr.strip()[:300]}")
    if list((maildir / "tmp").iterdir()):
        notes.append(f"{policy}: temporary files left in tmp/")
    left = len(server.server_messages(user.name))
    if policy == "--delete" and left:
        notes.append(f"{policy}: {left} message(s) still on the server")
        outcome.crashed += 1
    if policy == "--keep" and left != len(messages):
        notes.append(f"{policy}: the server holds {left} messages, not {len(messages)}")
        outcome.crashed += 1
    if outcome.lost or outcome.duplicated:
        notes.append(f"{policy}: {outcome.lost} lost, {outcome.duplicated} duplicated")
    outcome.notes = tuple(notes)
    return outcome


def run(*, long: bool, seed: int) -> HarnessResult:
    started = time.monotonic()
    rng = random.Random(seed)
    rounds, kills = LONG if long else QUICK
    outcomes: list[RoundOutcome] = []
    try:
        with private_dovecot() as server, tempfile.TemporaryDirectory() as root:
            for index in range(rounds):
                policy = ("--keep", "--delete")[index % 2]
                workdir = Path(root) / f"r{index}"
                workdir.mkdir()
                outcomes.append(one_round(server, workdir, policy, kills, rng))
    except DovecotUnavailable as error:
        return HarnessResult(
            "kills", crashed=1, seconds=time.monotonic() - started,
            notes=(f"Dovecot is not available: {error}",),
        )  # fmt: skip
    return HarnessResult(
        "kills", trials=len(outcomes), faults_injected=sum(o.kills for o in outcomes),
        lost=sum(o.lost for o in outcomes), duplicated=sum(o.duplicated for o in outcomes),
        crashed=sum(o.crashed for o in outcomes), seconds=time.monotonic() - started,
        notes=tuple(note for o in outcomes for note in o.notes),
    )  # fmt: skip
