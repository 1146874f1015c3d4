"""The keyring jobs of a secret kept apart from the account's own password (a destination's
password, a proxy's, a client key's passphrase): stored, moved or forgotten in the engine
worker (a keyring can block, never on the GUI thread), queued before any sync asked for
afterwards; a job that fails is said once, in the message bar. Subclasses say which secrets
and in which words (:mod:`popgui.gui.deliver_secrets`, :mod:`popgui.gui.proxy_secrets`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from popgui.accounts.secrets import keyring_key
from popgui.accounts.settings import Account
from popgui.errors import CancelledError, KeyringUnavailableError, PopguiError
from popgui.gui.wording import describe

__all__ = ["KeyringJobs", "SecretJobs"]


class KeyringJobs(Protocol):
    """What this needs of :class:`popgui.gui.worker.EngineController`."""

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


class SecretJobs(QObject):
    """Stores, moves and forgets secrets through the worker; the wording is the subclass's."""

    #: Emitted with a sentence when a job failed (the controller shows it in the message bar).
    failed = Signal(str)

    def __init__(self, controller: KeyringJobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        #: Jobs queued, by the name their JobFinished carries: what to say if one fails.
        self._pending: list[tuple[str, Callable[[str], str]]] = []
        controller.finished.connect(self._finished)

    def follow(self, old: Account | None, new: Account | None, typed: str | None) -> None:
        """The secret kept as *old* describes (None: none kept) is now meant as *new* does
        (None: none to keep): store what was typed, else move the stored one to a new key or
        place, or forget it when it has no place any more."""
        if typed is not None and new is not None:
            self._queue(new, self._could_not_save)
            self._controller.store_password(new, typed)
        if old is None:
            return
        if new is not None and (keyring_key(old), old.password_source) == (
            keyring_key(new),
            new.password_source,
        ):
            return
        if new is not None and typed is None:
            self._queue(new, self._could_not_move)
            self._controller.move_password(old, new)
        else:
            self.forget(old)

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
        # No keyring at all: nothing was left in one; but a secret not saved must be said.
        if not isinstance(error, KeyringUnavailableError) or wording == self._could_not_save:
            self.failed.emit(wording(describe(error)))

    # -- the words, the subclass's ---------------------------------------------------------------

    def _could_not_save(self, reason: str) -> str:
        raise NotImplementedError

    def _could_not_move(self, reason: str) -> str:
        raise NotImplementedError

    def _could_not_forget(self, reason: str) -> str:
        raise NotImplementedError
