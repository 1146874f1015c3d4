"""The engine against the project's own POP2 (RFC 937) server."""

from __future__ import annotations

from popgui.errors import CredentialsError
from popgui.localserver import LocalPOP2Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, USER, as_stored, maildir_contents, make_account


def test_keep_downloads_once_and_recognises_kept_mail(
    pop2_server: LocalPOP2Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop2_server)
    first = sync_account(account, PASSWORD, profile)
    second = sync_account(account, PASSWORD, profile)
    assert first.error is None and second.error is None
    assert first.downloaded == len(mailbox.messages())
    assert second.downloaded == 0
    assert maildir_contents(account.maildir_path(profile)) == as_stored(mailbox.contents())


def test_delete_acknowledges_with_ackd_after_durable_delivery(
    pop2_server: LocalPOP2Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    originals = mailbox.contents()
    account = make_account(pop2_server, policy="delete")
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    assert result.deleted == len(originals)
    assert mailbox.messages() == []
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)


def test_remote_folder_is_selected_with_fold(profile: Profile) -> None:
    archive = ServerMailbox()
    archive.add(b"Subject: from the archive\r\n\r\nold news\r\n")
    server_account = ServerAccount(USER, PASSWORD, ServerMailbox(), folders={"archive": archive})
    with LocalPOP2Server([server_account]) as server:
        account = make_account(server, remote_folder="archive")
        result = sync_account(account, PASSWORD, profile)
    assert (result.error, result.downloaded) == (None, 1)
    assert maildir_contents(account.maildir_path(profile)) == [
        b"Subject: from the archive\n\nold news\n"
    ]


def test_wrong_password(pop2_server: LocalPOP2Server, profile: Profile) -> None:
    result = sync_account(make_account(pop2_server), "wrong", profile)
    assert isinstance(result.error, CredentialsError)


def test_empty_mailbox(profile: Profile) -> None:
    with LocalPOP2Server([ServerAccount(USER, PASSWORD, ServerMailbox())]) as server:
        result = sync_account(make_account(server), PASSWORD, profile)
    assert (result.error, result.downloaded) == (None, 0)
