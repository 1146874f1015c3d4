"""The account line's "n new" follows reading: it counts what the last check brought and is
still unread, and goes back to the plain account line once all of it is read.

Why this and not "24 new since last check": the line is where a person looks for mail to
read; a count that stays after every message was read sends them looking for nothing. The
folders pane already counts all unread mail; the account line counts the new arrivals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from popgui.localserver import LocalPOP3Server, sample_messages
from popgui.profile import Profile
from tests.gui.conftest import account_for, save_accounts

Opener = Callable[..., Any]
SYNC_TIMEOUT_MS = 30_000


def account_line(window: Any) -> str:
    text: str = window.account_model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    return text.split("\n", 1)[1]


def test_new_count_goes_down_as_the_new_messages_are_read(
    qtbot: QtBot, profile: Profile, pop3_server: LocalPOP3Server, open_window: Opener
) -> None:
    count = len(sample_messages())
    save_accounts(profile, [account_for("home", pop3_server)])
    window = open_window()
    qtbot.keyClick(window.message_table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == count, timeout=SYNC_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_busy("home"), timeout=SYNC_TIMEOUT_MS)
    assert account_line(window) == f"{count} new"

    window.message_table.selectRow(0)  # opens the first one: it is read
    qtbot.waitUntil(lambda: account_line(window) == f"{count - 1} new", timeout=5000)

    window.message_table.selectAll()
    window.actions_by_name["mark_read"].trigger()
    plain = f"POP3 · {pop3_server.host}"
    qtbot.waitUntil(lambda: account_line(window) == plain, timeout=5000)
    assert window.account_model.shown_state("home").kind == "idle"  # the plain icon too

    window.message_table.selectRow(1)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)
    window.actions_by_name["mark_unread"].trigger()
    qtbot.waitUntil(lambda: account_line(window) == "1 new", timeout=5000)

    # The next check brings nothing: that is what the line says, whatever was read before.
    qtbot.keyClick(window.message_table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: account_line(window) == "no new mail", timeout=SYNC_TIMEOUT_MS)
