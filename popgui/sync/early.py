"""Log in to the POP3 server on a helper thread while the engine prepares the local side.

A sync that finds nothing new spends most of its time waiting: for the connection and the
greeting (and the TLS handshake), for the password check, and for the server to open the
mailbox (tens of milliseconds for 50,000 messages). Meanwhile the engine has its own work to
do: fetch the password (a keyring lookup or a password command), import the storage modules,
open the database, clean ``tmp/``. :class:`EarlyLogin` overlaps the two. It is started under
the account lock (no second session is opened while another sync of the account runs), and
the sync takes the logged-in client with :meth:`EarlyLogin.take`, which re-raises whatever the
login raised (wrong password, certificate, cancel), exactly as a login on the engine's own
thread would have.

The order on the helper thread keeps the server busy from the first moment: the TCP connection
is opened first (it needs only :mod:`socket`), the network modules are imported while the
server prepares its greeting, and the session is greeted, secured and asked for its
capabilities while the engine fetches the password (:meth:`EarlyLogin.log_in` hands it over;
:meth:`EarlyLogin.close` without it ends the session unused). A password that took long
(a keyring waiting to be unlocked, a password command asking for a passphrase) gets a fresh
connection: a server may drop one that stays silent before its login.

Python runs one thread at a time, so the engine's thread waits
(:meth:`EarlyLogin.wait_until_sent`) until the login is on its way before doing its own work:
otherwise both threads' start-up work would take turns and delay the login.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import TYPE_CHECKING

from popgui.errors import PopguiError

if TYPE_CHECKING:
    from popgui.accounts.settings import Account
    from popgui.net.pop3client import POP3Client
    from popgui.sync.session import ConnectOptions

__all__ = ["EarlyLogin"]

#: While the login runs, the engine's thread is busy importing and preparing; the login
#: thread needs the interpreter lock for a moment after each server reply. Python hands the
#: lock over only every 5 ms by default: each of the login's round trips would wait that long.
_SWITCH_INTERVAL = 0.0005

#: A greeted session idle for longer than this before its password came is replaced by a new
#: one: servers drop connections that stay silent before the login (often after 30-60 s).
_FRESH_SECONDS = 10.0


class EarlyLogin:
    """One POP3 login running on its own thread; the client is handed over once.

    It connects at once; the password follows with :meth:`log_in`.
    """

    def __init__(self, account: Account, options: ConnectOptions) -> None:
        self._client: POP3Client | None = None
        self._error: BaseException | None = None
        self._taken = False
        self._secret: str | None = None
        #: Set once the password is given, or the login is abandoned (secret still None).
        self._secret_given = threading.Event()
        #: Set once the login request is written (or the attempt ended): from then on the
        #: helper only waits for the server.
        self._sent = threading.Event()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, _SWITCH_INTERVAL))
        self._thread = threading.Thread(
            target=self._run, args=(account, options), name="popgui-login", daemon=True
        )
        self._thread.start()

    def _run(self, account: Account, options: ConnectOptions) -> None:
        try:
            self._client = self._login(account, options)
        except BaseException as error:  # handed to the engine's thread by take()
            self._error = error
        finally:
            self._sent.set()

    def _login(self, account: Account, options: ConnectOptions) -> POP3Client | None:
        from popgui.sync.session import dial

        dialed = dial(account, options)
        # The server prepares its greeting while the network modules are imported.
        from popgui.sync.session import greet_pop3

        client = greet_pop3(account, options, dialed)
        try:
            greeted = time.monotonic()
            self._secret_given.wait()
            if self._secret is None:  # abandoned: nobody will take this session
                _end_unused(client)
                return None
            if time.monotonic() - greeted > _FRESH_SECONDS:
                _end_unused(client)
                client = greet_pop3(account, options)
            # UIDL goes with the login: the server lists while the engine prepares.
            client.login(
                account.user, self._secret, account.auth, uidl_ahead=True, sent=self._sent.set
            )
        except BaseException:
            client.close()
            raise
        return client

    def log_in(self, secret: str) -> None:
        """Hand over the password: the helper logs in as soon as its session is ready."""
        if self._secret_given.is_set():
            raise RuntimeError("the early login already has its password")
        self._secret = secret
        self._secret_given.set()

    def wait_until_sent(self) -> None:
        """Return once the login is on its way (or failed): see the module docstring."""
        self._sent.wait()

    @property
    def available(self) -> bool:
        """Whether :meth:`take` has not been called yet."""
        return not self._taken

    def take(self) -> POP3Client:
        """The logged-in client (the caller now owns it), or the login's exception."""
        if self._taken:
            raise RuntimeError("the early login was already taken")
        if not self._secret_given.is_set():
            raise RuntimeError("the early login has no password yet")
        self._taken = True
        self._join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        assert self._client is not None
        client, self._client = self._client, None
        return client

    def _join(self) -> None:
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)

    def close(self) -> None:
        """End a login nobody took: QUIT a logged-in client (waiting for the login), or let
        the helper end its unused session on its own when no password was given (it may
        still be connecting: the caller need not wait for that)."""
        if not self._secret_given.is_set():
            self._secret_given.set()  # abandoned: the helper ends its session itself
            sys.setswitchinterval(self._switch_interval)
            return
        self._join()
        if self._client is not None:
            client, self._client = self._client, None
            _end_unused(client)


def _end_unused(client: POP3Client) -> None:
    """QUIT a session nobody will use (polite to the server; a failure changes nothing
    then), and close it."""
    try:
        with contextlib.suppress(PopguiError, OSError):
            client.quit()
    finally:
        client.close()
