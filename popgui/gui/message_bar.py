"""The message bar: a notice above the message list, with the buttons that help.

One notice at a time: a sentence with its buttons (:meth:`MessageBar.show_message`), or a
headline over a list of accounts, each with its own sentence and buttons
(:meth:`MessageBar.show_list`: several accounts failed at once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from popgui.gui.icons import icon

__all__ = ["BarEntry", "MessageBar"]

Buttons = Sequence[tuple[str, Callable[[], object]]]


@dataclass(frozen=True)
class BarEntry:
    """One account's line in a list notice: its sentence and the buttons that help it."""

    account: str
    text: str
    buttons: Buttons = ()


class MessageBar(QFrame):
    """A non-modal notice above the list: text in plain words and the buttons that help.

    Routine problems (a wrong password, a busy server) are shown here rather than in a modal
    dialog, so a periodic check never blocks the person in the middle of reading. A notice
    shown with ``timeout_ms`` (Undo after a delete) goes away by itself unless another one
    replaced it meanwhile.
    """

    _STYLES: ClassVar[dict[str, str]] = {
        "error": "background: #fce8e6; border: 1px solid #f4c7c3; color: #3c1e1c;",
        "warning": "background: #fef7e0; border: 1px solid #f9e2a6; color: #3d2e00;",
        "info": "background: #e8f0fe; border: 1px solid #c6dafc; color: #1c2b41;",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 6, 6)
        self._layout.setSpacing(8)
        self._icon = QLabel(self)
        self._layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # error text may quote a server
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.label)
        #: The accounts of a list notice, one row each (hidden for a one-sentence notice).
        self._list = QWidget(self)
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.setSpacing(2)
        self._list.hide()
        column.addWidget(self._list)
        self._layout.addLayout(column, 1)
        self._buttons: list[QPushButton] = []
        self._rows: list[QWidget] = []
        close = QToolButton(self)
        close.setIcon(icon("close"))
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        self._layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.account = ""
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.dismiss)
        #: The accounts the notice is about (one for show_message, several for show_list).
        self.accounts: tuple[str, ...] = ()
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        kind: str = "error",
        account: str = "",
        buttons: Buttons = (),
        timeout_ms: int = 0,
    ) -> None:
        self._start(text, kind, (account,) if account else ())
        if timeout_ms > 0:  # a notice that goes by itself, unless another one replaced it
            self._expiry.start(timeout_ms)
        self.account = account
        for position, (caption, handler) in enumerate(buttons):
            button = self._button(caption, handler, account)
            self._layout.insertWidget(2 + position, button, 0, Qt.AlignmentFlag.AlignTop)
        self.show()

    def show_list(self, headline: str, entries: Sequence[BarEntry], *, kind: str = "error") -> None:
        """``headline`` over one row per account: its sentence and its own buttons."""
        self._start(headline, kind, tuple(entry.account for entry in entries))
        for entry in entries:
            row = QWidget(self._list)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            text = QLabel(entry.text, row)
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            # A wrapped label otherwise asks for the height of a narrow column.
            text.setMinimumWidth(320)
            layout.addWidget(text, 1)
            for caption, handler in entry.buttons:
                layout.addWidget(
                    self._button(caption, handler, entry.account, row=row),
                    0,
                    Qt.AlignmentFlag.AlignVCenter,
                )
            self._list_layout.addWidget(row)
            self._rows.append(row)
        self._list.setVisible(bool(entries))
        self.show()

    def _start(self, text: str, kind: str, accounts: tuple[str, ...]) -> None:
        """A new notice: ``text`` in the style of ``kind``, the last one's buttons gone."""
        self._expiry.stop()
        self.account = ""
        self.accounts = accounts
        self.label.setText(text)
        self.setStyleSheet(
            f"#messageBar {{ {self._STYLES[kind]} border-radius: 4px; }}"
            " #messageBar QLabel { border: none; background: transparent; }"
        )
        self._icon.setPixmap(icon("account-error" if kind != "info" else "info").pixmap(20, 20))
        own = [button for button in self._buttons if button.parentWidget() is self]
        for widget in (*own, *self._rows):  # a row's buttons go with their row
            widget.hide()
            widget.deleteLater()
        self._buttons, self._rows = [], []
        self._list.hide()

    def _button(
        self,
        caption: str,
        handler: Callable[[], object],
        account: str,
        *,
        row: QWidget | None = None,
    ) -> QPushButton:
        button = QPushButton(caption, row or self)
        button.setProperty("account", account)  # whose problem the button fixes
        button.clicked.connect(lambda _checked=False, h=handler: self._run(h, row))
        self._buttons.append(button)
        return button

    def button_texts(self) -> list[str]:
        return [button.text() for button in self._buttons]

    def click(self, caption: str, account: str | None = None) -> None:
        """Press the button ``caption`` (of ``account``'s row, when given)."""
        for button in self._buttons:
            if button.text() == caption and account in (None, button.property("account")):
                button.click()
                return
        raise KeyError(caption)

    def _run(self, handler: Callable[[], object], row: QWidget | None = None) -> None:
        """A button was pressed: its notice (or, in a list, its account's row) has been
        answered, so it goes; the other accounts' rows stay."""
        if row is not None:
            row.hide()
        if row is None or not any(not r.isHidden() for r in self._rows):
            self.dismiss()
        handler()

    @Slot()
    def dismiss(self) -> None:
        self._expiry.stop()
        self.account = ""
        self.accounts = ()
        self.hide()
