"""After Get Mail: what a sync did besides bringing new mail.

For an account with a destination (``--deliver``): what went there.
The message bar says how many messages were delivered and where (an information that goes by
itself, never in the place of another account's notice: then the status bar says it); messages
the destination asked to retry later stay on the server, and the message bar says so in plain
words (a sync that ends with refused messages is an error of the account, worded by the
getmail controller). For a first sync that left older mail on the server (``--skip-existing``,
``--since``) or adopted what the Maildir held (``--adopt``): how many, so that an empty Inbox
after adding an account is no riddle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from popgui.catalog import sync as says
from popgui.gui.i18n import en_plural
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import say
from popgui.sync.progress import SyncResult

if TYPE_CHECKING:
    from popgui.gui import mainwindow

__all__ = ["NOTE_MS", "note_delivery", "note_first_sync"]

#: How long the count stays.
NOTE_MS = 15_000


def note_first_sync(window: mainwindow.MainWindow, result: SyncResult) -> None:
    """What the first sync left on the server or adopted, in the message bar."""
    parts = []
    if result.left_on_server:
        parts.append(say(says.LEFT_ON_SERVER(count=result.left_on_server)))
    if result.adopted:
        parts.append(say(says.ADOPTED(count=result.adopted)))
    if parts:
        text = MainWindow.tr("{account}: {what}").format(
            account=result.account, what="; ".join(parts)
        )
        bar = window.message_bar
        if bar.isHidden() or bar.accounts == (result.account,):
            bar.show_message(text, kind="info", account=result.account, timeout_ms=NOTE_MS)
        else:  # another account's notice stays
            window.statusBar().showMessage(text, NOTE_MS)


def note_delivery(window: mainwindow.MainWindow, result: SyncResult) -> None:
    """The count; messages left for later."""
    where = result.delivered_to
    if where is None:
        return
    if result.forwarded:
        count = result.forwarded
        text = MainWindow.tr("{account}: %n message(s) delivered to {destination}", None, count)
        text = en_plural(text, count).format(account=result.account, destination=where)
        bar = window.message_bar
        if bar.isHidden() or bar.accounts == (result.account,):
            bar.show_message(text, kind="info", account=result.account, timeout_ms=NOTE_MS)
        else:  # another account's notice stays
            window.statusBar().showMessage(text, NOTE_MS)
    if result.deferred and result.error is None:
        count = len(result.deferred)
        reason = result.deferred[0].partition(": ")[2] or result.deferred[0]
        text = MainWindow.tr(
            "{account}: %n message(s) could not be delivered to {destination} now, which "
            "answered: {reason}. They stay on the server and are delivered at the next Get "
            "Mail.",
            None,
            count,
        )
        text = en_plural(text, count).format(
            account=result.account, destination=where, reason=reason
        )
        window.message_bar.show_message(text, kind="warning", account=result.account)
