"""The message bar: a notice above the message list, with the buttons that help."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from popgui.gui.icons import icon

__all__ = ["MessageBar"]


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
        self._layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
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
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        kind: str = "error",
        account: str = "",
        buttons: Sequence[tuple[str, Callable[[], object]]] = (),
        timeout_ms: int = 0,
    ) -> None:
        self._expiry.stop()
        if timeout_ms > 0:
            self._expiry.start(timeout_ms)
        self.account = account
        self.label.setText(text)
        self.setStyleSheet(
            f"#messageBar {{ {self._STYLES[kind]} border-radius: 4px; }}"
            " #messageBar QLabel { border: none; background: transparent; }"
        )
        self._icon.setPixmap(icon("account-error" if kind != "info" else "info").pixmap(20, 20))
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        for position, (caption, handler) in enumerate(buttons):
            button = QPushButton(caption, self)
            button.clicked.connect(lambda _checked=False, h=handler: self._run(h))
            self._layout.insertWidget(2 + position, button, 0, Qt.AlignmentFlag.AlignTop)
            self._buttons.append(button)
        self.show()

    def button_texts(self) -> list[str]:
        return [button.text() for button in self._buttons]

    def click(self, caption: str) -> None:
        for button in self._buttons:
            if button.text() == caption:
                button.click()
                return
        raise KeyError(caption)

    def _run(self, handler: Callable[[], object]) -> None:
        self.dismiss()
        handler()

    @Slot()
    def dismiss(self) -> None:
        self._expiry.stop()
        self.account = ""
        self.hide()
