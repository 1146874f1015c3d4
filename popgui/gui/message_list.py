"""What the message list shows: the folder, the filter, the open message, new mail arriving.

Every read of the index behind the list is done elsewhere: a folder's rows, and the further
pages of a long folder as the view scrolls, in the local mail thread
(:class:`~popgui.gui.mailtasks.MailTasks`); new mail in the index reader. The GUI thread only
shows what they read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer, Signal, Slot

from popgui.accounts.settings import Account
from popgui.errors import PopguiError
from popgui.gui.indexreader import Refreshed, RefreshRequest
from popgui.gui.listing import PAGE_SIZE, ListContents, ListQuery, read_list
from popgui.gui.models import COL_SUBJECT, COLUMNS, OnServerEntry
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe
from popgui.store.localmail import FolderInfo

if TYPE_CHECKING:
    from popgui.gui import mainwindow
    from popgui.store.localmail import LocalMail, MessageRow

__all__ = ["FILTER_DELAY_MS", "MessageListController", "ViewRead", "act_and_read", "read_view"]

FILTER_DELAY_MS = 200


@dataclass(frozen=True)
class ViewRead:
    """An account's folders and, when ``query`` is set, the rows it shows (read off-thread)."""

    account: str
    folders: list[FolderInfo]
    query: ListQuery | None
    contents: ListContents | None
    keep_id: int | None = None


def read_view(
    account: Account, query: ListQuery | None, mail: LocalMail, keep_id: int | None = None
) -> ViewRead:
    """Read the folders and the list for ``query``: runs in the local mail thread.

    ``keep_id``: the open message, looked for in the first pages (``contents.kept_row``).
    """
    contents = read_list(mail, query, keep_id) if query is not None else None
    return ViewRead(account.name, mail.folders(account), query, contents, keep_id)


def act_and_read(
    action: Callable[[LocalMail], object],
    account: Account,
    query: ListQuery | None,
    mail: LocalMail,
) -> tuple[PopguiError | None, ViewRead]:
    """Run ``action``, then read what the window shows next: in the local mail thread.

    The action's error is returned with the read, so the window shows both.
    """
    try:
        action(mail)
    except PopguiError as error:
        return error, read_view(account, query, mail)
    return None, read_view(account, query, mail)


class MessageListController(QObject):
    """Shows a folder in the list, filters it, keeps the open message, adds arriving mail.

    Works on the window's ``message_model``, ``message_table``, ``reader``, ``filter_field``,
    ``content_stack``, ``reading_splitter``, ``on_server_view`` and ``folder_model``; reads
    through its ``tasks`` and ``index_reader``. The window's ``message_actions`` opens a
    message when one row is selected.

    Signals:
        shown(): the rows of a folder just read are in the list (for tests and the title).
    """

    shown = Signal()

    def __init__(self, window: mainwindow.MainWindow) -> None:
        super().__init__(window)
        self._window = window
        #: The message in the reading pane (None: none).
        self.shown_message_id: int | None = None
        #: A row selected after a delete without being opened (see select_unopened).
        self._unopened_row: int | None = None
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)  # type-ahead: one query per pause
        self._filter_timer.timeout.connect(self.apply_filter)
        window.filter_field.textChanged.connect(lambda _text: self._filter_timer.start())
        window.message_table.selectionModel().selectionChanged.connect(self.selection_changed)
        window.message_model.modelReset.connect(window.update_counts)
        window.message_model.modelReset.connect(self._update_placeholder)
        header = window.message_table.horizontalHeader()
        header.sortIndicatorChanged.connect(self.sort_changed)
        window.index_reader.ready.connect(self._refreshed)
        window.message_model.set_page_reader(self._read_page)
        window.message_model.pageArrived.connect(self._page_arrived)

    # -- which folder ------------------------------------------------------------------------

    def query_for(self, account: str, folder: str) -> ListQuery:
        """The list's query for ``folder``, in the list's sort order and filter."""
        model = self._window.message_model
        sort = COLUMNS[model.sort_column].sort_key or "date"
        descending = model.sort_order == Qt.SortOrder.DescendingOrder
        return ListQuery(account, folder, model.filter_text, sort, descending)

    def show_entry(
        self,
        account: Account | None,
        entry: FolderInfo | OnServerEntry | None,
        preread: tuple[ListQuery, ListContents] | None = None,
    ) -> None:
        """Show a folder (its rows read off-thread unless ``preread``), or On server."""
        window = self._window
        window.reader.clear()
        self.shown_message_id = None
        if isinstance(entry, OnServerEntry):
            # Only now: showing an account's server asks the server (a network job).
            if window.on_server_view.account != account:
                window.on_server_view.set_account(account)
            window.content_stack.setCurrentWidget(window.on_server_view)
            window.update_counts()  # the view has its own summary: no stale folder counts
        elif entry is not None and account is not None:
            window.content_stack.setCurrentWidget(window.reading_splitter)
            query = self.query_for(account.name, entry.name)
            if preread is not None and preread[0] == query:
                self._show_rows(query, preread[1])
            else:
                window.message_model.clear()  # nothing of the last folder while this one loads
                self._read_rows(query)
        else:
            window.message_model.clear()
        window.update_title()
        window.update_actions()

    @Slot()
    def _update_placeholder(self) -> None:
        """What an empty list says: nothing while a folder is read (the model is cleared
        then), else that the filter matched nothing or that the folder is empty."""
        model = self._window.message_model
        if model.query() is None:
            text = ""
        elif model.filter_text:
            text = self.tr("No messages match “{filter}”").format(filter=model.filter_text)
        else:
            text = self.tr("This folder is empty")
        self._window.message_table.set_placeholder(text)

    def _read(self, query: ListQuery, contents: ListContents) -> None:
        accounts = self._window.accounts
        account, folder = accounts.current_account(), accounts.current_folder()
        if account is None or not isinstance(folder, FolderInfo):
            return
        if (account.name, folder.name) != (query.account, query.folder):
            return  # another folder was chosen meanwhile: its own read follows
        wanted = self.query_for(account.name, folder.name)
        if wanted == query:
            self._show_rows(query, contents)
        else:  # filtered or sorted meanwhile: read it that way
            self._read_rows(wanted)

    def _read_rows(self, query: ListQuery) -> None:
        self._window.tasks.mail(partial(read_list, query=query), partial(self._read, query),
                                self._failed)  # fmt: skip

    def _show_rows(self, query: ListQuery, contents: ListContents) -> None:
        self._window.message_model.set_folder(query.account, query.folder, (query, contents))
        self.select_first_row_if_none()
        self._window.update_actions()
        self.shown.emit()

    def _failed(self, error: PopguiError) -> None:
        self._window.message_bar.show_message(describe(error))

    def _read_page(
        self, query: ListQuery, number: int, arrived: Callable[[list[MessageRow] | None], None]
    ) -> None:
        """A page the list scrolled to, read in the local mail thread (the model asks once)."""

        def failed(error: PopguiError) -> None:
            self._failed(error)
            arrived(None)

        self._window.tasks.mail(partial(query.page, number=number), arrived, failed)

    @Slot(int)
    def _page_arrived(self, number: int) -> None:
        """A row selected before its page was read is opened now that it is there."""
        rows = self._window.message_table.selectionModel().selectedRows()
        if len(rows) == 1 and rows[0].row() // PAGE_SIZE == number:
            self.selection_changed()

    def show_view(self, read: ViewRead, select_row: int | None = None) -> None:
        """Show what a local action read afterwards: folder counts, and the list's rows."""
        accounts = self._window.accounts
        account = accounts.current_account()
        if account is None or account.name != read.account:
            return  # another account is shown now
        accounts.show_folders(read.folders)
        model = self._window.message_model
        if read.query is not None and read.contents is not None and model.query() == read.query:
            model.set_folder(read.query.account, read.query.folder, (read.query, read.contents))
            if select_row is not None and model.rowCount():
                self.select_unopened(min(select_row, model.rowCount() - 1))
            elif select_row is None:
                self._select_kept_message(read.keep_id, read.contents.kept_row, same=False)
        self._window.update_counts_later()

    def select_first_row_if_none(self) -> None:
        # Keyboard navigation needs a current row, but opening a message marks it read:
        # make the first row current without selecting (and so without opening) it.
        window = self._window
        if window.message_model.rowCount() and not window.message_table.currentIndex().isValid():
            window.message_table.selectionModel().setCurrentIndex(
                window.message_model.index(0, COL_SUBJECT),
                QItemSelectionModel.SelectionFlag.NoUpdate,
            )

    # -- selection ---------------------------------------------------------------------------

    def local_list_shown(self) -> bool:
        """Whether the message list is on screen (not the On server view in its place)."""
        return self._window.content_stack.currentWidget() is self._window.reading_splitter

    def selected_messages(self) -> list[MessageRow]:
        """The selected local messages the list has read (see :meth:`selection`).

        None while On server is shown in the list's place: Del, Ctrl+R and the other message
        actions must not act on a list nobody can see.
        """
        known, _not_read = self.selection()
        return known

    def selection(self) -> tuple[list[MessageRow], list[int]]:
        """The selected messages whose page the list has read, and the rows of the others.

        A Select All in a long folder selects rows never shown: their ids are read where the
        action runs (see :func:`~popgui.gui.listing.message_ids`), not here.
        """
        if not self.local_list_shown():
            return [], []
        window = self._window
        rows = sorted(index.row() for index in window.message_table.selectionModel().selectedRows())
        known: list[MessageRow] = []
        not_read: list[int] = []
        for row in rows:
            message = window.message_model.cached_message(row)
            if message is None:
                not_read.append(row)
            else:
                known.append(message)
        return known, not_read

    def select_unopened(self, row: int) -> None:
        """Select ``row`` (Del, Shift+arrows and the actions go on from it) without opening it.

        After a delete or a move the next row is selected so that the person can go on, but
        opening it would mark it read behind their back: it opens when they click it, press
        Enter (:meth:`open_selected`) or move to another row.
        """
        self._unopened_row = row
        self._window.message_table.selectRow(row)
        self._window.reader.clear(MainWindow.tr("Press Enter to open the selected message"))

    def open_selected(self) -> None:
        """Open the one selected row, if it is not open yet (a click, Enter)."""
        self._unopened_row = None
        self.selection_changed()

    @Slot()
    def selection_changed(self, *_args: object) -> None:
        """One selected row is opened; several leave the reading pane as it is; none (the
        last one deselected, Ctrl+Space or Ctrl+click) empties it: the pane never shows a
        message that is not highlighted.

        Selection, not the current index, decides: a row made current without being
        selected (see select_first_row_if_none) must not be marked read, nor a row selected
        after a delete (see select_unopened).
        """
        window = self._window
        rows = window.message_table.selectionModel().selectedRows()
        if len(rows) != 1 or rows[0].row() != self._unopened_row:
            if self._unopened_row is not None and len(rows) != 1:
                window.reader.clear()  # its hint was about the one row selected
            self._unopened_row = None
        if len(rows) == 1 and self._unopened_row is None:
            message = window.message_model.message_at(rows[0].row())
            if message is not None and message.id != self.shown_message_id:
                window.message_actions.open_message(rows[0].row(), message)
        elif not rows and self.shown_message_id is not None and self.local_list_shown():
            self.shown_message_id = None
            window.reader.clear()
        window.update_actions()

    def select_all(self) -> None:
        window = self._window
        if window.filter_field.hasFocus():
            window.filter_field.selectAll()
        elif not self.local_list_shown():
            window.on_server_view.table.setFocus()
            window.on_server_view.table.selectAll()
        else:
            window.message_table.setFocus()
            window.message_table.selectAll()

    def focus_filter(self) -> None:
        self._window.filter_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._window.filter_field.selectAll()

    @Slot()
    def apply_filter(self) -> None:
        """Show the rows matching the filter field (read in the local mail thread)."""
        window = self._window
        model = window.message_model
        text = window.filter_field.text()
        if text.strip() == model.filter_text:
            return
        self.shown_message_id = None
        window.reader.clear()
        shown = model.query()
        model.clear()  # emptied first, the model has nothing to read again itself
        model.set_filter(text)
        if shown is not None:
            self._read_rows(self.query_for(shown.account, shown.folder))

    @Slot(int, Qt.SortOrder)
    def sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A column header was clicked: the rows in that order (read in the local mail thread)."""
        model = self._window.message_model
        shown = model.query()
        if shown is None:
            model.sort(column, order)  # nothing shown: only remembered
            return
        self.shown_message_id = None
        self._window.reader.clear()
        model.clear()  # emptied first, the model has nothing to read again itself
        model.sort(column, order)
        self._read_rows(self.query_for(shown.account, shown.folder))

    def set_reading_pane_visible(self, visible: bool) -> None:
        self._window.reader.setVisible(visible)
        if visible and self.shown_message_id is not None:
            self.shown_message_id = None  # shown again, now that there is room for it
            self.selection_changed()

    # -- new mail ----------------------------------------------------------------------------

    def refresh_in_background(self, account: Account) -> None:
        """New mail is in the index: count and read it in the index reader, then show it."""
        window = self._window
        query = window.message_model.query()
        if not isinstance(window.accounts.current_folder(), FolderInfo):
            query = None  # On server is shown: only the folders' counts change
        visible = self.visible_rows()
        # The pages on screen are read too, to tell whether the rows shown changed.
        pages = sorted({visible[0] // PAGE_SIZE, visible[-1] // PAGE_SIZE}) if visible else []
        generations = (window.folder_model.generation, window.message_model.generation)
        request = RefreshRequest(account, query, self.shown_message_id, generations, tuple(pages))
        window.index_reader.request(request)

    def read_again(self, account: Account) -> None:
        """Read the folders and the list in the local mail thread, then show them."""
        window = self._window
        query = window.message_model.query()
        if not isinstance(window.accounts.current_folder(), FolderInfo):
            query = None
        work = partial(read_view, account, query, keep_id=self.shown_message_id)
        window.tasks.mail(lambda mail: work(mail), self.show_view, self._failed)

    def visible_rows(self) -> range:
        """The rows of the message list on screen."""
        table = self._window.message_table
        first = table.rowAt(0)
        if first < 0:
            return range(0)
        last = table.rowAt(table.viewport().height() - 1)
        return range(first, (last if last >= 0 else self._window.message_model.rowCount() - 1) + 1)

    @Slot(object)
    def _refreshed(self, refreshed: Refreshed) -> None:
        """Show what the index reader read, unless the window moved on meanwhile."""
        window = self._window
        request = refreshed.request
        account = window.accounts.current_account()
        if account is None or account.name != request.account.name:
            return  # another account is shown now
        if refreshed.error is not None:
            self.read_again(account)  # on the other connection; a failure there is shown
            return
        if request.generations != (window.folder_model.generation, window.message_model.generation):
            self.refresh_in_background(account)  # a local action came first: read once more
            return
        window.accounts.show_folders(refreshed.folders)
        contents = refreshed.contents
        if contents is not None and request.query == window.message_model.query():
            same = window.message_model.show_contents(contents, self.visible_rows())
            self._select_kept_message(request.keep_id, contents.kept_row, same)
        window.update_counts()

    def _select_kept_message(self, kept_id: int | None, kept_row: int, same: bool) -> None:
        """After new rows arrived: the open message selected where it is now, if still near.

        ``same``: the rows on screen hold the same messages as before; a selection among them
        still holds (the usual case while mail lands below them: nothing to do, or repaint).
        """
        window = self._window
        visible = self.visible_rows()
        selected = window.message_table.selectionModel().selectedRows()
        if same and all(index.row() in visible for index in selected):
            return
        if self.shown_message_id is None:
            window.message_table.clearSelection()  # the rows selected may hold other mail now
            self.select_first_row_if_none()
            return
        if kept_id != self.shown_message_id:  # another message was opened meanwhile
            kept_row = window.message_model.row_of(self.shown_message_id)
        if kept_row >= 0:
            window.message_table.selectRow(kept_row)  # same id: it is not opened again
        else:
            self.shown_message_id = None
            window.reader.clear()
