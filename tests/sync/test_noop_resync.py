"""What a sync that finds nothing new does (and does not do): no Maildir listing, no rewrite
of the server snapshot, LIST and UIDL in one round trip, membership-only UIDL sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from popgui.errors import RemoteProtocolError
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.pop3client import parse_list, parse_uidl
from popgui.profile import Profile
from popgui.store.database import Database, DeliveredRecord
from popgui.store.maildir import Maildir
from popgui.sync.engine import sync_account

from .conftest import PASSWORD, USER, make_account


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "db.sqlite3")
    yield database  # type: ignore[misc]
    database.close()


def test_delivered_uid_set_matches_the_records(db: Database) -> None:
    records = [DeliveredRecord(uid, "0" * 32, 1, 1.0, "/x") for uid in ("a", "b", "ü")]
    db.record_delivered("work", records)
    db.record_delivered("home", [DeliveredRecord("z", "0" * 32, 1, 1.0, "/x")])
    db.mark_deleted_on_server("work", ["b"])
    assert db.delivered_uid_set("work") == set(db.delivered_uids("work")) == {"a", "b", "ü"}
    assert db.delivered_and_deleted_uids("work") == ({"a", "b", "ü"}, {"b"})
    assert db.delivered_uid_set("nobody") == set()


def test_unchanged_server_snapshot_is_not_rewritten(db: Database) -> None:
    db.replace_server_seen("work", ["a", "b"], now=1.0)
    before = db.conn.total_changes
    db.replace_server_seen("work", ["b", "a", "a"], now=2.0)
    assert db.conn.total_changes == before
    db.replace_server_seen("work", ["b", "c"], now=3.0)
    assert db.conn.total_changes == before + 2  # one row removed, one added
    assert db.server_seen("work") == {"b", "c"}
    rows = dict(db.conn.execute("SELECT uid, last_seen FROM server_seen").fetchall())
    assert rows == {"b": 1.0, "c": 3.0}


def test_noop_sync_does_not_list_the_maildir(
    monkeypatch: pytest.MonkeyPatch,
    pop3_server: LocalPOP3Server,
    profile: Profile,
    mailbox: ServerMailbox,
) -> None:
    account = make_account(pop3_server)
    first = sync_account(account, PASSWORD, profile)
    assert first.error is None and first.downloaded == len(mailbox.messages())

    def refuse(self: Maildir) -> None:
        raise AssertionError("the Maildir was listed although nothing is new")

    monkeypatch.setattr(Maildir, "token_paths", refuse)
    monkeypatch.setattr(Maildir, "tokens", refuse)
    again = sync_account(account, PASSWORD, profile)
    assert (again.error, again.downloaded, again.recovered) == (None, 0, 0)


@pytest.mark.parametrize("pipelining", [True, False])
def test_resync_with_and_without_pipelined_listing(
    mailbox: ServerMailbox, profile: Profile, pipelining: bool
) -> None:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], pipelining=pipelining) as srv:
        account = make_account(srv)
        first = sync_account(account, PASSWORD, profile)
        mailbox.add(b"Subject: fresh\r\n\r\nnew\r\n")
        second = sync_account(account, PASSWORD, profile)
    assert (first.error, second.error, second.downloaded) == (None, None, 1)


def test_scan_listing_fast_path_agrees_with_the_rules() -> None:
    assert parse_uidl([b"1 abc", b"002 x-y", b"3 z extra words", b"  4\tq"]) == {
        1: "abc",
        2: "x-y",
        3: "z",
        4: "q",
    }
    assert parse_list([b"1 120", b"2 0 more"]) == {1: 120, 2: 0}
    for bad in ([b"1"], [b"x abc"], [b"0 abc"], [b"1 a", b"1 b"], [b"1 a", b"2 a"]):
        with pytest.raises(RemoteProtocolError):
            parse_uidl(bad)
    for bad_uid in (b"\x7f", "é".encode(), b"a" * 71):
        with pytest.raises(RemoteProtocolError):
            parse_uidl([b"1 " + bad_uid])
    with pytest.raises(RemoteProtocolError):
        parse_list([b"1 12x"])
    with pytest.raises(RemoteProtocolError):
        parse_list([b"1 " + b"9" * 19])
