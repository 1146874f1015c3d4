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

from typing import Protocol

from PySide6.QtCore import QObject

from popgui.accounts.secrets import keyring_key, stores_password
from popgui.accounts.settings import Account
from popgui.gui.secret_jobs import KeyringJobs, SecretJobs

__all__ = ["DeliverSecrets", "destination_credentials"]


class _Controller(KeyringJobs, Protocol):
    """What this needs of :class:`popgui.gui.worker.EngineController`: sign-ins too."""

    def move_sign_in(self, previous: Account, account: Account) -> None: ...
    def forget_sign_in(self, account: Account) -> None: ...


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


class DeliverSecrets(SecretJobs):
    """Stores, moves and forgets destination passwords through the worker. See the module."""

    def __init__(self, controller: _Controller, parent: QObject | None = None) -> None:
        super().__init__(controller, parent)
        self._sign_ins = controller

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
        self.follow(destination_credentials(previous), destination_credentials(edited), typed)

    def removed(self, account: Account) -> None:
        """The account was removed: its destination's password or sign-in goes too."""
        credentials = destination_credentials(account)
        if credentials is not None:
            self.forget(credentials)
        tokens = destination_sign_in(account)
        if tokens is not None:
            self._sign_ins.forget_sign_in(tokens)

    def _sign_in_saved(
        self, previous: Account | None, edited: Account, signed_in: Account | None
    ) -> None:
        old, new = destination_sign_in(previous), destination_sign_in(edited)
        if old is None or (new is not None and keyring_key(old) == keyring_key(new)):
            return
        if new is None:
            self._sign_ins.forget_sign_in(old)
        elif signed_in is not None and keyring_key(signed_in) == keyring_key(new):
            self._sign_ins.forget_sign_in(old)  # signed in anew in the dialog: keep those
        else:
            self._sign_ins.move_sign_in(old, new)

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
