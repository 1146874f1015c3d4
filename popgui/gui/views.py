"""Item views that take the GIL once per paint rather than once per cell, and the tables of
messages built on them (rows only, by keyboard too).

A view paints by asking its model for every visible cell: with a model written in Python each
answer is a call into Python, and each call must take the GIL. While a sync runs, the engine
thread holds the GIL most of the time, so every one of those calls waited its turn: a repaint
of the message list (hundreds of calls: ``multiData``, ``flags``, ``rowCount``...) took many
times longer beside a thread doing GIL-holding work than without one.

Overriding ``paintEvent`` in Python makes the GUI thread enter Python once, at the start of the
paint, and keep the GIL while Qt paints: the model's answers inside find it already held.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QHeaderView,
    QListView,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

__all__ = ["HeaderView", "ListView", "MessageTableView", "TableView"]

_Move = QAbstractItemView.CursorAction
_Select = QItemSelectionModel.SelectionFlag
#: Keys that jump to another message: each selects where it lands (see MessageTableView).
_JUMP_KEYS = (Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class TableView(QTableView):
    """A QTableView whose paint holds the GIL (see the module's documentation)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)


class ListView(QListView):
    """A QListView whose paint holds the GIL (see the module's documentation)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)


class HeaderView(QHeaderView):
    """A QHeaderView whose paint holds the GIL (``headerData`` is Python too).

    Its sort arrow follows the desktops' convention, ▲ ascending and ▼ descending (newest
    first, for dates): Qt draws them the other way round (it maps AscendingOrder to
    ``SortDown``). Only the drawing is turned; the order, ``sortIndicatorOrder()`` and the
    saved state stay what they are.
    """

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logicalIndex: int) -> None:
        super().initStyleOptionForIndex(option, logicalIndex)
        arrow = option.sortIndicator
        if arrow == QStyleOptionHeader.SortIndicator.SortUp:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        elif arrow == QStyleOptionHeader.SortIndicator.SortDown:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp


class MessageTableView(TableView):
    """A table of messages, whose rows are what one selects and moves between, never cells.

    - Tab and Shift+Tab leave the table for the next pane instead of walking its cells;
      Left and Right stay on the row (and scroll a table wider than the list);
    - Home and End go to the first and last message (a QTableView goes to the first and last
      column), with or without Ctrl;
    - Home, End, Page Up and Page Down select the message they land on, with Ctrl too (Qt's
      extended selection would move the current row only): the message highlighted is the one
      the reading pane shows;
    - with no rows, :meth:`set_placeholder`'s text is written in the middle (an empty folder,
      a filter that matches nothing).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        header = HeaderView(Qt.Orientation.Horizontal, self)
        header.setSectionsClickable(True)  # as QTableView's own header
        self.setHorizontalHeader(header)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTabKeyNavigation(False)
        self._placeholder = ""

    def set_placeholder(self, text: str) -> None:
        """What an empty table says (nothing: "")."""
        if text != self._placeholder:
            self._placeholder = text
            self.viewport().update()

    def placeholder(self) -> str:
        return self._placeholder

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = self.currentIndex()
        model = self.model()
        rows = model.rowCount(self.rootIndex()) if model is not None else 0
        if cursorAction in (_Move.MoveHome, _Move.MoveEnd) and rows:
            row = 0 if cursorAction == _Move.MoveHome else rows - 1
            column = current.column() if current.isValid() else 0
            return model.index(row, column, self.rootIndex())
        if cursorAction in (_Move.MoveLeft, _Move.MoveRight):
            # The row stays; a list narrower than its columns scrolls sideways instead.
            step = QAbstractSlider.SliderAction
            left = cursorAction == _Move.MoveLeft
            self.horizontalScrollBar().triggerAction(
                step.SliderSingleStepSub if left else step.SliderSingleStepAdd
            )
            return current
        if cursorAction in (_Move.MoveNext, _Move.MovePrevious):
            return current
        return super().moveCursor(cursorAction, modifiers)

    def selectionCommand(
        self, index: QModelIndex | QPersistentModelIndex, event: QEvent | None = None
    ) -> QItemSelectionModel.SelectionFlag:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _JUMP_KEYS
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            return _Select.ClearAndSelect | _Select.Rows
        return super().selectionCommand(index, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if self._placeholder and (model is None or not model.rowCount(self.rootIndex())):
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(16, 16, -16, -16),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self._placeholder,
            )
            painter.end()
