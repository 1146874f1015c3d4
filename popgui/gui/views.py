"""Item views that take the GIL once per paint rather than once per cell.

A view paints by asking its model for every visible cell: with a model written in Python each
answer is a call into Python, and each call must take the GIL. While a sync runs, the engine
thread holds the GIL most of the time, so every one of those calls waited its turn: a repaint
of the message list (hundreds of calls: ``multiData``, ``flags``, ``rowCount``...) took many
times longer beside a thread doing GIL-holding work than without one.

Overriding ``paintEvent`` in Python makes the GUI thread enter Python once, at the start of the
paint, and keep the GIL while Qt paints: the model's answers inside find it already held.
"""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHeaderView, QListView, QTableView

__all__ = ["HeaderView", "ListView", "TableView"]


class TableView(QTableView):
    """A QTableView whose paint holds the GIL (see the module's documentation)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)


class ListView(QListView):
    """A QListView whose paint holds the GIL (see the module's documentation)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)


class HeaderView(QHeaderView):
    """A QHeaderView whose paint holds the GIL (``headerData`` is Python too)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
