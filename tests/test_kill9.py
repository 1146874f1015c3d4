"""Kill -9 at random instants during real syncs: no message lost, none stored twice.

The short version runs in CI; ``POPGUI_KILL_TRIALS=200`` runs a long one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import POPGUI, password_command, run_popgui
from tests.support.corpus import mixed_messages
from tests.support.dovecot import DovecotServer, MailUser

pytestmark = [pytest.mark.dovecot, pytest.mark.slow]

TRIALS = int(os.environ.get("POPGUI_KILL_TRIALS", "8"))


def stored(maildir: Path) -> list[bytes]:
    files = [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]
    return sorted(path.read_bytes() for path in files)


def kill_at_random(profile: Path, rng: random.Random) -> None:
    process = subprocess.Popen(
        [*POPGUI, "--profile", str(profile), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(rng.uniform(0.05, 1.2))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.parametrize("policy", ["--keep", "--delete"])
def test_kill9_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: MailUser, policy: str
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    messages = mixed_messages(150, seed=seed % 1000)
    for content in messages:
        dovecot.deliver(dovecot_user.name, content)
    done = run_popgui(
        tmp_path,
        "account",
        "add",
        "k",
        "--host",
        "127.0.0.1",
        "--port",
        str(dovecot.plain_port),
        "--security",
        "none",
        "--user",
        dovecot_user.name,
        "--password-command",
        password_command(dovecot_user.password),
        policy,
    )
    assert done.returncode == 0, done.stderr

    for _trial in range(TRIALS):
        kill_at_random(tmp_path, rng)
    final = run_popgui(tmp_path, "sync")
    assert final.returncode == 0, f"seed {seed}: {final.stderr}"

    maildir = tmp_path / "mail" / "k"
    assert stored(maildir) == sorted(messages), f"seed {seed}: lost or duplicated mail"
    assert not list((maildir / "tmp").iterdir()), f"seed {seed}: temporary files left behind"
    if policy == "--delete":
        assert dovecot.server_messages(dovecot_user.name) == [], f"seed {seed}"
    else:
        assert len(dovecot.server_messages(dovecot_user.name)) == len(messages)
