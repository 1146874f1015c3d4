"""Small things a person meets: what an empty list and an empty message say, which way the
Date column's sort arrow points, and the demo's notice once the sample mail is in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QStyleOptionHeader
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.cli.demo_cmd import demo_accounts, demo_servers, save_demo_accounts
from popgui.gui.app import create_window
from popgui.gui.models import COL_DATE
from popgui.gui.onserver import ServerMessageModel
from popgui.localserver import DemoServers
from popgui.profile import Profile
from tests.gui.test_mainwindow import open_row, row_about, select_folder

Opener = Callable[..., Any]
Arrow = QStyleOptionHeader.SortIndicator


def arrow(header: QHeaderView, column: int) -> Arrow:
    """The arrow the header draws over ``column`` (the option its paintSection uses)."""
    option = QStyleOptionHeader()
    header.initStyleOptionForIndex(option, column)
    return option.sortIndicator


# -- empty states ------------------------------------------------------------------------------


def test_an_empty_list_says_why(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    table = window.message_table
    assert window.message_model.rowCount() == 24
    qtbot.keyClicks(window.filter_field, "xyz")
    model = window.message_model  # the filtered rows read (none), not the list emptied before
    qtbot.waitUntil(lambda: model.filter_text == "xyz" and model.query() is not None, timeout=3000)
    assert window.message_model.rowCount() == 0
    assert table.placeholder() == "No messages match “xyz”"
    window.filter_field.clear()
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=3000)
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        select_folder(window, "Trash")
    assert window.message_model.rowCount() == 0
    assert table.placeholder() == "This folder is empty"


def test_a_message_without_text_says_so(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    open_row(qtbot, window, row_about(window, "(no text) lunch?"))
    browser = window.reader.browser
    assert browser.toPlainText() == ""
    assert browser.placeholderText() == "This message has no text."


# -- the sort arrow -----------------------------------------------------------------------------


def test_newest_first_shows_the_descending_arrow(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    header = window.message_table.horizontalHeader()
    assert header.sortIndicatorSection() == COL_DATE
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # newest first
    assert arrow(header, COL_DATE) == Arrow.SortDown  # ▼, as the desktops draw descending
    x = header.sectionViewportPosition(COL_DATE) + header.sectionSize(COL_DATE) // 2
    with qtbot.waitSignal(window.messages.shown, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert arrow(header, COL_DATE) == Arrow.SortUp  # ▲ oldest first
    dates = [window.message_model.message_at(r).date for r in range(24)]
    assert dates == sorted(dates)
    # What is saved is the order itself: the next window sorts and draws the same.
    window.save_layout()
    window.close()
    again = open_window()
    header = again.message_table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert again.message_model.sort_order == Qt.SortOrder.AscendingOrder
    assert arrow(header, COL_DATE) == Arrow.SortUp


def test_the_server_list_draws_the_same_arrow(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = open_window()
    window.show_on_server()
    header = window.on_server_view.table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert arrow(header, ServerMessageModel.DATE) == Arrow.SortDown


# -- the demo's notice ------------------------------------------------------------------------


def test_the_demo_notice_stops_asking_for_f5_once_the_mail_is_in(
    qtbot: QtBot, profile: Profile
) -> None:
    pop3, pop2 = demo_servers()
    with pop3, pop2:
        save_demo_accounts(profile, demo_accounts(pop3, pop2))
        window = create_window(profile, demo=DemoServers(pop3, pop2))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert "F5" in window.message_bar.label.text()
        window.get_mail()
        qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=20_000)
        qtbot.waitUntil(lambda: "F5" not in window.message_bar.label.text(), timeout=20_000)
        assert window.message_bar.isVisible()
        assert "downloaded" in window.message_bar.label.text()
        qtbot.waitUntil(
            lambda: window.account_model.state("demo-pop2").kind == "new", timeout=20_000
        )
        window.close()
