"""An adopting first sync (popgui/sync/adoption.py) against the local POP3 server: a server
without TOP, and messages another client's state was imported for."""

from __future__ import annotations

from pathlib import Path

import pytest

from popgui.errors import RemoteProtocolError
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync import adoption
from popgui.sync.engine import sync_account
from tests.sync.conftest import PASSWORD, USER, make_account

ONE = b"Message-ID: <one@example.org>\r\nSubject: one\r\n\r\none\r\n"
TWO = b"Message-ID: <two@example.org>\r\nSubject: two\r\n\r\ntwo\r\n"


def _other_clients_maildir(root: Path, *messages: bytes) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for number, content in enumerate(messages):
        stored = b"Received: by other-client\n" + content.replace(b"\r\n", b"\n")
        (root / "cur" / f"other.{number}:2,S").write_bytes(stored)
    return root


def _mailbox(*messages: bytes) -> ServerMailbox:
    box = ServerMailbox()
    for number, content in enumerate(messages):
        box.add(content, uid=f"uid{number}")
    return box


def test_without_top_nothing_is_downloaded_and_the_sync_says_why(
    profile: Profile, tmp_path: Path
) -> None:
    maildir = _other_clients_maildir(tmp_path / "Maildir", ONE)
    box = _mailbox(ONE, TWO)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)], top=False) as server:
        account = make_account(server, adopt=True, maildir=str(maildir))
        result = sync_account(account, PASSWORD, profile)
    assert isinstance(result.error, RemoteProtocolError)
    assert "TOP" in str(result.error) and "--adopt" in str(result.error)
    assert result.downloaded == 0
    assert len(list((maildir / "new").iterdir())) == 0
    with Database(profile.database_file) as database:
        assert not database.first_sync_done(account.name)


def test_imported_messages_found_in_the_maildir_become_popguis_own(
    profile: Profile, tmp_path: Path
) -> None:
    maildir = _other_clients_maildir(tmp_path / "Maildir", ONE)
    box = _mailbox(ONE, TWO)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as server:
        account = make_account(server, adopt=True, maildir=str(maildir), policy="delete")
        with Database(profile.database_file) as database:
            # What another client's state file said it downloaded: both messages.
            database.record_imported(account.name, ["uid0", "uid1"], "mpop")
        result = sync_account(account, PASSWORD, profile)
        left = len(box)
    # ONE is on disk: adopted, and deleted on the server by the policy; TWO was only
    # imported (popgui has no copy of it): neither downloaded nor deleted.
    assert (result.error, result.adopted, result.downloaded, result.deleted) == (None, 1, 0, 1)
    assert left == 1


def test_headers_are_read_in_slices(
    profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adoption, "TOP_SLICE", 2)
    three = (
        b"Subject: three\r\nFrom: a@example.org\r\nDate: Mon, 1 Jan 2018 10:00 +0000\r\n\r\n3\r\n"
    )
    maildir = _other_clients_maildir(tmp_path / "Maildir", ONE, three)
    box = _mailbox(TWO, ONE, TWO.replace(b"two@", b"four@"), three)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as server:
        account = make_account(server, adopt=True, maildir=str(maildir))
        result = sync_account(account, PASSWORD, profile)
    assert (result.error, result.adopted, result.downloaded) == (None, 2, 2)
