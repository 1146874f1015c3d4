"""Opening a logged-in session for an account: connect, greet, secure, authenticate.

Shared by sync, preview and the window's "Test connection", so that every path applies the
same security rules (STARTTLS never falls back to clear text). Everything happens in order on
the caller's thread: connect (and, for ``tls``, the handshake), read the greeting, CAPA,
STARTTLS when asked, then the login.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from popgui.accounts.proxy_settings import account_proxy, proxy_credentials
from popgui.accounts.settings import Account
from popgui.catalog import proxy as proxy_says
from popgui.errors import CredentialsError
from popgui.net.cancel import CancelToken
from popgui.net.clientcert import client_certificate, login_refused
from popgui.net.pop3client import POP3Client
from popgui.net.proxy import ProxyLoginError, Tunnel
from popgui.net.transport import TLSSettings, Trace, Transport

__all__ = [
    "DEFAULT_TIMEOUT",
    "ConnectOptions",
    "connect_transport",
    "greet_pop3",
    "open_pop3",
    "proxy_tunnel",
]

DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class ConnectOptions:
    """How to reach a server: the read timeout, a cancel token and an optional trace.

    ``proxy_password``: the proxy's password when it is not to be looked up (typed in the
    window and not stored yet); None looks it up in the keyring or runs its command.
    """

    timeout: float = DEFAULT_TIMEOUT
    cancel: CancelToken | None = None
    trace: Trace | None = None
    proxy_password: str | None = field(default=None, repr=False)
    #: The client key's passphrase, typed and not stored yet (None: looked up).
    client_key_passphrase: str | None = field(default=None, repr=False)


def connect_transport(account: Account, options: ConnectOptions) -> Transport:
    """The account's connection, secured already for ``tls``."""
    return Transport.connect(
        account.host,
        account.effective_port,
        security=account.security,
        timeout=options.timeout,
        tls=TLSSettings(
            ca_file=account.ca_file,
            fingerprint=account.fingerprint,
            client=client_certificate(account, options.client_key_passphrase),
        ),
        cancel=options.cancel,
        tunnel=proxy_tunnel(account, options),
    )


def proxy_tunnel(account: Account, options: ConnectOptions) -> Tunnel | None:
    """The account's proxy with its password (from the options, the keyring or its command),
    or None when the account connects directly. The lookup may block: not on a GUI thread."""
    proxy = account_proxy(account)
    if proxy is None:
        return None
    if proxy.user is None:
        return Tunnel(proxy)
    password = options.proxy_password
    if password is None:
        # Imported here: the secret store (and subprocess, for a password command) loads only
        # for an account whose proxy asks for a login.
        from popgui.accounts.secrets import PasswordNotStoredError, SecretStore

        try:
            password = SecretStore().get_password(proxy_credentials(account))
        except PasswordNotStoredError:
            missing = proxy_says.NO_PASSWORD(user=repr(proxy.user), proxy=proxy.describe())
            raise ProxyLoginError(missing) from None
    return Tunnel(proxy, password)


def greet_pop3(account: Account, options: ConnectOptions) -> POP3Client:
    """A POP3 client ready to log in: greeted, its capabilities known, STARTTLS done.
    The caller must ``close()`` it."""
    client = POP3Client(connect_transport(account, options), trace=options.trace)
    try:
        client.read_greeting()
        client.capa()
        if account.security == "starttls":
            client.starttls(account.host)
    except BaseException:
        client.close()
        raise
    return client


def open_pop3(
    account: Account, secret: str, options: ConnectOptions, *, uidl_ahead: bool = False
) -> POP3Client:
    """A POP3 client in the TRANSACTION state; the caller must ``quit()`` or ``close()`` it.

    *uidl_ahead*: see :meth:`POP3Client.login` (a sync asks for the listing with the login).
    """
    client = greet_pop3(account, options)
    try:
        client.login(account.user, secret, account.auth, uidl_ahead=uidl_ahead)
    except CredentialsError as error:
        client.close()
        place = f"{account.host}:{account.effective_port}"
        refused = login_refused(error, place, client_certificate(account))
        if refused is not None:
            raise refused from error
        raise
    except BaseException:
        client.close()
        raise
    return client
