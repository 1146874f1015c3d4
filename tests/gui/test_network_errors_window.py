"""Get Mail's error bar for the proxy and the client certificate: a proxy that refuses the
login, and a server that refuses (or asks for) the client certificate, are fixed in the
account's settings ("Edit account…", and a scheduled check waits for the person); a proxy that
is down is worth another try ("Try again"). The last one for real: Get Mail through a proxy
port where nothing listens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.catalog import clientcert as cert_says
from popgui.catalog import proxy as proxy_says
from popgui.gui.scheduler import needs_attention
from popgui.net.clientcert import ClientCertificateError
from popgui.net.proxy import ProxyError, ProxyLoginError
from popgui.profile import Profile
from tests.support.dovecot import free_port

Opener = Callable[..., Any]

LOGIN_REFUSED = ProxyLoginError(
    proxy_says.LOGIN_REFUSED(proxy="the SOCKS5 proxy p:1080", user="bob")
)
CERT_REFUSED = ClientCertificateError(cert_says.REQUIRED(place="localhost:995"))


@pytest.mark.parametrize("error", [LOGIN_REFUSED, CERT_REFUSED])
def test_a_refused_proxy_login_or_certificate_asks_for_an_edit(
    qtbot: QtBot, two_accounts: list[Account], open_window: Opener, error: Exception
) -> None:
    assert needs_attention(error)  # type: ignore[arg-type]
    window = open_window()
    window.show_account_error("home", error)
    assert window.message_bar.button_texts() == ["Edit account…"]
    state = window.account_model.state("home")
    assert state.text in ("proxy refused login", "client certificate refused")


def test_a_proxy_that_is_down_is_tried_again(
    qtbot: QtBot, two_accounts: list[Account], profile: Profile, open_window: Opener
) -> None:
    assert not needs_attention(ProxyError("down"))
    window = open_window()
    home = window.settings.get("home")
    proxied = replace(home, proxy=f"socks5://127.0.0.1:{free_port()}")
    with qtbot.waitSignal(
        window.controller.finished,
        timeout=20_000,
        check_params_cb=lambda f: f.kind == "sync" and f.account == "home",
    ) as blocker:
        window.controller.sync([proxied])
    error = blocker.args[0].error
    assert isinstance(error, ProxyError) and not isinstance(error, ProxyLoginError), error
    qtbot.waitUntil(lambda: "Try again" in window.message_bar.button_texts(), timeout=5000)
    assert window.account_model.state("home").text == "network error"
