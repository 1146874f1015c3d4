"""Log in to the POP3 server on a helper thread while the engine prepares the local side.

A sync that finds nothing new spends most of its time waiting: for the greeting, for the
password check, and for the server to open the mailbox (tens of milliseconds for 50,000
messages). Meanwhile the engine has its own work to do: import the storage modules, open the
database, clean ``tmp/``. :class:`EarlyLogin` overlaps the two. It is started under the
account lock (no second session is opened while another sync of the account runs), and the
sync takes the logged-in client with :meth:`EarlyLogin.take`, which re-raises whatever the
login raised (wrong password, certificate, cancel), exactly as a login on the engine's own
thread would have.

The order on the helper thread keeps the server busy from the first moment: the TCP connection
is opened first (it needs only :mod:`socket`), and the network modules are imported while the
server prepares its greeting. Python runs one thread at a time, so the engine's thread waits
(:meth:`EarlyLogin.wait_until_sent`) until the login is on its way before doing its own work:
otherwise both threads' start-up work would take turns and delay the login.
"""

from __future__ import annotations

import contextlib
import sys
import threading
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


class EarlyLogin:
    """One POP3 login running on its own thread; the client is handed over once."""

    def __init__(self, account: Account, secret: str, options: ConnectOptions) -> None:
        self._client: POP3Client | None = None
        self._error: BaseException | None = None
        self._taken = False
        #: Set once the login request is written (or the attempt ended): from then on the
        #: helper only waits for the server.
        self._sent = threading.Event()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, _SWITCH_INTERVAL))
        self._thread = threading.Thread(
            target=self._login, args=(account, secret, options), name="popgui-login", daemon=True
        )
        self._thread.start()

    def _login(self, account: Account, secret: str, options: ConnectOptions) -> None:
        try:
            from popgui.sync.session import dial

            dialed = dial(account, options)
            # The server prepares its greeting while the network modules are imported.
            from popgui.sync.session import open_pop3

            # UIDL goes with the login: the server lists while the engine prepares.
            self._client = open_pop3(
                account, secret, options, uidl_ahead=True, dialed=dialed, sent=self._sent.set
            )
        except BaseException as error:  # handed to the engine's thread by take()
            self._error = error
        finally:
            self._sent.set()

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
        """Wait for the login and close a client nobody took (a job that failed before)."""
        self._join()
        if self._client is not None:
            client, self._client = self._client, None
            try:
                with contextlib.suppress(PopguiError):
                    client.quit()
            finally:
                client.close()
