"""The "On server" view: what waits on the server, previewed before downloading it.

The list comes from ``controller.preview(account)`` (``TOP n 0`` for every message), the first
lines of the selected message from ``controller.top(account, uid, 20)``. Everything runs in the
engine worker; this view only asks and displays. POP2 has no TOP, so a POP2 account gets a
sentence instead of a request.
"""

from __future__ import annotations

import email.policy
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from email.parser import BytesParser
from email.utils import parseaddr

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.settings import Account
from popgui.errors import CredentialsError, KeyringUnavailableError, PopguiError
from popgui.gui.account_errors import source_problem
from popgui.gui.columns import ColumnFitter, date_samples, size_samples
from popgui.gui.i18n import (
    QT_TRANSLATE_NOOP,
    Context,
    en_plural,
    format_datetime,
    format_number,
    format_size,
)
from popgui.gui.mailtasks import MailTasks
from popgui.gui.views import MessageTableView
from popgui.gui.wording import as_sentence, describe, sentence
from popgui.gui.worker import EngineController, JobFinished
from popgui.net.kerberos import KerberosRefusedError
from popgui.sync.preview import PreviewItem
from popgui.sync.progress import SyncResult

__all__ = ["OnServerView", "ServerMessageModel", "explain_error", "preview_text"]

_log = logging.getLogger(__name__)

#: Body lines shown for the selected message.
PREVIEW_LINES = 20
#: Wait this long after a selection change before asking the server (arrow keys held down).
SELECTION_DELAY_MS = 250

POP2_EXPLANATION = QT_TRANSLATE_NOOP(
    "OnServerView",
    "POP2 servers cannot show a message before sending all of it: POP2 has no TOP command, "
    "so there is no list of what waits on the server for this account.\n\n"
    "Use Get Mail to download the new messages.",
)


def explain_error(error: PopguiError) -> str:
    """Plain words for the window (the command-line hints name commands; these name places)."""
    problem = source_problem(error)  # no keyring, no stored password: no server refused it
    if problem is not None:
        return problem
    if isinstance(error, KerberosRefusedError):  # it says what to check: the ticket's owner
        return as_sentence(sentence(error))
    if isinstance(error, CredentialsError) and not isinstance(error, KeyringUnavailableError):
        return QCoreApplication.translate(
            "OnServerView", "{reason}. Check the user name and password in the account settings."
        ).format(reason=sentence(error))
    return as_sentence(describe(error), full_stop=False)


def _column_fitter(table: QTableView) -> ColumnFitter:
    """Date, Size and Status as wide as their values in the window's language; Subject the rest."""
    contents = {
        ServerMessageModel.DATE: [_format_date(when) for when in date_samples()],
        ServerMessageModel.SIZE: [format_size(size) for size in size_samples()],
        ServerMessageModel.STATUS: [status_text(True), status_text(False)],
    }
    return ColumnFitter(
        table.horizontalHeader(),
        subject=ServerMessageModel.SUBJECT,
        sender=ServerMessageModel.FROM,
        contents=contents,
        bold=True,  # "Not downloaded" is shown in bold
    )


def preview_text(data: bytes) -> str:
    """The readable body lines of a ``TOP n 20`` answer (decoded where the encoding allows)."""
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
        part = message.get_body(preferencelist=("plain",))
        if part is not None:
            return str(part.get_content()).strip()
    except Exception:  # a truncated or malformed message: fall back to the raw lines
        _log.debug("could not decode a preview", exc_info=True)
    for separator in (b"\r\n\r\n", b"\n\n"):
        position = data.find(separator)
        if position >= 0:
            return data[position + len(separator) :].decode("utf-8", "replace").strip()
    return ""


class ServerText(Context):
    """Translation context: the cells of the On server list."""


# -- the model ----------------------------------------------------------------------------------


class ServerMessageModel(QAbstractTableModel):
    """The messages on the server (a list of :class:`PreviewItem`), downloaded ones greyed."""

    FROM, SUBJECT, DATE, SIZE, STATUS = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("ServerMessageModel", "From"),
        QT_TRANSLATE_NOOP("ServerMessageModel", "Subject"),
        QT_TRANSLATE_NOOP("ServerMessageModel", "Date"),
        QT_TRANSLATE_NOOP("ServerMessageModel", "Size"),
        QT_TRANSLATE_NOOP("ServerMessageModel", "Status"),
    )
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    #: "new" for a message not downloaded yet, "" otherwise (what the filter matches).
    FILTER_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[PreviewItem] = []
        self._grey = QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def set_items(self, items: Sequence[PreviewItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[PreviewItem]:
        return list(self._items)

    def item(self, row: int) -> PreviewItem:
        return self._items[row]

    def mark_downloaded(self, uids: set[str]) -> None:
        """Mark these messages as on this computer (after a sync or download)."""
        for row, item in enumerate(self._items):
            if item.uid in uids and not item.downloaded:
                self._items[row] = _replace_downloaded(item)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.STATUS))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("ServerMessageModel", self.HEADERS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(item, column)
        if role == self.SORT_ROLE:
            return _sort_key(item, column)
        if role == self.FILTER_ROLE:
            return "" if item.downloaded else "new"
        return self._style(item, column, role)

    def _style(self, item: PreviewItem, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and item.downloaded:
            return self._grey
        if role == Qt.ItemDataRole.FontRole and not item.downloaded and column == self.STATUS:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            where = (
                self.tr("Already on this computer") if item.downloaded
                else self.tr("Not downloaded yet")
            )  # fmt: skip
            return f"{item.sender}\n{where}" if column == self.FROM else where
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _replace_downloaded(item: PreviewItem) -> PreviewItem:
    return replace(item, downloaded=True)


def _format_date(date: datetime | None) -> str:
    """As the message list writes it: the time today, day and month this year, else the date."""
    return format_datetime(date, kind="auto") if date is not None else ""


def _sender_name(sender: str) -> str:
    """The display name of ``Name <address>``, or the address when there is no name."""
    name, address = parseaddr(sender)
    return name or address or sender


def _display(item: PreviewItem, column: int) -> str:
    if column == ServerMessageModel.FROM:
        return _sender_name(item.sender)
    if column == ServerMessageModel.SUBJECT:
        return item.subject or ServerText.tr("(no subject)")
    if column == ServerMessageModel.DATE:
        return _format_date(item.date)
    if column == ServerMessageModel.SIZE:
        return format_size(item.size)
    return status_text(item.downloaded)


def status_text(downloaded: bool) -> str:
    """The Status column's words (the column sorts: not downloaded first, ascending)."""
    return ServerText.tr("Downloaded") if downloaded else ServerText.tr("Not downloaded")


def _sort_key(item: PreviewItem, column: int) -> object:
    if column == ServerMessageModel.DATE:
        return item.date.timestamp() if item.date is not None else 0.0
    if column == ServerMessageModel.SIZE:
        return item.size
    if column == ServerMessageModel.STATUS:
        return int(item.downloaded)
    return _display(item, column).casefold()


# -- the view -----------------------------------------------------------------------------------


class OnServerView(QWidget):
    """Lists one account's messages on the server, previews them, downloads or deletes them.

    Everything goes through ``controller`` (:class:`EngineController`); results come back on
    its ``finished`` signal and are matched by account and kind. What is already on this
    computer is read from the index in the local mail thread (``tasks``), never on this one.
    """

    #: The rows now say which messages are on this computer (after a download or a check).
    marked = Signal()

    def __init__(
        self, controller: EngineController, tasks: MailTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._tasks = tasks
        self._account: Account | None = None
        self._listing = False
        self._top_asked: str | None = None
        self._top_cache: dict[str, bytes] = {}
        #: The job whose failure the notice shows ("" for none): a later success of the same
        #: kind (or a check that worked, for a listing) makes it stale, and it goes.
        self._failed_job = ""
        #: What the last download asked for, for Try again.
        self._downloading: list[str] = []
        self._top_timer = QTimer(self)
        self._top_timer.setSingleShot(True)
        self._top_timer.setInterval(SELECTION_DELAY_MS)
        self._top_timer.timeout.connect(self._ask_top)
        self.model = ServerMessageModel(self)
        self._build()
        controller.finished.connect(self._job_finished)
        self.set_account(None)

    # -- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_filter_row())
        self.notice = QLabel(self)
        self.notice.setObjectName("onServerNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setVisible(False)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self._try_again)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.retry_button)
        layout.addLayout(notice_row)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_list_page())
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation.setMargin(24)
        self.pages.addWidget(self.explanation)
        layout.addWidget(self.pages, 1)
        layout.addLayout(self._build_buttons())

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("onServerTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(90, 12)
        self.busy_label = QLabel(self.tr("Asking the server…"), self)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Ask the server again what is waiting"))
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.title)
        row.addStretch(1)
        row.addWidget(self.busy_label)
        row.addWidget(self.busy)
        row.addWidget(self.refresh_button)
        return row

    def _build_filter_row(self) -> QHBoxLayout:
        """How many wait and how many are not downloaded, and the filter that shows only those
        (a row of its own: at 800 px the title and Refresh leave no room for both)."""
        row = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        # Messages only on the server are what one comes here for: a filter shows only them,
        # in the order chosen (by date, newest first, unless a header was clicked).
        self.only_new_check = QCheckBox(self.tr("Only &not downloaded"), self)
        self.only_new_check.setToolTip(self.tr("Show only the messages not downloaded yet"))
        self.only_new_check.toggled.connect(self._only_new_toggled)
        row.addWidget(self.summary, 1)
        row.addWidget(self.only_new_check)
        return row

    def _build_list_page(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_table())
        pane = QWidget(splitter)
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 4, 0, 0)
        self.preview_header = QLabel(pane)
        self.preview_header.setWordWrap(True)
        self.preview_header.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QPlainTextEdit(pane)
        self.preview.setObjectName("onServerPreview")
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText(self.tr("Select a message to see its first lines."))
        pane_layout.addWidget(self.preview_header)
        pane_layout.addWidget(self.preview, 1)
        splitter.addWidget(pane)
        splitter.setSizes([320, 200])
        return splitter

    def _build_table(self) -> QTableView:
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ServerMessageModel.SORT_ROLE)
        self.proxy.setFilterRole(ServerMessageModel.FILTER_ROLE)
        self.proxy.setFilterKeyColumn(ServerMessageModel.STATUS)
        table = self.table = MessageTableView(self)  # rows only, by keyboard too
        table.setObjectName("onServerTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(ServerMessageModel.DATE, Qt.SortOrder.DescendingOrder)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        self.column_fitter = _column_fitter(table)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.download_button = QPushButton(self.tr("&Download Selected"), self)
        self.download_button.clicked.connect(self.download_selected)
        self.download_all_button = QPushButton(self.tr("Download &All New"), self)
        self.download_all_button.setToolTip(
            self.tr("Download every message not yet on this computer")
        )
        self.download_all_button.clicked.connect(self.download_all_new)
        self.delete_button = QPushButton(self.tr("De&lete from Server…"), self)
        self.delete_button.setToolTip(self.tr("Delete the selected messages on the server"))
        self.delete_button.clicked.connect(self.delete_selected)
        row.addWidget(self.download_button)
        row.addWidget(self.download_all_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        return row

    # -- what is shown --------------------------------------------------------------------------

    @property
    def account(self) -> Account | None:
        return self._account

    def set_account(self, account: Account | None) -> None:
        """Show ``account``'s server (asks the server now); None shows an invitation."""
        self._account = account
        self._listing = False
        self._top_asked = None
        self._top_cache.clear()
        self.model.set_items([])
        self._show_notice("")
        self._clear_preview()
        self.title.setText(
            self.tr("On the server: {account}").format(account=account.name)
            if account
            else self.tr("On the server")
        )
        self.summary.setText("")
        if account is None:
            self._explain(self.tr("Choose an account to see the messages waiting on its server."))
        elif account.protocol == "pop2":
            self._explain(QCoreApplication.translate("OnServerView", POP2_EXPLANATION))
        else:
            self.pages.setCurrentIndex(0)
            self.refresh()
        self._update_state()

    def _explain(self, text: str) -> None:
        self.explanation.setText(text)
        self.pages.setCurrentWidget(self.explanation)

    @Slot()
    def refresh(self) -> None:
        """Ask the server again what is waiting."""
        account = self._account
        if account is None or account.protocol == "pop2" or self._listing:
            return
        self._listing = True
        self._controller.preview(account)
        self._update_state()

    def _update_state(self) -> None:
        pop3 = self._account is not None and self._account.protocol != "pop2"
        self.busy.setVisible(self._listing)
        self.busy_label.setVisible(self._listing)
        self.refresh_button.setEnabled(pop3 and not self._listing)
        selected = self.selected_uids()
        self.download_button.setEnabled(pop3 and bool(self._selected_new_uids()))
        self.delete_button.setEnabled(pop3 and bool(selected))
        self.download_all_button.setEnabled(pop3 and bool(self._new_uids()))
        self.download_button.setVisible(pop3)
        self.download_all_button.setVisible(pop3)
        self.delete_button.setVisible(pop3)
        self.refresh_button.setVisible(pop3)

    def _show_notice(self, text: str, *, error: bool = False, failed_job: str = "") -> None:
        self._failed_job = failed_job if error else ""
        self.retry_button.setVisible(error and failed_job in ("preview", "download"))
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self.notice.setStyleSheet(
            "QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
            " border-radius: 4px; padding: 6px; }"
            if error
            else "QLabel { background: #e8f0fe; color: #174ea6; border-radius: 4px; padding: 6px; }"
        )

    def _update_summary(self) -> None:
        items = self.model.items()
        new = [item for item in items if not item.downloaded]
        size = format_size(sum(item.size for item in items))
        total = len(items)
        text = en_plural(self.tr("%Ln message(s) ({size}), {new} not downloaded yet", None, total),
                         total)  # fmt: skip
        self.summary.setText(text.format(size=size, new=format_number(len(new))))

    # -- selection and preview ------------------------------------------------------------------

    def selected_items(self) -> list[PreviewItem]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.item(self.proxy.mapToSource(index).row()) for index in rows]

    def selected_uids(self) -> list[str]:
        return [item.uid for item in self.selected_items() if item.uid is not None]

    def select_uids(self, uids: Sequence[str]) -> None:
        """Select the rows of these messages (keyboard-free selection for scripts and tests)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        wanted = set(uids)
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.model.item(self.proxy.mapToSource(index).row()).uid in wanted:
                selection.select(index, flags)
                self.table.scrollTo(index)

    def _selected_new_uids(self) -> list[str]:
        return [i.uid for i in self.selected_items() if not i.downloaded and i.uid is not None]

    @Slot(bool)
    def _only_new_toggled(self, only_new: bool) -> None:
        self.proxy.setFilterFixedString("new" if only_new else "")

    def _new_uids(self) -> list[str]:
        return [i.uid for i in self.model.items() if not i.downloaded and i.uid is not None]

    def _selection_changed(self) -> None:
        self._update_state()
        items = self.selected_items()
        if len(items) != 1:
            count = len(items)
            selected = en_plural(self.tr("%Ln message(s) selected.", None, count), count)
            self._clear_preview(selected if items else "")
            return
        item = items[0]
        subject = item.subject or self.tr("(no subject)")
        self.preview_header.setText(f"{item.sender} — {subject}")
        if item.uid is None:
            self.preview.setPlainText(
                self.tr("This server gives its messages no identity (no UIDL).")
            )
        elif item.uid in self._top_cache:
            self._show_top(self._top_cache[item.uid])
        else:
            self.preview.setPlainText(self.tr("Loading the first lines…"))
            self._top_timer.start()

    def _clear_preview(self, header: str = "") -> None:
        self.preview_header.setText(header)
        self.preview_header.setVisible(bool(header))
        self.preview.clear()

    def _current_uid(self) -> str | None:
        items = self.selected_items()
        return items[0].uid if len(items) == 1 else None

    def _ask_top(self) -> None:
        uid = self._current_uid()
        if self._account is None or uid is None or self._top_asked is not None:
            return  # one request at a time; the answer asks for the next selection
        if uid in self._top_cache:
            self._show_top(self._top_cache[uid])
            return
        self._top_asked = uid
        self._controller.top(self._account, uid, PREVIEW_LINES)

    def _show_top(self, data: bytes) -> None:
        self.preview_header.setVisible(True)
        text = preview_text(data)
        self.preview.setPlainText(
            text or self.tr("(The first lines of this message contain no text.)")
        )

    # -- actions --------------------------------------------------------------------------------

    @Slot()
    def download_selected(self) -> None:
        """Download the selected messages not on this computer yet (there is nothing to ask
        the server for the others)."""
        uids = self._selected_new_uids()
        if self._account is not None and not uids and self.selected_uids():
            self._show_notice(self._already_downloaded())
        else:
            self._download(uids)

    @Slot()
    def download_all_new(self) -> None:
        self._download(self._new_uids())

    def _download(self, uids: list[str]) -> None:
        if self._account is not None and uids:
            self._downloading = uids
            self._controller.download(self._account, uids)
            count = len(uids)
            self._show_notice(en_plural(self.tr("Downloading %Ln message(s)…", None, count), count))

    @Slot()
    def _try_again(self) -> None:
        """The notice's Try again: the listing or the download that failed, once more."""
        failed, self._failed_job = self._failed_job, ""
        self._show_notice("")
        if failed == "download":
            self._download(self._downloading)
        else:
            self.refresh()

    @Slot()
    def delete_selected(self) -> None:
        items = [item for item in self.selected_items() if item.uid is not None]
        if self._account is None or not items:
            return
        not_downloaded = sum(1 for item in items if not item.downloaded)
        if self.confirm_delete(len(items), not_downloaded):
            self.table.setFocus()  # not the button, disabled once the rows are gone
            self._controller.delete_on_server(self._account, [i.uid for i in items if i.uid])
            count = len(items)
            self._show_notice(
                en_plural(self.tr("Deleting %Ln message(s) on the server…", None, count), count)
            )

    def confirm_delete(self, count: int, not_downloaded: int) -> bool:
        """Ask before deleting ``count`` messages on the server; True to go ahead."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Delete from Server"))
        box.setText(
            en_plural(self.tr("Delete %Ln message(s) from the server?", None, count), count)
        )
        details = self.tr("This cannot be undone.")
        if not_downloaded:
            n = not_downloaded  # English agrees the verb too: two sources, one per number
            lost = (
                self.tr("%Ln of them is not on this computer and will be lost.", None, n)
                if n == 1
                else self.tr("%Ln of them are not on this computer and will be lost.", None, n)
            )
            details += " " + lost
        box.setInformativeText(details)
        delete = box.addButton(
            self.tr("Delete from Server"), QMessageBox.ButtonRole.DestructiveRole
        )
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is delete

    # -- results --------------------------------------------------------------------------------

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        if self._account is None or finished.account != self._account.name:
            return
        handler = {
            "preview": self._preview_done,
            "top": self._top_done,
            "download": self._download_done,
            "delete": self._delete_done,
            "sync": self._sync_done,
        }.get(finished.kind)
        if handler is not None:
            handler(finished)
        self._update_state()

    def _preview_done(self, finished: JobFinished) -> None:
        self._listing = False
        if finished.error is not None:
            self._show_notice(explain_error(finished.error), error=True, failed_job="preview")
            return
        if self._failed_job == "preview":
            self._show_notice("")  # the server answers again: the failure is stale
        uid = self._current_uid()
        result = finished.result if isinstance(finished.result, list) else []
        self.model.set_items([item for item in result if isinstance(item, PreviewItem)])
        self._update_summary()
        if uid is not None:
            self.select_uids([uid])
        if not self.selected_items():
            self._clear_preview()  # what was previewed is no longer on the server
        if not self.model.rowCount():
            self._show_notice(self.tr("Nothing is waiting on the server."))

    def _top_done(self, finished: JobFinished) -> None:
        asked, self._top_asked = self._top_asked, None
        if finished.error is not None:
            if asked == self._current_uid():
                self.preview.setPlainText(explain_error(finished.error))
            return
        if asked is not None and isinstance(finished.result, bytes):
            self._top_cache[asked] = finished.result
        if asked != self._current_uid():
            self._ask_top()  # the selection moved on while we waited
        elif isinstance(finished.result, bytes):
            self._show_top(finished.result)

    def _download_done(self, finished: JobFinished) -> None:
        if finished.error is not None:
            self._show_notice(explain_error(finished.error), error=True, failed_job="download")
        else:
            result = finished.result if isinstance(finished.result, SyncResult) else None
            done = result.downloaded if result is not None else 0
            if done == 0 and result is not None and not result.skipped:
                self._show_notice(self._already_downloaded())  # by another run meanwhile
            else:
                text = self.tr("Downloaded %Ln message(s).", None, done)
                self._show_notice(en_plural(text, done))
        self._mark_from_index()

    def _already_downloaded(self) -> str:
        return self.tr("Nothing to download: the selected messages are already downloaded.")

    def _delete_done(self, finished: JobFinished) -> None:
        if finished.error is not None:
            self._show_notice(explain_error(finished.error), error=True, failed_job="delete")
        else:
            done = finished.result.deleted if isinstance(finished.result, SyncResult) else 0
            self._show_notice(
                en_plural(self.tr("Deleted %Ln message(s) on the server.", None, done), done)
            )
            # They are gone: their preview and selection go too (the list is asked again).
            self.table.clearSelection()
            self._clear_preview()
        self._listing = False
        self.refresh()

    def _sync_done(self, finished: JobFinished) -> None:
        if finished.error is None and self._failed_job == "preview":
            self._show_notice("")  # the server answers again: list what it has now
            self.refresh()
        self._mark_from_index()

    def _mark_from_index(self) -> None:
        """Grey out what is now on this computer (a quick local query; no server round trip)."""
        if self._account is None or not self.model.rowCount():
            return
        name = self._account.name
        self._tasks.mail(
            lambda mail: mail.downloaded_uids(name),
            lambda delivered: self._mark_downloaded(name, delivered),
            lambda error: _log.warning("could not read the index: %s", error),
        )

    def _mark_downloaded(self, name: str, delivered: set[str]) -> None:
        if self._account is not None and self._account.name == name:  # still this account
            self.model.mark_downloaded(delivered)
            self._update_summary()
            self._update_state()  # Download Selected and Download All New follow
        self.marked.emit()
