"""Deleting safely: a delete for good is asked about first; a move to Trash can be undone.

In Trash, Delete removes messages from this computer for good. The window asks first, as
Thunderbird does: a question naming how many, Cancel as the default button, and "Don't ask
again" (Preferences turns the question back on). That delete cannot be undone, and the notice
after it says so. Keeping the files aside for a while to make it undoable would need a second
place on disk, a journal to finish or roll back after a crash, and the index kept in step with
both; the question before it is the safety net instead, as in Thunderbird and Evolution.

A move to Trash can be undone: for :data:`UNDO_MS` the message bar offers Undo and
Edit ▸ Undo Delete (Ctrl+Z) is enabled; either moves the messages back to the folders they were
in, in the local mail thread. Nothing is held back meanwhile: the move is done (and fsynced) at
once, so a popgui killed during those seconds leaves the messages whole in Trash, with the
index in step.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from popgui.accounts.settings import Account
from popgui.errors import PopguiError
from popgui.gui.i18n import en_plural
from popgui.gui.listing import ListQuery
from popgui.gui.message_list import ViewRead, read_view
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe
from popgui.store.localmail import Trashed

if TYPE_CHECKING:
    from popgui.gui import mainwindow
    from popgui.store.localmail import LocalMail

__all__ = ["UNDO_MS", "UndoDelete", "ask_permanent_delete"]

#: How long Undo is offered after a move to Trash: long enough to notice a wrong key, short
#: enough that a notice about an old delete does not linger.
UNDO_MS = 10_000

Moved = tuple[tuple[int, str], ...]


def ask_permanent_delete(parent: QWidget, count: int) -> tuple[bool, bool]:
    """Ask before deleting ``count`` messages for good: (go ahead, do not ask again)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(MainWindow.tr("Delete Permanently"))
    box.setText(en_plural(MainWindow.tr("Permanently delete %Ln message(s)?", None, count), count))
    box.setInformativeText(
        MainWindow.tr(
            "Messages deleted from Trash are removed from this computer. This cannot be undone."
        )
    )
    check = QCheckBox(MainWindow.tr("&Don't ask again"), box)
    box.setCheckBox(check)
    delete = box.addButton(
        MainWindow.tr("&Delete Permanently"), QMessageBox.ButtonRole.DestructiveRole
    )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # Enter must not delete for good
    box.setEscapeButton(cancel)
    box.exec()
    go = box.clickedButton() is delete
    return go, go and check.isChecked()


class UndoDelete(QObject):
    """Says what a delete did, and remembers the last move to Trash for :attr:`undo_ms`.

    Works on the window's ``message_bar`` and its ``undo_delete`` action (enabled only while
    there is something to undo); undoing runs in the window's ``tasks`` and shows the list
    read afterwards through ``messages``.
    """

    def __init__(self, window: mainwindow.MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.undo_ms = UNDO_MS
        self._moved: Moved = ()
        self._notice = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.forget)
        self._action = window.actions_by_name["undo_delete"]
        self._action.setEnabled(False)

    def deleted(self, trashed: Trashed) -> None:
        """A delete is done: say so; offer Undo when it moved messages to Trash."""
        self.forget()
        bar = self._window.message_bar
        if trashed.moved:
            count = len(trashed.moved)
            self._moved = trashed.moved
            self._notice = en_plural(
                MainWindow.tr("%Ln message(s) moved to Trash.", None, count), count
            )
            undo = (MainWindow.tr("Undo"), self.undo)
            bar.show_message(self._notice, kind="info", buttons=[undo], timeout_ms=self.undo_ms)
            self._timer.start(self.undo_ms)
            self._action.setEnabled(True)
        elif trashed.deleted:
            count = trashed.deleted
            text = MainWindow.tr(
                "%Ln message(s) deleted permanently. This cannot be undone.", None, count
            )
            bar.show_message(en_plural(text, count), kind="info", timeout_ms=self.undo_ms)

    def forget(self) -> None:
        """Undo is no longer offered (its time is over, or it was used)."""
        self._timer.stop()
        self._moved = ()
        self._action.setEnabled(False)

    def undo(self) -> None:
        """Move the messages of the last move to Trash back (in the local mail thread)."""
        moved = self._moved
        if not moved:
            return
        bar = self._window.message_bar
        if bar.isVisible() and bar.label.text() == self._notice:
            bar.dismiss()
        self.forget()
        window = self._window
        account = window.accounts.current_account()
        if account is None:
            window.tasks.mail(partial(_untrash, moved), lambda _count: None, self._failed)
            return
        query = window.message_model.query()
        work = partial(_untrash_and_read, moved, account, query)
        window.tasks.mail(work, self._undone, partial(self._failed, account=account))

    def _undone(self, read: ViewRead) -> None:
        """Show the list; the first message put back is selected (not opened) if it is there."""
        kept = read.contents.kept_row if read.contents is not None else -1
        self._window.messages.show_view(read, select_row=kept if kept >= 0 else None)

    def _failed(self, error: PopguiError, account: Account | None = None) -> None:
        self._window.message_bar.show_message(describe(error))
        if account is not None:
            self._window.messages.read_again(account)  # whatever did move back shows


def _untrash(moved: Moved, mail: LocalMail) -> int:
    return mail.untrash(moved)


def _untrash_and_read(
    moved: Moved, account: Account, query: ListQuery | None, mail: LocalMail
) -> ViewRead:
    """Undo in the local mail thread, then read the list, looking for the first one put back."""
    mail.untrash(moved)
    return read_view(account, query, mail, keep_id=moved[0][0])
