"""The SOCKS5 and HTTP CONNECT exchanges byte by byte, against a scripted proxy on loopback
(every reply code a real proxy rarely gives), and the parsing of proxy addresses."""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Iterator

import pytest

from popgui.accounts.proxy_settings import ProxyAddress, parse_proxy
from popgui.accounts.settings import Account, validate_account
from popgui.errors import SettingError
from popgui.net.proxy import ProxyError, Tunnel

Step = tuple[str, bytes | int]


class Scripted:
    """A proxy that receives and sends what its script says, and keeps what it received."""

    def __init__(self, steps: list[Step], *more: list[Step]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = bytearray()
        self._scripts = [steps, *more]  # one per connection
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        for steps in self._scripts:
            self.received.clear()
            self._serve_one(steps)

    def _serve_one(self, steps: list[Step]) -> None:
        connection, _ = self.listener.accept()
        with connection:
            for action, value in steps:
                if action == "send":
                    assert isinstance(value, bytes)
                    connection.sendall(value)
                else:
                    assert isinstance(value, int)
                    while len(self.received) < value:
                        chunk = connection.recv(4096)
                        if not chunk:
                            return
                        self.received += chunk

    def tunnel(self, scheme: str, user: str | None = None, password: str | None = None) -> Tunnel:
        return Tunnel(ProxyAddress(scheme, "127.0.0.1", self.port, user), password)  # type: ignore[arg-type]

    def close(self) -> None:
        self._thread.join(5)
        self.listener.close()


@pytest.fixture
def scripted() -> Iterator[list[Scripted]]:
    made: list[Scripted] = []
    yield made
    for one in made:
        one.close()


def _proxy(made: list[Scripted], *steps: Step) -> Scripted:
    made.append(Scripted(list(steps)))
    return made[-1]


OK_IPV4 = b"\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x00"


def test_socks5_sends_the_address_popgui_looked_up(scripted: list[Scripted]) -> None:
    proxy = _proxy(scripted, ("recv", 3), ("send", b"\x05\x00"), ("recv", 13), ("send", OK_IPV4))
    proxy.tunnel("socks5").open("localhost", 995, 5, None).close()
    assert bytes(proxy.received) == b"\x05\x01\x00" + b"\x05\x01\x00\x01\x7f\x00\x00\x01\x03\xe3"


def test_socks5_tries_the_next_address_when_the_proxy_cannot_reach_one(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 995, 0, 0)),
             (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 995))]  # fmt: skip
    monkeypatch.setattr("popgui.net.proxy.resolve", lambda host, port: found)
    refused = b"\x05\x05\x00\x01" + b"\x00" * 6
    first = [("recv", 3), ("send", b"\x05\x00"), ("recv", 25), ("send", refused)]
    second: list[Step] = [("recv", 3), ("send", b"\x05\x00"), ("recv", 13), ("send", OK_IPV4)]
    made = Scripted(first, second)  # type: ignore[arg-type]
    scripted.append(made)
    made.tunnel("socks5").open("pop.example.org", 995, 5, None).close()
    assert bytes(made.received)[3:] == b"\x05\x01\x00\x01\x7f\x00\x00\x01\x03\xe3"


def test_socks5h_sends_the_name_for_the_proxy_to_look_up(scripted: list[Scripted]) -> None:
    request = b"\x05\x01\x00\x03\x0fpop.example.org\x00\x6e"
    reply = b"\x05\x00\x00\x03\x04name\x00\x01"  # a bound address given as a name
    proxy = _proxy(scripted, ("recv", 3), ("send", b"\x05\x00"), ("recv", 3 + len(request)),
                   ("send", reply + b"+OK hello\r\n"))  # fmt: skip
    with proxy.tunnel("socks5h").open("pop.example.org", 110, 5, None) as sock:
        assert sock.recv(100) == b"+OK hello\r\n"  # what follows the reply is the server's
    assert bytes(proxy.received)[3:] == request


def test_an_ipv6_destination(scripted: list[Scripted]) -> None:
    request = b"\x05\x01\x00\x04" + b"\x00" * 15 + b"\x01\x00\x6e"
    reply = b"\x05\x00\x00\x04" + b"\x00" * 18
    proxy = _proxy(scripted, ("recv", 3), ("send", b"\x05\x00"), ("recv", 3 + len(request)),
                   ("send", reply))  # fmt: skip
    proxy.tunnel("socks5h").open("::1", 110, 5, None).close()
    assert bytes(proxy.received)[3:] == request


def test_socks5_login_is_rfc_1929(scripted: list[Scripted]) -> None:
    login = b"\x01\x03bob\x06s3cr3t"
    proxy = _proxy(
        scripted, ("recv", 4), ("send", b"\x05\x02"), ("recv", 4 + len(login)),
        ("send", b"\x01\x00"), ("recv", 4 + len(login) + 10), ("send", OK_IPV4),
    )  # fmt: skip
    proxy.tunnel("socks5", "bob", "s3cr3t").open("127.0.0.1", 995, 5, None).close()
    assert bytes(proxy.received)[:4] == b"\x05\x02\x00\x02"  # offers none and user/password
    assert bytes(proxy.received)[4 : 4 + len(login)] == login


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (0x01, "the proxy failed (general SOCKS server failure)"),
        (0x02, "its rules do not allow this connection"),
        (0x03, "the network is unreachable from the proxy"),
        (0x04, "the host is unreachable from the proxy (or its name is unknown there)"),
        (0x05, "the mail server refused the proxy's connection"),
        (0x06, "the mail server did not answer the proxy in time (TTL expired)"),
        (0x07, "the proxy does not support CONNECT"),
        (0x08, "the proxy does not support this kind of address"),
        (0x2A, "the proxy answered with the unknown code 0x2a"),
    ],
)
def test_each_socks_reply_code_in_words(scripted: list[Scripted], code: int, reason: str) -> None:
    reply = bytes([5, code, 0, 1]) + b"\x00" * 6
    proxy = _proxy(scripted, ("recv", 3), ("send", b"\x05\x00"), ("recv", 13), ("send", reply))
    with pytest.raises(ProxyError) as caught:
        proxy.tunnel("socks5").open("127.0.0.1", 995, 5, None)
    assert str(caught.value) == (
        f"the SOCKS5 proxy 127.0.0.1:{proxy.port} did not connect to 127.0.0.1:995: {reason}"
    )


@pytest.mark.parametrize(
    ("user", "says"),
    [(None, "asks for a user name and password"), ("bob", "accepts none of the sign-in methods")],
)
def test_no_acceptable_method(scripted: list[Scripted], user: str | None, says: str) -> None:
    proxy = _proxy(scripted, ("recv", 3), ("send", b"\x05\xff"))
    with pytest.raises(ProxyError, match=says):
        proxy.tunnel("socks5", user, "pw" if user else None).open("127.0.0.1", 995, 5, None)


@pytest.mark.parametrize(
    ("scheme", "answer", "says"),
    [
        ("socks5", b"HTTP/1.1 400 Bad Request\r\n\r\n", "did not answer like a SOCKS5 proxy"),
        ("socks5", b"", "closed the connection before the tunnel to 127.0.0.1:995 was open"),
        ("http", b"SSH-2.0-OpenSSH_9.2\r\n", "did not answer like an HTTP proxy"),
        ("http", b"+OK", "did not answer like an HTTP proxy"),
        ("http", b"", "closed the connection before the tunnel to 127.0.0.1:995 was open"),
    ],
)
def test_something_that_is_not_a_proxy(
    scripted: list[Scripted], scheme: str, answer: bytes, says: str
) -> None:
    proxy = _proxy(scripted, ("recv", 3), ("send", answer))
    with pytest.raises(ProxyError, match=says):
        proxy.tunnel(scheme).open("127.0.0.1", 995, 5, None)


def test_http_connect_request_and_the_bytes_after_the_head_stay(scripted: list[Scripted]) -> None:
    head = b"HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\n"
    proxy = _proxy(scripted, ("recv", 20), ("send", head + b"+OK ready\r\n"))
    with proxy.tunnel("http", "bob", "pa:ss").open("pop.example.org", 995, 5, None) as sock:
        assert sock.recv(100) == b"+OK ready\r\n"
    credentials = base64.b64encode(b"bob:pa:ss").decode()
    assert bytes(proxy.received).decode() == (
        "CONNECT pop.example.org:995 HTTP/1.1\r\nHost: pop.example.org:995\r\n"
        f"Proxy-Authorization: Basic {credentials}\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (b"407 Proxy Authentication Required", "asks for a user name and password"),
        (b"403 Forbidden", "did not connect to 127.0.0.1:995: it answered 403 Forbidden"),
        (b"502 Bad Gateway", "did not connect to 127.0.0.1:995: it answered 502 Bad Gateway"),
        (b"503 Service Unavailable", "it answered 503 Service Unavailable"),
    ],
)
def test_http_refusals_in_words(scripted: list[Scripted], status: bytes, says: str) -> None:
    proxy = _proxy(scripted, ("recv", 20), ("send", b"HTTP/1.0 " + status + b"\r\n\r\nbody"))
    with pytest.raises(ProxyError, match=says):
        proxy.tunnel("http").open("127.0.0.1", 995, 5, None)


# -- the proxy address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parsed", "normal"),
    [
        ("socks5://proxy.example.com:1080", ("socks5", "proxy.example.com", 1080, None, None),
         "socks5://proxy.example.com:1080"),
        ("SOCKS5H://b%40ob:p%40ss@[::1]:1080", ("socks5h", "::1", 1080, "b@ob", "p@ss"),
         "socks5h://b%40ob@[::1]:1080"),
        ("http://bob:a@b@10.0.0.1:3128/", ("http", "10.0.0.1", 3128, "bob", "a@b"),
         "http://bob@10.0.0.1:3128"),
    ],
)  # fmt: skip
def test_parsing(url: str, parsed: tuple[object, ...], normal: str) -> None:
    proxy = parse_proxy(url)
    assert (proxy.scheme, proxy.host, proxy.port, proxy.user, proxy.password) == parsed
    assert proxy.url() == normal
    assert "p@ss" not in repr(proxy) and "a@b" not in repr(proxy)


@pytest.mark.parametrize(
    ("fields", "setting", "says"),
    [
        ({"proxy": "socks4://h:1080"}, "proxy", "popgui knows socks5, socks5h and http"),
        ({"proxy": "http://h:1080?x=1"}, "proxy", "no path, query or fragment"),
        ({"proxy": "http://u:p@h:1080"}, "proxy", "must not hold the proxy's password"),
        ({"proxy": "http://h:1080", "proxy_password_source": "command",
          "proxy_password_command": "x"}, "proxy_password_source", "USER@"),
        ({"proxy": "http://u@h:1080", "proxy_password_source": "command"},
         "proxy_password_command", "is empty"),
        ({"proxy": "http://u@h:1080", "proxy_password_source": "file"},
         "proxy_password_source", "keyring, command"),
        ({"proxy_password_command": "x"}, "proxy_password_command", "USER@"),
    ],
)  # fmt: skip
def test_validation(fields: dict[str, str], setting: str, says: str) -> None:
    with pytest.raises(SettingError, match=says) as caught:
        validate_account(Account(name="a", host="h", user="u", **fields))  # type: ignore[arg-type]
    assert caught.value.setting == setting
