"""Opening a tunnel through a SOCKS5 or HTTP proxy to the mail server.

:meth:`Tunnel.open` connects to the proxy (:func:`popgui.net.dial.open_socket`), asks it for a
connection to ``host:port`` and returns the socket once the tunnel is open: what is written to
it then reaches the mail server. Everything above (TLS verified against the mail server's name,
STARTTLS, the POP3/POP2 dialogue) runs through it unchanged.

- SOCKS5 (RFC 1928) with no login or a user name and password (RFC 1929). ``socks5`` gives the
  proxy the address popgui looked up; ``socks5h`` gives it the name to look up.
- HTTP CONNECT (RFC 9110, 9.3.6), with ``Proxy-Authorization: Basic`` when there is a user.

Written here rather than taken from a library: the two exchanges are a few dozen bytes each,
and doing them on popgui's own socket keeps the rules every connection follows: ``timeout``
bounds the whole exchange with the proxy, the cancel token shuts the socket down while the
proxy keeps popgui waiting, and each thing a proxy can say has its own sentence naming it.
Errors are :class:`ProxyError` (a NetworkError); after a cancel, CancelledError.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import ipaddress
import re
import socket
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

from popgui.accounts.proxy_settings import ProxyAddress
from popgui.catalog import Message, Sentence
from popgui.catalog import network as network_says
from popgui.catalog import proxy as says
from popgui.errors import CancelledError, NetworkError
from popgui.net.cancel import CancelToken
from popgui.net.dial import open_socket, os_reason, resolve, seconds, shutdown, where

__all__ = ["ProxyError", "ProxyLoginError", "Tunnel"]


class ProxyError(NetworkError):
    """The proxy is down, refused the destination or the login, or is no proxy of its kind.

    ``unreachable``: the proxy could not reach the address asked for (another address of the
    same name may do).
    """

    def __init__(self, message: str | Sentence = "", *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class ProxyLoginError(ProxyError):
    """The proxy asks for a login popgui cannot give (none set, no password stored, no common
    method) or refused the one given: the person must fix the proxy settings; retrying does
    not help. Not a CredentialsError: that is the mail server's refusal (an OAuth2 account
    would renew its token for it)."""


#: RFC 1928, section 6: the reply codes a SOCKS5 proxy gives for a refused CONNECT.
_SOCKS_REPLIES: Final[dict[int, Message]] = {
    0x01: says.SOCKS_FAILURE,
    0x02: says.SOCKS_NOT_ALLOWED,
    0x03: says.SOCKS_NETWORK_UNREACHABLE,
    0x04: says.SOCKS_HOST_UNREACHABLE,
    0x05: says.SOCKS_CONNECTION_REFUSED,
    0x06: says.SOCKS_TTL_EXPIRED,
    0x07: says.SOCKS_COMMAND_UNSUPPORTED,
    0x08: says.SOCKS_ADDRESS_UNSUPPORTED,
}
#: Network unreachable, host unreachable, connection refused, TTL expired: this address
#: cannot be reached, another may.
_UNREACHABLE: Final = frozenset({0x03, 0x04, 0x05, 0x06})
_NO_LOGIN, _USER_PASSWORD, _NO_ACCEPTABLE = 0x00, 0x02, 0xFF
_IPV4, _DOMAIN, _IPV6 = 0x01, 0x03, 0x04

#: The longest HTTP response head popgui reads from a proxy; a status line and a few headers.
_MAX_HEAD: Final = 16_384
_STATUS_LINE: Final = re.compile(rb"HTTP/1\.[01] ([0-9]{3})(?: ([\x20-\x7e]*))?\r?\n")


@dataclass(frozen=True)
class Tunnel:
    """An account's proxy and, when it asks for a login, the password."""

    proxy: ProxyAddress
    password: str | None = field(default=None, repr=False)

    def open(
        self, host: str, port: int, timeout: float, cancel: CancelToken | None
    ) -> socket.socket:
        """A socket connected through the proxy to ``host:port`` (checked already).

        For ``socks5`` popgui looks the name up and, like a direct connection, tries each
        address in turn while the proxy cannot reach the one before (IPv6, then IPv4).
        """
        targets = _targets(self.proxy, host, port)
        for index, target in enumerate(targets):
            try:
                return self._open_one(target, host, port, timeout, cancel)
            except ProxyError as error:
                if not error.unreachable or index == len(targets) - 1:
                    raise
        raise AssertionError("unreachable: there is at least one target")

    def _open_one(
        self, target: str, host: str, port: int, timeout: float, cancel: CancelToken | None
    ) -> socket.socket:
        sock = self._reach_proxy(timeout, cancel)
        try:
            with _Exchange(sock, self, where(host, port), timeout, cancel) as exchange:
                if self.proxy.scheme == "http":
                    exchange.http_connect(host, port)
                else:
                    exchange.socks_connect(target, port)
        except BaseException:
            sock.close()
            raise
        sock.settimeout(timeout)
        return sock

    def _reach_proxy(self, timeout: float, cancel: CancelToken | None) -> socket.socket:
        try:
            return open_socket(self.proxy.host, self.proxy.port, timeout, cancel)
        except NetworkError as error:
            values = error.sentence.values if error.sentence is not None else {}
            reason = values.get("reason", str(error))
            raise ProxyError(says.DOWN(proxy=self.proxy.describe(), reason=reason)) from error


def _targets(proxy: ProxyAddress, host: str, port: int) -> list[str]:
    """What the proxy is asked to reach: the name (socks5h, http) or, for socks5, the
    addresses popgui looks up itself, in getaddrinfo's order."""
    if proxy.scheme != "socks5" or _is_address(host):
        return [host]
    return list(dict.fromkeys(str(found[4][0]) for found in resolve(host, port)))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _Exchange:
    """The dialogue with the proxy on one socket, within one deadline, cancellable."""

    def __init__(
        self,
        sock: socket.socket,
        tunnel: Tunnel,
        place: str,
        timeout: float,
        cancel: CancelToken | None,
    ) -> None:
        self._sock = sock
        self._proxy = tunnel.proxy
        self._password = tunnel.password
        self._place = place
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._cancel = cancel
        self._remove: Callable[[], None] | None = None

    def __enter__(self) -> _Exchange:
        if self._cancel is not None:
            self._remove = self._cancel.add_callback(functools.partial(shutdown, self._sock))
            self._cancel.raise_if_cancelled()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._remove is not None:
            self._remove()

    # ---- SOCKS5

    def socks_connect(self, target: str, port: int) -> None:
        user = self._proxy.user
        methods = bytes([_NO_LOGIN, _USER_PASSWORD] if user else [_NO_LOGIN])
        self._send(bytes([5, len(methods)]) + methods)
        version, method = self._recv_exact(2)
        if version != 5:
            raise self._error(says.NOT_SOCKS)
        if method == _NO_ACCEPTABLE:
            missing = says.NO_COMMON_METHOD if user else says.LOGIN_NEEDED
            raise ProxyLoginError(missing(proxy=self._proxy.describe()))
        if method == _USER_PASSWORD and user:
            self._socks_login(user)
        elif method != _NO_LOGIN:
            raise self._error(says.NOT_SOCKS)
        self._send(b"\x05\x01\x00" + _socks_address(target) + struct.pack("!H", port))
        version, reply, _reserved, kind = self._recv_exact(4)
        if version != 5:
            raise self._error(says.NOT_SOCKS)
        if reply != 0:
            known = _SOCKS_REPLIES.get(reply)
            reason = known() if known is not None else says.SOCKS_UNKNOWN(code=f"0x{reply:02x}")
            raise self._refused(reason, unreachable=reply in _UNREACHABLE)
        self._skip_bound_address(kind)

    def _socks_login(self, user: str) -> None:
        name, secret = user.encode("utf-8"), (self._password or "").encode("utf-8")
        if len(name) > 255 or len(secret) > 255:
            raise ProxyLoginError(says.LOGIN_TOO_LONG())
        self._send(bytes([1, len(name)]) + name + bytes([len(secret)]) + secret)
        _version, status = self._recv_exact(2)
        if status != 0:
            refused = says.LOGIN_REFUSED(proxy=self._proxy.describe(), user=repr(user))
            raise ProxyLoginError(refused)

    def _skip_bound_address(self, kind: int) -> None:
        """Read the address the proxy bound (unused: popgui only needs the tunnel)."""
        if kind == _IPV4:
            self._recv_exact(4 + 2)
        elif kind == _IPV6:
            self._recv_exact(16 + 2)
        elif kind == _DOMAIN:
            (length,) = self._recv_exact(1)
            self._recv_exact(length + 2)
        else:
            raise self._error(says.NOT_SOCKS)

    # ---- HTTP CONNECT

    def http_connect(self, host: str, port: int) -> None:
        authority = where(host, port)
        lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
        if self._proxy.user:
            credentials = f"{self._proxy.user}:{self._password or ''}".encode()
            lines.append(f"Proxy-Authorization: Basic {base64.b64encode(credentials).decode()}")
        self._send(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
        head = self._read_head()
        match = _STATUS_LINE.match(head)
        if match is None:
            raise self._error(says.NOT_HTTP)
        status = int(match.group(1))
        if 200 <= status < 300:
            return
        # 407 is the proxy's login request; tinyproxy's BasicAuth answers CONNECT with 401,
        # which here can only be the proxy's too (the mail server speaks no HTTP).
        if status in (401, 407):
            if self._proxy.user:
                user = repr(self._proxy.user)
                raise ProxyLoginError(says.LOGIN_REFUSED(proxy=self._proxy.describe(), user=user))
            raise ProxyLoginError(says.LOGIN_NEEDED(proxy=self._proxy.describe()))
        phrase = (match.group(2) or b"").decode("ascii").strip()[:80]
        raise self._refused(says.HTTP_STATUS(status=f"{status} {phrase}".strip()))

    def _read_head(self) -> bytes:
        """The response head, one byte at a time: what follows it is the mail server's and
        must stay in the socket for the client above."""
        head = bytearray()
        while not head.endswith(b"\r\n\r\n") and not head.endswith(b"\n\n"):
            if len(head) >= _MAX_HEAD:
                raise self._error(says.NOT_HTTP)
            try:
                head += self._recv_exact(1)
            except ProxyError:
                if head:  # it said something, then hung up: not what an HTTP proxy says
                    raise self._error(says.NOT_HTTP) from None
                raise
            if head.endswith(b"\n") and head.count(b"\n") == 1 and not _STATUS_LINE.match(head):
                raise self._error(says.NOT_HTTP)  # no need to wait for the rest
        return bytes(head)

    # ---- the socket

    def _send(self, data: bytes) -> None:
        with self._io():
            self._sock.sendall(data)

    def _recv_exact(self, size: int) -> bytes:
        """``size`` bytes; ProxyError (CLOSED) when the proxy closes first."""
        data = bytearray()
        while len(data) < size:
            with self._io():
                chunk = self._sock.recv(size - len(data))
            if not chunk:
                if self._cancel is not None and self._cancel.cancelled:
                    raise CancelledError(network_says.CANCELLED())
                closed = says.CLOSED(proxy=self._proxy.describe(), place=self._place)
                raise ProxyError(closed)
            data += chunk
        return bytes(data)

    @contextlib.contextmanager
    def _io(self) -> Iterator[None]:
        """One send or recv within what is left of the deadline; errors in words."""
        left = self._deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            self._sock.settimeout(left)
            yield
        except OSError as exc:
            if self._cancel is not None and self._cancel.cancelled:
                raise CancelledError(network_says.CANCELLED()) from exc
            if isinstance(exc, TimeoutError):
                silent = says.SILENT(proxy=self._proxy.describe(), seconds=seconds(self._timeout))
                raise ProxyError(silent) from exc
            lost = says.LOST(proxy=self._proxy.describe(), reason=os_reason(exc))
            raise ProxyError(lost) from exc
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()

    def _error(self, message: Message) -> ProxyError:
        return ProxyError(message(proxy=self._proxy.describe()))

    def _refused(self, reason: Sentence, *, unreachable: bool = False) -> ProxyError:
        refused = says.REFUSED_DESTINATION(
            proxy=self._proxy.describe(), place=self._place, reason=reason
        )
        return ProxyError(refused, unreachable=unreachable)


def _socks_address(target: str) -> bytes:
    """The SOCKS5 DST.ADDR of ``target``: an IPv4 or IPv6 address, or a name (socks5h)."""
    with contextlib.suppress(ValueError):
        address = ipaddress.ip_address(target)
        kind = _IPV4 if address.version == 4 else _IPV6
        return bytes([kind]) + address.packed
    name = target.encode("idna")
    return bytes([_DOMAIN, len(name)]) + name
