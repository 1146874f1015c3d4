"""The first sync's choice (popgui/sync/firstsync.py) against the local POP3 server: servers
without TOP, "download selected" of a skipped message, and the record of the choice."""

from __future__ import annotations

from dataclasses import replace

from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account
from popgui.sync.selective import download_selected
from tests.sync.conftest import PASSWORD, USER, make_account

OLD = b"Subject: old\r\nDate: Mon, 1 Jan 2018 10:00:00 +0000\r\n\r\nold\r\n"
NEW = b"Subject: new\r\nDate: Mon, 1 Jan 2035 10:00:00 +0000\r\n\r\nnew\r\n"
UNDATED = b"Subject: undated\r\n\r\nno date\r\n"
SINCE = {"first_sync": "since", "first_sync_since": "2024-01-01"}
NEW_ONLY = {"first_sync": "new", "first_sync_since": "2024-01-01T00:00:00+00:00"}


def _mailbox(*messages: bytes) -> ServerMailbox:
    box = ServerMailbox()
    for content in messages:
        box.add(content)
    return box


def test_since_leaves_older_mail_and_records_it_once(profile: Profile) -> None:
    box = _mailbox(OLD, NEW, UNDATED, OLD)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as server:
        account = make_account(server, **SINCE)
        first = sync_account(account, PASSWORD, profile)
        assert (first.error, first.downloaded, first.left_on_server) == (None, 2, 2)
        with Database(profile.database_file) as database:
            assert database.first_sync_done(account.name)
            assert len(database.skipped_uid_set(account.name)) == 2
        box.add(OLD)  # arrives after the first sync: it comes, whatever its Date
        second = sync_account(account, PASSWORD, profile)
    assert (second.error, second.downloaded, second.left_on_server) == (None, 1, 0)


def test_without_top_since_downloads_everything(profile: Profile) -> None:
    box = _mailbox(OLD, NEW)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)], top=False) as server:
        result = sync_account(make_account(server, **SINCE), PASSWORD, profile)
    assert (result.error, result.downloaded, result.left_on_server) == (None, 2, 0)


def test_without_top_skip_existing_leaves_what_the_first_sync_finds(profile: Profile) -> None:
    box = _mailbox(OLD, NEW)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)], top=False) as server:
        account = make_account(server, **NEW_ONLY)
        first = sync_account(account, PASSWORD, profile)
        box.add(UNDATED)
        second = sync_account(account, PASSWORD, profile)
    assert (first.error, first.downloaded, first.left_on_server) == (None, 0, 2)
    assert (second.error, second.downloaded) == (None, 1)


def test_without_capa_or_top_the_rule_still_holds(profile: Profile) -> None:
    box = _mailbox(OLD, NEW)
    server = LocalPOP3Server([ServerAccount(USER, PASSWORD, box)], capabilities=False, top=False)
    with server:
        result = sync_account(make_account(server, **NEW_ONLY), PASSWORD, profile)
    assert (result.error, result.downloaded, result.left_on_server) == (None, 0, 2)


def test_a_skipped_message_can_still_be_downloaded_on_request(profile: Profile) -> None:
    box = _mailbox(OLD, NEW)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as server:
        account = make_account(server, **SINCE, policy="delete")
        first = sync_account(account, PASSWORD, profile)
        assert (first.downloaded, first.deleted, first.left_on_server) == (1, 1, 1)
        with Database(profile.database_file) as database:
            (skipped,) = database.skipped_uid_set(account.name)
        chosen = download_selected(account, PASSWORD, profile, [skipped])
        assert (chosen.error, chosen.downloaded) == (None, 1)
        # Now popgui holds a copy, the account's policy applies to it.
        after = sync_account(account, PASSWORD, profile)
    assert (after.error, after.downloaded, after.deleted) == (None, 0, 1)
    assert len(box) == 0


def test_a_rebuilt_database_skips_again_but_keeps_what_the_maildir_holds(
    profile: Profile,
) -> None:
    """A damaged database is rebuilt from the Maildir: its new first sync leaves the old mail on
    the server again, and a message with an old Date that popgui did download (it arrived
    after the first sync) is recognised in the Maildir as delivered, not skipped, so that the
    delete policy applies to it."""
    box = _mailbox(OLD, NEW)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)]) as server:
        account = make_account(server, **SINCE)
        assert sync_account(account, PASSWORD, profile).downloaded == 1
        box.add(OLD.replace(b"old\r\n", b"old, arrived late\r\n"))
        assert sync_account(account, PASSWORD, profile).downloaded == 1
        box.add(NEW.replace(b"new\r\n", b"newer\r\n"))
        late_uid = box.uids()[2]
        profile.database_file.write_bytes(b"not a database " * 1000)
        rebuilt = sync_account(account, PASSWORD, profile)
        assert rebuilt.database_set_aside is not None
        assert (rebuilt.error, rebuilt.downloaded, rebuilt.left_on_server) == (None, 1, 1)
        with Database(profile.database_file) as database:
            assert late_uid in database.delivered_uid_set(account.name)
            assert late_uid not in database.skipped_uid_set(account.name)
        after = sync_account(replace(account, policy="delete"), PASSWORD, profile)
    assert (after.error, after.downloaded, after.deleted) == (None, 0, 3)
    assert box.messages()[0].content == OLD and len(box) == 1
