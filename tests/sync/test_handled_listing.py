"""The no-op fast path (popgui/sync/handled.py): a listing the last sync handled completely
ends the session after UIDL; anything that leaves work for a sync takes the full path."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from popgui.accounts.settings import Account
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import INBOX, LocalMail
from popgui.sync.engine import sync_account
from popgui.sync.progress import SyncResult

from .conftest import PASSWORD, USER, make_account


def traced_sync(account: Account, profile: Profile) -> tuple[SyncResult, list[str]]:
    """A sync and the commands the client sent (keywords only)."""
    lines: list[str] = []
    options = ConnectOptions(trace=lines.append)
    result = sync_account(account, PASSWORD, profile, options=options)
    sent = [line[3:].split()[0] for line in lines if line.startswith("C: ") and len(line) > 3]
    return result, sent


def handled(profile: Profile, account: str) -> tuple[str, float | None] | None:
    with Database(profile.database_file) as db:
        return db.handled_listing(account)


def test_a_second_sync_with_nothing_new_stops_after_uidl(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    first, first_sent = traced_sync(account, profile)
    assert first.error is None and first.downloaded == len(mailbox.messages())
    assert "LIST" in first_sent and handled(profile, account.name) is not None
    second, sent = traced_sync(account, profile)
    assert (second.error, second.downloaded, second.deleted) == (None, 0, 0)
    assert "UIDL" in sent and "LIST" not in sent and "RETR" not in sent
    assert sent[-1] == "QUIT"


def test_new_mail_after_a_handled_listing_is_downloaded(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server)
    assert sync_account(account, PASSWORD, profile).error is None
    before = handled(profile, account.name)
    mailbox.add(b"Subject: new\r\n\r\nnew mail\r\n")
    result, sent = traced_sync(account, profile)
    assert (result.error, result.downloaded) == (None, 1)
    assert "LIST" in sent and "RETR" in sent
    after = handled(profile, account.name)
    assert after is not None and before is not None and after[0] != before[0]
    assert traced_sync(account, profile)[0].downloaded == 0


def test_a_refused_message_is_tried_again_at_the_next_sync(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    faults = Faults(err_on_command={"RETR 2": "message locked, try later"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server)
        first = sync_account(account, PASSWORD, profile)
        assert first.error is None and first.skipped
        assert handled(profile, account.name) is None
        faults.err_on_command.clear()
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded) == (None, 1)
        assert handled(profile, account.name) is not None


def test_a_refused_deletion_is_tried_again_at_the_next_sync(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    faults = Faults(err_on_command={"DELE": "not now"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server, policy="delete")
        count = len(mailbox.messages())
        first = sync_account(account, PASSWORD, profile)
        assert (first.error, first.deleted) == (None, 0)
        assert handled(profile, account.name) is None
        faults.err_on_command.clear()
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded, second.deleted) == (None, 0, count)
        assert mailbox.messages() == []
        # the emptied mailbox is a handled listing too
        third = sync_account(account, PASSWORD, profile)
        assert (third.error, third.deleted) == (None, 0)
        assert handled(profile, account.name) is not None
        assert "LIST" not in traced_sync(account, profile)[1]


def test_moving_mail_to_trash_forgets_the_handled_listing(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox
) -> None:
    account = make_account(pop3_server, delete_when_deleted_locally=True)
    assert sync_account(account, PASSWORD, profile).error is None
    assert handled(profile, account.name) is not None
    with Database(profile.database_file) as db:
        mail = LocalMail(profile, db)
        mail.trash([mail.page(account.name, INBOX, limit=1)[0].id])
        assert db.handled_listing(account.name) is None
    result = sync_account(account, PASSWORD, profile)
    assert (result.error, result.deleted) == (None, 1)


def test_changed_settings_take_the_full_path(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, tmp_path: Path
) -> None:
    account = make_account(pop3_server)
    assert sync_account(account, PASSWORD, profile).error is None
    moved = replace(account, maildir=str(tmp_path / "elsewhere"))
    result, sent = traced_sync(moved, profile)
    assert result.error is None and "LIST" in sent


def test_an_interrupted_delivery_forgets_the_handled_listing(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    """A kill between linking files and recording them leaves work for recovery: the next
    sync must not take the fast path, even if the listing looks handled."""
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as server:
        account = make_account(server)
        assert sync_account(account, PASSWORD, profile).error is None
        mailbox.add(b"Subject: more\r\n\r\nmore\r\n")
    faults = Faults(drop_after_retr=1)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        dropped = sync_account(make_account(server), PASSWORD, profile)
        assert dropped.error is not None
        assert handled(profile, account.name) is None


def test_servers_without_uidl_never_take_the_fast_path(
    mailbox: ServerMailbox, profile: Profile
) -> None:
    faults = Faults(err_on_command={"UIDL": "not supported"})
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as server:
        account = make_account(server)
        assert sync_account(account, PASSWORD, profile).error is None
        assert handled(profile, account.name) is None
        second = sync_account(account, PASSWORD, profile)
        assert (second.error, second.downloaded) == (None, 0)


@pytest.mark.parametrize("policy", ["keep", "delete-after-days"])
def test_the_digest_covers_the_policy(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, policy: str
) -> None:
    account = make_account(pop3_server, policy=policy, delete_after_days=30)
    assert sync_account(account, PASSWORD, profile).error is None
    stored = handled(profile, account.name)
    assert stored is not None
    assert (stored[1] is None) is (policy == "keep")  # delete-after-days: valid until due
    changed = replace(account, policy="delete")
    count = len(mailbox.messages())
    result = sync_account(changed, PASSWORD, profile)
    assert result.deleted == count


@pytest.mark.parametrize("count", [0, 1, 2047, 2048, 2049, 5000])
def test_the_digest_of_a_listing_fed_in_slices_is_that_of_the_whole_listing(
    count: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """listing_digest hashes ``b"\\n".join(lines)`` slice by slice (no megabyte-sized join at
    the end of a no-op sync): the result must not depend on where the slices fall."""
    from types import SimpleNamespace
    from typing import cast

    from popgui.sync import handled
    from popgui.sync.context import SyncContext

    account = SimpleNamespace(
        protocol="pop3", host="h", effective_port=110, user="u", policy="keep",
        delete_after_days=None, deliver=None,
    )  # fmt: skip
    ctx = cast(
        SyncContext,
        SimpleNamespace(account=account, maildir=SimpleNamespace(path=tmp_path),
                        deletes_locally_deleted=False),
    )  # fmt: skip
    lines = tuple(f"{n} uid-{n:06d}".encode() for n in range(1, count + 1))
    sliced = handled.listing_digest(ctx, lines)
    monkeypatch.setattr(handled, "_SLICE", count + 1)  # one join of everything
    assert sliced == handled.listing_digest(ctx, lines)
    other = (*lines[:-1], b"x") if lines else (b"x",)
    assert handled.listing_digest(ctx, other) != sliced
