"""Each threshold of the migration guard, from both sides, against a real Dovecot.

The guard (popgui/sync/migration.py) trips when at least ``MIN_PREVIOUS`` UIDLs were seen
last time, at least ``VANISHED_SHARE`` of them vanished, and the unknown ones number at least
``UNKNOWN_SHARE`` of the vanished. Each test syncs a mailbox once, changes it on the server,
and syncs again: one side of a boundary stops the sync before anything is downloaded, the
other goes on (downloading the renumbered messages again: below the thresholds a renumbering
cannot be told from ordinary churn). Dovecot renumbers for real: every message when the
user's ``pop3_uidl_format`` switches to the file names, some when their files are renamed.
"""

from __future__ import annotations

import math

import pytest

from popgui.errors import MigrationSuspectedError
from popgui.profile import Profile
from popgui.sync.migration import MIN_PREVIOUS, UNKNOWN_SHARE, VANISHED_SHARE
from popgui.sync.progress import SyncResult
from tests.support.dovecot import DovecotServer, MailUser

from .guard_support import (
    FILE_NAMES,
    delete_on_server,
    dovecot_account,
    message,
    rename_on_server,
    stored,
    sync,
)

pytestmark = pytest.mark.dovecot


def test_the_thresholds_are_the_documented_ones() -> None:
    """The tests below follow the constants; this one pins them to what the documentation
    promises (docs/internals.md, "Guards on the way": at least 5 seen, at least half of them
    vanished, unknown ones at least 80% of the vanished), so a change is made on purpose."""
    assert (MIN_PREVIOUS, VANISHED_SHARE, UNKNOWN_SHARE) == (5, 0.5, 0.8)


#: How many messages the share tests start with, and the boundaries of the shares for it:
#: at least 5 of the 10 must vanish, and at least 8 unknown ones appear if all 10 vanished.
MAILBOX = 10
VANISHED_AT = math.ceil(VANISHED_SHARE * MAILBOX)
UNKNOWN_AT = math.ceil(UNKNOWN_SHARE * MAILBOX)


def first_sync(dovecot: DovecotServer, user: MailUser, profile: Profile, count: int) -> list[bytes]:
    messages = [message(index) for index in range(count)]
    for content in messages:
        dovecot.deliver(user.name, content)
    result = sync(dovecot_account(dovecot, user), user.password, profile)
    assert (result.error, result.downloaded) == (None, count)
    return messages


def assert_tripped(result: SyncResult, previous: int, vanished: int, unknown: int) -> None:
    error = result.error
    assert isinstance(error, MigrationSuspectedError), error
    assert (error.previously_seen, error.vanished, error.unknown) == (previous, vanished, unknown)
    assert (result.downloaded, result.deleted) == (0, 0)


@pytest.mark.parametrize("count", [MIN_PREVIOUS - 1, MIN_PREVIOUS])
def test_min_previous(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile, count: int
) -> None:
    """Every message renumbered: too few known ones to tell, then a migration."""
    messages = first_sync(dovecot, dovecot_user, profile, count)
    dovecot.set_uidl_format(dovecot_user.name, FILE_NAMES)
    account = dovecot_account(dovecot, dovecot_user)
    result = sync(account, dovecot_user.password, profile)
    if count < MIN_PREVIOUS:
        assert (result.error, result.downloaded) == (None, count)
        assert stored(profile, account) == sorted(messages * 2)
    else:
        assert_tripped(result, count, count, count)
        assert stored(profile, account) == sorted(messages)


@pytest.mark.parametrize("renamed", [VANISHED_AT - 1, VANISHED_AT])
def test_vanished_share(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile, renamed: int
) -> None:
    """Some messages renumbered, the others listed as before: a minority is churn."""
    messages = first_sync(dovecot, dovecot_user, profile, MAILBOX)
    rename_on_server(dovecot, dovecot_user, renamed)
    account = dovecot_account(dovecot, dovecot_user)
    result = sync(account, dovecot_user.password, profile)
    if renamed < VANISHED_AT:
        assert (result.error, result.downloaded) == (None, renamed)
        assert stored(profile, account) == sorted(messages + messages[:renamed])
    else:
        assert_tripped(result, MAILBOX, renamed, renamed)
        assert stored(profile, account) == sorted(messages)


@pytest.mark.parametrize("deleted", [MAILBOX - UNKNOWN_AT + 1, MAILBOX - UNKNOWN_AT])
def test_unknown_share(
    dovecot: DovecotServer, dovecot_user: MailUser, profile: Profile, deleted: int
) -> None:
    """Every message renumbered and some deleted too: the unknown ones must still number
    UNKNOWN_SHARE of the vanished for a migration."""
    messages = first_sync(dovecot, dovecot_user, profile, MAILBOX)
    dovecot.set_uidl_format(dovecot_user.name, FILE_NAMES)
    delete_on_server(dovecot, dovecot_user, deleted)
    account = dovecot_account(dovecot, dovecot_user)
    result = sync(account, dovecot_user.password, profile)
    unknown = MAILBOX - deleted
    if unknown < UNKNOWN_AT:
        assert (result.error, result.downloaded) == (None, unknown)
        assert stored(profile, account) == sorted(messages + messages[:unknown])
    else:
        assert_tripped(result, MAILBOX, MAILBOX, unknown)
        assert stored(profile, account) == sorted(messages)
