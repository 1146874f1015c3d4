"""Opening a TCP connection: check the host, resolve, connect, tune; errors in plain words.

Kept apart from :mod:`popgui.net.transport` (TLS, the progress rule): the account settings
check a host name with :func:`check_host` without anything else of the network layer.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import math
import re
import socket
from collections.abc import Callable

from popgui.errors import CancelledError, ConfigError, NetworkError
from popgui.net.cancel import CancelToken

__all__ = [
    "check_endpoint",
    "check_host",
    "connect",
    "open_socket",
    "os_reason",
    "seconds",
    "shutdown",
    "where",
]

_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def check_host(host: str) -> str:
    """The host name, IPv4 or IPv6 address to connect to, or ConfigError.

    Blanks around it and the brackets of an IPv6 literal are removed; an IPv6 address is
    returned in its short form. A host name is made of labels of letters, digits, ``-`` and
    ``_`` (a non-ASCII name is checked in its IDNA form), and is not all digits at the end.
    """
    value = host.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not value:
        raise ConfigError("host is empty: give the POP server name, e.g. pop.example.org")
    if ":" in value:
        try:
            return str(ipaddress.IPv6Address(value))
        except ValueError:
            raise ConfigError(
                f"host {host!r} is not a valid host name or IPv6 address "
                "(give the port in the port setting)"
            ) from None
    with contextlib.suppress(ValueError):
        return str(ipaddress.IPv4Address(value))
    try:
        ascii_host = value if value.isascii() else value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"host {host!r} is not a valid host name") from None
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ConfigError(
            f"host {host!r} is not a valid host name (a server name has letters, digits, '-' "
            "and '.'; no spaces, slashes or port numbers)"
        )
    if labels[-1].isdigit():
        raise ConfigError(f"host {host!r} is neither a host name nor an IP address")
    return value


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
