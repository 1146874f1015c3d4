"""Fixtures for engine tests against the project's own local POP3/POP2 servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from popgui.accounts.settings import Account
from popgui.localserver import LocalPOP2Server, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.localserver import sample_messages as _samples
from popgui.profile import Profile

USER = "alice"
PASSWORD = "correct horse"


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture(scope="session")
def samples() -> list[bytes]:
    return _samples()


@pytest.fixture
def mailbox(samples: list[bytes]) -> ServerMailbox:
    box = ServerMailbox()
    for content in samples:
        box.add(content)
    return box


@pytest.fixture
def pop3_server(mailbox: ServerMailbox) -> Iterator[LocalPOP3Server]:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        yield server


@pytest.fixture
def pop2_server(mailbox: ServerMailbox) -> Iterator[LocalPOP2Server]:
    with LocalPOP2Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        yield server


def make_account(server: LocalPOP3Server | LocalPOP2Server, **overrides: Any) -> Account:
    fields: dict[str, Any] = {
        "name": "test",
        "host": server.host,
        "port": server.port,
        "protocol": "pop2" if isinstance(server, LocalPOP2Server) else "pop3",
        "security": "none",
        "user": USER,
        "auth": "auto",
        "password_source": "keyring",
        "password_command": None,
        "policy": "keep",
        "delete_after_days": None,
        "maildir": None,
        "remote_folder": None,
        "ca_file": None,
        "fingerprint": None,
    }
    fields.update(overrides)
    return Account(**fields)


def maildir_contents(path: Path) -> list[bytes]:
    """Every message stored in a Maildir (new/ and cur/), sorted, as stored (LF endings)."""
    files = [*(path / "new").iterdir(), *(path / "cur").iterdir()]
    return sorted(f.read_bytes() for f in files)


def as_stored(contents: list[bytes]) -> list[bytes]:
    """Server contents (CRLF) as the Maildir stores them (LF), sorted."""
    return sorted(c.replace(b"\r\n", b"\n") for c in contents)
