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

from popgui.checks import check_host
from popgui.errors import CancelledError, ConfigError, NetworkError
from popgui.net.cancel import CancelToken

__all__ = [
    "check_endpoint",
    "connect",
    "open_socket",
    "os_reason",
    "seconds",
    "shutdown",
    "where",
]


def check_endpoint(host: str, port: int, timeout: float) -> str:
    """:func:`check_host`, and ConfigError for a malformed port or timeout."""
    value = check_host(host)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(f"the port {port!r} is not valid: use a number from 1 to 65535")
    if not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(f"the timeout {timeout!r} is not valid: use a positive number of seconds")
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
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NetworkError(f"could not connect to {place}: {_lookup_reason(exc)}") from exc
    except UnicodeError as exc:
        raise ConfigError(f"the host name {host!r} is not valid") from exc
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
                raise CancelledError("cancelled") from exc
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
        raise NetworkError(f"could not connect to {place}: the host name has no address")
    raise NetworkError(
        f"could not connect to {place}: {_connect_reason(last_error, timeout)}"
    ) from last_error


def shutdown(sock: socket.socket) -> None:
    """Wake any thread blocked on ``sock``; safe to call from any thread, at any time."""
    # socket.socket.shutdown, not SSLSocket.shutdown: the latter drops the TLS object, which a
    # read running in another thread is still using.
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def seconds(timeout: float) -> str:
    return "1 second" if timeout == 1 else f"{timeout:g} seconds"


def os_reason(exc: BaseException) -> str:
    """An operating-system error as the end of a sentence."""
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, BrokenPipeError):
        return "the server closed the connection"
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


def _lookup_reason(exc: socket.gaierror) -> str:
    not_found = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
    if exc.errno in not_found:
        return "the host name was not found"
    if exc.errno == socket.EAI_AGAIN:
        return "the host name could not be looked up (the name server did not answer)"
    return f"the host name could not be looked up ({exc.strerror or exc})"


def _connect_reason(exc: OSError, timeout: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return f"no answer within {seconds(timeout)}"
    reasons = {
        errno.ENETUNREACH: "the network is unreachable",
        errno.EHOSTUNREACH: "the host is unreachable",
        errno.EADDRNOTAVAIL: "the address cannot be reached from this computer",
    }
    return reasons.get(exc.errno or 0) or os_reason(exc)
