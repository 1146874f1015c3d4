"""The proxy's password and the client key's passphrase, each kept apart from the account's own
password, as :mod:`popgui.gui.deliver_secrets` keeps the destination's.

The proxy's is stored under :func:`~popgui.accounts.proxy_settings.proxy_credentials` (its
keyring key names the account, the proxy user and the proxy host), the passphrase under
:func:`~popgui.net.clientcert.passphrase_account` (the account, its user and host). The accounts
controller hands over what the account dialog did; the jobs run in the engine worker (a
keyring can block, never on the GUI thread), queued before any sync asked for afterwards:

- saved with a password typed: stored;
- its key changed (the account renamed, the proxy's user or host, the account's user or host):
  the stored one follows (or goes, when a new one was typed);
- the proxy or the certificate removed, its password now from a command, the account removed:
  forgotten.

A job that fails is said in the message bar; nothing else waits for it. Not a generalised
:class:`~popgui.gui.deliver_secrets.DeliverSecrets`: that one also moves OAuth2 sign-ins, and
each keeps its own wording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from popgui.accounts.proxy_settings import account_proxy, proxy_credentials
from popgui.accounts.secrets import keyring_key
from popgui.accounts.settings import Account
from popgui.errors import CancelledError, ConfigError, KeyringUnavailableError, PopguiError
from popgui.gui.wording import describe

__all__ = ["NetworkSecrets", "passphrase_key", "proxy_key"]


class _Controller(Protocol):
    finished: SignalInstance

    def store_password(self, account: Account, password: str) -> None: ...
    def move_password(self, previous: Account, account: Account) -> None: ...
    def forget_password(self, account: Account) -> None: ...


class _Finished(Protocol):
    @property
    def account(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def error(self) -> PopguiError | None: ...


def proxy_key(account: Account | None) -> Account | None:
    """Where *account*'s proxy password is kept in the keyring (None: nowhere)."""
    if account is None or account.proxy_password_source != "keyring":
        return None
    try:
        proxy = account_proxy(account)
    except ConfigError:
        return None
    if proxy is None or proxy.user is None:
        return None
    return proxy_credentials(account)


def passphrase_key(account: Account | None) -> Account | None:
    """Where *account*'s client key passphrase is kept in the keyring (None: nowhere)."""
    if account is None or account.client_cert is None:
        return None
    if account.client_key_password_source != "keyring":
        return None
    from popgui.net.clientcert import passphrase_account

    return passphrase_account(account)


_Key = Callable[[Account | None], Account | None]


class NetworkSecrets(QObject):
    """Stores, moves and forgets the proxy password and the key passphrase. See the module."""

    #: Emitted with a sentence when a job failed (the controller shows it in the message bar).
    failed = Signal(str)

    def __init__(self, controller: _Controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        #: Jobs queued, by the name their JobFinished carries: what to say if one fails.
        self._pending: list[tuple[str, Callable[[str], str]]] = []
        controller.finished.connect(self._finished)

    def saved(
        self,
        previous: Account | None,
        edited: Account,
        *,
        proxy_password: str | None,
        passphrase: str | None,
    ) -> None:
        """The dialog was accepted with these typed (None: not typed)."""
        self._saved(proxy_key, previous, edited, proxy_password)
        self._saved(passphrase_key, previous, edited, passphrase)

    def removed(self, account: Account) -> None:
        """The account was removed: its proxy password and key passphrase go too."""
        for key in (proxy_key, passphrase_key):
            old = key(account)
            if old is not None:
                self._forget(old)

    def _saved(
        self, key: _Key, previous: Account | None, edited: Account, typed: str | None
    ) -> None:
        old, new = key(previous), key(edited)
        if typed is not None and new is not None:
            self._queue(new, self._could_not_save)
            self._controller.store_password(new, typed)
        if old is None or (new is not None and keyring_key(old) == keyring_key(new)):
            return
        if new is not None and typed is None:
            self._queue(new, self._could_not_move)
            self._controller.move_password(old, new)
        else:
            self._forget(old)

    def _forget(self, credentials: Account) -> None:
        self._queue(credentials, self._could_not_forget)
        self._controller.forget_password(credentials)

    def _queue(self, credentials: Account, wording: Callable[[str], str]) -> None:
        self._pending.append((credentials.name, wording))

    def _finished(self, finished: _Finished) -> None:
        if finished.kind != "password":
            return
        match = next((p for p in self._pending if p[0] == finished.account), None)
        if match is None:
            return
        self._pending.remove(match)
        error, wording = finished.error, match[1]
        if error is None or isinstance(error, CancelledError):
            return
        # No keyring at all: nothing was left in one; but a password not saved must be said.
        if not isinstance(error, KeyringUnavailableError) or wording == self._could_not_save:
            self.failed.emit(wording(describe(error)))

    def _could_not_save(self, reason: str) -> str:
        return self.tr(
            "The password of the proxy or the client key could not be saved in the keyring, so "
            "the account cannot connect yet: {reason}"
        ).format(reason=reason)

    def _could_not_move(self, reason: str) -> str:
        return self.tr(
            "The stored password of the proxy or the client key could not follow the changed "
            "account: {reason}"
        ).format(reason=reason)

    def _could_not_forget(self, reason: str) -> str:
        return self.tr(
            "The password of the proxy or the client key could not be removed from the keyring: "
            "{reason}"
        ).format(reason=reason)
