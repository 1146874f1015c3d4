"""The engine's side of ``--deliver`` (popgui/sync/forwarding.py), with a destination written
here that can be told to refuse, defer, break down or say what landed, against the project's
own POP3 server. The real destinations against the real services are in tests/destinations/
and tests/cli/test_cli_deliver.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from popgui.destinations import factory
from popgui.destinations.base import (
    Accepted,
    Deferred,
    Destination,
    DestinationUnavailableError,
    MessagesRefusedError,
    Outcome,
    Outgoing,
    Pending,
    Receipt,
    Refused,
)
from popgui.errors import CancelledError, MigrationSuspectedError
from popgui.localserver import LocalPOP3Server, ServerMailbox
from popgui.net.cancel import CancelToken
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, make_account

DELIVER = "mbox:/nowhere/forwarding-test.mbox"  # read by the settings; the test builds the sink


@dataclass
class Fake(Destination):
    """Keeps what it is given; told what to answer."""

    batch_messages: int = 3
    kept: dict[str, bytes] = field(default_factory=dict)
    answers: dict[bytes, Outcome] = field(default_factory=dict)  # by a word of the body
    down: bool = False
    break_after: int | None = None  # accept this many messages, then the connection breaks
    asked: list[list[str]] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    cancel_after_batch: CancelToken | None = None

    def describe(self) -> str:
        return "the test box"

    def open(self) -> None:
        self.opened += 1
        if self.down:
            raise DestinationUnavailableError("the test box is down")

    def recover(self, pending: Sequence[Pending]) -> dict[str, Receipt]:
        self.asked.append([p.uid for p in pending])
        return {p.uid: self._receipt(p.uid) for p in pending if p.uid in self.kept}

    def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for message in batch:
            message.file.seek(0)
            body = message.file.read()
            assert len(body) == message.size
            answer = next((a for word, a in self.answers.items() if word in body), None)
            if answer is not None:
                outcomes.append(answer)
                continue
            if self.break_after is not None and len(self.kept) >= self.break_after:
                raise DestinationUnavailableError("the test box went away")
            self.kept[message.uid] = body
            outcomes.append(Accepted(self._receipt(message.uid)))
        if self.cancel_after_batch is not None:
            self.cancel_after_batch.cancel()
        return outcomes

    def close(self) -> None:
        self.closed += 1

    @staticmethod
    def _receipt(uid: str) -> Receipt:
        return Receipt(f"test://box/{uid}", "the test box")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fake]:
    box = Fake()
    monkeypatch.setattr(factory, "make_destination", lambda *args: box)
    yield box


def test_every_message_goes_to_the_destination_once_and_is_listed_with_where(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    account = make_account(pop3_server, deliver=DELIVER)
    result = sync_account(account, PASSWORD, profile)
    assert result.error is None
    count = len(mailbox.messages())
    assert (result.downloaded, result.forwarded, result.delivered_to) == (
        count,
        count,
        "the test box",
    )
    assert sorted(fake.kept.values()) == sorted(mailbox.contents())  # as the server sent them
    assert (fake.opened, fake.closed) == (1, 1)
    maildir = account.maildir_path(profile)
    assert not any(maildir.rglob("*/new/*")) and not any(maildir.rglob("*/cur/*"))  # unused
    assert result.paths == []
    with Database(profile.database_file) as db:
        delivered = db.delivered_uids(account.name)
        assert len(delivered) == count
        assert all(r.path.startswith("test://box/") for r in delivered.values())
        assert db.pending_deliveries(account.name) == []
        assert db.count_messages(account.name, "INBOX") == count
    again = sync_account(account, PASSWORD, profile)
    assert (again.error, again.downloaded, again.forwarded) == (None, 0, 0)
    assert len(fake.kept) == count


def test_only_what_the_destination_accepted_is_deleted_and_refusals_are_reported(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    mailbox.add(b"Subject: later\r\n\r\nDEFER me\r\n")
    mailbox.add(b"Subject: never\r\n\r\nREFUSE me\r\n")
    fake.answers = {b"DEFER": Deferred("452 mailbox full"), b"REFUSE": Refused("550 no")}
    account = make_account(pop3_server, deliver=DELIVER, policy="delete")
    result = sync_account(account, PASSWORD, profile)
    assert isinstance(result.error, MessagesRefusedError)
    assert "refused 1 message" in str(result.error) and "550 no" in str(result.error)
    assert len(result.deferred) == 1 and "452 mailbox full" in result.deferred[0]
    left = mailbox.contents()
    assert sorted(left) == sorted([b"Subject: later\r\n\r\nDEFER me\r\n",
                                   b"Subject: never\r\n\r\nREFUSE me\r\n"])  # fmt: skip
    fake.answers = {b"REFUSE": Refused("550 no")}  # the box has room again
    later = sync_account(account, PASSWORD, profile)
    assert later.forwarded == 1 and isinstance(later.error, MessagesRefusedError)
    assert mailbox.contents() == [b"Subject: never\r\n\r\nREFUSE me\r\n"]


def test_a_destination_that_is_down_stops_the_sync_before_anything_is_downloaded(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    fake.down = True
    before = mailbox.contents()
    account = make_account(pop3_server, deliver=DELIVER, policy="delete")
    result = sync_account(account, PASSWORD, profile)
    assert isinstance(result.error, DestinationUnavailableError)
    assert (result.downloaded, result.deleted) == (0, 0)
    assert mailbox.contents() == before
    assert fake.closed == 1


def test_a_break_mid_batch_deletes_nothing_and_the_next_run_asks_what_landed(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    count = len(mailbox.messages())
    assert count >= 5
    fake.break_after = 4  # the second batch (of 3) breaks after its first message
    account = make_account(pop3_server, deliver=DELIVER, policy="delete")
    result = sync_account(account, PASSWORD, profile)
    assert isinstance(result.error, DestinationUnavailableError)
    assert result.deleted == 0 and len(mailbox.messages()) == count
    with Database(profile.database_file) as db:
        assert len(db.delivered_uids(account.name)) == 3  # the first batch was recorded
        pending = [p.uid for p in db.pending_deliveries(account.name)]
    assert len(pending) == 3 and len(fake.kept) == 4  # one of them landed unrecorded

    fake.break_after = None
    again = sync_account(account, PASSWORD, profile)
    assert again.error is None
    assert fake.asked == [pending]  # asked about exactly the pending ones
    assert again.recovered == 1 and again.forwarded == count - 4
    assert len(fake.kept) == count  # each exactly once
    assert mailbox.messages() == []  # all delivered, so all deleted


def test_pending_rows_of_another_destination_are_not_asked_about(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    fake.break_after = 1
    account = make_account(pop3_server, deliver=DELIVER)
    sync_account(account, PASSWORD, profile)
    fake.break_after = None
    moved: Any = make_account(pop3_server, deliver="mbox:/elsewhere/other.mbox")
    result = sync_account(moved, PASSWORD, profile)
    assert result.error is None and fake.asked == []
    with Database(profile.database_file) as db:
        assert db.pending_deliveries(account.name) == []


def test_a_cancel_mid_download_hands_nothing_more_over_and_deletes_nothing(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    cancel = CancelToken()
    fake.cancel_after_batch = cancel  # the person presses Stop while the first batch goes
    account = make_account(pop3_server, deliver=DELIVER, policy="delete")
    count = len(mailbox.messages())
    result = sync_account(account, PASSWORD, profile, options=ConnectOptions(cancel=cancel))
    assert isinstance(result.error, CancelledError)
    assert len(fake.kept) == fake.batch_messages  # the first batch only
    assert len(mailbox.messages()) == count  # nothing deleted
    with Database(profile.database_file) as db:
        assert len(db.delivered_uids(account.name)) == fake.batch_messages  # it was recorded
        assert db.pending_deliveries(account.name) == []  # nothing else was about to go
    assert fake.closed == 1


def test_a_renumbered_server_accepted_recognises_what_went_to_the_destination(
    pop3_server: LocalPOP3Server, profile: Profile, mailbox: ServerMailbox, fake: Fake
) -> None:
    """The migration guard recognises mail delivered elsewhere by its index row (it has no
    file here): accepting the new UIDLs delivers nothing a second time."""
    account = make_account(pop3_server, deliver=DELIVER)
    first = sync_account(account, PASSWORD, profile)
    count = first.forwarded
    assert first.error is None and count == len(mailbox.messages()) >= 3
    contents = mailbox.contents()
    mailbox.clear()
    for index, content in enumerate(contents):  # a server migration: every UIDL new
        mailbox.add(content, uid=f"migrated-{index}")

    stopped = sync_account(account, PASSWORD, profile)
    assert isinstance(stopped.error, MigrationSuspectedError)
    accepted = sync_account(account, PASSWORD, profile, accept_new_uidls=True)
    assert (accepted.error, accepted.recovered, accepted.forwarded) == (None, count, 0)
    assert len(fake.kept) == count  # nothing delivered twice
