"""The window by keyboard: Tab from pane to pane, Space to read on, Esc in the filter, and
the keyboard's home, the message list, after dialogs and actions.

Tab and Shift+Tab go round the panes in one order, accounts → folders → (the message bar's
buttons, when it shows) → message list → reading pane → filter, whatever the order in which
the widgets were made: Qt asks the window (``focusNextPrevChild`` goes up the parents) and
:meth:`KeyboardController.move_focus` answers. The same call comes when the widget holding the
focus is hidden or disabled (the message bar dismissed, a button disabled): the focus then
goes back to the list rather than on to whatever widget Qt's focus chain holds next (it was
the filter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QApplication, QWidget

from popgui.gui.models import COL_SUBJECT

if TYPE_CHECKING:
    from popgui.gui import mainwindow

__all__ = ["KeyboardController"]

#: How long "no more unread messages" stays in the status bar.
NOTE_MS = 5000


class KeyboardController(QObject):
    """Tab between the panes, Space and Shift+Space, Esc in the filter, focus to the list.

    Works on the window's panes (``account_view``, ``folder_view``, ``message_bar``,
    ``message_table`` or ``on_server_view``, ``reader``, ``filter_field``), its
    ``message_model`` and its ``messages`` (what the reading pane shows).
    """

    def __init__(self, window: mainwindow.MainWindow) -> None:
        super().__init__(window)
        self._window = window
        for widget in (window.message_table, window.reader.browser, window.filter_field):
            widget.installEventFilter(self)
        # The reading pane is a stop of its own: reachable, then scrolled with the arrows.
        window.reader.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- the list, the keyboard's home ---------------------------------------------------------

    def list_view(self) -> QWidget:
        """The list shown: the messages, or the On server list in their place."""
        window = self._window
        if window.messages.local_list_shown():
            return window.message_table
        return window.on_server_view.table

    def focus_list(self) -> None:
        self.list_view().setFocus(Qt.FocusReason.OtherFocusReason)

    # -- Tab and Shift+Tab ---------------------------------------------------------------------

    def stops(self) -> list[QWidget]:
        """Where Tab stops, in order (the hidden and disabled ones are passed over)."""
        window = self._window
        bar = sorted(window.message_bar.findChildren(QAbstractButton), key=lambda b: b.x())
        stops: list[QWidget] = [window.account_view, window.folder_view, *bar]
        if window.messages.local_list_shown():
            reader = window.reader
            stops += [window.message_table, reader.browser, reader.attachment_list]
            stops.append(window.filter_field)
        else:
            view = window.on_server_view
            stops += [view.table, view.preview, view.download_button, view.download_all_button,
                      view.delete_button, view.refresh_button]  # fmt: skip
        return stops

    def move_focus(self, forward: bool) -> bool:
        """The focus to the next (or previous) pane; False to leave it to Qt."""
        focus = QApplication.focusWidget()
        if focus is None or not focus.isVisible() or not focus.isEnabled():
            self.focus_list()  # what had the focus went away (hidden, disabled)
            return True
        stops = self.stops()
        position = self._position(stops, focus)
        if position is None:
            return False
        step = 1 if forward else -1
        for distance in range(1, len(stops) + 1):
            stop = stops[(position + step * distance) % len(stops)]
            if stop.isVisible() and stop.isEnabled():
                reason = Qt.FocusReason
                stop.setFocus(reason.TabFocusReason if forward else reason.BacktabFocusReason)
                return True
        return False

    def _position(self, stops: list[QWidget], focus: QWidget) -> int | None:
        """The stop holding ``focus``, or the first stop of the pane holding it."""
        for position, stop in enumerate(stops):
            if stop is focus or stop.isAncestorOf(focus):
                return position
        window = self._window
        panes = [(window.account_view.parentWidget(), window.account_view),
                 (window.reader, window.reader.browser)]  # fmt: skip
        if not window.messages.local_list_shown():
            panes.append((window.on_server_view, window.on_server_view.table))
        for pane, stop in panes:
            if pane is not None and pane.isAncestorOf(focus) and stop in stops:
                return stops.index(stop)
        return None

    # -- keys on the list, the reading pane and the filter -------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            return False
        if watched is self._window.filter_field:
            return event.key() == Qt.Key.Key_Escape and self._escape_in_filter(event)
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space:
            return self._space(event)
        return False

    def _escape_in_filter(self, event: QKeyEvent) -> bool:
        """The field keeps Esc from the window's Stop shortcut: Esc clears the filter, a second
        Esc goes back to the list (where Esc stops a download again)."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if event.type() != QEvent.Type.KeyPress:
            return False
        field = self._window.filter_field
        if field.text():
            field.clear()
        else:
            self.focus_list()
        return True

    def _space(self, event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.NoModifier:
            self.read_on()
        elif modifiers == Qt.KeyboardModifier.ShiftModifier:
            self.read_back()
        else:
            return False
        return True

    # -- Space: read on ------------------------------------------------------------------------

    def _message_open(self) -> bool:
        window = self._window
        return window.messages.shown_message_id is not None and window.reader.isVisible()

    def read_on(self) -> None:
        """Space: a page further in the message; at its end, the next unread message."""
        bar = self._window.reader.browser.verticalScrollBar()
        if self._message_open() and bar.value() < bar.maximum():
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        else:
            self.open_next_unread()

    def read_back(self) -> None:
        """Shift+Space: a page back in the message."""
        if self._message_open():
            bar = self._window.reader.browser.verticalScrollBar()
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)

    def open_next_unread(self) -> None:
        """Select (so open) the first unread message below the one shown, in the list's order."""
        window = self._window
        if not window.messages.local_list_shown():
            return
        model, table = window.message_model, window.message_table
        shown = window.messages.shown_message_id
        shown_row = model.row_of(shown) if shown is not None else -1
        start = shown_row + 1 if shown_row >= 0 else max(table.currentIndex().row(), 0)
        for row in range(start, model.rowCount()):
            message = model.cached_message(row)
            if message is None:
                # Its page is not read yet: ask for it; the next Space goes on from here.
                model.message_at(row)
                return
            if not message.read:
                index = model.index(row, COL_SUBJECT)
                flags = QItemSelectionModel.SelectionFlag
                table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                table.scrollTo(index)
                return
        window.statusBar().showMessage(self.tr("No more unread messages in this folder"), NOTE_MS)
