"""The system tray icon: new-mail count, a small menu and desktop notifications.

Only where the desktop has a tray: :meth:`TrayIcon.create` returns None elsewhere, and the
window simply goes without one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from popgui.gui.i18n import Context, en_plural
from popgui.gui.worker import EngineController, JobFinished
from popgui.sync.progress import SyncResult

__all__ = ["TrayIcon", "badge_icon", "new_mail_text"]

_ICON_SIZE = 64
_BADGE_RED = QColor("#d93025")


class TrayText(Context):
    """Translation context: the new-mail notification."""


def new_mail_text(account: str, count: int) -> str:
    """``3 new messages in work``."""
    text = TrayText.tr("%n new message(s) in {account}", None, count)
    return en_plural(text, count).format(account=account)


def badge_icon(base: QIcon, count: int) -> QIcon:
    """``base`` with ``count`` painted in a red disc in its lower right corner (none for 0)."""
    if count <= 0:
        return base
    pixmap = base.pixmap(_ICON_SIZE, _ICON_SIZE)
    if pixmap.isNull():
        pixmap = QPixmap(_ICON_SIZE, _ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
    text = str(count) if count < 100 else "99+"
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    disc = (
        QRect(_ICON_SIZE - 40, _ICON_SIZE - 40, 40, 40)
        if len(text) < 3
        else QRect(8, _ICON_SIZE - 36, _ICON_SIZE - 8, 36)
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_BADGE_RED)
    painter.drawRoundedRect(disc, 18, 18)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(26 if len(text) < 3 else 22)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class TrayIcon(QSystemTrayIcon):
    """popgui in the system tray.

    Clicking the icon shows the window; the menu offers Get Mail, Show/Hide and Quit. Use
    :meth:`create`, which returns None where the desktop has no tray.

    Signals:
        getMailRequested(): the user chose Get Mail.
        quitRequested(): the user chose Quit (the window shuts the engine down and quits).
    """

    getMailRequested = Signal()
    quitRequested = Signal()

    def __init__(self, window: QWidget, base_icon: QIcon) -> None:
        super().__init__(base_icon, window)
        self._window = window
        self._base_icon = base_icon
        self._count = 0
        #: Desktop notifications for new mail (Preferences); the icon's count shows anyway.
        self.notifications = True
        self.setToolTip("popgui")
        self._menu = QMenu(window)
        self.get_mail_action = self._add(self.tr("&Get Mail"), self.getMailRequested.emit)
        self.toggle_action = self._add(self.tr("&Hide Window"), self.toggle_window)
        self._menu.addSeparator()
        self.quit_action = self._add(self.tr("&Quit"), self.quitRequested.emit)
        self._menu.aboutToShow.connect(self._update_toggle_text)
        self.setContextMenu(self._menu)
        self.activated.connect(self._activated)
        self.messageClicked.connect(self.show_window)

    @classmethod
    def create(cls, window: QWidget, base_icon: QIcon) -> TrayIcon | None:
        """A shown tray icon, or None when the desktop has no system tray."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = cls(window, base_icon)
        tray.show()
        return tray

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = self._menu.addAction(text)
        action.triggered.connect(slot)
        return action

    # -- new mail -------------------------------------------------------------------------------

    @property
    def new_count(self) -> int:
        return self._count

    def set_new_count(self, count: int) -> None:
        """Show ``count`` new messages on the icon (0: the plain icon)."""
        self._count = max(0, count)
        self.setIcon(badge_icon(self._base_icon, self._count))
        new = en_plural(self.tr("popgui — %n new", None, self._count), self._count)
        self.setToolTip(new if self._count else "popgui")

    def notify(self, account: str, count: int) -> None:
        """Add ``count`` to the icon's number and say so in a desktop notification."""
        if count <= 0:
            return
        self.set_new_count(self._count + count)
        if self.notifications and self.supportsMessages():
            self.showMessage(self.tr("New mail"), new_mail_text(account, count),
                             self._base_icon, 8000)  # fmt: skip

    def attach(self, controller: EngineController) -> None:
        """Notify about mail the controller's syncs and downloads bring."""
        controller.finished.connect(self._job_finished)

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        if finished.kind == "sync":
            result = finished.result
            self.notify(
                finished.account, result.downloaded if isinstance(result, SyncResult) else 0
            )

    # -- the window -----------------------------------------------------------------------------

    @Slot()
    def show_window(self) -> None:
        """Bring the window up (the user has now seen the news: the count goes)."""
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
        self.set_new_count(0)

    @Slot()
    def toggle_window(self) -> None:
        if self._window.isVisible() and not self._window.isMinimized():
            self._window.hide()
        else:
            self.show_window()

    def _update_toggle_text(self) -> None:
        shown = self._window.isVisible() and not self._window.isMinimized()
        self.toggle_action.setText(self.tr("&Hide Window") if shown else self.tr("&Show Window"))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window()
