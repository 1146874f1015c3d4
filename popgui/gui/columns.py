"""How wide the columns of the message lists are: Subject takes what is left.

Date, Size (and On server's Status) are as wide as what they show, measured on sample values
in the window's language and in bold (unread rows are bold), within bounds. Subject takes the
rest and keeps a minimum: when the list is too narrow for that, From gives up its width first,
down to a minimum of its own, and below that the table scrolls sideways rather than squeeze
Subject. (A Stretch section alone shrinks to the header's minimum section size, and Subject
did: 30 pixels at 800×600, while From kept 220.)

Widths are counted in average characters of the table's font, so they follow the font size.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView

__all__ = ["ColumnFitter", "date_samples", "size_samples"]

#: Widths in average characters of the table's font.
SUBJECT_MIN = 24
SENDER_MIN = 12
SENDER_WIDTH = 30
#: From's share of the width From and Subject have together (up to SENDER_WIDTH).
SENDER_SHARE = 0.4
CONTENT_MIN = 5
CONTENT_MAX = 24


def date_samples(now: datetime | None = None) -> list[datetime]:
    """Dates whose text is as long as any the Date column shows: every month, this year and
    last, late in the day; and now (today's are shown as a time)."""
    now = now or datetime.now()
    months = [datetime(now.year - age, month, 28, 23, 58) for age in (0, 1) for month in
              range(1, 13)]  # fmt: skip
    return [*months, now]


def size_samples() -> list[int]:
    """Sizes whose text is as long as any the Size column shows (bytes, KB, MB, GB)."""
    return [1023, 999 * 1024, 999 * 1024 * 1024, 99 * 1024**3]


class ColumnFitter(QObject):
    """Keeps ``subject`` at least :data:`SUBJECT_MIN` wide, the spare width its, in ``header``.

    ``contents``: column → the texts it must show whole (the column is sized to the widest,
    measured in bold when ``bold``).
    ``sender`` has :data:`SENDER_SHARE` of the width the two share, up to :data:`SENDER_WIDTH`
    (or as wide as a person dragged it), and shrinks to :data:`SENDER_MIN` to leave Subject
    its minimum.
    """

    def __init__(
        self,
        header: QHeaderView,
        *,
        subject: int,
        sender: int,
        contents: dict[int, list[str]],
        bold: bool = True,
    ) -> None:
        super().__init__(header)
        self._header = header
        self._bold = bold  # whether rows may be bold (unread ones in the message list)
        self._subject, self._sender, self._contents = subject, sender, contents
        self._fitting = False
        self._sender_wanted = self._chars(SENDER_WIDTH)
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._resized)
        header.installEventFilter(self)
        self.size_to_contents()

    def _font(self) -> QFont:
        view = self._header.parentWidget()  # the table: its rows' font
        return view.font() if view is not None else self._header.font()

    def _chars(self, count: int) -> int:
        return count * QFontMetrics(self._font()).averageCharWidth()

    def content_width(self, column: int, texts: Iterable[str]) -> int:
        """As wide as the widest of ``texts``, and as the column's title, within bounds."""
        font = self._font()
        font.setBold(self._bold)
        metrics = QFontMetrics(font)
        text = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        padding = metrics.averageCharWidth() + 6  # the cell's margins, and some air
        title = str(self._header.model().headerData(column, Qt.Orientation.Horizontal) or "")
        title_metrics = QFontMetrics(self._header.font())
        arrow = 3 * title_metrics.averageCharWidth()  # the sort arrow beside the title
        wanted = max(text + padding, title_metrics.horizontalAdvance(title) + padding + arrow)
        return max(self._chars(CONTENT_MIN), min(wanted, self._chars(CONTENT_MAX)))

    def size_to_contents(self) -> None:
        """Date, Size... as wide as what they show; then Subject and From fitted."""
        self._fitting = True
        try:
            for column, texts in self._contents.items():
                self._header.resizeSection(column, self.content_width(column, texts))
        finally:
            self._fitting = False
        self.fit()

    def restored(self) -> None:
        """The header's saved state was restored: its widths are a person's, From's too."""
        self._sender_wanted = max(self._header.sectionSize(self._sender), self._chars(SENDER_MIN))
        self.fit()

    def _resized(self, column: int, _old: int, new: int) -> None:
        if column == self._sender and not self._fitting:
            self._sender_wanted = new  # dragged by a person: kept while there is room

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._header and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        """From as wide as wanted, less what Subject needs; Subject stretches, or scrolls."""
        header = self._header
        width = header.width()
        if width <= 0 or self._fitting:
            return
        others = sum(header.sectionSize(column) for column in range(header.count())
                     if column not in (self._subject, self._sender)
                     and not header.isSectionHidden(column))  # fmt: skip
        subject_min = self._chars(SUBJECT_MIN)
        sender = 0
        if not header.isSectionHidden(self._sender):
            space = width - others  # for From and Subject together
            share = min(self._sender_wanted, int(space * SENDER_SHARE))
            sender = max(self._chars(SENDER_MIN), min(share, space - subject_min))
        self._fitting = True
        try:
            if sender:
                header.resizeSection(self._sender, sender)
            if width - others - sender >= subject_min:
                header.setSectionResizeMode(self._subject, QHeaderView.ResizeMode.Stretch)
            else:  # too narrow: Subject keeps its minimum, the table scrolls sideways
                header.setSectionResizeMode(self._subject, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(self._subject, subject_min)
        finally:
            self._fitting = False
