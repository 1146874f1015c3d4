"""Settings the account dialog has no field for yet (a proxy, set with ``account add
--proxy``) survive an edit in the window untouched."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account, validate_account
from popgui.profile import Profile
from tests.gui.test_deliver_dialog import new_dialog


def test_an_edit_keeps_the_proxy(qtbot: QtBot, profile: Profile) -> None:
    account = validate_account(
        Account(
            name="work", host="pop.example.com", user="alice", password_source="command",
            password_command="pass show pop", proxy="socks5h://bob@proxy.example:1080",
            proxy_password_source="command", proxy_password_command="pass show proxy",
        )
    )  # fmt: skip
    dialog = new_dialog(qtbot, profile, account)
    dialog.host_edit.setText("pop2.example.com")
    edited = dialog.account()
    assert edited.host == "pop2.example.com"
    assert (edited.proxy, edited.proxy_password_command) == (
        "socks5h://bob@proxy.example:1080",
        "pass show proxy",
    )
