"""The accounts and folders panes: which account and folder are shown, and editing them.

The settings file is written, and folders are created, renamed, deleted and counted, in the
local mail thread (:class:`~popgui.gui.mailtasks.MailTasks`), never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Slot
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from popgui.accounts.secrets import keyring_key, stores_password
from popgui.accounts.settings import Account, Settings, load_settings, save_settings
from popgui.errors import CancelledError, ConfigError, KeyringUnavailableError, PopguiError
from popgui.gui.deliver_secrets import DeliverSecrets
from popgui.gui.i18n import en_plural
from popgui.gui.import_state import record_pending
from popgui.gui.keyring_check import probe_keyring
from popgui.gui.listing import ListQuery, read_list
from popgui.gui.message_list import ViewRead, act_and_read
from popgui.gui.models import OnServerEntry
from popgui.gui.proxy_secrets import NetworkSecrets
from popgui.gui.startup import FirstFolder, StartupRead
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe
from popgui.gui.worker import JobFinished
from popgui.store.localmail import INBOX, FolderInfo

if TYPE_CHECKING:
    from popgui.gui import mainwindow
    from popgui.gui.account_dialog import AccountDialog
    from popgui.store.localmail import LocalMail

__all__ = ["AccountsController", "is_user_folder"]


class AccountsController(QObject):
    """The accounts pane, the folders pane, the account dialog's results, the settings file.

    Works on the window's ``account_model``/``account_view``, ``folder_model``/``folder_view``,
    ``message_bar``, ``controller`` (the keyring, through the engine worker), ``scheduler`` and
    ``tasks``; shows a folder through the window's ``messages``. The accounts are the window's
    ``settings``, which this controller reads, changes and writes.
    """

    def __init__(self, window: mainwindow.MainWindow, startup: StartupRead | None) -> None:
        super().__init__(window)
        self._window = window
        self._startup = startup
        #: Removed accounts whose keyring password is being forgotten (by the worker).
        self._forgetting: list[str] = []
        #: Removed OAuth2 accounts whose sign-in (and client secret) is being forgotten.
        self._forgetting_sign_in: list[str] = []
        #: Edited accounts whose keyring password is being moved to their new key.
        self._rekeying: list[str] = []
        #: Edited accounts that no longer read the keyring, whose old password is being removed
        #: (they use a password command; or a Kerberos ticket: the second list).
        self._dropping: list[str] = []
        self._dropping_for_ticket: list[str] = []
        #: The first folder's rows, read with the account's folders (see _show_first).
        self._first_folder: FirstFolder | None = None
        window.account_view.selectionModel().currentChanged.connect(self._account_changed)
        window.account_view.customContextMenuRequested.connect(self._account_menu)
        window.folder_view.selectionModel().currentChanged.connect(self._folder_changed)
        window.folder_view.customContextMenuRequested.connect(self._folder_menu)
        window.controller.finished.connect(self._job_finished)
        #: The destination's password (Deliver to tab), kept apart from the account's own.
        self.deliver_secrets = DeliverSecrets(window.controller, self)
        warn = partial(window.message_bar.show_message, kind="warning")
        self.deliver_secrets.failed.connect(warn)
        self.network_secrets = NetworkSecrets(window.controller, self)
        self.network_secrets.failed.connect(warn)

    # -- accounts ----------------------------------------------------------------------------

    def reload_accounts(self, select: str | None = None) -> None:
        """Read the settings file again and show its accounts (keeping the selection).

        Read here, not in the local mail thread: the window's first state must hold the
        accounts, and the callers of an explicit reload (tests, the screenshot script) rely
        on them being shown when it returns. The window itself never reloads afterwards.
        """
        try:
            self._window.settings = load_settings(self._window.profile.settings_file)
        except ConfigError as error:
            self._window.settings = Settings()
            self._window.message_bar.show_message(describe(error))
        self.show_accounts(select)

    def show_accounts(self, select: str | None = None) -> None:
        """Show :attr:`settings`' accounts, ``select`` or the one shown before selected."""
        window = self._window
        shown = self.current_account()
        current = select or (shown.name if shown is not None else None)
        window.account_model.set_accounts(window.settings.accounts)
        window.scheduler.reload()
        row = window.account_model.row_of(current) if current else -1
        if window.settings.accounts:
            window.account_view.setCurrentIndex(window.account_model.index(max(row, 0), 0))
        else:
            self._show_account(None)
        window.update_actions()

    def current_account(self) -> Account | None:
        index = self._window.account_view.currentIndex()
        return self._window.account_model.account_at(index.row()) if index.isValid() else None

    @Slot(QModelIndex, QModelIndex)
    def _account_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_account(self._window.account_model.account_at(current.row()))

    def _show_account(self, account: Account | None) -> None:
        window = self._window
        if account is None:
            window.folder_model.set_folders([])
            window.messages.show_entry(None, None)
            return
        first = self._take_startup_read(account)
        if first is None:  # read in the local mail thread; nothing of the last account meanwhile
            window.folder_model.set_folders([])
            window.messages.show_entry(None, None)
            query = window.messages.query_for(account.name, INBOX)
            work = partial(_read_first_folder, account, query)
            window.tasks.mail(work, self._show_first, partial(self._folders_failed, account))
            return
        self._show_first(first)

    def _show_first(self, first: FirstFolder) -> None:
        """The account's folders, its Inbox selected (with its rows already read)."""
        window = self._window
        account = self.current_account()
        if account is None or account.name != first.account.name:
            return  # another account was chosen meanwhile
        window.folder_model.set_folders(first.folders)
        self._first_folder = first  # for _folder_changed just below
        try:
            window.folder_view.setCurrentIndex(window.folder_model.index(0, 0))
        finally:
            self._first_folder = None

    def _folders_failed(self, account: Account, error: PopguiError) -> None:
        self._window.message_bar.show_message(describe(error), account=account.name)

    def _take_startup_read(self, account: Account) -> FirstFolder | None:
        """What the start-up read found for ``account`` (only for the first account shown)."""
        startup, self._startup = self._startup, None
        return startup.take(account.name) if startup is not None else None

    def show_folders(self, folders: list[FolderInfo]) -> None:
        """New folder counts, the same folder (or On server) staying selected."""
        window = self._window
        if window.folder_model.update_counts(folders):
            return  # the same folders: the selection holds
        current = self.current_folder()
        name = current.name if isinstance(current, FolderInfo) else None
        on_server = isinstance(current, OnServerEntry)
        selection = window.folder_view.selectionModel()
        selection.blockSignals(True)  # the same folder stays selected: nothing to reload
        try:
            window.folder_model.set_folders(folders)
            row = (
                window.folder_model.on_server_row
                if on_server
                else (window.folder_model.row_of(name) if name else 0)
            )
            window.folder_view.setCurrentIndex(window.folder_model.index(max(row, 0), 0))
        finally:
            selection.blockSignals(False)
        now = self.current_folder()
        if not on_server and (not isinstance(now, FolderInfo) or now.name != name):
            # The folder shown was renamed or deleted (or none was): show the one selected now.
            self._folder_changed(window.folder_view.currentIndex(), QModelIndex())

    # -- folders -----------------------------------------------------------------------------

    def current_folder(self) -> FolderInfo | OnServerEntry | None:
        index = self._window.folder_view.currentIndex()
        return self._window.folder_model.entry_at(index.row()) if index.isValid() else None

    @Slot(QModelIndex, QModelIndex)
    def _folder_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self._window.folder_model.entry_at(current.row())
        first = self._first_folder
        preread = (first.query, first.contents) if first is not None else None
        self._window.messages.show_entry(self.current_account(), entry, preread)

    @Slot()
    def show_on_server(self) -> None:
        row = self._window.folder_model.on_server_row
        self._window.folder_view.setCurrentIndex(self._window.folder_model.index(row, 0))

    def new_folder(self) -> None:
        window = self._window
        account = self.current_account()
        if account is None:
            return
        name, ok = QInputDialog.getText(window, MainWindow.tr("New Folder"),
                                        MainWindow.tr("Name of the new folder:"))  # fmt: skip
        if ok and name.strip():
            self._folder_action(account, lambda mail: mail.create_folder(account, name.strip()))

    def rename_folder(self) -> None:
        account, folder = self.current_account(), self.current_folder()
        if account is None or not isinstance(folder, FolderInfo) or not is_user_folder(folder):
            return
        name, ok = QInputDialog.getText(self._window, MainWindow.tr("Rename Folder"),
                                        MainWindow.tr("New name:"), text=folder.name)  # fmt: skip
        if ok and name.strip() and name.strip() != folder.name:
            self._folder_action(
                account, lambda mail: mail.rename_folder(account, folder.name, name.strip())
            )

    def delete_folder(self) -> None:
        account, folder = self.current_account(), self.current_folder()
        if account is None or not isinstance(folder, FolderInfo) or not is_user_folder(folder):
            return
        answer = QMessageBox.question(
            self._window, MainWindow.tr("Delete Folder"),
            en_plural(MainWindow.tr("Delete the folder “{folder}” and the %n message(s) in it?",
                              None, folder.total), folder.total).format(folder=folder.display_name),
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self._folder_action(account, lambda mail: mail.delete_folder(account, folder.name))

    def _folder_action(self, account: Account, action: Callable[[LocalMail], object]) -> None:
        """Change a folder in the local mail thread, then show the folders as they are now."""
        work = partial(act_and_read, action, account, None)
        self._window.tasks.mail(work, self._folder_done, partial(self._folders_failed, account))

    def _folder_done(self, outcome: tuple[PopguiError | None, ViewRead]) -> None:
        error, read = outcome
        if error is not None:
            self._window.message_bar.show_message(describe(error))
        self._window.messages.show_view(read)

    # -- account editing ---------------------------------------------------------------------

    def add_account(self) -> None:
        from popgui.gui.account_dialog import AccountDialog

        window = self._window
        dialog = AccountDialog(
            window.controller, self._window.settings.names(), account=None, parent=window,
            keyring_probe=partial(probe_keyring, profile=window.profile),
        )  # fmt: skip
        if dialog.exec():
            account = dialog.account()
            self.deliver_secrets.saved(
                None, account, dialog.deliver.typed_password(),
                signed_in=dialog.deliver.oauth.box.signed_in,
            )  # fmt: skip
            self._network_saved(dialog, None, account)
            self._carry_sign_in(dialog.sign_in_box.signed_in, account)
            pending = dialog.first_sync.pending_for(account)  # recorded before the first sync
            sync = partial(window.controller.sync, [account])
            self.save_account(account, then=partial(record_pending, window, account, pending, sync))

    def _network_saved(
        self, dialog: AccountDialog, previous: Account | None, edited: Account
    ) -> None:
        """The proxy password and key passphrase typed are stored (in the worker)."""
        self.network_secrets.saved(
            previous, edited, proxy_password=dialog.proxy.typed_password(),
            passphrase=dialog.client_cert.typed_passphrase(),
        )  # fmt: skip

    def edit_current_account(self) -> None:
        account = self.current_account()
        if account is not None:
            self.edit_account(account.name)

    def edit_account(self, name: str, *, sync_after: bool = False) -> None:
        account = self._window.settings.get(name)
        if account is None:
            return
        from popgui.gui.account_dialog import AccountDialog

        window = self._window
        others = [n for n in self._window.settings.names() if n != name]
        dialog = AccountDialog(
            window.controller, others, account=account, parent=window,
            keyring_probe=partial(probe_keyring, account, profile=window.profile),
        )  # fmt: skip
        if dialog.exec():
            edited = dialog.account()
            self.deliver_secrets.saved(
                account, edited, dialog.deliver.typed_password(),
                signed_in=dialog.deliver.oauth.box.signed_in,
            )  # fmt: skip
            self._network_saved(dialog, account, edited)
            typed = dialog.password() is not None
            if (account.auth == "oauth2") != (edited.auth == "oauth2"):
                self._switch_sign_in_method(account, edited, typed=typed)
            elif edited.auth == "oauth2":
                self._carry_sign_in(dialog.sign_in_box.signed_in or account, edited)
                self._rekey_password(account, edited, typed=typed)  # the client secret follows
            else:
                self._rekey_password(account, edited, typed=typed)
            then = (lambda: window.controller.sync([edited])) if sync_after else None
            pending = dialog.first_sync.pending_for(edited)
            self.save_account(
                edited, old_name=name, then=partial(record_pending, window, edited, pending, then)
            )
            window.scheduler.resume(edited.name)  # the password may be all that changed

    def _carry_sign_in(self, signed_in: Account | None, account: Account) -> None:
        """OAuth2 tokens are stored under the account's keyring key, like passwords: when the
        saved account has another name, user or host than when it signed in, they follow
        (queued in the worker, so before the sync that comes after the save)."""
        if signed_in is None or signed_in.auth != "oauth2" or account.auth != "oauth2":
            return
        if keyring_key(signed_in) != keyring_key(account):
            self._window.controller.move_sign_in(signed_in, account)

    def _switch_sign_in_method(self, previous: Account, edited: Account, *, typed: bool) -> None:
        """From OAuth2 to a password, or back: a client secret is no password, nor the other
        way round, so what the old method kept in the keyring goes (the old sign-in's tokens
        with it), unless what was typed in the dialog has already replaced it there."""
        same_key = keyring_key(previous) == keyring_key(edited)
        replaced = typed and stores_password(edited) and same_key
        if not replaced and stores_password(previous):
            self._drop_password(previous, edited)  # an OAuth2 one: its tokens too
        elif previous.auth == "oauth2":
            self._window.controller.forget_sign_in(previous)

    def _rekey_password(self, previous: Account, edited: Account, *, typed: bool) -> None:
        """Keyring passwords are stored under the account's name, user and host: when an edit
        changes them, the stored password follows the account (a password typed in the dialog
        is already stored under the new key) and nothing stays under the old key.

        An account switched to a password command or to Kerberos no longer reads its stored
        password, which is removed. Queued now, in the worker, so it runs before any sync asked
        for after the edit.
        """
        if not stores_password(previous):
            return
        if not stores_password(edited):
            self._drop_password(previous, edited)
            return
        same_place = previous.password_source == edited.password_source
        if same_place and keyring_key(previous) == keyring_key(edited):
            return
        self._rekeying.append(edited.name if not typed else previous.name)
        if typed:
            self._window.controller.forget_password(previous)
        else:
            self._window.controller.move_password(previous, edited)

    def _drop_password(self, previous: Account, edited: Account) -> None:
        """Forget what ``previous`` kept in the keyring (in the worker); a failure is told in
        the words of what the account uses now."""
        ticket = edited.auth == "gssapi"
        (self._dropping_for_ticket if ticket else self._dropping).append(previous.name)
        self._window.controller.forget_password(previous)

    def remove_current_account(self) -> None:
        window = self._window
        account = self.current_account()
        if account is None:
            return
        keyring = stores_password(account)
        question = (
            MainWindow.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded stays on "
                "disk in {folder}. popgui forgets its sign-in, and its client secret if one is "
                "stored, from the system keyring."
            )
            if account.auth == "oauth2"  # no password: tokens, and maybe a client secret
            else MainWindow.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded stays on "
                "disk in {folder}. Its password is removed from the system keyring."
            )
            if account.password_source == "keyring"
            else MainWindow.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded stays on "
                "disk in {folder}. Its password file is removed."
            )
            if keyring
            else MainWindow.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded "
                "stays on disk in {folder}."
            )
        )
        answer = QMessageBox.question(
            window, MainWindow.tr("Remove Account"),
            question.format(account=account.name, folder=account.maildir_path(window.profile)),
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        window.controller.cancel(account.name)
        self._window.settings.remove(account.name)
        self.show_accounts()

        def forget() -> None:
            self.deliver_secrets.removed(account)
            self.network_secrets.removed(account)
            if keyring:  # in the worker: a keyring can block (a locked KWallet waits)
                pending = self._forgetting_sign_in if account.auth == "oauth2" else self._forgetting
                pending.append(account.name)
                window.controller.forget_password(account)

        self.write_settings(then=forget)

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        """Warn when a keyring job this controller queued failed (jobs run in order)."""
        if finished.kind != "password":
            return
        for pending, warning in (
            (self._forgetting, MainWindow.tr(
                "The account {account} was removed, but its password could not be "
                "removed from the keyring: {reason}")),
            (self._forgetting_sign_in, MainWindow.tr(
                "The account {account} was removed, but its sign-in could not be "
                "removed from the keyring: {reason}")),
            (self._dropping, MainWindow.tr(
                "The account {account} now gets its password from a command, but the "
                "password stored before could not be removed from the keyring: {reason}")),
            (self._dropping_for_ticket, MainWindow.tr(
                "The account {account} now signs in with your Kerberos ticket, but the "
                "password stored before could not be removed from the keyring: {reason}")),
            (self._rekeying, MainWindow.tr(
                "The stored password could not be moved to the account's new name, "
                "user or host in the keyring: {reason}")),
        ):  # fmt: skip
            if finished.account in pending:
                pending.remove(finished.account)
                self._warn_if_failed(finished, warning)
                return

    def _warn_if_failed(self, finished: JobFinished, warning: str) -> None:
        error = finished.error
        # No keyring at all: nothing was ever stored in one, so nothing is left behind.
        if error is not None and not isinstance(error, CancelledError | KeyringUnavailableError):
            text = warning.format(account=finished.account, reason=describe(error))
            self._window.message_bar.show_message(text, kind="warning")

    def save_account(
        self,
        account: Account,
        *,
        old_name: str | None = None,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Put ``account`` in the settings, show it, write the file; ``then`` once written."""
        try:
            if old_name is None:
                account = self._window.settings.add(account)
            else:
                account = self._window.settings.replace(account, old_name=old_name)
        except ConfigError as error:
            self._window.message_bar.show_message(describe(error))
            return
        self.show_accounts(select=account.name)
        self._window.focus_list()  # the dialog is closed: the keyboard back on the mail
        self.write_settings(then=then)

    def write_settings(self, *, then: Callable[[], object] | None = None) -> None:
        """Write the settings file in the local mail thread; ``then`` once it is written."""
        path, settings = (
            self._window.profile.settings_file,
            Settings(list(self._window.settings.accounts)),
        )

        def written(_result: None) -> None:
            if then is not None:
                then()

        self._window.tasks.file(partial(save_settings, path, settings), written, self._not_written)

    def _not_written(self, error: PopguiError) -> None:
        """Say why, and show the accounts as the file still has them (what the next start sees)."""
        self._window.message_bar.show_message(describe(error))
        path = self._window.profile.settings_file
        self._window.tasks.file(partial(load_settings, path), self._show_read, lambda _e: None)

    def _show_read(self, settings: Settings) -> None:
        self._window.settings = settings
        self.show_accounts()

    # -- context menus -----------------------------------------------------------------------

    def _account_menu(self, position: Any) -> None:
        window = self._window
        menu = QMenu(window)
        if window.account_view.indexAt(position).isValid():
            for name in ("get_mail_account", "edit_account", "remove_account"):
                menu.addAction(window.actions_by_name[name])
            menu.addSeparator()
        menu.addAction(window.actions_by_name["add_account"])
        menu.exec(window.account_view.viewport().mapToGlobal(position))

    def _folder_menu(self, position: Any) -> None:
        window = self._window
        menu = QMenu(window)
        for name in ("new_folder", "rename_folder", "delete_folder"):
            menu.addAction(window.actions_by_name[name])
        menu.exec(window.folder_view.viewport().mapToGlobal(position))


def _read_first_folder(account: Account, query: ListQuery, mail: LocalMail) -> FirstFolder:
    """The account's folders and its Inbox's rows: runs in the local mail thread."""
    return FirstFolder(account, mail.folders(account), query, read_list(mail, query))


def is_user_folder(folder: object) -> bool:
    return isinstance(folder, FolderInfo) and folder.special == ""
