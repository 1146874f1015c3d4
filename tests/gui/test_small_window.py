"""The window at 800×600 (and 1280×800), in English and French: the filter stays in reach,
Subject keeps its width, and the list does not move when the reading pane changes.

Layouts are checked by reading widths and geometry at fixed window sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui import i18n
from popgui.gui.models import COL_ATTACHMENT, COL_DATE, COL_FROM, COL_READ, COL_SIZE, COL_SUBJECT
from popgui.gui.onserver import ServerMessageModel
from tests.gui.test_mainwindow import open_row, row_about

Opener = Callable[..., Any]

#: Subject never narrower than this many pixels (about 24 characters), and never than From.
SUBJECT_MIN_PX = 140
#: From never narrower than this (about 12 characters: a first name and some of a last).
SENDER_MIN_PX = 70


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    i18n.install_translator(qapp, request.param)
    try:
        yield request.param
    finally:
        i18n.uninstall_translators(qapp)


def sized_window(qtbot: QtBot, open_window: Opener, width: int, height: int) -> Any:
    window = open_window()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=3000)
    qtbot.wait(50)  # the layouts follow the new size
    return window


def check_columns(
    table: QTableView, *, subject: int, sender: int, content: list[int], icons: list[int]
) -> dict[int, int]:
    """The widths of ``table``'s columns, checked; column → width."""
    header = table.horizontalHeader()
    widths = {column: header.sectionSize(column) for column in range(header.count())}
    shown = sum(w for c, w in widths.items() if not header.isSectionHidden(c))
    assert shown <= header.width(), f"the columns {widths} overflow the list ({header.width()})"
    assert widths[subject] >= SUBJECT_MIN_PX, f"Subject squeezed: {widths}"
    assert widths[subject] >= widths[sender], f"From wider than Subject: {widths}"
    assert widths[sender] >= SENDER_MIN_PX, f"From squeezed: {widths}"
    model = table.model()

    def width_of(row: int, column: int) -> int:
        index = model.index(row, column)
        font = index.data(Qt.ItemDataRole.FontRole) or table.font()
        return QFontMetrics(font).horizontalAdvance(str(index.data() or ""))

    for column in content:
        texts = [str(model.index(row, column).data() or "") for row in range(model.rowCount())]
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        title_width = QFontMetrics(header.font()).horizontalAdvance(title)
        widest = max([title_width, *(width_of(row, column) for row in range(model.rowCount()))])
        assert widest + 8 <= widths[column], f"column {column} cuts {texts}: {widths}"
        assert widths[column] <= widest + 80, f"column {column} far wider than {texts}: {widths}"
    for column in icons:
        assert widths[column] <= 32
    return widths


# -- the filter -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(800, 600), (640, 480)])
def test_the_filter_stays_in_reach_in_a_small_window(
    qtbot: QtBot, language: str, size: tuple[int, int], delivered: list[Account],
    open_window: Opener,
) -> None:  # fmt: skip
    window = sized_window(qtbot, open_window, *size)
    field = window.filter_field
    assert field.isVisible()
    where = QRect(field.mapTo(window, QPoint(0, 0)), field.size())
    assert window.rect().contains(where), f"the filter at {where} is outside {window.rect()}"
    assert field.width() >= 150
    window.message_table.setFocus()
    qtbot.keyClick(window.message_table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(window.filter_field, Qt.Key.Key_Control)  # QTest leaves Ctrl "held"
    assert field.hasFocus()
    qtbot.keyClicks(field, "invoice")
    assert field.text() == "invoice"
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 1, timeout=3000)


# -- the columns ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)])
def test_subject_takes_the_spare_width_of_the_message_list(
    qtbot: QtBot, language: str, size: tuple[int, int], delivered: list[Account],
    open_window: Opener,
) -> None:  # fmt: skip
    window = sized_window(qtbot, open_window, *size)
    qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=5000)
    icons = [COL_READ, COL_ATTACHMENT]
    widths = check_columns(window.message_table, subject=COL_SUBJECT, sender=COL_FROM,
                           content=[COL_DATE, COL_SIZE], icons=icons)  # fmt: skip
    header = window.message_table.horizontalHeader()
    assert sum(widths.values()) == header.width()  # Subject has all the rest
    if size == (1280, 800):
        assert widths[COL_FROM] >= 180  # room enough: From is not squeezed either


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)])
def test_subject_takes_the_spare_width_on_the_server_list(
    qtbot: QtBot, language: str, size: tuple[int, int], delivered: list[Account],
    open_window: Opener,
) -> None:  # fmt: skip
    window = sized_window(qtbot, open_window, *size)
    window.show_on_server()
    view = window.on_server_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 24, timeout=15000)
    qtbot.wait(50)
    model = ServerMessageModel
    widths = check_columns(view.table, subject=model.SUBJECT, sender=model.FROM,
                           content=[model.DATE, model.SIZE, model.STATUS], icons=[])  # fmt: skip
    assert sum(widths.values()) == view.table.horizontalHeader().width()


def test_a_list_narrower_than_its_columns_scrolls_rather_than_squeeze_subject(
    qtbot: QtBot, delivered: list[Account], open_window: Opener
) -> None:
    window = sized_window(qtbot, open_window, 800, 600)
    window.main_splitter.setSizes([600, 200])  # a wide sidebar leaves the list narrow
    qtbot.wait(50)
    header = window.message_table.horizontalHeader()
    assert header.sectionSize(COL_SUBJECT) >= SUBJECT_MIN_PX
    assert header.sectionSize(COL_FROM) >= SENDER_MIN_PX
    assert header.sectionResizeMode(COL_SUBJECT) != QHeaderView.ResizeMode.Stretch
    sideways = window.message_table.horizontalScrollBar()
    assert sideways.maximum() > 0  # the rest is a scroll away, by keyboard too
    window.message_table.setFocus()
    qtbot.keyClick(window.message_table, Qt.Key.Key_Right)
    assert sideways.value() > 0
    qtbot.keyClick(window.message_table, Qt.Key.Key_Left)
    assert sideways.value() == 0
    window.main_splitter.setSizes([200, 600])  # and back: Subject stretches again
    qtbot.wait(50)
    assert header.sectionResizeMode(COL_SUBJECT) == QHeaderView.ResizeMode.Stretch
    assert sum(header.sectionSize(c) for c in range(header.count())) == header.width()


# -- the list does not move -------------------------------------------------------------------


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)])
def test_the_list_keeps_its_height_when_a_message_has_attachments(
    qtbot: QtBot, size: tuple[int, int], delivered: list[Account], open_window: Opener
) -> None:
    window = sized_window(qtbot, open_window, *size)
    splitter = window.reading_splitter
    splitter.setSizes([splitter.height(), 0])  # the reading pane as short as it may be
    qtbot.wait(50)
    open_row(qtbot, window, row_about(window, "Re: T"))  # no attachment
    qtbot.wait(50)
    before = window.message_table.geometry()
    open_row(qtbot, window, row_about(window, "Invoice INV-0042"))  # one attachment
    qtbot.waitUntil(lambda: window.reader.attachment_list.isVisible(), timeout=3000)
    qtbot.wait(50)
    assert window.message_table.geometry() == before
