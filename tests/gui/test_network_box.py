"""The account dialog's Proxy tab and client certificate fields: each written as ``account add
--proxy``/``--client-cert`` writes it (never a password in the settings), read back into the
same form, and a wrong one pointed at on its tab."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account, validate_account
from popgui.gui.account_dialog import AccountDialog
from popgui.profile import Profile
from tests.gui.test_deliver_dialog import new_dialog


def proxy_form(
    dialog: AccountDialog, kind: str, host: str, port: str, user: str = "", command: str = ""
) -> None:
    box = dialog.proxy
    box.kind_combo.setCurrentIndex(box.kind_combo.findData(kind))
    box.host_edit.setText(host)
    box.port_edit.setText(port)
    if user:
        box.login_check.setChecked(True)
        box.user_edit.setText(user)
    if command:
        box.command_radio.setChecked(True)
        box.command_edit.setText(command)


PROXIES = [
    (("socks5", "proxy.example", "1080"), "socks5://proxy.example:1080", "keyring", None),
    (("socks5h", "10.0.0.1", "1080", "bob"), "socks5h://bob@10.0.0.1:1080", "keyring", None),
    (
        ("http", "::1", "3128", "a@b", "pass show proxy"),
        "http://a%40b@[::1]:3128",
        "command",
        "pass show proxy",
    ),
]


@pytest.mark.parametrize(("form", "url", "source", "command"), PROXIES)
def test_proxy_round_trip(
    qtbot: QtBot,
    profile: Profile,
    form: tuple[str, ...],
    url: str,
    source: str,
    command: str | None,
) -> None:
    dialog = new_dialog(qtbot, profile)
    proxy_form(dialog, *form)
    dialog.proxy.password_edit.setText("proxy secret")
    account = dialog.account()
    assert (account.proxy, account.proxy_password_source) == (url, source)
    assert account.proxy_password_command == command
    assert "secret" not in repr(account)
    again = new_dialog(qtbot, profile, account)
    assert again.account() == account
    assert again.proxy.kind_combo.currentData() == form[0]
    assert again.proxy.password_edit.text() == ""


def test_no_proxy_writes_none(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    proxy_form(dialog, "socks5", "proxy.example", "1080", "bob", "pass show x")
    dialog.proxy.kind_combo.setCurrentIndex(0)
    account = dialog.account()
    assert (account.proxy, account.proxy_password_source, account.proxy_password_command) == (
        None,
        "keyring",
        None,
    )
    assert dialog.proxy.typed_password() is None


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (("socks5", "", "1080"), "proxy"),
        (("socks5", "proxy.example", ""), "proxy"),
        (("http", "proxy.example", "8080", "bob", " "), "proxy_password_command"),
    ],
)
def test_a_wrong_proxy_is_pointed_at(
    qtbot: QtBot, profile: Profile, form: tuple[str, ...], field: str
) -> None:
    dialog = new_dialog(qtbot, profile)
    proxy_form(dialog, *form)
    assert not dialog.ok_button.isEnabled()
    widget = dialog.proxy.field_widgets()[field]
    assert widget.property("invalid") is True
    assert "Proxy" in dialog.message_label.text()


def test_client_certificate_round_trip(qtbot: QtBot, profile: Profile) -> None:
    dialog = new_dialog(qtbot, profile)
    select = dialog.security_combo
    select.setCurrentIndex(select.findData("tls"))
    box = dialog.client_cert
    box.cert_edit.setText("/home/ann/me.pem")
    box.key_edit.setText("/home/ann/me.key")
    box.encrypted_check.setChecked(True)
    box.passphrase_edit.setText("key secret")
    account = dialog.account()
    assert (account.client_cert, account.client_key) == ("/home/ann/me.pem", "/home/ann/me.key")
    assert account.client_key_password_source == "keyring"
    assert box.typed_passphrase() == "key secret"
    again = new_dialog(qtbot, profile, account)
    assert again.account() == account
    assert again.client_cert.passphrase_edit.text() == ""
    again.client_cert.command_radio.setChecked(True)
    again.client_cert.command_edit.setText("pass show key")
    commanded = again.account()
    assert commanded.client_key_password_source == "command"
    assert commanded.client_key_password_command == "pass show key"
    assert new_dialog(qtbot, profile, commanded).account() == commanded


def test_a_wrong_client_certificate_is_pointed_at(qtbot: QtBot, profile: Profile) -> None:
    account = validate_account(
        Account(name="w", host="pop.example", user="u", password_source="command",
                password_command="x", security="tls", client_cert="/c.pem")
    )  # fmt: skip
    dialog = new_dialog(qtbot, profile, account)
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("none"))
    assert dialog.client_cert.cert_edit.property("invalid") is True
    assert "Certificate" in dialog.message_label.text()
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData("tls"))
    dialog.client_cert.encrypted_check.setChecked(True)
    dialog.client_cert.command_radio.setChecked(True)
    assert dialog.client_cert.command_edit.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
