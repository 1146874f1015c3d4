"""Each account's last error: a few words for the accounts pane, a sentence for its tooltip,
and the message bar's list of every account that failed.

An account's error stays until that account works again (a check, a look at On server, a
download), so dismissing the bar loses nothing: the accounts pane still says which accounts
are failing and why. The words are chosen from the error's type, never from its text, and
never show a type's raw name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from popgui.accounts.secrets import (
    KeyringLockedError,
    PasswordCommandError,
    PasswordFileError,
    PasswordNotStoredError,
)
from popgui.destinations.base import DestinationError, DestinationLoginError, MessagesRefusedError
from popgui.errors import (
    AccountBusyError,
    CertificateError,
    ConfigError,
    CredentialsError,
    DeliveryError,
    KeyringUnavailableError,
    LocalProtocolError,
    MigrationSuspectedError,
    NetworkError,
    PopguiError,
    RemoteProtocolError,
    ServerError,
)
from popgui.gui.i18n import QT_TRANSLATE_NOOP, en_plural
from popgui.gui.message_bar import BarEntry, Buttons, MessageBar
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import as_sentence, sentence
from popgui.net.clientcert import ClientCertificateError
from popgui.net.kerberos import (
    KerberosError,
    KerberosRefusedError,
    KerberosTicketError,
    KerberosUnavailableError,
)
from popgui.net.proxy import ProxyLoginError
from popgui.oauth.errors import OAuthError, SignInRequiredError

__all__ = ["AccountErrors", "short_words", "source_problem"]


@dataclass(frozen=True)
class _Failure:
    text: str  # "name: sentence"
    kind: str  # the bar's style: "error" or "warning"
    buttons: Buttons


class AccountErrors:
    """The accounts whose last job failed, in the order they failed, shown in ``bar``.

    ``exists`` says whether an account is still in the settings (a removed or renamed
    account's error is not shown).
    """

    def __init__(self, bar: MessageBar, exists: Callable[[str], bool]) -> None:
        self._bar = bar
        self._exists = exists
        self._failures: dict[str, _Failure] = {}

    def failed(self, name: str, text: str, buttons: Buttons, *, kind: str = "error") -> None:
        """``name`` failed: remember it and show every failing account in the bar."""
        self._failures.pop(name, None)  # the newest last
        self._failures[name] = _Failure(text, kind, tuple(buttons))
        self.show()

    def noted(self, name: str, text: str, buttons: Buttons) -> None:
        """``name`` failed where its own view says so (On server): remember it, and add it to
        the bar only when the bar lists failing accounts already."""
        self._failures.pop(name, None)
        self._failures[name] = _Failure(text, "error", tuple(buttons))
        if self._bar.isVisible() and self._bar.accounts:
            self.show()

    def worked(self, name: str) -> None:
        """``name`` works again: its error goes, from the bar too."""
        if self._failures.pop(name, None) is not None and name in self._bar.accounts:
            self.show()
        elif name in self._bar.accounts:
            self._bar.dismiss()  # another notice about this account (a folder read...)

    def has_failed(self, name: str) -> bool:
        return name in self._failures

    def show(self) -> None:
        """Every failing account in the bar: one sentence for one, a list for several."""
        failures = [(n, f) for n, f in self._failures.items() if self._exists(n)]
        if not failures:
            if self._bar.accounts:
                self._bar.dismiss()
            return
        if len(failures) == 1:
            name, failure = failures[0]
            self._bar.show_message(
                failure.text, kind=failure.kind, account=name, buttons=failure.buttons
            )
            return
        count = len(failures)
        headline = MainWindow.tr("%n account(s) could not be checked:", None, count)
        kind = "error" if any(f.kind == "error" for _n, f in failures) else "warning"
        entries = [BarEntry(name, failure.text, failure.buttons) for name, failure in failures]
        self._bar.show_list(en_plural(headline, count), entries, kind=kind)


def source_problem(error: PopguiError) -> str | None:
    """The plain sentence for a password that could not be had here (no server refused it),
    or None when ``error`` is not such a problem."""
    if isinstance(error, KeyringUnavailableError):
        return MainWindow.tr(
            "No system keyring is available to read this account's password. Install or "
            "unlock one (GNOME Keyring or KWallet), or give the account a password command "
            "in its settings."
        )
    if isinstance(error, PasswordNotStoredError):
        return MainWindow.tr(
            "No password is stored for this account. Enter it in the account's settings."
        )
    if isinstance(error, PasswordCommandError | PasswordFileError):
        return as_sentence(sentence(error))
    return None


def short_words(error: PopguiError) -> str:
    """A few words for the accounts pane (the tooltip and the bar have the full sentence)."""
    for kind, words in _SHORT_WORDS:
        if isinstance(error, kind):
            return MainWindow.tr(words)
    if isinstance(error, ServerError):
        return MainWindow.tr("server refused")
    return MainWindow.tr("error")


# The first matching type wins: subclasses before their base.
_SHORT_WORDS: tuple[tuple[type[PopguiError], str], ...] = (
    (SignInRequiredError, QT_TRANSLATE_NOOP("MainWindow", "sign-in needed")),
    (DestinationLoginError, QT_TRANSLATE_NOOP("MainWindow", "destination refused login")),
    (ProxyLoginError, QT_TRANSLATE_NOOP("MainWindow", "proxy refused login")),
    (ClientCertificateError, QT_TRANSLATE_NOOP("MainWindow", "client certificate refused")),
    (MessagesRefusedError, QT_TRANSLATE_NOOP("MainWindow", "messages refused")),
    (DestinationError, QT_TRANSLATE_NOOP("MainWindow", "destination unavailable")),
    (KeyringLockedError, QT_TRANSLATE_NOOP("MainWindow", "keyring locked")),
    (KeyringUnavailableError, QT_TRANSLATE_NOOP("MainWindow", "no keyring")),
    (PasswordNotStoredError, QT_TRANSLATE_NOOP("MainWindow", "no password stored")),
    (PasswordCommandError, QT_TRANSLATE_NOOP("MainWindow", "password command failed")),
    (PasswordFileError, QT_TRANSLATE_NOOP("MainWindow", "password file problem")),
    (OAuthError, QT_TRANSLATE_NOOP("MainWindow", "sign-in failed")),
    (KerberosRefusedError, QT_TRANSLATE_NOOP("MainWindow", "Kerberos login refused")),
    (CredentialsError, QT_TRANSLATE_NOOP("MainWindow", "password refused")),
    (CertificateError, QT_TRANSLATE_NOOP("MainWindow", "untrusted certificate")),
    (NetworkError, QT_TRANSLATE_NOOP("MainWindow", "network error")),  # the realm's KDC too
    (KerberosTicketError, QT_TRANSLATE_NOOP("MainWindow", "no Kerberos ticket")),
    (KerberosError, QT_TRANSLATE_NOOP("MainWindow", "Kerberos problem")),
    (KerberosUnavailableError, QT_TRANSLATE_NOOP("MainWindow", "Kerberos not installed")),
    (DeliveryError, QT_TRANSLATE_NOOP("MainWindow", "disk error")),
    (ConfigError, QT_TRANSLATE_NOOP("MainWindow", "settings error")),
    (MigrationSuspectedError, QT_TRANSLATE_NOOP("MainWindow", "mail renumbered")),
    (AccountBusyError, QT_TRANSLATE_NOOP("MainWindow", "busy elsewhere")),
    (RemoteProtocolError, QT_TRANSLATE_NOOP("MainWindow", "server misbehaved")),
    (LocalProtocolError, QT_TRANSLATE_NOOP("MainWindow", "internal error")),
)
