"""Item models behind the three panes: accounts, folders, messages.

The message model holds a folder's row count and a bounded cache of pages of
:data:`PAGE_SIZE` rows; a page is read only when the view paints one of its rows. A folder
of 100,000 messages therefore costs one COUNT and one page query to show, and scrolling to the
end costs one more page. In the window those page reads are asked of a :data:`PageReader`
(the local mail thread) and their rows filled in when they arrive; without one (tests,
benchmarks) the model reads its :class:`MailSource` itself.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, partial
from typing import TYPE_CHECKING, Literal, TypeAlias

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon

from popgui.gui.i18n import (
    QT_TRANSLATE_NOOP,
    Context,
    en_plural,
    format_datetime,
    format_number,
    format_size,
)
from popgui.gui.icons import icon
from popgui.gui.listing import (
    FIND_PAGES,
    PAGE_SIZE,
    ListContents,
    ListQuery,
    MailSource,
    find_message,
)

if TYPE_CHECKING:
    from popgui.accounts.settings import Account
    from popgui.store.localmail import FolderInfo, MessageRow, SortKey

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()

#: The role that gives the item's underlying value (Account, FolderInfo or MessageRow).
ItemRole = Qt.ItemDataRole.UserRole + 1
#: Drag and drop of messages between the list and the folders pane.
MESSAGE_IDS_MIME = "application/x-popgui-message-ids"
MAX_CACHED_PAGES = 64

#: Reads page ``number`` of ``query`` elsewhere and hands its rows to the callback (called
#: on the GUI thread, later; with None if the read failed): see
#: :meth:`MessageTableModel.set_page_reader`.
PageReader = Callable[[ListQuery, int, Callable[["list[MessageRow] | None"], None]], None]


class AccountText(Context):
    """Translation context: the accounts pane's state lines."""


class FolderText(Context):
    """Translation context: the folders pane."""


class MessageText(Context):
    """Translation context: the message list."""


def _tooltip(message: MessageRow, column: int) -> str:
    """The sender or subject in full; where a message delivered elsewhere went."""
    text = {COL_FROM: message.from_addr, COL_SUBJECT: message.subject}.get(column, "")
    if not message.elsewhere:
        return text
    where = MessageText.tr("Delivered to {destination}").format(destination=message.elsewhere)
    return f"{text}\n{where}" if text else where


@cache
def _bold(font_bold: bool) -> QFont:
    font = QFont()
    font.setBold(font_bold)
    return font


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def role_slots(span: QModelRoleDataSpan | QModelRoleData) -> list[QModelRoleData]:
    """The role slots a view asks to fill in one ``multiData`` call."""
    if isinstance(span, QModelRoleData):
        return [span]
    # PySide6 indexes the span at run time; its type stubs do not declare __getitem__.
    return [span[i] for i in range(span.size())]  # type: ignore[index]


def fill_roles(slots: Iterable[QModelRoleData], value: Callable[[int], object]) -> None:
    """Fill each slot with ``value(role)`` (None empties it).

    Why ``multiData``: a delegate painting a cell asks for seven roles; answered by
    ``data()`` that is seven calls into Python, each waiting for the GIL while the engine
    thread downloads. One call per cell makes a repaint during a sync several times shorter.
    """
    for slot in slots:
        result = value(slot.role())
        if result is None:
            slot.clearData()  # a delegate reuses its slots from one cell to the next
        else:
            slot.setData(result)


# -- accounts ---------------------------------------------------------------------------------

StateKind = Literal["idle", "checking", "new", "error", "retry"]


def maildir_key(path: str) -> str:
    """A stored message's Maildir name without its flags: marking it read does not change it."""
    return os.path.basename(path).split(":", 1)[0]


@dataclass(frozen=True)
class AccountState:
    """What the accounts pane shows under an account's name.

    After a check, ``new`` counts what it brought and ``keys`` names them (:func:`maildir_key`)
    so the line can follow reading: "24 new" becomes "23 new" when one of them is read.
    """

    kind: StateKind = "idle"
    new: int = 0
    text: str = ""  # the error in a few words, or "retry at HH:MM"
    detail: str = ""  # the error's sentence, for the tooltip
    keys: frozenset[str] = frozenset()  # the last check's messages still unread

    def label(self) -> str:
        if self.kind == "checking":
            return AccountText.tr("checking…")
        if self.kind == "new":
            new = self.new
            if not new:
                return AccountText.tr("no new mail")
            return en_plural(AccountText.tr("%Ln new", None, new), new)
        if self.kind in ("error", "retry"):
            return self.text or AccountText.tr("error")
        return ""


_STATE_ICONS = {"idle": "account", "checking": "account-busy", "new": "account-new",
                "error": "account-error", "retry": "account-busy"}  # fmt: skip


class AccountListModel(QAbstractListModel):
    """Every account, with its state (idle, checking, n new, error) on a second line."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accounts: list[Account] = []
        self._states: dict[str, AccountState] = {}
        #: Per account, the keys of messages marked read since (:meth:`note_read`).
        self._read: dict[str, set[str]] = {}

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        self.beginResetModel()
        self._accounts = list(accounts)
        names = {a.name for a in self._accounts}
        self._states = {k: v for k, v in self._states.items() if k in names}
        self._read = {k: v for k, v in self._read.items() if k in names}
        self.endResetModel()

    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def account_at(self, row: int) -> Account | None:
        return self._accounts[row] if 0 <= row < len(self._accounts) else None

    def row_of(self, name: str) -> int:
        for row, account in enumerate(self._accounts):
            if account.name == name:
                return row
        return -1

    def state(self, name: str) -> AccountState:
        return self._states.get(name, AccountState())

    def set_state(self, name: str, state: AccountState) -> None:
        self._states[name] = state
        if state.kind == "new":  # only what this check brought is followed from now on
            self._read[name] = self._read.get(name, set()) & state.keys
        self._changed(name)

    def note_read(self, name: str, messages: Iterable[MessageRow]) -> None:
        """These messages of account ``name`` were marked read or unread: the "n new" follows."""
        read = self._read.setdefault(name, set())
        for message in messages:
            if message.read:
                read.add(maildir_key(message.path))
            else:
                read.discard(maildir_key(message.path))
        self._changed(name)

    def shown_state(self, name: str) -> AccountState:
        """The state as the line shows it: "n new" counts what the last check brought and is
        still unread; once all of it is read, the plain account line again."""
        state = self.state(name)
        if state.kind != "new" or not state.keys:
            return state
        unread = len(state.keys - self._read.get(name, set()))
        return replace(state, new=unread) if unread else AccountState()

    def _changed(self, name: str) -> None:
        row = self.row_of(name)
        if row >= 0:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._accounts)

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        fill_roles(role_slots(roleDataSpan), lambda role: self.data(index, role))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        account = self.account_at(index.row()) if index.isValid() else None
        if account is None:
            return None
        state = self.shown_state(account.name)
        if role == Qt.ItemDataRole.DisplayRole:
            detail = state.label() or f"{account.protocol.upper()} · {account.host}"
            return f"{account.name}\n{detail}"
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(_STATE_ICONS[state.kind])
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"{account.user}@{account.host}:{account.effective_port}"
            label = state.label() or self.tr("idle")
            detail = f"\n{state.detail}" if state.detail else ""
            return f"{where} ({account.protocol.upper()})\n{label}{detail}"
        if role == ItemRole:
            return account
        return None


# -- folders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnServerEntry:
    """The pseudo-folder that shows what waits on the server instead of the message list."""

    display_name: str = QT_TRANSLATE_NOOP("FolderListModel", "On server")


#: A row of the folders pane (a string: FolderInfo is imported only while type checking).
FolderEntry: TypeAlias = "FolderInfo | OnServerEntry"


def _translated_folder(folder: FolderInfo) -> FolderInfo:
    """The store names the special folders in English; the window in its own language."""
    if folder.special == "inbox":
        return replace(folder, display_name=FolderText.tr("Inbox"))
    if folder.special == "trash":
        return replace(folder, display_name=FolderText.tr("Trash"))
    return folder


class FolderListModel(QAbstractListModel):
    """The selected account's local folders, then "On server"; a drop target for messages.

    ``messagesDropped(ids, folder_name)`` is emitted when message rows are dropped on a
    folder; the window performs the move (the model never touches the store).
    """

    messagesDropped = Signal(list, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folders: list[FolderInfo] = []
        self._on_server = OnServerEntry()
        self._generation = 0

    def set_folders(self, folders: Iterable[FolderInfo]) -> None:
        """Show ``folders``; Inbox and Trash get their names in the interface's language."""
        self.beginResetModel()
        self._generation += 1
        self._folders = [_translated_folder(folder) for folder in folders]
        self.endResetModel()

    @property
    def generation(self) -> int:
        """Changes when :meth:`set_folders` is called (not :meth:`update_counts`)."""
        return self._generation

    def update_counts(self, folders: Sequence[FolderInfo]) -> bool:
        """New counts for the same folders: only the rows that changed are repainted.

        Returns False, changing nothing, when the folders themselves differ (then call
        :meth:`set_folders`).
        """
        new = [_translated_folder(folder) for folder in folders]
        if [folder.name for folder in new] != [folder.name for folder in self._folders]:
            return False
        for row, (old, folder) in enumerate(zip(self._folders, new, strict=True)):
            if old != folder:
                self._folders[row] = folder
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
        return True

    def folders(self) -> list[FolderInfo]:
        return list(self._folders)

    def entry_at(self, row: int) -> FolderEntry | None:
        if 0 <= row < len(self._folders):
            return self._folders[row]
        return self._on_server if row == len(self._folders) else None

    def row_of(self, name: str) -> int:
        for row, folder in enumerate(self._folders):
            if folder.name == name:
                return row
        return -1

    @property
    def on_server_row(self) -> int:
        return len(self._folders)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._folders) + 1

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        fill_roles(role_slots(roleDataSpan), lambda role: self.data(index, role))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if isinstance(entry, OnServerEntry):
            return self._on_server_data(entry, role)
        return self._folder_data(entry, role)

    @staticmethod
    def _on_server_data(entry: OnServerEntry, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("FolderListModel", entry.display_name)
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("server")
        if role == Qt.ItemDataRole.ToolTipRole:
            return FolderText.tr("What waits on the server: preview, download or delete there")
        if role == ItemRole:
            return entry
        return None

    @staticmethod
    def _folder_data(folder: FolderInfo, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{folder.display_name}  ({folder.unread})"
                if folder.unread
                else (folder.display_name)
            )
        if role == Qt.ItemDataRole.FontRole:
            return _bold(folder.unread > 0)
        if role == Qt.ItemDataRole.DecorationRole:
            return icon({"inbox": "inbox", "trash": "trash"}.get(folder.special, "folder"))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = FolderText.tr("%Ln message(s), {unread} unread", None, folder.total)
            return en_plural(text, folder.total).format(unread=format_number(folder.unread))
        if role == ItemRole:
            return folder
        return None

    # drag and drop: messages dropped on a folder move there

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.row() < len(self._folders):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [MESSAGE_IDS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return (
            data.hasFormat(MESSAGE_IDS_MIME)
            and parent.isValid()
            and parent.row() < len(self._folders)
        )

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = decode_message_ids(data)
        if ids:
            self.messagesDropped.emit(ids, self._folders[parent.row()].name)
        # False: the view must not remove the source rows itself; the window refreshes.
        return False


def encode_message_ids(ids: Sequence[int]) -> QMimeData:
    data = QMimeData()
    data.setData(MESSAGE_IDS_MIME, json.dumps(list(ids)).encode("ascii"))
    return data


def decode_message_ids(data: QMimeData) -> list[int]:
    try:
        value = json.loads(bytes(data.data(MESSAGE_IDS_MIME).data()).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


# -- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: SortKey | None  # None when the column cannot sort


COLUMNS: tuple[Column, ...] = (
    Column("", "read"),
    Column("", None),
    Column(QT_TRANSLATE_NOOP("MessageTableModel", "From"), "from"),
    Column(QT_TRANSLATE_NOOP("MessageTableModel", "Subject"), "subject"),
    Column(QT_TRANSLATE_NOOP("MessageTableModel", "Date"), "date"),
    Column(QT_TRANSLATE_NOOP("MessageTableModel", "Size"), "size"),
)
COL_READ, COL_ATTACHMENT, COL_FROM, COL_SUBJECT, COL_DATE, COL_SIZE = range(len(COLUMNS))
DEFAULT_SORT_COLUMN = COL_DATE


#: ``Name <address>`` with a plain name (no quotes, comments or specials): nearly every
#: sender, answered without the ``email`` package (slow to import while the window starts).
_PLAIN_SENDER_RE = re.compile(r"\s*([^\"<>()\[\],;:@\\]*?)\s*<([^<>\s()\"\\]*)>\s*")


def sender_name(from_addr: str) -> str:
    """``Alice Martin <alice@example.org>`` → ``Alice Martin``; a bare address stays."""
    plain = _PLAIN_SENDER_RE.fullmatch(from_addr)
    if plain is not None and plain[1]:
        return " ".join(plain[1].split())
    import email.utils  # the rarer sender: no name, quotes, comments

    name, address = email.utils.parseaddr(from_addr)
    return name.strip() or address or from_addr


def format_date(stamp: float | None, now: datetime | None = None) -> str:
    """Today: the time; this year: day and month; otherwise the date (as On server shows it)."""
    if stamp is None:
        return ""
    try:
        when = datetime.fromtimestamp(stamp)
    except (OverflowError, OSError, ValueError):
        return ""
    return format_datetime(when, kind="auto", now=now)


class MessageTableModel(QAbstractTableModel):
    """The messages of one folder, read lazily page by page from the index.

    Sorting and filtering happen in SQL (``LocalMail.page``), so the model never holds more
    than :data:`MAX_CACHED_PAGES` pages whatever the folder's size.

    Signals:
        pageArrived(int): a page asked of the page reader is in the model (its rows repainted).
    """

    pageArrived = Signal(int)

    def __init__(self, source: MailSource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._reader: PageReader | None = None
        #: Pages asked of the reader and not arrived yet (never asked twice meanwhile).
        self._pending: set[int] = set()
        #: Changes whenever the cached pages are dropped: a page asked before is stale.
        self._epoch = 0
        self._account = ""
        self._folder = ""
        self._filter = ""
        self._sort_column = DEFAULT_SORT_COLUMN
        self._descending = True
        self._count = 0
        self._pages: OrderedDict[int, list[MessageRow]] = OrderedDict()
        self._generation = 0
        self.last_load_seconds = 0.0

    # -- what is shown

    def set_source(self, source: MailSource | None) -> None:
        self._source = source
        self.refresh()

    def set_page_reader(self, reader: PageReader | None) -> None:
        """Read pages through ``reader`` (off this thread) instead of the source.

        Rows of a page not read yet show empty until it arrives. The folder's count and its
        first pages come from whoever shows the folder (:meth:`set_folder` with its rows).
        """
        self._reader = reader
        self._forget_pages()

    def set_folder(
        self, account: str, folder: str, preread: tuple[ListQuery, ListContents] | None = None
    ) -> None:
        """Show a folder; ``preread``: its rows already read for a query (used if it matches)."""
        self._account, self._folder = account, folder
        if preread is None or preread[0] != self.query():
            self.refresh()
            return
        self._generation += 1
        self._reset_to(preread[1])

    def clear(self) -> None:
        self._account = self._folder = ""
        self.refresh()

    @property
    def account(self) -> str:
        return self._account

    @property
    def folder(self) -> str:
        return self._folder

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text != self._filter:
            self._filter = text
            self.refresh()

    @property
    def generation(self) -> int:
        """Changes when the rows are read here or changed here (not by :meth:`show_contents`).

        A read-ahead asked before such a change is stale; one asked before another read-ahead
        was shown is not (it read later).
        """
        return self._generation

    def query(self) -> ListQuery | None:
        """What the list shows now (None: no folder)."""
        if not self._account or not self._folder:
            return None
        sort = COLUMNS[self._sort_column].sort_key or "date"
        return ListQuery(self._account, self._folder, self._filter, sort, self._descending)

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def refresh(self) -> None:
        """Count again and forget every cached page (after new mail or a local action)."""
        started = time.perf_counter()
        self.beginResetModel()
        self._generation += 1
        self._forget_pages()
        self._count = self._fetch_count()
        self.endResetModel()
        self.last_load_seconds = time.perf_counter() - started

    def show_contents(self, contents: ListContents, visible: range = range(0)) -> bool:
        """Show rows read elsewhere (in the index reader thread) for the current :meth:`query`.

        Like :meth:`refresh`, but without a query on this thread. When the folder grew (new
        mail) the rows are added at the end and only ``visible`` (the rows the view shows) is
        repainted, and only if its rows changed: a reset would repaint everything, each cell
        a call into Python that waits for the engine thread to hand over the GIL. Rows that
        moved outside ``visible`` are read again when shown (their pages are dropped).
        Returns whether the ``visible`` rows stayed the same (then the selection still holds).
        """
        if contents.count < self._count:
            self._reset_to(contents)
            return False
        unchanged = self._same_rows(contents, visible)
        self._forget_pages()
        self._pages.update(sorted(contents.pages.items())[-MAX_CACHED_PAGES:])
        if contents.count > self._count:
            self.beginInsertRows(ROOT, self._count, contents.count - 1)
            self._count = contents.count
            self.endInsertRows()
        if not unchanged and len(visible):
            last = min(visible.stop, self._count) - 1
            self.dataChanged.emit(self.index(visible.start, 0), self.index(last, len(COLUMNS) - 1))
        return unchanged

    def _reset_to(self, contents: ListContents) -> None:
        self.beginResetModel()
        self._forget_pages()
        self._pages.update(sorted(contents.pages.items())[-MAX_CACHED_PAGES:])
        self._count = contents.count
        self.endResetModel()

    def _same_rows(self, contents: ListContents, rows: range) -> bool:
        """Whether ``rows`` hold the same messages, in the same state, before and after."""
        for row in rows:
            number, offset = divmod(row, PAGE_SIZE)
            old, new = self._pages.get(number), contents.pages.get(number)
            if old is None or new is None:
                return False  # not known on one side: assume it changed
            if (old[offset] if offset < len(old) else None) != (
                new[offset] if offset < len(new) else None
            ):
                return False
        return True

    def _fetch_count(self) -> int:
        if self._source is None or not self._account or not self._folder:
            return 0
        return self._source.count(self._account, self._folder, self._filter)

    def reload_rows(self, rows: Iterable[int]) -> None:
        """Re-read the pages holding ``rows`` and repaint them (read state changed)."""
        rows = sorted(set(rows))
        self._generation += 1
        for page in {row // PAGE_SIZE for row in rows}:
            self._pages.pop(page, None)
        self._epoch += 1  # a page asked before the change may hold the old state
        self._pending.clear()
        if rows:
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], len(COLUMNS) - 1))

    # -- lazy rows

    def message_at(self, row: int) -> MessageRow | None:
        """The message at ``row``; None while its page is being read (see PageReader)."""
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
        elif self._reader is not None:
            self._ask_page(number)
            return None
        else:
            page = self._page(number)
        return page[offset] if offset < len(page) else None

    def cached_message(self, row: int) -> MessageRow | None:
        """The message at ``row`` if its page is in; never reads nor asks for one."""
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number) if 0 <= row < self._count else None
        return page[offset] if page is not None and offset < len(page) else None

    def _page(self, number: int) -> list[MessageRow]:
        """Page ``number``, read here from the source if it is not cached."""
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self._load_page(number)
        self._keep_page(number, page)
        return page

    def _keep_page(self, number: int, page: list[MessageRow]) -> None:
        self._pages[number] = page
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._epoch += 1
        self._pending.clear()

    def _ask_page(self, number: int) -> None:
        query = self.query()
        if self._reader is None or query is None or number in self._pending:
            return
        self._pending.add(number)
        self._reader(query, number, partial(self._page_arrived, self._epoch, query, number))

    def _page_arrived(
        self, epoch: int, query: ListQuery, number: int, page: list[MessageRow] | None
    ) -> None:
        """A page read elsewhere: kept unless the list changed since it was asked."""
        if page is None:  # not read (the error is shown): asked again when next painted
            if epoch == self._epoch:
                self._pending.discard(number)
            return
        if epoch == self._epoch:
            self._pending.discard(number)
            self._keep_page(number, page)
        elif query != self.query():
            return  # another folder, filter or order: nothing of it is shown
        # Stale or not, repaint the page's rows: a stale one is asked for again when painted.
        first = number * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._count) - 1
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if epoch == self._epoch:
            self.pageArrived.emit(number)

    def _load_page(self, number: int) -> list[MessageRow]:
        query = self.query()
        if self._source is None or query is None:
            return []
        return query.page(self._source, number)

    def row_of(self, message_id: int) -> int:
        """The row of a message among the pages loaded so far, or -1."""
        for number, page in self._pages.items():
            for offset, message in enumerate(page):
                if message.id == message_id:
                    return number * PAGE_SIZE + offset
        return -1

    def find_row(self, message_id: int, max_pages: int = FIND_PAGES) -> int:
        """The row of a message, loading at most ``max_pages`` pages from the top, or -1.

        After new mail lands the open message has moved down by the number of new ones, so
        it is found in the first pages; further down is not worth a scan of the folder.
        """
        pages = min(max_pages, -(-self._count // PAGE_SIZE))
        if self._reader is not None:  # never read here: only the pages already in
            return find_message(lambda number: self._pages.get(number, []), message_id, pages)
        return find_message(self._page, message_id, pages)

    def update_row(self, row: int, message: MessageRow) -> None:
        """Show a message's new state (read, path) without reading its page again."""
        page = self._pages.get(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        if page is not None and offset < len(page) and page[offset].id == message.id:
            self._generation += 1
            page[offset] = message
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- QAbstractTableModel

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = COLUMNS[section].title
            return QCoreApplication.translate("MessageTableModel", title) if title else title
        if role == Qt.ItemDataRole.DecorationRole and section == COL_ATTACHMENT:
            return icon("attachment")
        if role == Qt.ItemDataRole.DecorationRole and section == COL_READ:
            return _dot_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == COL_READ:
                return self.tr("Read / unread")
            if section == COL_ATTACHMENT:
                return self.tr("Has attachments")
            return QCoreApplication.translate("MessageTableModel", COLUMNS[section].title)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        message = self.message_at(index.row()) if index.isValid() else None
        return None if message is None else self._value(message, index.column(), int(role))

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        message = self.message_at(index.row()) if index.isValid() else None
        if message is not None:
            column = index.column()
            fill_roles(role_slots(roleDataSpan), lambda role: self._value(message, column, role))

    def _value(self, message: MessageRow, column: int, role: int) -> object:
        if role == _DISPLAY:
            return self._display(message, column)
        if role == _FONT:
            return _bold(not message.read)
        if role == _DECORATION:
            return self._decoration(message, column)
        if role == _TOOLTIP and (column in (COL_FROM, COL_SUBJECT) or message.elsewhere):
            return _tooltip(message, column)
        if role == _ALIGNMENT and column == COL_SIZE:
            return _RIGHT_ALIGNED
        if role == ItemRole:
            return message
        return None

    @staticmethod
    def _display(message: MessageRow, column: int) -> str | None:
        if column == COL_FROM:
            return sender_name(message.from_addr) or MessageText.tr("(unknown sender)")
        if column == COL_SUBJECT:
            return message.subject or MessageText.tr("(no subject)")
        if column == COL_DATE:
            return format_date(message.date)
        if column == COL_SIZE:
            return format_size(message.size)
        return None

    @staticmethod
    def _decoration(message: MessageRow, column: int) -> QIcon | None:
        if column == COL_READ and message.elsewhere:
            return icon("delivered")
        if column == COL_READ and not message.read:
            return _dot_icon()
        if column == COL_ATTACHMENT and message.has_attachment:
            return icon("attachment")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return  # the attachment mark has no order in the index
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) != (self._sort_column, self._descending):
            self._sort_column, self._descending = column, descending
            self.refresh()

    # -- drag: rows carry their ids to the folders pane

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [MESSAGE_IDS_MIME]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids: list[int] = []
        for row in sorted({index.row() for index in indexes}):
            # With a page reader, a row whose page is not in is not asked for: the drop of
            # the list's own selection moves those rows too (see MessageActions).
            message = self.cached_message(row) if self._reader is not None else self.message_at(row)
            if message is not None:
                ids.append(message.id)
        return encode_message_ids(ids)


_DOT: list[QIcon] = []


def _dot_icon() -> QIcon:
    """A small blue dot: the unread mark (drawn once)."""
    if not _DOT:
        from PySide6.QtGui import QColor, QPainter, QPixmap

        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1a73e8"))
        painter.drawEllipse(5, 5, 6, 6)
        painter.end()
        _DOT.append(QIcon(pixmap))
    return _DOT[0]
