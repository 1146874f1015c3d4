"""The message list (header index) and the On-server preview decode headers with the same
decoder, so a subject reads the same in both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.sync.engine import sync_account
from popgui.sync.preview import preview_account

from .conftest import PASSWORD, USER, make_account

RAW_8BIT = b"From: a@example.org\r\nSubject: caf\xe9 cr\xe8me\r\n\r\nbody\r\n"
ENCODED = (
    b"From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\r\n"
    b"Subject: =?iso-8859-1?q?caf=E9?= =?utf-8?b?w6AgbGFpdA==?=\r\n"
    b"Date: Thu, 26 Nov 2026 10:00:00 +0100\r\n"
    b"\r\n"
    b"body\r\n"
)


@pytest.fixture
def server() -> Iterator[LocalPOP3Server]:
    mailbox = ServerMailbox()
    mailbox.add(RAW_8BIT)
    mailbox.add(ENCODED)
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)]) as pop3:
        yield pop3


def test_preview_and_index_show_the_same_text(server: LocalPOP3Server, profile: Profile) -> None:
    account = make_account(server)
    preview = preview_account(account, PASSWORD, profile)
    assert [item.subject for item in preview] == ["café crème", "caféà lait"]
    assert [item.sender for item in preview] == ["a@example.org", "René <rene@example.org>"]
    sent = datetime(2026, 11, 26, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert preview[1].date == sent
    assert preview[1].date is not None and preview[1].date.utcoffset() == timedelta(hours=1)
    assert preview[0].date is None

    assert sync_account(account, PASSWORD, profile).error is None
    with Database(profile.database_file) as db:
        rows = db.conn.execute("SELECT subject, from_addr, date FROM messages").fetchall()
    assert sorted(rows, key=lambda row: row[0]) == [
        ("café crème", "a@example.org", None),
        ("caféà lait", "René <rene@example.org>", sent.astimezone(UTC).timestamp()),
    ]
