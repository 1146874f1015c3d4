"""The engine against the project's own POP2 (RFC 937) server."""

from __future__ import annotations

import time

import pytest

from popgui.errors import CredentialsError
from popgui.localserver import Faults, LocalPOP2Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
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


def acknowledgements(server: LocalPOP2Server) -> list[str]:
    """The ACKS/ACKD/NACK commands of the server's last session, in order."""
    return [line for line in server.session_logs[-1] if line in ("ACKS", "ACKD", "NACK")]


def recorded_as_deleted(profile: Profile) -> int:
    with Database(profile.database_file) as database:
        return sum(r.deleted_on_server for r in database.delivered_uids("test").values())


def test_delete_after_days_ackds_only_messages_kept_long_enough(
    pop2_server: LocalPOP2Server,
    profile: Profile,
    mailbox: ServerMailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each message is ACKD'ed at the first sync 7 days after its download; younger ones
    get ACKS (POP2 sees every kept message again at each sync)."""
    account = make_account(pop2_server, policy="delete-after-days", delete_after_days=7)
    originals = mailbox.contents()
    count, start, day = len(originals), time.time(), 86400.0
    monkeypatch.setattr(time, "time", lambda: start)
    first = sync_account(account, PASSWORD, profile)
    assert (first.error, first.downloaded, first.deleted) == (None, count, 0)
    assert acknowledgements(pop2_server) == ["ACKS"] * count

    later = mailbox.add(b"Subject: later\r\n\r\nbody\r\n")
    monkeypatch.setattr(time, "time", lambda: start + 3 * day)
    third_day = sync_account(account, PASSWORD, profile)
    assert (third_day.error, third_day.downloaded, third_day.deleted) == (None, 1, 0)
    monkeypatch.setattr(time, "time", lambda: start + 6 * day)
    sixth_day = sync_account(account, PASSWORD, profile)
    assert (sixth_day.error, sixth_day.downloaded, sixth_day.deleted) == (None, 0, 0)
    assert acknowledgements(pop2_server) == ["ACKS"] * (count + 1)

    monkeypatch.setattr(time, "time", lambda: start + 8 * day)
    eighth_day = sync_account(account, PASSWORD, profile)
    assert (eighth_day.error, eighth_day.downloaded, eighth_day.deleted) == (None, 0, count)
    assert acknowledgements(pop2_server) == ["ACKD"] * count + ["ACKS"]
    assert mailbox.messages() == [later]
    assert recorded_as_deleted(profile) == count

    monkeypatch.setattr(time, "time", lambda: start + 11 * day)
    eleventh_day = sync_account(account, PASSWORD, profile)
    assert (eleventh_day.error, eleventh_day.downloaded, eleventh_day.deleted) == (None, 0, 1)
    assert mailbox.messages() == []
    assert maildir_contents(account.maildir_path(profile)) == as_stored([*originals, later.content])


def test_a_refused_quit_counts_and_records_no_deletion(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    """QUIT answered ``-``: the server may not have deleted anything, so nothing counts as
    deleted; the next sync downloads nothing again and deletes for real."""
    originals = mailbox.contents()
    faults = Faults(err_on_command={"QUIT": "cannot update the mailbox"})
    with LocalPOP2Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")
        first = sync_account(account, PASSWORD, profile)
        assert (first.downloaded, first.deleted) == (len(originals), 0)
        assert acknowledgements(server) == ["ACKD"] * len(originals)
        assert server.session_logs[-1][-1] == "QUIT"
        assert mailbox.contents() == originals, "the server applied no ACKD"
        assert recorded_as_deleted(profile) == 0

        faults.err_on_command.clear()
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded, second.deleted) == (None, 0, len(originals))
    assert mailbox.messages() == []
    assert recorded_as_deleted(profile) == len(originals)
    assert maildir_contents(account.maildir_path(profile)) == as_stored(originals)


A = b"Subject: a\r\n\r\nfirst\r\n"
B = b"Subject: b\r\n\r\nsecond\r\n"


@pytest.mark.parametrize("policy", ["keep", "delete"])
@pytest.mark.parametrize(
    "contents",
    [[b"", A, B], [A, b"", B], [A, B, b""], [b"", b"", A], [b""]],
    ids=["first", "middle", "last", "two-first", "only"],
)
def test_a_zero_length_message_is_skipped_and_the_others_downloaded(
    profile: Profile, contents: list[bytes], policy: str
) -> None:
    """READ answers ``=0`` for an empty message: no RETR (the server would close), nothing
    stored for it, and it cannot be ACKD'ed (it stays on the server)."""
    mailbox = ServerMailbox(contents)
    wanted = [content for content in contents if content]
    with LocalPOP2Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        account = make_account(server, policy=policy)
        first = sync_account(account, PASSWORD, profile)
        assert (first.error, first.downloaded) == (None, len(wanted))
        assert server.session_logs[-1].count("RETR") == len(wanted)
        assert server.session_logs[-1][-1] == "QUIT"
        assert first.deleted == (len(wanted) if policy == "delete" else 0)
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded, second.deleted) == (None, 0, 0)
    assert maildir_contents(account.maildir_path(profile)) == as_stored(wanted)
    left = [b""] * contents.count(b"") if policy == "delete" else contents
    assert mailbox.contents() == left
