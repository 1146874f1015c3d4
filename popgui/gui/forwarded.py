"""Messages delivered to a destination (``--deliver``): listed, but not kept here.

The index keeps their sender, subject, date and size, and where each went
(``MessageRow.elsewhere``, "INBOX on imap.example.com"); there is no file. So:

- opening one shows what the index keeps and where it is (the reading pane);
- Save As and View Source (they need the file) are disabled for it, the tooltip saying why;
  Move is disabled while the selection holds one; Mark as Read/Unread leave it alone (it is
  read where it went: its line is always shown read);
- Delete removes its line from the list only, after saying so: the message stays where it
  was delivered, and stays recorded as downloaded (it is not downloaded again).

The actions run in the local mail thread and skip such messages
(:meth:`~popgui.store.localmail.LocalMail.split_elsewhere`) whatever the selection holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from popgui.gui.i18n import en_plural
from popgui.gui.window_text import MainWindow
from popgui.store.localmail import MessageRow, Trashed

if TYPE_CHECKING:
    from popgui.gui import mainwindow
    from popgui.store.localmail import LocalMail

__all__ = [
    "ask_forget",
    "here_only",
    "trash_or_forget",
    "update_forwarded_actions",
    "where_it_is",
]

#: The actions that need the message's file.
_FILE_ACTIONS = ("save_as", "view_source", "move")


def where_it_is(message: MessageRow) -> str:
    """The tooltip of a delivered message's line, and why its file actions are off."""
    return MainWindow.tr("Delivered to {destination}: popgui keeps only its headers here").format(
        destination=message.elsewhere
    )


def update_forwarded_actions(window: mainwindow.MainWindow) -> None:
    """After the window's own update: the actions that need a file, off for a delivered
    message (the one shown, or one selected), with the reason as their tooltip."""
    known, _not_read = window.messages.selection()
    selected = [message for message in known if message.elsewhere]
    shown = _shown(window)
    for name in _FILE_ACTIONS:
        action = window.actions_by_name[name]
        if action.property("usualTip") is None:
            action.setProperty("usualTip", action.toolTip())
        reason_from = shown if name == "view_source" else (selected[0] if selected else None)
        if reason_from is not None and reason_from.elsewhere:
            action.setEnabled(False)
            action.setToolTip(where_it_is(reason_from))
        else:
            action.setToolTip(str(action.property("usualTip")))
    if known and len(selected) == len(known):  # read where they went: nothing to mark
        window.actions_by_name["mark_read"].setEnabled(False)
        window.actions_by_name["mark_unread"].setEnabled(False)


def _shown(window: mainwindow.MainWindow) -> MessageRow | None:
    shown = window.messages.shown_message_id
    if shown is None:
        return None
    row = window.message_model.row_of(shown)
    return window.message_model.cached_message(row) if row >= 0 else None


def ask_forget(parent: QWidget, selected: Iterable[MessageRow]) -> bool:
    """Before Delete: the delivered messages selected lose their line only. True: go on."""
    elsewhere = [message for message in selected if message.elsewhere]
    if not elsewhere:
        return True
    count = len(elsewhere)
    text = MainWindow.tr(
        "%n message(s) were delivered to {destination}. Delete removes their lines from this "
        "list only: they stay there, and are not downloaded again.",
        None,
        count,
    )
    text = en_plural(text, count).format(destination=elsewhere[0].elsewhere)
    answer = QMessageBox.question(
        parent,
        MainWindow.tr("Remove from the List"),
        text,
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Ok


def here_only(ids: Callable[[LocalMail], list[int]], mail: LocalMail) -> list[int]:
    """The messages of ``ids`` that are files here (runs in the local mail thread)."""
    return mail.split_elsewhere(ids(mail))[0]


def trash_or_forget(ids: Callable[[LocalMail], list[int]], mail: LocalMail) -> Trashed:
    """Delete: files go to Trash, delivered messages lose their line (local mail thread)."""
    here, elsewhere = mail.split_elsewhere(ids(mail))
    mail.forget(elsewhere)
    return mail.trash(here)
