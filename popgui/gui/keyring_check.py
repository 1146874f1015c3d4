"""Is there a system keyring, and does it hold this account's password? Asked off the GUI thread.

keyring chooses its backend on first use and may talk to D-Bus to do so, and reading a
password can wait for an unlock dialog: :class:`KeyringCheck` runs :func:`probe_keyring` in a
daemon thread of its own (:class:`~popgui.gui.offthread.OffThread`; the engine worker may be
busy with a long sync), and the answer comes back on the GUI thread. No Qt object is touched
from that thread, so a dialog closed before the answer is simply never told.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject

from popgui.accounts.secrets import PasswordNotStoredError, SecretStore, stores_password
from popgui.accounts.settings import Account
from popgui.errors import KeyringUnavailableError, PopguiError
from popgui.gui.offthread import OffThread
from popgui.profile import Profile

__all__ = ["KeyringCheck", "KeyringState", "SignInState", "probe_keyring"]

_log = logging.getLogger(__name__)


#: An ``oauth2`` account's sign-in, as the keyring's token record says (``account show``'s
#: facts): none stored, a usable one, or one that can no longer log in.
SignInState = Literal["signed-in", "not-signed-in", "lapsed"]


@dataclass(frozen=True)
class KeyringState:
    """``available``: a real keyring is there. ``stored``: it holds the account's password
    (an ``oauth2`` account's: its client secret); None when not asked, or when the keyring
    could not say, e.g. it stayed locked. ``sign_in``: an ``oauth2`` account's sign-in (None
    when not asked or not known)."""

    available: bool
    stored: bool | None = None
    sign_in: SignInState | None = None


def probe_keyring(
    account: Account | None = None, *, profile: Profile | None = None
) -> KeyringState:
    """Whether a keyring is there and, for an ``account`` whose password popgui keeps (in
    the keyring or in a file of ``profile``), whether one is stored. Blocks (D-Bus, an unlock
    dialog): never call it on the GUI thread."""
    store = SecretStore(profile=profile)
    try:
        store.backend()
        available = True
    except KeyringUnavailableError:
        available = False
    if account is not None and account.auth == "oauth2":
        return _probe_sign_in(store, account) if available else KeyringState(available=False)
    if account is None or not stores_password(account):
        return KeyringState(available=available)
    if account.password_source == "keyring" and not available:
        return KeyringState(available=False, stored=False)
    try:
        store.get_password(account)
    except PasswordNotStoredError:
        return KeyringState(available=available, stored=False)
    except KeyringUnavailableError:  # the backend failed when used
        return KeyringState(available=False, stored=False)
    except PopguiError:  # locked, or a stored value POP cannot send: something is stored
        return KeyringState(available=available, stored=None)
    return KeyringState(available=available, stored=True)


def _probe_sign_in(store: SecretStore, account: Account) -> KeyringState:
    """Whether the keyring holds ``account``'s client secret, and its sign-in's state."""
    from popgui.oauth.tokenstore import TokenStore

    try:
        store.get_password(account)
        stored: bool | None = True
    except PasswordNotStoredError:
        stored = False
    except PopguiError:  # locked: it could not say
        stored = None
    try:
        record = TokenStore(store).load(account)
    except PopguiError:
        return KeyringState(available=True, stored=stored)
    state: SignInState = (
        "not-signed-in" if record is None
        else "lapsed" if record.lapsed(time.time())
        else "signed-in"
    )  # fmt: skip
    return KeyringState(available=True, stored=stored, sign_in=state)


class KeyringCheck:
    """Runs a keyring probe in a thread of its own (:class:`OffThread`); the answer comes on
    the GUI thread."""

    @staticmethod
    def run(
        probe: Callable[[], KeyringState] | None,
        parent: QObject,
        answer: Callable[[KeyringState], object],
    ) -> None:
        """``answer`` gets what ``probe`` finds, later, on the GUI thread; without a probe,
        at once, a working keyring (nothing to check)."""
        if probe is None:
            answer(KeyringState(available=True))
            return

        def unknown(error: Exception) -> None:
            # A bug or a backend's surprise: could not tell, so offer everything, as without
            # a check.
            _log.warning("the keyring check failed: %s", type(error).__name__)
            answer(KeyringState(available=True))

        OffThread(probe, answer, unknown, parent)
