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

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from popgui.accounts.secrets import KeyringLockedError
from popgui.catalog import Sentence
from popgui.catalog import oauth as oauth_says
from popgui.destinations.base import DestinationLoginError
from popgui.errors import (
    CancelledError,
    CertificateError,
    CredentialsError,
    MigrationSuspectedError,
    PopguiError,
    ServerError,
)
from popgui.gui.account_errors import AccountErrors, short_words, source_problem
from popgui.gui.delivery_notes import note_delivery, note_first_sync
from popgui.gui.i18n import format_datetime
from popgui.gui.models import AccountState, maildir_key
from popgui.gui.scheduler import needs_attention
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import as_sentence, describe, say, sentence
from popgui.gui.worker import JobFinished
from popgui.net.clientcert import ClientCertificateError
from popgui.net.kerberos import KerberosError
from popgui.net.proxy import ProxyLoginError
from popgui.oauth.errors import SignInRequiredError
from popgui.sync.progress import SyncResult

if TYPE_CHECKING:
    from popgui.gui import mainwindow

__all__ = ["GetMailController", "ask_trust_certificate"]

#: The jobs that talk to the account's server: their outcome is the account's state.
_SERVER_JOBS = frozenset({"sync", "preview", "top", "download", "delete"})


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
        #: Each failing account's last error, until it works again.
        self.errors = AccountErrors(
            window.message_bar, lambda n: window.settings.get(n) is not None
        )
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
        if finished.kind not in _SERVER_JOBS:
            return  # a test in the account dialog, a keyring job: not the account's own state
        self._show_state(finished)
        if finished.kind == "sync" and isinstance(finished.result, SyncResult):
            note_first_sync(self._window, finished.result)  # older mail left there, if so
            note_delivery(self._window, finished.result)  # where the mail went, if elsewhere

    def _show_state(self, finished: JobFinished) -> None:
        error = finished.error
        if error is None:
            self._worked(finished)
        elif isinstance(error, CancelledError):
            if finished.kind == "sync":
                self._window.account_model.set_state(finished.account, AccountState())
        elif finished.kind == "sync":
            self.show_account_error(finished.account, error)
        elif finished.kind != "top" and not _asks_to_wait(error):
            # On server says so in place: the account line and the bar's list keep it. (A
            # server asking to wait after a check just made is no news for the account line.)
            self.show_account_error(finished.account, error, in_bar=False)

    def _worked(self, finished: JobFinished) -> None:
        """The account answered: its last error, wherever it shows, is gone."""
        window, name = self._window, finished.account
        self.errors.worked(name)
        if finished.kind == "sync":
            result = finished.result
            state = AccountState("new")
            if isinstance(result, SyncResult):
                keys = frozenset(maildir_key(path) for path in result.paths)
                # Mail delivered elsewhere is read there, not here: it is no news on this line.
                new = len(keys) if result.delivered_to else result.downloaded
                state = AccountState("new", new, keys=keys)
            window.account_model.set_state(name, state)
        elif self._state_before_busy.get(name, AccountState()).kind in ("error", "retry"):
            self._state_before_busy[name] = AccountState()  # not back to the stale error
        elif window.account_model.state(name).kind in ("error", "retry"):
            window.account_model.set_state(name, AccountState())

    def show_account_error(self, name: str, error: PopguiError, *, in_bar: bool = True) -> None:
        """The error in plain words, with the one action that fixes it; it stays in the
        account's line and tooltip (and in the bar's list) until the account works again."""
        if isinstance(error, ServerError) and error.is_temporary:
            self._show_retry(name, error, in_bar=in_bar)
            return
        words, buttons = self._sentence_and_buttons(name, error)
        words = as_sentence(words)
        state = AccountState("error", text=short_words(error), detail=words)
        self._window.account_model.set_state(name, state)
        text = MainWindow.tr("{account}: {problem}").format(account=name, problem=words)
        if in_bar:
            self.errors.failed(name, text, buttons)
        else:
            self.errors.noted(name, text, buttons)

    def _sentence_and_buttons(
        self, name: str, error: PopguiError
    ) -> tuple[str, list[tuple[str, Callable[[], object]]]]:
        """What to say about ``error`` (in the window's language) and the buttons that fix it."""
        window = self._window
        edit = (MainWindow.tr("Edit account…"),
                lambda: window.accounts.edit_account(name, sync_after=True))  # fmt: skip
        problem = source_problem(error)
        if problem is not None:  # no server refused anything: the password is not to be had
            return problem, [edit]
        if isinstance(error, SignInRequiredError):
            return _sign_in_words(error), [
                (MainWindow.tr("Sign in again…"), lambda: self.sign_in_again(name))
            ]
        locked = isinstance(error, KeyringLockedError)  # unlocking it is the fix: Try again
        refused = isinstance(error, ServerError) and error.is_credentials
        refused = refused or isinstance(error, DestinationLoginError)  # its password: edit it
        refused = refused or isinstance(error, ProxyLoginError | ClientCertificateError)
        if (isinstance(error, CredentialsError) and not locked) or refused:
            return sentence(error), [edit]  # a server refusing a Kerberos login too: its user
        if isinstance(error, KerberosError) and needs_attention(error):
            return sentence(error), [edit]  # the server's name, the realm: in the settings
        if isinstance(error, CertificateError):
            review = (MainWindow.tr("Review certificate…"),
                      lambda: self.review_certificate(name, error))  # fmt: skip
            return sentence(error), [review]
        if isinstance(error, MigrationSuspectedError):
            renumbered = MainWindow.tr(
                "The server seems to have renumbered its mail; nothing was downloaded or deleted."
            )
            return renumbered, [
                (MainWindow.tr("Review…"), lambda: self.confirm_new_uidls(name, error))
            ]
        if window.settings.get(name) is None:
            return describe(error), []
        return describe(error), [(MainWindow.tr("Try again"), lambda: self._retry(name))]

    def _retry(self, name: str) -> None:
        account = self._window.settings.get(name)
        if account is not None:
            self._window.controller.sync([account])

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

    def _show_retry(self, name: str, error: ServerError, *, in_bar: bool = True) -> None:
        window = self._window
        when = self._retry_time(name)
        later = (
            MainWindow.tr("will retry at {time}").format(time=format_datetime(when, kind="time"))
            if when
            else MainWindow.tr("try again in a few minutes")
        )
        words = MainWindow.tr(
            "The server asks to wait before checking again ({reason}); nothing was lost — {later}."
        ).format(reason=error.text, later=later)
        window.account_model.set_state(name, AccountState("retry", text=later, detail=words))
        buttons: list[tuple[str, Callable[[], object]]] = []
        if when is None and window.settings.get(name) is not None:  # no periodic check will
            buttons = [(MainWindow.tr("Try again"), lambda: self._retry(name))]
        text = MainWindow.tr("{account}: {problem}").format(account=name, problem=words)
        if in_bar:
            self.errors.failed(name, text, buttons, kind="warning")
        else:
            self.errors.noted(name, text, buttons)

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


def _asks_to_wait(error: PopguiError) -> bool:
    return isinstance(error, ServerError) and error.is_temporary
