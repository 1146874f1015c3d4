"""After the first Get Mail of an account added with "only new mail from now on", the window
says how many older messages it left on the server: an empty Inbox is no riddle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pytestqt.qtbot import QtBot

from popgui.localserver import LocalPOP3Server
from popgui.profile import Profile
from tests.gui.conftest import account_for, save_accounts
from tests.gui.test_forwarded_window import get_mail

Opener = Callable[..., Any]


def test_the_first_sync_says_how_many_older_messages_it_left(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    account = account_for("work", pop3_server, first_sync="new", first_sync_since=now)
    save_accounts(profile, [account])
    window = open_window()

    finished = get_mail(qtbot, window)

    left = finished.result.left_on_server
    assert finished.error is None and left > 0
    text = window.message_bar.label.text()
    assert text == f"work: {left} older messages left on the server, as asked", text
