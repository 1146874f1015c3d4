"""Opening a logged-in session for an account: connect, greet, secure, authenticate.

Shared by sync, preview and the window's "Test connection", so that every path applies the
same security rules (STARTTLS never falls back to clear text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from popgui.accounts.settings import Account
from popgui.net.cancel import CancelToken

if TYPE_CHECKING:  # imported when a session opens: a sync imports them while connecting
    import socket

    from popgui.net.pop2client import POP2Client
    from popgui.net.pop3client import POP3Client
    from popgui.net.transport import Transport

Trace = Callable[[str], None]

DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class ConnectOptions:
    """How to reach a server: the read timeout, a cancel token and an optional trace."""

    timeout: float = DEFAULT_TIMEOUT
    cancel: CancelToken | None = None
    trace: Trace | None = None


#: A connection :func:`dial` opened: the checked host name and the socket.
Dialed = tuple[str, "socket.socket"]


def connect_transport(
    account: Account, options: ConnectOptions, dialed: Dialed | None = None
) -> Transport:
    """The account's connection, secured for ``tls``; over *dialed* when :func:`dial` opened
    it already."""
    from popgui.net.transport import TLSSettings, Transport

    tls = TLSSettings(ca_file=account.ca_file, fingerprint=account.fingerprint)
    if dialed is not None:
        host, sock = dialed
        return Transport.over(
            sock, host, account.effective_port, security=account.security,
            timeout=options.timeout, tls=tls, cancel=options.cancel,
        )  # fmt: skip
    return Transport.connect(
        account.host,
        account.effective_port,
        security=account.security,
        timeout=options.timeout,
        tls=tls,
        cancel=options.cancel,
    )


def dial(account: Account, options: ConnectOptions) -> Dialed:
    """The TCP connection to the account's server, nothing more: see popgui/sync/early.py."""
    from popgui.net.dial import connect

    return connect(account.host, account.effective_port, options.timeout, options.cancel)


def greet_pop3(
    account: Account, options: ConnectOptions, dialed: Dialed | None = None
) -> POP3Client:
    """A POP3 client ready to log in: greeted, its capabilities known, STARTTLS done.
    The caller must ``close()`` it."""
    from popgui.net.pop3client import POP3Client

    client = POP3Client(connect_transport(account, options, dialed), trace=options.trace)
    try:
        client.read_greeting()
        client.capa()
        if account.security == "starttls":
            client.starttls(account.host)
    except BaseException:
        client.close()
        raise
    return client


def open_pop3(account: Account, secret: str, options: ConnectOptions) -> POP3Client:
    """A POP3 client in the TRANSACTION state; the caller must ``quit()`` or ``close()`` it."""
    client = greet_pop3(account, options)
    try:
        client.login(account.user, secret, account.auth)
    except BaseException:
        client.close()
        raise
    return client


def open_pop2(account: Account, secret: str, options: ConnectOptions) -> tuple[POP2Client, int]:
    """A POP2 client with its mailbox selected, and that mailbox's message count."""
    from popgui.net.pop2client import POP2Client  # rare: not imported for POP3 accounts

    client = POP2Client(connect_transport(account, options), trace=options.trace)
    try:
        client.read_greeting()
        count = client.helo(account.user, secret)
        if account.remote_folder:
            count = client.fold(account.remote_folder)
    except BaseException:
        client.close()
        raise
    return client, count
