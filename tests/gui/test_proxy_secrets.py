"""What NetworkSecrets asks the worker to do with the proxy password and the key passphrase
when an account is added, edited or removed (the worker's keyring jobs are tested for real in
test_proxy_real_window.py)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from popgui.accounts.secrets import keyring_key
from popgui.accounts.settings import Account, validate_account
from popgui.gui.proxy_secrets import NetworkSecrets


class Controller(QObject):
    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, ...]] = []

    def store_password(self, account: Account, password: str) -> None:
        self.calls.append(("store", keyring_key(account), password))

    def move_password(self, previous: Account, account: Account) -> None:
        self.calls.append(("move", keyring_key(previous), keyring_key(account)))

    def forget_password(self, account: Account) -> None:
        self.calls.append(("forget", keyring_key(account)))


BASE = validate_account(
    Account(name="work", host="pop.example", user="ann", password_source="command",
            password_command="x", proxy="socks5://bob@proxy.example:1080", security="tls",
            client_cert="/me.pem", client_key_password_source="keyring")
)  # fmt: skip


def test_typed_stored_renamed_moved_removed_forgotten(qtbot: QtBot) -> None:
    controller = Controller()
    secrets = NetworkSecrets(controller)
    secrets.saved(None, BASE, proxy_password="p", passphrase="k")
    assert controller.calls == [
        ("store", "work/proxy/bob@proxy.example", "p"),
        ("store", "work/client-key/ann@pop.example", "k"),
    ]
    controller.calls.clear()
    renamed = replace(BASE, name="job")
    secrets.saved(BASE, renamed, proxy_password=None, passphrase=None)
    assert controller.calls == [
        ("move", "work/proxy/bob@proxy.example", "job/proxy/bob@proxy.example"),
        ("move", "work/client-key/ann@pop.example", "job/client-key/ann@pop.example"),
    ]
    controller.calls.clear()
    direct = replace(renamed, proxy=None, client_key_password_source="none")
    secrets.saved(renamed, direct, proxy_password=None, passphrase=None)
    assert controller.calls == [
        ("forget", "job/proxy/bob@proxy.example"),
        ("forget", "job/client-key/ann@pop.example"),
    ]
    controller.calls.clear()
    secrets.saved(BASE, BASE, proxy_password=None, passphrase=None)
    assert controller.calls == []
    secrets.removed(BASE)
    assert [call[0] for call in controller.calls] == ["forget", "forget"]


def test_a_password_command_keeps_nothing(qtbot: QtBot) -> None:
    controller = Controller()
    secrets = NetworkSecrets(controller)
    commanded = replace(BASE, proxy_password_source="command", proxy_password_command="pass x")
    secrets.saved(BASE, commanded, proxy_password="typed", passphrase=None)
    assert controller.calls == [("forget", "work/proxy/bob@proxy.example")]
