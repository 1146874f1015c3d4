"""The application entry: the demo window explains itself; F5 gets the sample mail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from popgui.cli.demo_cmd import demo_accounts, demo_servers, save_demo_accounts
from popgui.gui.app import create_window
from popgui.gui.mainwindow import about_text
from popgui.localserver import DemoServers
from popgui.profile import Profile


def test_demo_window_gets_the_sample_mail(qtbot: QtBot, profile: Profile) -> None:
    pop3, pop2 = demo_servers()
    with pop3, pop2:
        save_demo_accounts(profile, demo_accounts(pop3, pop2))
        window = create_window(profile, demo=DemoServers(pop3, pop2))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        assert window.message_bar.isVisible()
        assert "local servers" in window.message_bar.label.text()
        assert "F5" in window.message_bar.label.text()
        assert window.message_model.rowCount() == 0
        qtbot.keyClick(window.message_table, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.message_model.rowCount() == 24, timeout=20_000)
        qtbot.waitUntil(
            lambda: window.account_model.state("demo-pop2").kind == "new", timeout=20_000
        )
        window.close()


def test_about_names_the_licences() -> None:
    text = about_text()
    assert "GPL-3.0-or-later" in text and "LGPL" in text and "PySide6" in text
