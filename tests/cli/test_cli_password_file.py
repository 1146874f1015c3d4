"""``popgui account add … --password-stdin --password-in-file``: the password kept in a file of
the profile, read by ``popgui sync``, removed with the account; never in the settings file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui.accounts.secrets import PASSWORDS_DIR
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox

from .helpers import run_popgui, sync_json

USER, PASSWORD = "bob", "s3cret pass"


@pytest.fixture
def server() -> Iterator[LocalPOP3Server]:
    box = ServerMailbox()
    for index in range(3):
        box.add(f"Subject: number {index}\r\n\r\nbody {index}\r\n".encode())
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as running:
        yield running


def add(profile: Path, port: int, *extra: str, stdin: str | None = PASSWORD + "\n") -> None:
    done = run_popgui(
        profile, "account", "add", "home", "--host", "127.0.0.1", "--port", str(port),
        "--security", "none", "--user", USER, *extra, stdin=stdin,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def password_files(profile: Path) -> list[Path]:
    folder = profile / PASSWORDS_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_password_file_is_written_read_by_sync_and_removed_with_the_account(
    tmp_path: Path, server: LocalPOP3Server
) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # no keyring here
    add(tmp_path, server.port, "--password-stdin", "--password-in-file")

    [path] = password_files(tmp_path)
    assert path.read_text() == PASSWORD
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = (tmp_path / "settings.json").read_text()
    assert PASSWORD not in settings and '"password_source": "file"' in settings
    shown = run_popgui(tmp_path, "account", "show", "home").stdout
    assert "password-source: file" in shown and PASSWORD not in shown

    code, report, stderr = sync_json(tmp_path)
    assert code == 0, stderr
    assert [(r["account"], r["downloaded"], r["error"]) for r in report] == [("home", 3, None)]
    assert run_popgui(tmp_path, "sync", env=env).returncode == 0

    assert run_popgui(tmp_path, "account", "remove", "home").returncode == 0
    assert password_files(tmp_path) == []


def test_replace_moves_the_password_between_file_and_keyring_places(
    tmp_path: Path, server: LocalPOP3Server
) -> None:
    add(tmp_path, server.port, "--password-stdin", "--password-in-file")
    [old] = password_files(tmp_path)
    done = run_popgui(
        tmp_path, "account", "add", "home", "--host", "localhost", "--port", str(server.port),
        "--security", "none", "--user", USER, "--password-in-file", "--replace", stdin="",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [new] = password_files(tmp_path)
    assert new != old and new.read_text() == PASSWORD  # the new host: the password followed


def test_a_password_file_with_a_password_command_is_a_usage_error(tmp_path: Path) -> None:
    done = run_popgui(
        tmp_path, "account", "add", "home", "--host", "pop.example.org", "--user", USER,
        "--password-command", "echo x", "--password-in-file",
    )  # fmt: skip
    assert done.returncode == 2
    assert "--password-in-file" in done.stderr
