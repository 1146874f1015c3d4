"""Opening a TCP connection: check the host, resolve, connect, tune; errors in plain words.

Kept apart from :mod:`popgui.net.transport` (TLS, the progress rule). The host is checked by
:func:`popgui.checks.check_host`, the same check the account settings make.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import math
import socket
from collections.abc import Callable
from typing import Any

from popgui.catalog import Sentence
from popgui.catalog import network as says
from popgui.checks import check_host
from popgui.errors import CancelledError, ConfigError, NetworkError
from popgui.net.cancel import CancelToken

__all__ = [
    "check_endpoint",
    "connect",
    "open_socket",
    "os_reason",
    "resolve",
    "seconds",
    "shutdown",
    "where",
]


def check_endpoint(host: str, port: int, timeout: float) -> str:
    """:func:`check_host`, and ConfigError for a malformed port or timeout."""
    value = check_host(host)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(says.BAD_PORT(port=repr(port)))
    if not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(says.BAD_TIMEOUT(timeout=repr(timeout)))
    return value


def connect(
    host: str, port: int, timeout: float, cancel: CancelToken | None
) -> tuple[str, socket.socket]:
    """:func:`check_endpoint`, then :func:`open_socket`: the checked host and the connection."""
    host = check_endpoint(host, port, timeout)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return host, open_socket(host, port, timeout, cancel)


def open_socket(host: str, port: int, timeout: float, cancel: CancelToken | None) -> socket.socket:
    """Resolve and connect, trying each address in turn (IPv6 and IPv4), like create_connection.

    Written out so that a cancel can shut down the socket while ``connect`` waits. ``host``
    must have passed :func:`check_endpoint`.
    """
    place = where(host, port)
    addresses = resolve(host, port)
    last_error: OSError | None = None
    for family, kind, proto, _name, address in addresses:
        if cancel is not None:
            cancel.raise_if_cancelled()
        sock = socket.socket(family, kind, proto)
        remove: Callable[[], None] | None = None
        try:
            if cancel is not None:
                remove = cancel.add_callback(functools.partial(shutdown, sock))
            sock.settimeout(timeout)
            sock.connect(address)
            if cancel is not None:
                cancel.raise_if_cancelled()
        except OSError as exc:
            sock.close()
            if cancel is not None and cancel.cancelled:
                raise CancelledError(says.CANCELLED()) from exc
            last_error = exc
            continue
        except BaseException:
            sock.close()
            raise
        finally:
            if remove is not None:
                remove()
        _tune(sock)
        return sock
    if last_error is None:
        raise NetworkError(says.CONNECT_FAILED(place=place, reason=says.NO_ADDRESS()))
    reason = _connect_reason(last_error, timeout)
    raise NetworkError(says.CONNECT_FAILED(place=place, reason=reason)) from last_error


def resolve(host: str, port: int) -> list[Any]:
    """The addresses of ``host`` (getaddrinfo's tuples), or NetworkError / ConfigError."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        reason = _lookup_reason(exc)
        raise NetworkError(says.CONNECT_FAILED(place=where(host, port), reason=reason)) from exc
    except UnicodeError as exc:
        raise ConfigError(says.BAD_HOST_NAME(host=repr(host))) from exc


def shutdown(sock: socket.socket) -> None:
    """Wake any thread blocked on ``sock``; safe to call from any thread, at any time."""
    # socket.socket.shutdown, not SSLSocket.shutdown: the latter drops the TLS object, which a
    # read running in another thread is still using.
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def where(host: str, port: int) -> str:
    if port == 0:  # a Unix socket wrapped in a Transport: its path is the whole place
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def seconds(timeout: float) -> Sentence:
    """``30 seconds``; a whole number of seconds is written without a decimal point."""
    return says.SECONDS(count=int(timeout) if float(timeout).is_integer() else timeout)


def os_reason(exc: BaseException) -> str | Sentence:
    """An operating-system error as the end of a sentence (the system's words where it has no
    better one of ours)."""
    if isinstance(exc, ConnectionResetError):
        return says.CONNECTION_RESET()
    if isinstance(exc, BrokenPipeError):
        return says.SERVER_CLOSED()
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def _tune(sock: socket.socket) -> None:
    # POP3 commands are small and pipelined: do not let Nagle hold them back. Keepalive lets a
    # long idle wait notice a vanished peer. The receive buffer is left to the kernel: setting
    # SO_RCVBUF fixes its size and turns off Linux's autotuning, which already grows it.
    for level, option in (
        (socket.IPPROTO_TCP, socket.TCP_NODELAY),
        (socket.SOL_SOCKET, socket.SO_KEEPALIVE),
    ):
        with contextlib.suppress(OSError):
            sock.setsockopt(level, option, 1)


def _lookup_reason(exc: socket.gaierror) -> Sentence:
    not_found = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
    if exc.errno in not_found:
        return says.NAME_NOT_FOUND()
    if exc.errno == socket.EAI_AGAIN:
        return says.NAME_SERVER_SILENT()
    return says.LOOKUP_FAILED(detail=exc.strerror or str(exc))


def _connect_reason(exc: OSError, timeout: float) -> str | Sentence:
    if isinstance(exc, ConnectionRefusedError):
        return says.REFUSED()
    if isinstance(exc, TimeoutError):
        return says.NO_ANSWER(seconds=seconds(timeout))
    reasons = {
        errno.ENETUNREACH: says.NETWORK_UNREACHABLE,
        errno.EHOSTUNREACH: says.HOST_UNREACHABLE,
        errno.EADDRNOTAVAIL: says.ADDRESS_UNREACHABLE,
    }
    known = reasons.get(exc.errno or 0)
    return known() if known is not None else os_reason(exc)
