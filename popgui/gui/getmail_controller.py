"""Get Mail: starting and stopping checks, the accounts' states, and errors in plain words.

The network work is the engine worker's (:class:`~popgui.gui.worker.EngineController`); here
its signals become account states in the accounts pane and notices in the message bar, each
error with the one action that fixes it (edit the account, review the certificate, …). The
wording and the action are chosen from the error's type, never from its text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from popgui.catalog import Sentence
from popgui.catalog import oauth as oauth_says
from popgui.errors import (
    AccountBusyError,
    CancelledError,
    CertificateError,
    ConfigError,
    CredentialsError,
    DeliveryError,
    LocalProtocolError,
    MigrationSuspectedError,
    NetworkError,
    PopguiError,
    RemoteProtocolError,
    ServerError,
)
from popgui.gui.i18n import format_datetime
from popgui.gui.models import AccountState, maildir_key
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe, say, sentence
from popgui.gui.worker import JobFinished
from popgui.oauth.errors import SignInRequiredError
from popgui.sync.progress import SyncResult

if TYPE_CHECKING:
    from popgui.gui import mainwindow

__all__ = ["GetMailController", "ask_trust_certificate"]


class GetMailController(QObject):
    """Get Mail (F5, Shift+F5), Stop (Esc), the accounts' states and the error notices.

    Listens to the window's ``controller`` (``busyChanged``, ``finished``, ``delivered``);
    shows states in ``account_model`` and notices in ``message_bar``; asks the window's
    ``accounts`` for the account settings (and to edit or save one), and its ``messages``
    to read new mail.
    """

    def __init__(self, window: mainwindow.MainWindow) -> None:
        super().__init__(window)
        self._window = window
        #: What each busy account showed before "checking…" (restored after non-sync jobs).
        self._state_before_busy: dict[str, AccountState] = {}
        window.controller.busyChanged.connect(self._busy_changed)
        window.controller.finished.connect(self._job_finished)
        window.controller.delivered.connect(self._delivered)

    def get_mail(self) -> None:
        """F5: every account."""
        accounts = self._window.settings.accounts
        if accounts:
            self._window.controller.sync(accounts)

    def get_mail_for_current(self) -> None:
        account = self._window.accounts.current_account()
        if account is not None:
            self._window.controller.sync([account])

    def stop(self) -> None:
        self._window.controller.cancel(None)

    @Slot(str, bool)
    def _busy_changed(self, name: str, busy: bool) -> None:
        model = self._window.account_model
        if busy:
            self._state_before_busy[name] = model.state(name)
            model.set_state(name, AccountState("checking"))
        else:
            before = self._state_before_busy.pop(name, AccountState())
            if model.state(name).kind == "checking":
                # No sync reported a new state (a preview, a test...): show the last one again,
                # so looking at On server does not wipe "24 new" or a password error.
                model.set_state(name, before)
        self._window.update_actions()

    @Slot(str)
    def _delivered(self, name: str) -> None:
        """New mail is in the index: count and read it in the index reader, then show it."""
        account = self._window.accounts.current_account()
        if account is not None and account.name == name:
            self._window.messages.refresh_in_background(account)

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        if finished.kind != "sync":
            return  # the On server view reports its own jobs
        window = self._window
        error = finished.error
        if error is None:
            result = finished.result
            state = AccountState("new")
            if isinstance(result, SyncResult):
                keys = frozenset(maildir_key(path) for path in result.paths)
                state = AccountState("new", result.downloaded, keys=keys)
            window.account_model.set_state(finished.account, state)
            if window.message_bar.account == finished.account:
                window.message_bar.dismiss()  # the problem is gone
        elif isinstance(error, CancelledError):
            window.account_model.set_state(finished.account, AccountState())
        else:
            self.show_account_error(finished.account, error)

    def show_account_error(self, name: str, error: PopguiError) -> None:
        """The error in plain words, with the one action that fixes it."""
        window = self._window
        settings = window.settings
        account = settings.get(name)
        text = _about(name, describe(error))

        def retry() -> None:
            current = settings.get(name) or account
            if current is not None:
                window.controller.sync([current])

        buttons: list[tuple[str, Callable[[], object]]] = []
        if isinstance(error, SignInRequiredError):
            text = _about(name, _sign_in_words(error))
            buttons = [(MainWindow.tr("Sign in again…"), lambda: self.sign_in_again(name))]
        elif isinstance(error, CredentialsError) or (
            isinstance(error, ServerError) and error.is_credentials
        ):
            text = _about(name, sentence(error))
            buttons = [(MainWindow.tr("Edit account…"),
                        lambda: window.accounts.edit_account(name, sync_after=True))]  # fmt: skip
        elif isinstance(error, CertificateError):
            text = _about(name, sentence(error))
            buttons = [(MainWindow.tr("Review certificate…"),
                        lambda: self.review_certificate(name, error))]  # fmt: skip
        elif isinstance(error, ServerError) and error.is_temporary:
            self._show_retry(name, error)
            return
        elif isinstance(error, MigrationSuspectedError):
            text = MainWindow.tr(
                "{account}: the server seems to have renumbered its mail; nothing was "
                "downloaded or deleted."
            ).format(account=name)
            buttons = [(MainWindow.tr("Review…"), lambda: self.confirm_new_uidls(name, error))]
        elif account is not None:
            buttons = [(MainWindow.tr("Try again"), retry)]
        window.account_model.set_state(name, AccountState("error", text=_short(error)))
        window.message_bar.show_message(text, account=name, buttons=buttons)

    def sign_in_again(self, name: str) -> None:
        """The browser sign-in of an ``oauth2`` account; once it worked, checks resume and
        its mail is fetched."""
        from popgui.gui.sign_in import SignInDialog

        window = self._window
        account = window.settings.get(name)
        if account is None:
            return
        dialog = SignInDialog(account, window)
        if dialog.exec():
            window.scheduler.resume(name)
            window.controller.sync([account])

    def confirm_new_uidls(self, name: str, error: MigrationSuspectedError) -> None:
        """Ask before treating a renumbered server's mail as new (it would all come again)."""
        window = self._window
        account = window.settings.get(name)
        if account is None:
            return
        answer = QMessageBox.question(
            window,
            MainWindow.tr("The server renumbered its mail"),
            MainWindow.tr(
                "Of the {seen} messages popgui saw on the server of {account} last time, "
                "{vanished} are gone, and {unknown} messages it has never seen appeared. This "
                "usually means the provider moved your mailbox to another server, which gave "
                "every message a new identity.\n\n"
                "popgui can go on: it will recognise the messages you already have by their "
                "Message-ID, date and size and download only the others. Go on?"
            ).format(
                seen=error.previously_seen,
                account=name,
                vanished=error.vanished,
                unknown=error.unknown,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            window.message_bar.dismiss()
            window.controller.sync([account], accept_new_uidls=True)

    def _show_retry(self, name: str, error: ServerError) -> None:
        window = self._window
        when = self._retry_time(name)
        later = (
            MainWindow.tr("will retry at {time}").format(time=format_datetime(when, kind="time"))
            if when
            else MainWindow.tr("try again in a few minutes")
        )
        window.account_model.set_state(name, AccountState("retry", text=later))
        buttons: list[tuple[str, Callable[[], object]]] = []
        account = window.settings.get(name)
        if when is None and account is not None:  # no periodic check will do it
            buttons = [(MainWindow.tr("Try again"), lambda: window.controller.sync([account]))]
        window.message_bar.show_message(
            MainWindow.tr("{account}: the server asks to wait before checking again ({reason}); "
                    "nothing was lost — {later}.").format(account=name, reason=error.text,
                                                          later=later),
            kind="warning", account=name, buttons=buttons,
        )  # fmt: skip

    def _retry_time(self, name: str) -> datetime | None:
        return self._window.scheduler.next_check(name)

    def review_certificate(self, name: str, error: CertificateError) -> None:
        """Ask whether to trust this certificate; if so pin it in the account and retry."""
        window = self._window
        account = window.settings.get(name)
        if account is None or not error.fingerprint or not ask_trust_certificate(window, error):
            return
        pinned = replace(account, fingerprint=error.fingerprint)
        window.accounts.save_account(
            pinned, old_name=name, then=lambda: window.controller.sync([pinned])
        )


def ask_trust_certificate(parent: QWidget, error: CertificateError) -> bool:
    """:func:`popgui.gui.certificate_dialog.ask_trust_certificate`, imported when needed."""
    from popgui.gui.certificate_dialog import ask_trust_certificate as ask

    return ask(parent, error)


def _about(name: str, text: str) -> str:
    """``name: Text.``: the sentence about an account, as the bar shows it."""
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "…", "!", "?")):
        text += "."
    return MainWindow.tr("{account}: {problem}").format(account=name, problem=text)


def _sign_in_words(error: SignInRequiredError) -> str:
    """Why the account must sign in, without the command-line advice (the bar's button is the
    way here) nor the account's name (the bar names it): chosen from the error's sentence."""
    said = error.sentence
    message = said.message if said is not None else None
    if message is oauth_says.NOT_SIGNED_IN:
        return MainWindow.tr("the account has not signed in yet")
    if message is oauth_says.SETTINGS_CHANGED:
        return MainWindow.tr("the OAuth settings of the account changed since it signed in")
    if message is oauth_says.EXPIRED:
        return MainWindow.tr("the sign-in of the account has expired and cannot be renewed")
    if message is oauth_says.RENEWAL_REFUSED and said is not None:
        reason = said.values["error"]
        return say(reason if isinstance(reason, str | Sentence) else str(reason))
    return sentence(error)


def _short(error: PopguiError) -> str:
    """A few words for the accounts pane (the message bar has the full sentence)."""
    if isinstance(error, SignInRequiredError):
        return QCoreApplication.translate("MainWindow", "sign-in needed")
    if isinstance(error, CredentialsError):
        return QCoreApplication.translate("MainWindow", "password refused")
    if isinstance(error, CertificateError):
        return QCoreApplication.translate("MainWindow", "untrusted certificate")
    if isinstance(error, ServerError):
        return QCoreApplication.translate("MainWindow", "server refused")
    # Words, never the name of the error's type; short, as the pane is narrow (the bar and
    # the account's tooltip have the sentence).
    kinds: list[tuple[type[PopguiError], str]] = [
        (NetworkError, MainWindow.tr("network problem")),
        (MigrationSuspectedError, MainWindow.tr("server renumbered its mail")),
        (ConfigError, MainWindow.tr("settings problem")),
        (DeliveryError, MainWindow.tr("mail could not be saved")),
        (AccountBusyError, MainWindow.tr("already being checked")),
        (RemoteProtocolError, MainWindow.tr("server misbehaved")),
        (LocalProtocolError, MainWindow.tr("popgui bug")),
    ]
    return next((words for kind, words in kinds if isinstance(error, kind)), MainWindow.tr("error"))
