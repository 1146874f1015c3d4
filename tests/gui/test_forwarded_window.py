"""The main window with an account that delivers elsewhere (``--deliver``): Get Mail says how
many went where, the list shows them with where they are, the reading pane says so instead of
opening a file, the actions that need the file are off, and Delete only drops the line.
The destination is one written in tests/sync/test_forwarding_engine.py (the real ones:
tests/gui/test_deliver_mbox_window.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from popgui.destinations import factory
from popgui.destinations.base import Deferred, Refused
from popgui.localserver import LocalPOP3Server
from popgui.profile import Profile
from tests.gui.conftest import account_for, save_accounts
from tests.gui.test_dovecot_window import when_modal
from tests.sync.test_forwarding_engine import DELIVER, Fake

Opener = Callable[..., Any]
TIMEOUT_MS = 20_000


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fake]:
    box = Fake()
    monkeypatch.setattr(factory, "make_destination", lambda *args, **kwargs: box)
    yield box


def get_mail(qtbot: QtBot, window: Any) -> Any:
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda f: f.kind == "sync",
    ) as blocker:
        window.actions_by_name["get_mail"].trigger()
    return blocker.args[0]


def open_row(qtbot: QtBot, window: Any, row: int) -> None:
    window.message_table.selectRow(row)
    window.messages.open_selected()
    qtbot.waitUntil(lambda: window.reader._stack.currentIndex() == 1, timeout=TIMEOUT_MS)


def test_forwarded_mail_is_listed_with_where_it_went(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, fake: Fake, open_window: Opener
) -> None:
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window = open_window()

    finished = get_mail(qtbot, window)

    assert finished.error is None, finished.error
    count = len(fake.kept)
    assert count > 2
    said = window.message_bar.label.text()
    assert window.account_model.state("work").new == 0  # read where they went
    assert said == f"work: {count} messages delivered to the test box"
    qtbot.waitUntil(lambda: window.message_model.rowCount() == count, timeout=TIMEOUT_MS)
    message = window.message_model.message_at(0)
    assert message.elsewhere == "the test box"
    tip = window.message_model.data(window.message_model.index(0, 0), 3)  # ToolTipRole
    assert "Delivered to the test box" in tip

    open_row(qtbot, window, 0)
    reader = window.reader
    assert "Delivered to the test box" in reader.browser.toPlainText()
    assert reader.subject_label.text() == message.subject
    assert not reader.source_button.isVisible()
    for name in ("save_as", "view_source", "move", "mark_read", "mark_unread"):
        assert not window.actions_by_name[name].isEnabled(), name
    assert "the test box" in window.actions_by_name["save_as"].toolTip()
    window.actions_by_name["view_source"].trigger()  # nothing to open: nothing happens
    window.message_actions.view_source()
    qtbot.wait(100)
    assert window.message_bar.label.text() == said  # no error: nothing was tried
    assert not [w for w in window.findChildren(QWidget) if w.isWindow() and w.isVisible()
                and w is not window]  # fmt: skip


def test_delete_drops_the_line_only_after_saying_so(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, fake: Fake, open_window: Opener
) -> None:
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window = open_window()
    get_mail(qtbot, window)
    count = len(fake.kept)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == count, timeout=TIMEOUT_MS)
    window.message_table.selectRow(0)
    questions: list[QWidget] = []
    texts: list[str] = []

    def cancel(box: QMessageBox) -> None:
        texts.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(QMessageBox, cancel, questions)
    window.actions_by_name["delete"].trigger()
    assert "delivered to the test box" in texts[0] and "not downloaded again" in texts[0]
    qtbot.wait(200)
    assert window.message_model.rowCount() == count  # said no: nothing changed

    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Ok).click(), [])
    window.message_table.selectRow(0)
    window.actions_by_name["delete"].trigger()
    qtbot.waitUntil(lambda: window.message_model.rowCount() == count - 1, timeout=TIMEOUT_MS)
    trash = next(f for f in window.folder_model.folders() if f.special == "trash")
    assert trash.total == 0  # not moved to Trash: there was no file
    again = get_mail(qtbot, window)
    assert again.error is None and again.result.downloaded == 0  # not downloaded again
    assert len(fake.kept) == count


def test_messages_left_for_later_are_said_in_plain_words(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, fake: Fake, open_window: Opener
) -> None:
    fake.answers = {b"": Deferred("452 4.2.2 Mailbox full")}  # every message: try later
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window = open_window()

    finished = get_mail(qtbot, window)

    assert finished.error is None and finished.result.deferred
    text = window.message_bar.label.text()
    assert "could not be delivered to the test box now" in text
    assert "452 4.2.2 Mailbox full" in text and "stay on the server" in text
    assert window.message_model.rowCount() == 0


def test_actions_on_a_mixed_selection_leave_delivered_messages_alone(
    qtbot: QtBot,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    fake: Fake,
    open_window: Opener,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mail downloaded into the Maildir before a destination was chosen and mail delivered
    since share the Inbox: marking and moving act on the files only, and nothing is made of a
    destination's locator (no folder named after it appears anywhere)."""
    from popgui.gui.mainwindow import MainWindow

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # where a locator taken for a relative path would land
    local = account_for("work", pop3_server)
    save_accounts(profile, [local])
    window = open_window()
    get_mail(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() > 0, timeout=TIMEOUT_MS)
    here = window.message_model.rowCount()
    pop3_server.accounts["sam"].mailbox.add(b"Subject: sent on\r\n\r\nbody\r\n")
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window.close()
    window = open_window()
    assert isinstance(window, MainWindow)
    get_mail(qtbot, window)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == here + 1, timeout=TIMEOUT_MS)
    assert len(fake.kept) == 1

    window.message_table.selectAll()
    window.actions_by_name["mark_unread"].trigger()
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == here + 1, timeout=TIMEOUT_MS)
    rows = [window.message_model.message_at(r) for r in range(here + 1)]
    assert all(not m.read for m in rows if not m.elsewhere)
    assert [m.read for m in rows if m.elsewhere] == [True]  # read where it went

    window.message_table.selectAll()
    window.message_actions.move_messages([m.id for m in rows], "Trash")  # a drop on Trash
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.message_model.message_at(0).elsewhere == "the test box"
    assert list(cwd.iterdir()) == []


def test_a_destination_refusing_its_login_asks_for_the_account_to_be_edited(
    qtbot: QtBot,
    profile: Profile,
    pop3_server: LocalPOP3Server,
    fake: Fake,
    open_window: Opener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from popgui.catalog import destinations as says
    from popgui.destinations.base import DestinationLoginError
    from popgui.gui.scheduler import needs_attention

    def refuse() -> None:
        raise DestinationLoginError(says.PASSWORD_UNAVAILABLE(reason="wrong password"))

    monkeypatch.setattr(fake, "open", refuse)
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window = open_window()

    finished = get_mail(qtbot, window)

    assert isinstance(finished.error, DestinationLoginError)
    assert needs_attention(finished.error)  # not retried on schedule with a wrong password
    assert window.account_model.state("work").text == "destination refused login"
    buttons = [b.text() for b in window.message_bar.findChildren(QPushButton) if b.isVisible()]
    assert "Edit account…" in buttons
    assert "wrong password" in window.message_bar.label.text()


def test_refused_messages_are_an_error_of_the_account(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, fake: Fake, open_window: Opener
) -> None:
    fake.answers = {b"": Refused("550 5.7.1 message rejected")}
    save_accounts(profile, [account_for("work", pop3_server, deliver=DELIVER)])
    window = open_window()

    finished = get_mail(qtbot, window)

    assert finished.error is not None and finished.result.refused
    assert window.account_model.state("work").text == "messages refused"
    text = window.message_bar.label.text()
    assert "550 5.7.1 message rejected" in text and "stay on the server" in text
