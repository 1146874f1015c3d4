"""The tray icon on a real X11 desktop that has a system tray (Xvfb + tests/support/xtray.py).

Run by tests/gui/test_tray_x11.py in a child pytest with ``QT_QPA_PLATFORM=xcb``: the main
test process draws offscreen, where Qt has no tray at all. Its name does not start with
``test_``, so the suite never collects it by itself.

Real here: Qt's xcb tray (QSystemTrayIconSys) finding the tray host's selection, docking its
window, painting the icon with the new-mail badge, its tooltip, the desktop notification (Qt's
own balloon on X11 without a D-Bus notification service) and the context menu. The clicks are
sent to Qt's tray window with QTest, not through the X server: Xvfb has no pointer to move.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QColor, QIcon, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.tray import TrayIcon
from popgui.gui.worker import EngineController, JobFinished
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.localserver import sample_messages as _samples
from popgui.profile import Profile

USER, PASSWORD = "alice", "correct horse"


class FakeSecrets:
    def __call__(self) -> FakeSecrets:
        return self

    def get_password(self, account: Account) -> str:
        return PASSWORD


def test_this_runs_on_x11() -> None:
    assert QApplication.platformName() == "xcb", "run me through tests/gui/test_tray_x11.py"


def base_icon() -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#1a73e8"))
    return QIcon(pixmap)


def docked_windows() -> list[int]:
    lines = Path(os.environ["POPGUI_XTRAY_LOG"]).read_text().splitlines()
    return [int(line.split()[1]) for line in lines if line.startswith("dock ")]


def tray_window(qtbot: QtBot) -> QWidget:
    """Qt's own window for the icon, the one the tray host embeds."""
    found: list[QWidget] = []

    def visible() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if w.objectName() == "QSystemTrayIconSys" and w.isVisible()]  # fmt: skip
        return len(found) == 1

    qtbot.waitUntil(visible, timeout=30_000)
    return found[0]


def balloon(qtbot: QtBot) -> QWidget:
    found: list[QWidget] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if w.metaObject().className() == "QBalloonTip" and w.isVisible()]  # fmt: skip
        return bool(found)

    qtbot.waitUntil(shown, timeout=30_000)
    return found[0]


def texts_in(widget: QWidget) -> list[str]:
    """The texts of the widget's children, read through the accessibility interface: Qt made
    these labels, and PySide may still hold a dead wrapper for an earlier object at the same
    address ("Internal C++ object already deleted") when asked for them directly."""
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    children = (face.child(index) for index in range(face.childCount()))
    return [child.text(QAccessible.Text.Name) for child in children if child is not None]


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def tray(window: QWidget) -> Iterator[TrayIcon]:
    icon = TrayIcon.create(window, base_icon())
    assert icon is not None, "no system tray found, although the tray host runs"
    yield icon
    icon.hide()


def test_the_icon_is_docked_in_the_tray(qtbot: QtBot, tray: TrayIcon) -> None:
    assert QSystemTrayIcon.isSystemTrayAvailable()
    assert tray.isVisible()
    icon_window = tray_window(qtbot)
    qtbot.waitUntil(lambda: int(icon_window.winId()) in docked_windows(), timeout=30_000)
    assert tray.toolTip() == "popgui" and icon_window.toolTip() == "popgui"


def test_new_mail_from_a_sync_badges_the_icon_and_notifies(
    qtbot: QtBot, tray: TrayIcon, window: QWidget, tmp_path: Path
) -> None:
    icon_window = tray_window(qtbot)
    plain = icon_window.grab().toImage()
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, ServerMailbox(_samples(3)))]) as server:
        controller = EngineController(Profile(tmp_path / "profile"), secret_store=FakeSecrets())
        try:
            tray.attach(controller)
            account = Account(name="work", host=server.host, port=server.port,
                              security="none", user=USER)  # fmt: skip
            with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
                controller.sync([account])
        finally:
            controller.shutdown(30_000)
    finished = blocker.args[0]
    assert isinstance(finished, JobFinished) and finished.error is None
    # The notification: Qt's balloon by the icon, with our title and text.
    texts = texts_in(balloon(qtbot))
    assert "New mail" in texts and "3 new messages in work" in texts
    # The count, on the icon the tray shows and in its tooltip.
    assert tray.new_count == 3
    assert icon_window.toolTip() == "popgui — 3 new"
    qtbot.waitUntil(lambda: icon_window.grab().toImage() != plain, timeout=30_000)
    badged = icon_window.grab().toImage()
    corner = badged.pixelColor(QPoint(badged.width() - 5, badged.height() - 5))
    assert corner.red() > 200 and corner.blue() < 100  # the red disc, lower right
    # Clicking the notification brings the window up and clears the count.
    window.hide()
    with qtbot.waitSignal(tray.messageClicked, timeout=30_000):
        QTest.mouseClick(balloon(qtbot), Qt.MouseButton.LeftButton)
    assert window.isVisible() and tray.new_count == 0
    assert icon_window.toolTip() == "popgui"


def test_clicking_the_icon_shows_the_window(qtbot: QtBot, tray: TrayIcon, window: QWidget) -> None:
    icon_window = tray_window(qtbot)
    window.hide()
    tray.set_new_count(2)
    QTest.mouseClick(icon_window, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.isVisible, timeout=30_000)
    assert tray.new_count == 0


def open_menu(qtbot: QtBot, tray: TrayIcon) -> QMenu:
    menu = tray.contextMenu()
    assert menu is not None
    QTest.mouseClick(tray_window(qtbot), Qt.MouseButton.RightButton)
    qtbot.waitUntil(menu.isVisible, timeout=30_000)
    return menu


def click(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_the_menu_offers_get_mail_hide_show_and_quit(
    qtbot: QtBot, tray: TrayIcon, window: QWidget
) -> None:
    menu = open_menu(qtbot, tray)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Get Mail", "&Hide Window", "&Quit"]
    with qtbot.waitSignal(tray.getMailRequested, timeout=30_000):
        click(menu, "&Get Mail")
    menu = open_menu(qtbot, tray)
    click(menu, "&Hide Window")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    menu = open_menu(qtbot, tray)
    assert tray.toggle_action.text() == "&Show Window"
    click(menu, "&Show Window")
    qtbot.waitUntil(window.isVisible, timeout=30_000)
    menu = open_menu(qtbot, tray)
    with qtbot.waitSignal(tray.quitRequested, timeout=30_000):
        click(menu, "&Quit")
