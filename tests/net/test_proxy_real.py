"""The engine through real proxies: dante (SOCKS5) and tinyproxy (HTTP CONNECT) on loopback,
in front of the real Dovecot (tests/support/proxies.py, tests/support/dovecot.py).

Mail arrives through each kind of proxy, TLS is verified end to end against the mail server's
name, and each way a proxy can fail gives its own error naming the proxy.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from popgui.accounts.proxy_settings import parse_proxy
from popgui.accounts.settings import Account, validate_account
from popgui.errors import CancelledError, CertificateError
from popgui.net.cancel import CancelToken
from popgui.net.proxy import ProxyError, ProxyLoginError, Tunnel
from popgui.net.session import ConnectOptions
from popgui.net.transport import TLSSettings, Transport
from popgui.profile import Profile
from popgui.sync.diagnose import test_connection as diagnose
from popgui.sync.engine import sync_account
from tests.support import proxy_fixtures
from tests.support.certs import TestPKI
from tests.support.dovecot import DovecotServer, MailUser, free_port
from tests.support.proxies import (
    PROXY_PASSWORD,
    PROXY_USER,
    Proxy,
    private_dante,
    private_tinyproxy,
    started,
)

MESSAGE = b"From: a@example.org\r\nSubject: through the proxy\r\n\r\nHello.\r\n"

dante = proxy_fixtures.dante
dante_login = proxy_fixtures.dante_login
tinyproxy = proxy_fixtures.tinyproxy


def _account(
    dovecot: DovecotServer, user: MailUser, pki: TestPKI, proxy: str, **fields: object
) -> Account:
    values: dict[str, object] = {
        "name": "work",
        "host": "localhost",
        "port": dovecot.tls_port,
        "security": "tls",
        "user": user.name,
        "ca_file": str(pki.ca_cert),
        "proxy": proxy,
    }
    values.update(fields)
    return validate_account(Account(**values))  # type: ignore[arg-type]


def _sync(account: Account, user: MailUser, tmp_path: Path, **options: object) -> int:
    profile = Profile(tmp_path / "profile")
    result = sync_account(
        account,
        user.password,
        profile,
        options=ConnectOptions(timeout=15, **options),  # type: ignore[arg-type]
    )
    assert result.error is None, result.error
    return result.downloaded


@pytest.mark.parametrize(
    ("scheme", "host"), [("socks5", "localhost"), ("socks5h", "localhost"), ("socks5", "127.0.0.1")]
)
def test_mail_arrives_through_dante_and_its_log_shows_the_connection(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, dante: Proxy,
    tmp_path: Path, scheme: str, host: str,
) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    before = len(dante.log_text())
    account = _account(dovecot, dovecot_user, test_pki, dante.url(scheme), host=host)
    assert _sync(account, dovecot_user, tmp_path) == 1
    log = dante.log_text()[before:]
    # dante logs "tcp/connect [: CLIENT PROXY -> PROXY DESTINATION" for each tunnel.
    tunnel = rf"pass\(1\): tcp/connect \[: .* -> \S+ 127\.0\.0\.1\.{dovecot.tls_port}\n"
    assert re.search(tunnel, log), log


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_mail_arrives_through_tinyproxy_with_tls_checked_end_to_end(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, tinyproxy: Proxy,
    tmp_path: Path, security: str,
) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    port = dovecot.tls_port if security == "tls" else dovecot.plain_port
    before = len(tinyproxy.log_text())
    account = _account(dovecot, dovecot_user, test_pki, tinyproxy.url("http"),
                       security=security, port=port)  # fmt: skip
    assert _sync(account, dovecot_user, tmp_path) == 1
    assert f"CONNECT localhost:{port} HTTP/1.1" in tinyproxy.log_text()[before:]


def test_starttls_through_dante_and_test_connection_reports_the_proxy(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, dante: Proxy
) -> None:
    account = _account(dovecot, dovecot_user, test_pki, dante.url("socks5h"),
                       security="starttls", port=dovecot.plain_port)  # fmt: skip
    report = diagnose(account, dovecot_user.password)
    assert report.ok, report.error
    assert report.tls_version is not None and report.certificate is not None
    assert f"the SOCKS5 (names resolved by the proxy) proxy 127.0.0.1:{dante.port}" in " ".join(
        str(note) for note in report.notes
    )


def test_the_certificate_is_checked_against_the_mail_servers_name_through_the_tunnel(
    test_pki: TestPKI, dante: Proxy
) -> None:
    """A server whose certificate names another host is refused although the proxy (whose
    address popgui dialled) is on the right machine: the name checked is the mail server's."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(test_pki.wrong_host_cert, test_pki.wrong_host_key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        for _attempt in range(2):  # the check, then the look at the refused certificate
            connection, _ = listener.accept()
            with contextlib.suppress(OSError), context.wrap_socket(connection, server_side=True):
                pass

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        with pytest.raises(CertificateError) as caught:
            Transport.connect(
                "localhost", port, security="tls", timeout=10,
                tls=TLSSettings(ca_file=str(test_pki.ca_cert)),
                tunnel=Tunnel(parse_proxy(dante.url("socks5h"))),
            )  # fmt: skip
    finally:
        listener.close()
        server.join(10)
    assert "localhost" in str(caught.value)
    # The refused certificate's details were fetched again through the proxy, too.
    assert caught.value.fingerprint == test_pki.fingerprint(test_pki.wrong_host_cert)


def test_socks_login_with_the_password_given(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, dante_login: Proxy,
    tmp_path: Path,
) -> None:  # fmt: skip
    dovecot.deliver(dovecot_user.name, MESSAGE)
    account = _account(dovecot, dovecot_user, test_pki, dante_login.url("socks5", PROXY_USER))
    assert _sync(account, dovecot_user, tmp_path, proxy_password=PROXY_PASSWORD) == 1
    assert f"{PROXY_USER}@" in dante_login.log_text()


def test_socks_login_refused_names_the_proxy_and_the_user(
    dovecot: DovecotServer, test_pki: TestPKI, dante_login: Proxy
) -> None:
    tunnel = Tunnel(parse_proxy(dante_login.url("socks5", PROXY_USER)), "wrong password")
    with pytest.raises(ProxyLoginError) as caught:
        tunnel.open("127.0.0.1", dovecot.tls_port, 10, None)
    assert str(caught.value) == (
        f"the SOCKS5 proxy 127.0.0.1:{dante_login.port} refused the user name "
        f"'{PROXY_USER}' or its password"
    )


def test_socks_proxy_asking_for_a_login_when_none_is_given(
    dovecot: DovecotServer, dante_login: Proxy
) -> None:
    with pytest.raises(ProxyLoginError, match="asks for a user name and password"):
        Tunnel(parse_proxy(dante_login.url("socks5"))).open("127.0.0.1", dovecot.tls_port, 10, None)


def test_socks_proxy_refusing_the_destination(dovecot: DovecotServer, tmp_path: Path) -> None:
    with started(private_dante(tmp_path / "dante", block_port=dovecot.tls_port)) as proxy:
        with pytest.raises(ProxyError) as caught:
            Tunnel(parse_proxy(proxy.url("socks5"))).open("127.0.0.1", dovecot.tls_port, 10, None)
        # The plain port is still allowed: the rule, not the proxy, refused.
        Tunnel(parse_proxy(proxy.url("socks5"))).open(
            "127.0.0.1", dovecot.plain_port, 10, None
        ).close()
    assert str(caught.value) == (
        f"the SOCKS5 proxy 127.0.0.1:{proxy.port} did not connect to "
        f"127.0.0.1:{dovecot.tls_port}: its rules do not allow this connection"
    )


def test_http_proxy_refusing_the_destination(dovecot: DovecotServer, tinyproxy: Proxy) -> None:
    with pytest.raises(ProxyError) as caught:
        Tunnel(parse_proxy(tinyproxy.url("http"))).open("localhost", dovecot.imap_port, 10, None)
    assert str(caught.value) == (
        f"the HTTP proxy 127.0.0.1:{tinyproxy.port} did not connect to "
        f"localhost:{dovecot.imap_port}: it answered 403 Access violation"
    )


def test_http_proxy_login(dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI,
                          tmp_path: Path) -> None:  # fmt: skip
    tiny = private_tinyproxy(tmp_path / "tiny", (dovecot.tls_port,),
                             basic_auth=("proxyuser", "proxy-secret"))  # fmt: skip
    with started(tiny) as proxy:

        def tunnel(url: str, password: str | None = None) -> Tunnel:
            return Tunnel(parse_proxy(url), password)

        with pytest.raises(ProxyError, match="asks for a user name and password"):
            tunnel(proxy.url("http")).open("localhost", dovecot.tls_port, 10, None)
        with pytest.raises(ProxyError, match="refused the user name 'proxyuser' or its password"):
            tunnel(proxy.url("http", "proxyuser"), "wrong").open(
                "localhost", dovecot.tls_port, 10, None
            )
        dovecot.deliver(dovecot_user.name, MESSAGE)
        account = _account(dovecot, dovecot_user, test_pki, proxy.url("http", "proxyuser"))
        assert _sync(account, dovecot_user, tmp_path, proxy_password="proxy-secret") == 1


def test_proxy_down_names_the_proxy(dovecot: DovecotServer, dovecot_user: MailUser,
                                    test_pki: TestPKI, tmp_path: Path) -> None:  # fmt: skip
    port = free_port()
    account = _account(dovecot, dovecot_user, test_pki, f"socks5://127.0.0.1:{port}")
    result = sync_account(account, dovecot_user.password, Profile(tmp_path / "p"),
                          options=ConnectOptions(timeout=5))  # fmt: skip
    assert isinstance(result.error, ProxyError)
    assert (
        str(result.error)
        == f"the SOCKS5 proxy 127.0.0.1:{port} cannot be reached: connection refused"
    )


@pytest.mark.parametrize("scheme", ["socks5", "http"])
def test_something_that_is_no_proxy(dovecot: DovecotServer, scheme: str) -> None:
    """Pointed at Dovecot itself, which greets with +OK: neither SOCKS nor HTTP."""
    with pytest.raises(ProxyError, match=r"did not answer like an? (SOCKS5|HTTP) proxy"):
        Tunnel(parse_proxy(f"{scheme}://127.0.0.1:{dovecot.plain_port}")).open(
            "localhost", dovecot.tls_port, 10, None
        )


def test_a_silent_proxy_is_given_up_after_the_timeout_and_cancel_stops_it_sooner() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts (the kernel) and never answers
    port = listener.getsockname()[1]
    tunnel = Tunnel(parse_proxy(f"socks5h://127.0.0.1:{port}"))
    try:
        begun = time.monotonic()
        with pytest.raises(ProxyError, match=f"127.0.0.1:{port} did not answer within 1 second"):
            tunnel.open("localhost", 995, 1, None)
        assert time.monotonic() - begun < 5
        cancel = CancelToken()
        threading.Timer(0.3, cancel.cancel).start()
        begun = time.monotonic()
        with pytest.raises(CancelledError):
            tunnel.open("localhost", 995, 60, cancel)
        assert time.monotonic() - begun < 5
    finally:
        listener.close()


def test_the_proxy_password_from_the_keyring(
    dovecot: DovecotServer, dovecot_user: MailUser, test_pki: TestPKI, dante_login: Proxy,
    secret_service: object, tmp_path: Path,
) -> None:  # fmt: skip
    from popgui.accounts.proxy_settings import proxy_credentials
    from popgui.accounts.secrets import SecretStore, keyring_key

    account = _account(dovecot, dovecot_user, test_pki, dante_login.url("socks5", PROXY_USER))
    credentials = proxy_credentials(account)
    assert keyring_key(credentials) == f"work/proxy/{PROXY_USER}@127.0.0.1"
    SecretStore().store_password(credentials, PROXY_PASSWORD)
    dovecot.deliver(dovecot_user.name, MESSAGE)
    assert _sync(account, dovecot_user, tmp_path) == 1
    SecretStore().delete_password(credentials)
    result = sync_account(replace(account), dovecot_user.password, Profile(tmp_path / "p2"),
                          options=ConnectOptions(timeout=10))  # fmt: skip
    assert isinstance(result.error, ProxyLoginError)
    assert str(result.error) == (
        f"no password is stored for '{PROXY_USER}' at the SOCKS5 proxy "
        f"127.0.0.1:{dante_login.port}: enter it in the account's proxy settings "
        "(on the command line: popgui account add … --proxy-password-stdin --replace)"
    )
