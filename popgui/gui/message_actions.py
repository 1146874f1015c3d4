"""What can be done to the selected messages: open, mark, delete, move, save, view source.

Each action runs in the local mail thread (:class:`~popgui.gui.mailtasks.MailTasks`): marking
read renames a file and updates the index, Trash and Move rename files, Save copies one. The
same task reads back what the window must show afterwards (the rows' new state, the folders'
counts, the list), so the GUI thread never waits on the disk or the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from popgui.accounts.settings import Account
from popgui.errors import PopguiError
from popgui.gui.forwarded import ask_forget, here_only, trash_or_forget
from popgui.gui.icons import icon
from popgui.gui.listing import ListQuery, message_ids
from popgui.gui.message_list import ViewRead, act_and_read
from popgui.gui.reader import read_source
from popgui.gui.safe_delete import UndoDelete, ask_permanent_delete
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe
from popgui.store.localmail import FolderInfo, MessageRow, Trashed

if TYPE_CHECKING:
    from popgui.gui import mainwindow
    from popgui.store.localmail import LocalMail

__all__ = ["Marked", "MessageActions"]


@dataclass(frozen=True)
class Marked:
    """Messages whose read state changed, as they are now, and the folders' new counts."""

    account: str
    messages: list[MessageRow]
    folders: list[FolderInfo]


def mark_read(account: Account, ids: list[int], read: bool, mail: LocalMail) -> Marked:
    """Set the read flag (a file rename and an index update): runs in the local mail thread.
    A message delivered elsewhere has no file here: it is left as it is (read)."""
    mail.set_read(mail.split_elsewhere(ids)[0], read)
    rows = [row for message_id in ids if (row := mail.message(message_id)) is not None]
    return Marked(account.name, rows, mail.folders(account))


class MessageActions(QObject):
    """Open, mark read or unread, delete (to Trash), move, save as .eml, view the source.

    Acts on the window's ``messages.selection()``; shows results in ``message_model``,
    ``reader`` and the folders pane (through ``accounts``), errors in ``message_bar``; runs
    every file and index operation through the window's ``tasks``.

    After a delete or a move the row that took the first one's place is selected, not opened:
    opening marks read, and only the person opens a message (a click, Enter, moving to it).

    Signals: none; :attr:`shown_message_id` of the window's ``messages`` says what is open.
    """

    def __init__(self, window: mainwindow.MainWindow) -> None:
        super().__init__(window)
        self._window = window
        #: The notice after a delete, and Undo after a move to Trash.
        self.undo = UndoDelete(window)
        window.folder_model.messagesDropped.connect(self.move_messages)
        window.message_table.customContextMenuRequested.connect(self._message_menu)
        # A click or Enter on the row left selected (not opened) after a delete opens it.
        window.message_table.clicked.connect(lambda _index: window.messages.open_selected())
        window.message_table.activated.connect(lambda _index: window.messages.open_selected())
        window.message_table.doubleClicked.connect(lambda _index: self.view_source())
        window.reader.sourceRequested.connect(self.view_source)
        window.reader.set_file_runner(window.tasks.file)  # attachments saved there

    def _failed(self, error: PopguiError) -> None:
        self._window.message_bar.show_message(describe(error))

    # -- opening -----------------------------------------------------------------------------

    def open_message(self, row: int, message: MessageRow) -> None:
        """Show the message and mark it read (opening it is reading it)."""
        window = self._window
        account = window.accounts.current_account()
        window.messages.shown_message_id = message.id
        if not message.read and account is not None:
            # Marking read renames the file (new/ → cur/, flag S): read it after that.
            work = partial(mark_read, account, [message.id], True)
            window.tasks.mail(
                work, partial(self._opened, message), partial(self._open_failed, message)
            )
        else:
            self._show(message)
        window.update_title()
        window.update_actions()

    def _opened(self, message: MessageRow, marked: Marked) -> None:
        self._show_marked(marked)
        now = next((m for m in marked.messages if m.id == message.id), message)
        self._show(now)

    def _open_failed(self, message: MessageRow, error: PopguiError) -> None:
        self._failed(error)
        self._show(message)

    def _show(self, message: MessageRow) -> None:
        window = self._window
        if window.messages.shown_message_id != message.id:
            return  # another message was opened meanwhile
        if not window.actions_by_name["reading_pane"].isChecked():
            return
        if message.elsewhere:  # delivered to a destination: no file here to read
            where = message.elsewhere
            window.reader.show_elsewhere(message.subject, message.from_addr, message.date, where)
        else:
            window.reader.show_file(Path(message.path), message.subject)

    def view_source(self) -> None:
        """The raw message, read in the local mail thread from where its file is now (a flag
        change renames it); the dialog opens when it is read."""
        shown = self._window.messages.shown_message_id
        if shown is not None and self._window.actions_by_name["view_source"].isEnabled():
            self._window.tasks.mail(partial(_read_source, shown), self._source, self._failed)

    def _source(self, read: tuple[Path, str, str] | None) -> None:
        if read is not None:
            path, source, subject = read
            dialog = self._window.reader.view_source(path, source, subject)
            dialog.finished.connect(lambda _result: self._window.focus_list())

    # -- marking -----------------------------------------------------------------------------

    def _selected_ids(self) -> Callable[[LocalMail], list[int]] | None:
        """The selection's ids, as read in the local mail thread (None: nothing selected).

        Rows whose page the list has not read (a Select All in a long folder) are looked up
        there, in the list's query.
        """
        known, not_read = self._window.messages.selection()
        ids = [message.id for message in known]
        query = self._window.message_model.query()
        if not not_read or query is None:
            return (lambda _mail: ids) if ids else None
        shown = self._window.message_model.rowCount()
        return lambda mail: ids + message_ids(mail, query, not_read, shown)

    def mark_selected(self, read: bool) -> None:
        window = self._window
        selected = self._selected_ids()
        account = window.accounts.current_account()
        if selected is not None and account is not None:
            work = partial(_mark_selected, account, selected, read)
            window.tasks.mail(work, self._show_marked, self._failed)

    def _show_marked(self, marked: Marked) -> None:
        window = self._window
        window.account_model.note_read(marked.account, marked.messages)  # "n new" follows
        account = window.accounts.current_account()
        if account is None or account.name != marked.account:
            return
        for message in marked.messages:
            row = window.message_model.row_of(message.id)
            if row >= 0:
                window.message_model.update_row(row, message)
        window.accounts.show_folders(marked.folders)
        window.update_counts_later()
        window.update_actions()  # Mark as Read/Unread follow the rows' new state

    # -- delete and move ---------------------------------------------------------------------

    def delete_selected(self) -> None:
        """Move to Trash; in Trash, delete for good (asked first, unless told not to ask)."""
        window = self._window
        selected = self._selected_ids()
        if selected is None:
            return
        folder = window.accounts.current_folder()
        in_trash = isinstance(folder, FolderInfo) and folder.special == "trash"
        if in_trash and not self._may_delete_for_good():
            return
        if not ask_forget(window, window.messages.selection()[0]):
            return  # delivered elsewhere: only their lines would go, and the person said no
        self._remove_rows(partial(trash_or_forget, selected), self.undo.deleted)

    def _may_delete_for_good(self) -> bool:
        window = self._window
        if not window.preferences.confirm_permanent_delete:
            return True
        known, not_read = window.messages.selection()
        go, dont_ask = ask_permanent_delete(window, len(known) + len(not_read))
        if dont_ask:
            window.preferences = replace(window.preferences, confirm_permanent_delete=False)
            window.preferences.save(window.layout_state)  # Preferences can turn it back on
        return go

    def _move_selected_to(self, folder: str) -> None:
        selected = self._selected_ids()
        if selected is not None and folder != self._window.message_model.folder:
            self._remove_rows(lambda mail: mail.move(here_only(selected, mail), folder))

    def move_messages(self, ids: list[int], folder: str) -> None:
        """Move messages dropped on a folder (or given by id)."""
        known, not_read = self._window.messages.selection()
        if not_read and set(ids) == {message.id for message in known}:
            # The list's own selection was dragged: its rows whose page was never read could
            # not be in the drag's data, they are moved too.
            self._move_selected_to(folder)
        elif ids and folder != self._window.message_model.folder:
            self._remove_rows(lambda mail: mail.move(here_only(lambda _m: ids, mail), folder))

    def ask_move_selected(self) -> None:
        window = self._window
        known, not_read = window.messages.selection()
        folders = window.folder_model.folders()
        names = [f.name for f in folders if f.name != window.message_model.folder]
        if not (known or not_read) or not names:
            return
        labels = {f.display_name: f.name for f in folders if f.name in names}
        choice, ok = QInputDialog.getItem(
            window, MainWindow.tr("Move to Folder"), MainWindow.tr("Move to:"), list(labels), 0,
            False,
        )  # fmt: skip
        if ok:
            self._move_selected_to(labels[choice])

    def _remove_rows(
        self,
        action: Callable[[LocalMail], object],
        done: Callable[[Trashed], None] | None = None,
    ) -> None:
        """Run a move or trash, then select the row that took the first one's place.

        ``done`` is given what a trash did (to say so and offer Undo).
        """
        window = self._window
        account = window.accounts.current_account()
        query = window.message_model.query()
        if account is None or query is None:
            return
        rows = window.message_table.selectionModel().selectedRows()
        first = min((index.row() for index in rows), default=0)
        window.reader.clear()
        window.messages.shown_message_id = None
        work = partial(_act_and_read, action, account, query)
        window.tasks.mail(work, partial(self._removed, first, done), self._failed)

    def _removed(
        self,
        first: int,
        done: Callable[[Trashed], None] | None,
        outcome: tuple[PopguiError | None, ViewRead, object],
    ) -> None:
        error, read, value = outcome
        if done is not None and isinstance(value, Trashed):
            done(value)
        if error is not None:
            self._failed(error)
        self._window.messages.show_view(read, select_row=first)

    # -- saving ------------------------------------------------------------------------------

    def save_as(self) -> None:
        window = self._window
        messages = window.messages.selected_messages()
        if not messages:
            return
        message = messages[0]
        if message.elsewhere:
            return  # no file here (Save As is disabled for it)
        suggested = _file_name_for(message.subject) + ".eml"
        name, _ = QFileDialog.getSaveFileName(window, MainWindow.tr("Save Message As"), suggested,
                                              MainWindow.tr("Mail messages (*.eml)"))  # fmt: skip
        if name:
            work = partial(_save_eml, message.id, Path(name))
            window.tasks.mail(work, lambda _done: None, self._failed)

    # -- the context menu --------------------------------------------------------------------

    def _message_menu(self, position: Any) -> None:
        window = self._window
        if not any(window.messages.selection()):
            return
        menu = QMenu(window)
        for name in ("mark_read", "mark_unread", "-", "delete", "save_as", "view_source"):
            if name == "-":
                menu.addSeparator()
            else:
                menu.addAction(window.actions_by_name[name])
        move = menu.addMenu(icon("folder"), MainWindow.tr("Move To"))
        for folder in window.folder_model.folders():
            if folder.name != window.message_model.folder:
                target = folder.name
                move.addAction(folder.display_name, partial(self._move_selected_to, target))
        move.setEnabled(not move.isEmpty())
        menu.exec(window.message_table.viewport().mapToGlobal(position))


def _mark_selected(
    account: Account, selected: Callable[[LocalMail], list[int]], read: bool, mail: LocalMail
) -> Marked:
    return mark_read(account, selected(mail), read, mail)


def _act_and_read(
    action: Callable[[LocalMail], object],
    account: Account,
    query: ListQuery | None,
    mail: LocalMail,
) -> tuple[PopguiError | None, ViewRead, object]:
    """:func:`act_and_read`, keeping what the action returned (None if it failed)."""
    value: list[object] = []
    error, read = act_and_read(lambda m: value.append(action(m)), account, query, mail)
    return error, read, value[0] if value else None


def _read_source(message_id: int, mail: LocalMail) -> tuple[Path, str, str] | None:
    """Where the message's file is now, what View Source shows of it, and its subject."""
    message = mail.message(message_id)
    if message is None:
        return None
    path = Path(message.path)
    return path, read_source(path), message.subject


def _save_eml(message_id: int, destination: Path, mail: LocalMail) -> None:
    mail.save_eml(message_id, destination)


def _file_name_for(subject: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in " -_.," else "_" for ch in subject).strip(" .")
    return name[:80] or "message"
