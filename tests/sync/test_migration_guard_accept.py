"""Accepting a renumbered mailbox (``accept_new_uidls``): what is recognised, what downloads.

Accepting fetches each unknown message's header (``TOP n 0``) and matches it against the
mail already stored: same Message-ID, same Date, a size that fits. A match is recorded under
its new UIDL and not downloaded; anything else downloads. Against a real Dovecot, renumbered
by switching the user's ``pop3_uidl_format`` to the file names (or by renaming some files);
the server that refuses TOP is our local server with its faults, since Dovecot always
answers TOP.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from popgui.errors import MigrationSuspectedError
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account
from tests.support.dovecot import DovecotServer, MailUser

from .conftest import PASSWORD, USER, make_account
from .guard_support import (
    FILE_NAMES,
    dovecot_account,
    message,
    rename_on_server,
    reverse_on_server,
    stored,
    sync,
    uidl_contents,
)


def deliver(dovecot: DovecotServer, user: MailUser, messages: list[bytes]) -> list[bytes]:
    for content in messages:
        dovecot.deliver(user.name, content)
    return messages


@pytest.mark.dovecot
def test_accepting_a_partial_renumbering_recognises_the_renumbered_and_keeps_the_rest(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile
) -> None:
    account = dovecot_account(dovecot, dovecot_user)
    messages = deliver(dovecot, dovecot_user, [message(index) for index in range(10)])
    assert sync(account, dovecot_user.password, profile).downloaded == 10
    rename_on_server(dovecot, dovecot_user, 6)  # 6 renumbered, 4 listed as before
    fresh = deliver(dovecot, dovecot_user, [message(index) for index in range(10, 12)])

    stopped = sync(account, dovecot_user.password, profile)
    assert isinstance(stopped.error, MigrationSuspectedError)
    assert (stopped.error.previously_seen, stopped.error.vanished, stopped.error.unknown) == (
        10, 6, 8,
    )  # fmt: skip
    accepted = sync(account, dovecot_user.password, profile, accept=True)
    assert (accepted.error, accepted.recovered, accepted.downloaded) == (None, 6, 2)
    assert stored(profile, account) == sorted(messages + fresh)
    again = sync(account, dovecot_user.password, profile)
    assert (again.error, again.downloaded) == (None, 0)


@pytest.mark.dovecot
def test_messages_without_message_id_download_again_when_accepting(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile
) -> None:
    """Without a Message-ID a stored copy cannot be told from a look-alike (same date, same
    size): recognising it could leave a message never downloaded, so it downloads again."""
    account = dovecot_account(dovecot, dovecot_user)
    with_id = [message(index) for index in range(4)]
    without_id = [message(index, message_id=False) for index in range(4, 8)]
    deliver(dovecot, dovecot_user, with_id + without_id)
    assert sync(account, dovecot_user.password, profile).downloaded == 8
    dovecot.set_uidl_format(dovecot_user.name, FILE_NAMES)

    assert isinstance(sync(account, dovecot_user.password, profile).error, MigrationSuspectedError)
    accepted = sync(account, dovecot_user.password, profile, accept=True)
    assert (accepted.error, accepted.recovered, accepted.downloaded) == (None, 4, 4)
    assert stored(profile, account) == sorted(with_id + without_id * 2)
    again = sync(account, dovecot_user.password, profile)
    assert (again.error, again.downloaded) == (None, 0)


@pytest.mark.dovecot
def test_look_alikes_are_told_apart_by_date_and_size(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile
) -> None:
    """Messages sharing a Message-ID (a resent message, a list copy, the same message twice)
    are each recorded against their own stored copy, never two against one, even when the
    renumbered server lists them in another order."""
    account = dovecot_account(dovecot, dovecot_user)
    same_id = message(0)
    longer = message(0, body="the same Message-ID and Date, a longer body")
    other_date = same_id.replace(b"10:00:00", b"11:00:00")  # and the same size
    assert len(other_date) == len(same_id) != len(longer)
    deliver(dovecot, dovecot_user, [same_id, longer, other_date, same_id, same_id])
    deliver(dovecot, dovecot_user, [message(index) for index in range(1, 4)])
    assert sync(account, dovecot_user.password, profile).downloaded == 8
    reverse_on_server(dovecot, dovecot_user)

    assert isinstance(sync(account, dovecot_user.password, profile).error, MigrationSuspectedError)
    accepted = sync(account, dovecot_user.password, profile, accept=True)
    assert (accepted.error, accepted.recovered, accepted.downloaded) == (None, 8, 0)
    on_server = uidl_contents(dovecot, dovecot_user)
    database = Database(profile.database_file)
    try:
        records = database.delivered_uids(account.name)
    finally:
        database.close()
    paths = {uid: records[uid].path for uid in on_server}
    assert len(set(paths.values())) == 8, "one stored copy stands for two messages"
    for uid, path in paths.items():
        assert Path(path).read_bytes() == on_server[uid], f"{uid} recorded against another message"


# -- a server that refuses TOP (the local server: Dovecot always answers it) -----------------


def renumber(mailbox: ServerMailbox) -> None:
    """Every message gets a new UIDL, in the same order (a server migration)."""
    contents = mailbox.contents()
    mailbox.clear()
    for index, content in enumerate(contents):
        mailbox.add(content, uid=f"migrated-{index}")


@pytest.fixture
def guarded_mailbox() -> ServerMailbox:
    return ServerMailbox(message(index) for index in range(6))


def test_accepting_without_top_downloads_everything_again(
    profile: Profile, guarded_mailbox: ServerMailbox
) -> None:
    """A server without TOP leaves nothing to recognise by: accepting downloads the mailbox
    again (duplicates, never a lost message), and the next sync is quiet again."""
    account_on_server = ServerAccount(USER, PASSWORD, guarded_mailbox)
    with LocalPOP3Server([account_on_server], top=False) as server:
        account = make_account(server)
        assert sync_account(account, PASSWORD, profile).downloaded == 6
        renumber(guarded_mailbox)
        stopped = sync_account(account, PASSWORD, profile)
        assert isinstance(stopped.error, MigrationSuspectedError)
        accepted = sync_account(account, PASSWORD, profile, accept_new_uidls=True)
        assert (accepted.error, accepted.recovered, accepted.downloaded) == (None, 0, 6)
        assert len(stored(profile, account)) == 12
        again = sync_account(account, PASSWORD, profile)
        assert (again.error, again.downloaded) == (None, 0)


def test_a_refused_top_downloads_only_that_message_again(
    profile: Profile, guarded_mailbox: ServerMailbox
) -> None:
    """One TOP answered -ERR (say, a message another client is deleting) costs that message
    one more download; the others are still recognised."""
    faults = Faults()
    account_on_server = ServerAccount(USER, PASSWORD, guarded_mailbox)
    with LocalPOP3Server([account_on_server], faults=faults) as server:
        account = make_account(server)
        assert sync_account(account, PASSWORD, profile).downloaded == 6
        renumber(guarded_mailbox)
        assert isinstance(sync_account(account, PASSWORD, profile).error, MigrationSuspectedError)
        faults.err_on_command["TOP 3 0"] = "not now"
        accepted = sync_account(account, PASSWORD, profile, accept_new_uidls=True)
        assert (accepted.error, accepted.recovered, accepted.downloaded) == (None, 5, 1)
        assert stored(profile, account) == sorted(
            [*(c.replace(b"\r\n", b"\n") for c in guarded_mailbox.contents()), message(2)]
        )
