"""The password of an account's IMAP destination, kept apart from the account's own.

It is stored as :func:`~popgui.destinations.factory.credentials_account` describes (its own
keyring entry, or its own password file). The accounts controller hands over what the account
dialog did; the jobs run in the engine worker (a keyring can block, never on the GUI thread),
queued before any sync asked for afterwards:

- saved with a password typed on the Deliver to tab: stored;
- the destination's user, host or password place changed: the stored password follows it (or
  goes, when the new one was typed or the new destination has no stored password);
- the account removed: forgotten.

An IMAP destination that signs in with OAuth2 keeps tokens instead, under the same name: they
follow a new user or server of it, and go when it goes (unless a sign-in made in the dialog
already stored new ones there).

A job that fails is said in the message bar; nothing else waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from popgui.accounts.secrets import keyring_key, stores_password
from popgui.accounts.settings import Account
from popgui.errors import CancelledError, KeyringUnavailableError, PopguiError
from popgui.gui.wording import describe

__all__ = ["DeliverSecrets", "destination_credentials"]


class _Controller(Protocol):
    """What this needs of :class:`popgui.gui.worker.EngineController`."""

    finished: SignalInstance

    def store_password(self, account: Account, password: str) -> None: ...
    def move_password(self, previous: Account, account: Account) -> None: ...
    def forget_password(self, account: Account) -> None: ...
    def move_sign_in(self, previous: Account, account: Account) -> None: ...
    def forget_sign_in(self, account: Account) -> None: ...


class _Finished(Protocol):
    @property
    def account(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def error(self) -> PopguiError | None: ...


def destination_credentials(account: Account | None) -> Account | None:
    """The account under which *account*'s destination password is stored (None: it has no
    destination with a stored password: the Maildir, LMTP, a program, a password command)."""
    if account is None or account.deliver is None:
        return None
    if not account.deliver.strip().lower().startswith(("imap://", "imaps://")):
        return None
    from popgui.destinations.factory import credentials_account

    credentials = credentials_account(account)
    return credentials if stores_password(credentials) else None


def destination_sign_in(account: Account | None) -> Account | None:
    """The account under which *account*'s destination keeps OAuth2 tokens, or None."""
    if account is None or account.deliver is None or account.deliver_auth != "oauth2":
        return None
    from popgui.destinations.factory import credentials_account

    return credentials_account(account)


class DeliverSecrets(QObject):
    """Stores, moves and forgets destination passwords through the worker. See the module."""

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
        typed: str | None,
        *,
        signed_in: Account | None = None,
    ) -> None:
        """The dialog was accepted: store the typed password, move or drop the old one; the
        same for OAuth2 tokens (*signed_in*: the account a sign-in in the dialog stored
        tokens for)."""
        self._sign_in_saved(previous, edited, signed_in)
        old, new = destination_credentials(previous), destination_credentials(edited)
        if typed is not None and new is not None:
            self._queue(new, self._could_not_save)
            self._controller.store_password(new, typed)
        if old is None:
            return
        same = new is not None and (keyring_key(old), old.password_source) == (
            keyring_key(new),
            new.password_source,
        )
        if same:
            return
        if new is not None and typed is None:
            self._queue(new, self._could_not_move)
            self._controller.move_password(old, new)
        else:
            self.forget(old)

    def removed(self, account: Account) -> None:
        """The account was removed: its destination's password or sign-in goes too."""
        credentials = destination_credentials(account)
        if credentials is not None:
            self.forget(credentials)
        tokens = destination_sign_in(account)
        if tokens is not None:
            self._controller.forget_sign_in(tokens)

    def _sign_in_saved(
        self, previous: Account | None, edited: Account, signed_in: Account | None
    ) -> None:
        old, new = destination_sign_in(previous), destination_sign_in(edited)
        if old is None or (new is not None and keyring_key(old) == keyring_key(new)):
            return
        if new is None:
            self._controller.forget_sign_in(old)
        elif signed_in is not None and keyring_key(signed_in) == keyring_key(new):
            self._controller.forget_sign_in(old)  # signed in anew in the dialog: keep those
        else:
            self._controller.move_sign_in(old, new)

    def forget(self, credentials: Account) -> None:
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
            "The password of the destination could not be saved, so mail cannot be delivered "
            "there yet: {reason}"
        ).format(reason=reason)

    def _could_not_move(self, reason: str) -> str:
        return self.tr(
            "The destination's stored password could not follow its new user or server: {reason}"
        ).format(reason=reason)

    def _could_not_forget(self, reason: str) -> str:
        return self.tr(
            "The destination's password could not be removed from the keyring: {reason}"
        ).format(reason=reason)
