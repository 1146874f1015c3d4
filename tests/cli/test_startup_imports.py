"""What the command line imports, and what it promises not to.

``popgui sync`` and ``popgui account list`` run where there is no display (cron, a server) and
must never load Qt. The keyring is loaded only for an account whose password lives there; an
account with a password command never touches it (a keyring backend may talk to D-Bus, or
ask to be unlocked). rich draws the progress bars and the preview table on a terminal only.
``cryptography`` describes a certificate only when one must be shown to a person.

The tests run the real command in a subprocess and look at ``sys.modules`` when it is done.
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

#: Runs ``popgui`` with the given arguments in this interpreter and prints its exit code and
#: the modules it loaded.
SPY = """
import json, sys
sys.path.insert(0, {root!r})
from popgui.cli import main
code = main({argv!r})
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""


@pytest.fixture
def server() -> Iterator[LocalPOP3Server]:
    mailbox = ServerMailbox()
    mailbox.add(b"Subject: one\r\n\r\nbody\r\n")
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as pop3:
        yield pop3


@pytest.fixture
def profile(tmp_path: Path, server: LocalPOP3Server) -> Path:
    added = run_popgui(
        tmp_path, "account", "add", "box", "--host", "127.0.0.1", "--port", str(server.port),
        "--security", "none", "--user", USER, "--password-command", password_command(PASSWORD),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return tmp_path


def modules_after(profile: Path, *argv: str) -> set[str]:
    """The modules ``popgui --profile PROFILE ARGV...`` loaded (stdout and stderr are pipes,
    not a terminal)."""
    root = str(Path(popgui.__file__).resolve().parent.parent)
    code = SPY.format(root=root, argv=["--profile", str(profile), *argv])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stdout + done.stderr
    return set(report["modules"])


def _loaded(modules: set[str], package: str) -> set[str]:
    return {name for name in modules if name == package or name.startswith(package + ".")}


def test_sync_loads_neither_qt_nor_the_keyring_nor_rich(profile: Path) -> None:
    for _run in range(2):  # the first sync downloads; the second finds nothing new
        loaded = modules_after(profile, "sync")
        assert "popgui.net.pop3client" in loaded  # the spy did see a sync
        assert _loaded(loaded, "PySide6") == set()
        assert _loaded(loaded, "keyring") == set()  # a password command, not the keyring
        assert _loaded(loaded, "rich") == set()  # no terminal: no progress bars
        assert _loaded(loaded, "cryptography") == set()  # no certificate to describe


def test_account_list_loads_neither_qt_nor_the_keyring_nor_rich(profile: Path) -> None:
    loaded = modules_after(profile, "account", "list")
    assert "popgui.cli.account_cmd" in loaded  # the spy did see the command
    assert _loaded(loaded, "PySide6") == set()
    assert _loaded(loaded, "keyring") == set()  # listing reads no password
    assert _loaded(loaded, "rich") == set()
    assert _loaded(loaded, "cryptography") == set()


def test_preview_draws_no_table_for_a_pipe(profile: Path) -> None:
    loaded = modules_after(profile, "preview", "box")
    assert _loaded(loaded, "PySide6") == set()
    assert _loaded(loaded, "keyring") == set()
    assert _loaded(loaded, "rich") == set()
