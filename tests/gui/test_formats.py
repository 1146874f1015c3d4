"""One format for dates and sizes, and one definition of a message's size, in every pane.

A message's size is its size as mailed: its octets with CRLF line ends, which is what a POP3
server's LIST reports (RFC 1939) and what the message list shows for the stored copy (stored
with LF line ends, so the index counts each line end as two octets). Sizes are written in
powers of 1024 with "KB"/"MB" (French "Ko"/"Mo"), bytes as "B" (French "o"), everywhere.
Dates are relative in the lists (the time today, day and month this year, else the date).
"""

from __future__ import annotations

import base64
import email.utils
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from popgui.gui import i18n
from popgui.gui.models import COL_DATE, COL_SIZE, COL_SUBJECT
from popgui.gui.onserver import ServerMessageModel
from popgui.gui.statusprogress import describe_progress
from popgui.gui.worker import AccountProgress
from popgui.localserver import LocalPOP3Server, ServerAccount
from popgui.profile import Profile
from tests.gui.conftest import MAIL_PASSWORD, MAIL_USER, account_for, mailbox_of, save_accounts
from tests.gui.test_dovecot_window import (
    dovecot_account,
    open_on_server,
    press_f5,
    wait_for_rows,
)
from tests.support.dovecot import DovecotServer, MailUser

Opener = Callable[..., Any]
SYNC_TIMEOUT_MS = 30_000


# -- messages whose two sizes (LF stored, CRLF listed) fall on either side of a unit -----------


def _this_year_not_today() -> datetime:
    now = datetime.now()
    day = datetime(now.year, 1, 1, 23, 55)
    return day if day.date() != now.date() else day + timedelta(days=1)


def _date_header(when: datetime) -> str:
    return email.utils.format_datetime(when.astimezone())


def _message(subject: str, when: datetime, body: bytes) -> bytes:
    head = (
        f"From: Alice Martin <alice@example.org>\nTo: sam@example.org\nSubject: {subject}\n"
        f"Date: {_date_header(when)}\nMessage-ID: <{subject.replace(' ', '.')}@example.org>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"
    ).encode()
    return head + body


def _short_lines_to(total: int, subject: str, when: datetime) -> bytes:
    """A message of exactly ``total`` bytes with LF line ends (many short lines)."""
    message = _message(subject, when, b"")
    line = b"short line of text\n"
    while len(message) + len(line) <= total:
        message += line
    return message + b"x" * (total - len(message) - 1) + b"\n"


def _big(subject: str, when: datetime) -> bytes:
    """About 520 KB stored, 7 KB more as mailed: base64 lines of 76 characters."""
    data = base64.encodebytes(random.Random(7).randbytes(390_000))  # lines of 76 + LF
    return _message(subject, when, data)


def size_messages() -> list[bytes]:
    this_year = _this_year_not_today()
    other_year = datetime(datetime.now().year - 1, 12, 5, 23, 55)
    return [
        # 1004 bytes stored, over 1024 as mailed: "1004 B" against "1 KB" before.
        _short_lines_to(1004, "small one", this_year),
        _big("big one", other_year),
        _short_lines_to(525, "tiny one", datetime.now().replace(hour=0, minute=1)),
    ]


# -- reading both panes ----------------------------------------------------------------------


def list_cells(window: Any) -> dict[str, tuple[str, str]]:
    model = window.message_model
    return {
        model.index(row, COL_SUBJECT).data(): (
            model.index(row, COL_DATE).data(),
            model.index(row, COL_SIZE).data(),
        )
        for row in range(model.rowCount())
    }


def on_server_cells(view: Any) -> dict[str, tuple[str, str]]:
    model = view.model
    return {
        model.index(row, ServerMessageModel.SUBJECT).data(): (
            model.index(row, ServerMessageModel.DATE).data(),
            model.index(row, ServerMessageModel.SIZE).data(),
        )
        for row in range(model.rowCount())
    }


def assert_panes_agree(window: Any, view: Any, listed_sizes: dict[str, int]) -> None:
    in_list, on_server = list_cells(window), on_server_cells(view)
    assert set(in_list) == set(on_server) == set(listed_sizes)
    assert in_list == on_server
    for subject, size in listed_sizes.items():
        # The server's own count, written by the one formatter, is what both panes show.
        assert in_list[subject][1] == i18n.format_size(size), subject


# -- the real Dovecot -------------------------------------------------------------------------


def test_list_and_on_server_agree_for_mail_from_dovecot(
    qtbot: QtBot,
    dovecot: DovecotServer,
    dovecot_user: MailUser,
    profile: Profile,
    open_window: Opener,
) -> None:
    messages = size_messages()
    for content in messages:
        dovecot.deliver(dovecot_user.name, content)  # LF line ends, as Dovecot stores mail
    save_accounts(profile, [dovecot_account(dovecot, dovecot_user)])
    window = open_window()
    press_f5(qtbot, window)
    wait_for_rows(qtbot, window, len(messages))
    view = open_on_server(qtbot, window)
    # Dovecot lists each message with CRLF line ends: one more octet per line.
    listed = {
        subject: len(content) + content.count(b"\n")
        for subject, content in zip(["small one", "big one", "tiny one"], messages, strict=True)
    }
    assert {item.subject: item.size for item in view.model.items()} == listed
    assert_panes_agree(window, view, listed)
    cells = list_cells(window)
    assert cells["small one"][1] == "1 KB"  # 1004 bytes stored, 1025 + as mailed
    assert cells["big one"][1] == "521 KB"  # 515 KB stored
    year = str(datetime.now().year - 1)
    assert year in cells["big one"][0] and "Dec" in cells["big one"][0]
    assert str(datetime.now().year) not in cells["small one"][0]  # this year: no year
    assert cells["tiny one"][0] == "00:01"  # today: the time


# -- our local server, in English and in French ----------------------------------------------


@pytest.fixture
def size_server() -> Iterator[LocalPOP3Server]:
    account = ServerAccount(MAIL_USER, MAIL_PASSWORD, mailbox_of(size_messages()))
    with LocalPOP3Server([account]) as server:
        yield server


def _get_mail_and_open_on_server(
    qtbot: QtBot, profile: Profile, server: LocalPOP3Server, open_window: Opener
) -> tuple[Any, Any, dict[str, int]]:
    save_accounts(profile, [account_for("home", server)])
    window = open_window()
    press_f5(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 3, timeout=SYNC_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_busy("home"), timeout=SYNC_TIMEOUT_MS)
    view = open_on_server(qtbot, window)
    subjects = ["small one", "big one", "tiny one"]
    sizes = [message.size for message in server.accounts[MAIL_USER].mailbox.messages()]
    return window, view, dict(zip(subjects, sizes, strict=True))


def test_list_and_on_server_agree_for_mail_from_the_local_server(
    qtbot: QtBot, profile: Profile, size_server: LocalPOP3Server, open_window: Opener
) -> None:
    window, view, listed = _get_mail_and_open_on_server(qtbot, profile, size_server, open_window)
    assert_panes_agree(window, view, listed)
    assert list_cells(window)["small one"][1] == "1 KB"


def test_list_and_on_server_agree_in_french(
    qtbot: QtBot,
    profile: Profile,
    size_server: LocalPOP3Server,
    open_window: Opener,
    french: None,
) -> None:
    window, view, listed = _get_mail_and_open_on_server(qtbot, profile, size_server, open_window)
    assert_panes_agree(window, view, listed)
    cells = list_cells(window)
    assert cells["small one"][1] == "1 Ko"
    assert cells["big one"][1] == "521 Ko"
    assert "déc." in cells["big one"][0]


# -- the formatter ----------------------------------------------------------------------------


def test_one_size_format_everywhere() -> None:
    english = QLocale("en_US")
    assert i18n.format_size(0, english) == "0 B"
    assert i18n.format_size(525, english) == "525 B"
    assert i18n.format_size(1023, english) == "1,023 B"
    assert i18n.format_size(1024, english) == "1 KB"
    assert i18n.format_size(int(2.5 * 1024 * 1024), english) == "2.5 MB"
    assert i18n.format_size(3 * 1024**3, english) == "3.0 GB"
    # The status bar and the attachments go through the same formatter.
    progress = AccountProgress("home", "downloading", 1, 2, 525, 1050, 0.0)
    assert describe_progress(progress) == "home: 1/2 messages · 525 B"


def test_one_size_format_in_french(french: None) -> None:
    assert i18n.format_size(525) == "525 o"
    assert i18n.format_size(1) == "1 o"
    assert i18n.format_size(12 * 1024) == "12 Ko"
    assert i18n.format_size(int(2.5 * 1024 * 1024)) == "2,5 Mo"


def test_list_dates_are_relative_to_today() -> None:
    english = QLocale("en_GB")
    now = datetime(2026, 12, 6, 9, 30)

    def auto(when: datetime) -> str:
        return i18n.format_datetime(when, english, kind="auto", now=now)

    assert auto(datetime(2026, 12, 6, 8, 5)) == "08:05"
    assert auto(datetime(2026, 12, 5, 23, 55)) == "5 Dec 23:55"
    assert auto(datetime(2025, 12, 5, 23, 55)) == "5 Dec 2025"


def test_list_dates_in_french(french: None) -> None:
    now = datetime(2026, 12, 6, 9, 30)
    assert i18n.format_datetime(datetime(2026, 12, 5, 23, 55), kind="auto", now=now) == (
        "5 déc. 23:55"
    )
    assert i18n.format_datetime(datetime(2025, 3, 14, 10, 5), kind="auto", now=now) == (
        "14 mars 2025"
    )


def test_attachment_sizes_use_the_same_format(qtbot: QtBot, tmp_path: Any) -> None:
    from popgui.gui.reader import ReaderPane

    content = (
        b"From: a@example.org\nSubject: with a file\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n'
        b"--b\nContent-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="notes.bin"\n'
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(b"z" * 462) + b"--b--\n"
    )
    path = tmp_path / "message"
    path.write_bytes(content)
    pane = ReaderPane()
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.shown, timeout=5000):
        pane.show_file(path, "with a file")
    items = [pane.attachment_list.item(row) for row in range(pane.attachment_list.count())]
    texts = [item.text() for item in items]
    assert texts == ["notes.bin (462 B)"]
