"""What ``popgui sync`` has imported by the time its login is written.

A sync that finds nothing new spends its first tens of milliseconds in Python's start-up and
imports; the server can only start checking the password once the login arrives. Every module
imported before that point delays the whole run (docs/performance.md, "no-op re-sync"). These
tests run a real sync against the local server and look at ``sys.modules`` at the moment the
engine's thread learns that the login is on its way (``EarlyLogin.wait_until_sent``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import popgui
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox

from .helpers import password_command, run_popgui

USER, PASSWORD = "carol", "pass word"

#: Modules that must wait until the login is sent, and why.
NOT_BEFORE_LOGIN = {
    "ssl": "a plain-TCP account never needs it",
    "sqlite3": "the database is opened while the server checks the password",
    "popgui.store.database": "the database is opened while the server checks the password",
    "tempfile": "only certificate files need it",
    "shutil": "only file moves need it",
    "datetime": "only the deletion policy and certificates need it",
    "logging": "only the debug trace needs it",
    "hmac": "only SASL mechanisms need it",
    "secrets": "only SASL mechanisms need it",
    "email": "header parsing happens on downloads, never before the login",
}

#: What a SASL mechanism imports for itself (SCRAM's nonce and proofs).
SASL_MODULES = {"hmac", "secrets", "_hashlib"}

#: Runs ``popgui sync`` in this interpreter and prints the modules loaded at the moment the
#: login was sent. ``-S``: no site-packages start-up hooks, only the standard library and
#: popgui, so the list is popgui's own doing.
SPY = """
import json, sys
sys.path.insert(0, {root!r})
from popgui.sync import early
seen = []
wait = early.EarlyLogin.wait_until_sent
def spy(self):
    wait(self)
    seen.append(sorted(sys.modules))
early.EarlyLogin.wait_until_sent = spy
from popgui.cli import main
code = main(["--profile", {profile!r}, "sync"])
print(json.dumps({{"code": code, "modules": seen}}))
"""


@pytest.fixture
def server() -> Iterator[LocalPOP3Server]:
    mailbox = ServerMailbox()
    mailbox.add(b"Subject: one\r\n\r\nbody\r\n")
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as pop3:
        yield pop3


def modules_when_login_sent(profile: Path) -> list[str]:
    root = str(Path(popgui.__file__).resolve().parent.parent)
    code = SPY.format(root=root, profile=str(profile))
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    assert len(report["modules"]) == 1, "the login should be sent exactly once"
    return list(report["modules"][0])


@pytest.mark.parametrize("auth", ["user", "auto"])
def test_nothing_heavy_is_imported_before_the_login(
    tmp_path: Path, server: LocalPOP3Server, auth: str
) -> None:
    added = run_popgui(
        tmp_path, "account", "add", "box", "--host", "127.0.0.1", "--port", str(server.port),
        "--security", "none", "--user", USER, "--auth", auth,
        "--password-command", password_command(PASSWORD),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    # A SASL login (auto picks SCRAM here) is woken before its first command, while the
    # mechanism itself still works on the helper thread: what it imports is the login's own.
    watched = NOT_BEFORE_LOGIN.keys() - (SASL_MODULES if auth == "auto" else set())
    loaded = set(modules_when_login_sent(tmp_path))
    assert "popgui.net.pop3client" in loaded  # the spy did see the login's moment
    assert {name: NOT_BEFORE_LOGIN[name] for name in watched & loaded} == {}
    # The first sync downloaded the message; the run after it finds nothing new.
    assert not watched & set(modules_when_login_sent(tmp_path))
