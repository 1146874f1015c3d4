"""The main window: accounts, folders, the message list, the reading pane, Get Mail.

Layout::

    ┌ toolbar: Get Mail · Stop · Delete · Read · Unread · Save ─────────── [filter] ┐
    │ accounts  │ message bar (errors in plain words, with the action that fixes them) │
    │ [+ Add]   │ message list (lazy, sortable)                                       │
    │───────────│──────────────────────────────────────────────────────────────────── │
    │ folders   │ reading pane            (or the On server view in their place)     │
    └ status: counts ··················································· progress ┘

Threading: everything here runs on the GUI thread. Network and keyring work goes through
the :class:`~popgui.gui.worker.EngineController`; local actions (mark read, move, trash) are
small SQLite updates and file renames done here, through one :class:`LocalMail`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
    qVersion,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from popgui import __version__
from popgui.accounts.settings import Account, Settings, load_settings, save_settings
from popgui.errors import (
    CancelledError,
    CertificateError,
    ConfigError,
    CredentialsError,
    MigrationSuspectedError,
    PopguiError,
    ServerError,
)
from popgui.gui import actions as window_actions
from popgui.gui.i18n import en_plural, format_datetime, format_number
from popgui.gui.icons import icon
from popgui.gui.indexreader import IndexReader, Refreshed, RefreshRequest
from popgui.gui.layout_state import LayoutState
from popgui.gui.listing import PAGE_SIZE
from popgui.gui.models import (
    COL_ATTACHMENT,
    COL_DATE,
    COL_FROM,
    COL_READ,
    COL_SIZE,
    COL_SUBJECT,
    AccountListModel,
    AccountState,
    FolderListModel,
    MessageTableModel,
    OnServerEntry,
)
from popgui.gui.preferences import Preferences, PreferencesDialog
from popgui.gui.reader import ReaderPane
from popgui.gui.scheduler import CheckScheduler
from popgui.gui.startup import FirstFolder, StartupRead
from popgui.gui.statusprogress import StatusProgress
from popgui.gui.tray import TrayIcon
from popgui.gui.views import HeaderView, ListView, TableView
from popgui.gui.worker import EngineController, JobFinished
from popgui.messages import describe
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import FolderInfo, LocalMail, MessageRow
from popgui.sync.progress import SyncResult

if TYPE_CHECKING:
    from popgui.gui.onserver import OnServerView

# The dialogs and the On server view are imported when first used, not with the window: they
# are seldom needed, and On server brings the network stack; the window shows sooner without.

APP_TITLE = "popgui"
FILTER_DELAY_MS = 200
INBOX = "INBOX"


# -- the message bar ---------------------------------------------------------------------------


class MessageBar(QFrame):
    """A non-modal notice above the list: text in plain words and the buttons that help.

    Routine problems (a wrong password, a busy server) are shown here rather than in a modal
    dialog, so a periodic check never blocks the person in the middle of reading.
    """

    _STYLES: ClassVar[dict[str, str]] = {
        "error": "background: #fce8e6; border: 1px solid #f4c7c3; color: #3c1e1c;",
        "warning": "background: #fef7e0; border: 1px solid #f9e2a6; color: #3d2e00;",
        "info": "background: #e8f0fe; border: 1px solid #c6dafc; color: #1c2b41;",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 6, 6)
        self._layout.setSpacing(8)
        self._icon = QLabel(self)
        self._layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # error text may quote a server
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        close = QToolButton(self)
        close.setIcon(icon("close"))
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        self._layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.account = ""
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        kind: str = "error",
        account: str = "",
        buttons: Sequence[tuple[str, Callable[[], object]]] = (),
    ) -> None:
        self.account = account
        self.label.setText(text)
        self.setStyleSheet(
            f"#messageBar {{ {self._STYLES[kind]} border-radius: 4px; }}"
            " #messageBar QLabel { border: none; background: transparent; }"
        )
        self._icon.setPixmap(icon("account-error" if kind != "info" else "info").pixmap(20, 20))
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        for position, (caption, handler) in enumerate(buttons):
            button = QPushButton(caption, self)
            button.clicked.connect(lambda _checked=False, h=handler: self._run(h))
            self._layout.insertWidget(2 + position, button, 0, Qt.AlignmentFlag.AlignTop)
            self._buttons.append(button)
        self.show()

    def button_texts(self) -> list[str]:
        return [button.text() for button in self._buttons]

    def click(self, caption: str) -> None:
        for button in self._buttons:
            if button.text() == caption:
                button.click()
                return
        raise KeyError(caption)

    def _run(self, handler: Callable[[], object]) -> None:
        self.dismiss()
        handler()

    @Slot()
    def dismiss(self) -> None:
        self.account = ""
        self.hide()


# -- the window --------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """popgui's window on one profile.

    ``controller`` and ``mail`` can be given (tests); by default the window makes its own.
    ``notice`` is shown in the message bar at start (the demo explains itself there);
    ``sync_on_start`` runs Get Mail once the window is up. ``startup`` (see
    :mod:`popgui.gui.startup`) has read the first account's folders and Inbox meanwhile.
    """

    closed = Signal()

    def __init__(
        self,
        profile: Profile,
        *,
        controller: EngineController | None = None,
        mail: LocalMail | None = None,
        notice: str = "",
        sync_on_start: bool = False,
        startup: StartupRead | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self._startup = startup
        self._first_folder: FirstFolder | None = None
        self.settings = Settings()
        self.controller = controller or EngineController(profile, self)
        self._database: Database | None = None
        if mail is None:
            database = startup.take_database() if startup is not None else None
            self._database = database or Database(profile.database_file)
            mail = LocalMail(profile, self._database)
        self.mail = mail
        # New mail is counted and read in this thread, never on the GUI thread (see indexreader).
        self.index_reader = IndexReader(profile, self)
        self.layout_state = LayoutState(profile)
        self.preferences = Preferences.load(self.layout_state)
        self._shown_message_id: int | None = None
        self._closing = False
        #: Removed accounts whose keyring password is being forgotten (by the worker).
        self._forgetting: list[str] = []
        #: What each busy account showed before "checking…" (restored after non-sync jobs).
        self._state_before_busy: dict[str, AccountState] = {}
        # Before our own slots: the scheduler's next_check is then up to date in them.
        self.scheduler = CheckScheduler(self.controller, self._accounts_now, parent=self)
        try:
            self._build()
            self._connect()
            self._restore_layout()
            self.reload_accounts()
        except BaseException:
            self.controller.shutdown()  # never leave the engine thread running behind us
            raise
        self.message_table.setFocus()
        if notice:
            self.message_bar.show_message(notice, kind="info")
        if sync_on_start:
            QTimer.singleShot(0, self.get_mail)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowIcon(icon("app"))
        self.resize(1180, 760)
        self.actions_by_name = window_actions.build_actions(self)
        window_actions.build_menus(self, self.actions_by_name)
        self.toolbar = window_actions.build_toolbar(self, self.actions_by_name)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._add_filter_field()
        self.actions_by_name["reading_pane"].setChecked(True)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self._build_sidebar())
        self.main_splitter.addWidget(self._build_content())
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([240, 940])
        self.main_splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_splitter)
        self._build_status_bar()
        self._build_tray()

    def _add_filter_field(self) -> None:
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.filter_field = QLineEdit(self.toolbar)
        self.filter_field.setObjectName("filterField")
        self.filter_field.setPlaceholderText(self.tr("Filter messages (Ctrl+F)"))
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.setMinimumWidth(260)
        self.filter_field.setMaximumWidth(360)
        self.toolbar.addWidget(self.filter_field)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)  # type-ahead: one query per pause

    def _build_sidebar(self) -> QWidget:
        self.sidebar_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.sidebar_splitter.setObjectName("sidebarSplitter")
        self.sidebar_splitter.addWidget(self._build_accounts_pane())
        self.sidebar_splitter.addWidget(self._build_folders_pane())
        self.sidebar_splitter.setSizes([260, 440])
        self.sidebar_splitter.setChildrenCollapsible(False)
        return self.sidebar_splitter

    def _build_accounts_pane(self) -> QWidget:
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.addWidget(_section_label(self.tr("Accounts"), pane), 1)
        self.add_account_button = QToolButton(pane)
        self.add_account_button.setDefaultAction(self.actions_by_name["add_account"])
        self.add_account_button.setAutoRaise(True)
        header.addWidget(self.add_account_button)
        layout.addLayout(header)
        self.account_model = AccountListModel(self)
        self.account_view = ListView(pane)
        self.account_view.setObjectName("accountView")
        self.account_view.setModel(self.account_model)
        self.account_view.setSpacing(2)
        self.account_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.account_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.account_view)
        return pane

    def _build_folders_pane(self) -> QWidget:
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(_section_label(self.tr("Folders"), pane))
        self.folder_model = FolderListModel(self)
        self.folder_view = ListView(pane)
        self.folder_view.setObjectName("folderView")
        self.folder_view.setModel(self.folder_model)
        self.folder_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.folder_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.folder_view.setAcceptDrops(True)  # messages dropped here move to that folder
        self.folder_view.setDropIndicatorShown(True)
        self.folder_view.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        layout.addWidget(self.folder_view)
        return pane

    def _build_content(self) -> QWidget:
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 6, 6, 0)
        layout.setSpacing(6)
        self.message_bar = MessageBar(content)
        layout.addWidget(self.message_bar)
        self.content_stack = QStackedWidget(content)
        self.reading_splitter = QSplitter(Qt.Orientation.Vertical, content)
        self.reading_splitter.setObjectName("readingSplitter")
        self.reading_splitter.addWidget(self._build_message_table())
        self.reader = ReaderPane(content)
        self.reading_splitter.addWidget(self.reader)
        self.reading_splitter.setSizes([300, 460])
        self.reading_splitter.setChildrenCollapsible(False)
        self.content_stack.addWidget(self.reading_splitter)
        self._on_server_view: OnServerView | None = None  # built when first shown
        layout.addWidget(self.content_stack, 1)
        return content

    @property
    def on_server_view(self) -> OnServerView:
        """What waits on the server, shown in the list's place (built the first time)."""
        if self._on_server_view is None:
            from popgui.gui.onserver import OnServerView

            self._on_server_view = OnServerView(self.controller, self.content_stack)
            self.content_stack.addWidget(self._on_server_view)
        return self._on_server_view

    def _build_message_table(self) -> TableView:
        self.message_model = MessageTableModel(self.mail, self)
        table = self.message_table = TableView(self)
        table.setObjectName("messageTable")
        header = HeaderView(Qt.Orientation.Horizontal, table)
        header.setSectionsClickable(True)  # as QTableView's own header
        table.setHorizontalHeader(header)
        table.setModel(self.message_model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.setDragEnabled(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: 100k is cheap
        rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
        self._setup_columns(table.horizontalHeader())
        table.setSortingEnabled(True)
        return table

    def _setup_columns(self, header: QHeaderView) -> None:
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(24)
        for column in (COL_READ, COL_ATTACHMENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 28)
        header.setSectionResizeMode(COL_SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_FROM, 220)
        header.resizeSection(COL_DATE, 130)
        header.resizeSection(COL_SIZE, 76)
        header.setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)

    def _build_tray(self) -> None:
        """A tray icon where the desktop has a tray (None elsewhere, e.g. offscreen)."""
        self.tray = TrayIcon.create(self, icon("app"))
        if self.tray is not None:
            self.tray.attach(self.controller)
            self.tray.notifications = self.preferences.notifications
            self.tray.getMailRequested.connect(self.get_mail)
            self.tray.quitRequested.connect(self.close)

    def _build_status_bar(self) -> None:
        self.count_label = QLabel(self)
        self.statusBar().addWidget(self.count_label)
        self.status_progress = StatusProgress(self.controller, self)
        bar = self.statusBar()
        bar.addPermanentWidget(self.status_progress)
        # As tall as with a progress entry: an entry appearing when a sync starts then does not
        # grow the bar, which would relayout and repaint the whole window (the list included).
        margins = bar.sizeHint().height() - self.count_label.sizeHint().height()
        needed = self.status_progress.entry_height() + margins
        bar.setMinimumHeight(max(bar.sizeHint().height(), needed))

    # -- wiring --------------------------------------------------------------------------------

    def _connect(self) -> None:
        window_actions.connect(self.actions_by_name, {
            "save_as": self.save_as, "quit": self.close, "find": self.focus_filter,
            "select_all": self.select_all, "delete": self.delete_selected,
            "mark_read": lambda: self.mark_selected(True),
            "mark_unread": lambda: self.mark_selected(False),
            "move": self.ask_move_selected, "view_source": self.view_source,
            "new_folder": self.new_folder, "rename_folder": self.rename_folder,
            "delete_folder": self.delete_folder, "on_server": self.show_on_server,
            "get_mail": self.get_mail, "get_mail_account": self.get_mail_for_current,
            "stop": self.stop, "add_account": self.add_account,
            "edit_account": self.edit_current_account,
            "remove_account": self.remove_current_account, "about": self.about,
            "preferences": self.show_preferences,
        })  # fmt: skip
        self.actions_by_name["reading_pane"].toggled.connect(self.set_reading_pane_visible)
        self.filter_field.textChanged.connect(lambda _text: self._filter_timer.start())
        self._filter_timer.timeout.connect(self._apply_filter)
        self.account_view.selectionModel().currentChanged.connect(self._account_changed)
        self.account_view.customContextMenuRequested.connect(self._account_menu)
        self.folder_view.selectionModel().currentChanged.connect(self._folder_changed)
        self.folder_view.customContextMenuRequested.connect(self._folder_menu)
        self.folder_model.messagesDropped.connect(self.move_messages)
        self.message_table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.message_table.customContextMenuRequested.connect(self._message_menu)
        self.message_table.doubleClicked.connect(lambda _index: self.view_source())
        self.reader.sourceRequested.connect(self.view_source)
        self.message_model.modelReset.connect(self._update_counts)
        self.controller.busyChanged.connect(self._busy_changed)
        self.controller.finished.connect(self._job_finished)
        self.controller.delivered.connect(self._delivered)
        self.index_reader.ready.connect(self._refreshed)

    # -- accounts ------------------------------------------------------------------------------

    def reload_accounts(self, select: str | None = None) -> None:
        """Read the settings file again and show its accounts (keeping the selection)."""
        shown = self.current_account()
        current = select or (shown.name if shown is not None else None)
        try:
            self.settings = load_settings(self.profile.settings_file)
        except ConfigError as error:
            self.settings = Settings()
            self.message_bar.show_message(describe(error))
        self.account_model.set_accounts(self.settings.accounts)
        self.scheduler.reload()
        row = self.account_model.row_of(current) if current else -1
        if self.settings.accounts:
            self.account_view.setCurrentIndex(self.account_model.index(max(row, 0), 0))
        else:
            self._show_account(None)
        self._update_actions()

    def current_account(self) -> Account | None:
        index = self.account_view.currentIndex()
        return self.account_model.account_at(index.row()) if index.isValid() else None

    @Slot(QModelIndex, QModelIndex)
    def _account_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_account(self.account_model.account_at(current.row()))

    def _show_account(self, account: Account | None) -> None:
        if account is None:
            self.folder_model.set_folders([])
            self.message_model.clear()
            self.reader.clear()
            self._update_title()
            return
        first = self._take_startup_read(account)
        self.folder_model.set_folders(first.folders if first else self._folders_of(account))
        self._first_folder = first  # its Inbox rows, for _folder_changed just below
        try:
            self.folder_view.setCurrentIndex(self.folder_model.index(0, 0))
        finally:
            self._first_folder = None

    def _take_startup_read(self, account: Account) -> FirstFolder | None:
        """What the start-up read found for ``account`` (only for the first account shown)."""
        startup, self._startup = self._startup, None
        return startup.take(account.name) if startup is not None else None

    def _folders_of(self, account: Account) -> list[FolderInfo]:
        try:
            return self.mail.folders(account)
        except PopguiError as error:
            self.message_bar.show_message(describe(error), account=account.name)
            return []

    def _refresh_folder_counts(self) -> None:
        """New unread counts without disturbing the selected folder."""
        account = self.current_account()
        if account is None:
            return
        self._update_counts_later()
        self._show_folders(self._folders_of(account))

    def _show_folders(self, folders: list[FolderInfo]) -> None:
        """New folder counts, the same folder (or On server) staying selected."""
        if self.folder_model.update_counts(folders):
            return  # the same folders: the selection holds
        current = self.current_folder()
        name = current.name if isinstance(current, FolderInfo) else None
        on_server = isinstance(current, OnServerEntry)
        selection = self.folder_view.selectionModel()
        selection.blockSignals(True)  # the same folder stays selected: nothing to reload
        try:
            self.folder_model.set_folders(folders)
            row = (
                self.folder_model.on_server_row
                if on_server
                else (self.folder_model.row_of(name) if name else 0)
            )
            self.folder_view.setCurrentIndex(self.folder_model.index(max(row, 0), 0))
        finally:
            selection.blockSignals(False)

    # -- folders -------------------------------------------------------------------------------

    def current_folder(self) -> FolderInfo | OnServerEntry | None:
        index = self.folder_view.currentIndex()
        return self.folder_model.entry_at(index.row()) if index.isValid() else None

    @Slot(QModelIndex, QModelIndex)
    def _folder_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self.folder_model.entry_at(current.row())
        account = self.current_account()
        self.reader.clear()
        self._shown_message_id = None
        if isinstance(entry, OnServerEntry):
            # Only now: showing an account's server asks the server (a network job).
            if self.on_server_view.account != account:
                self.on_server_view.set_account(account)
            self.content_stack.setCurrentWidget(self.on_server_view)
            self._update_counts()  # the view has its own summary: no stale folder counts
        elif entry is not None and account is not None:
            self.content_stack.setCurrentWidget(self.reading_splitter)
            first = self._first_folder
            preread = (first.query, first.contents) if first is not None else None
            self.message_model.set_folder(account.name, entry.name, preread)
            self._select_first_row_if_none()
        else:
            self.message_model.clear()
        self._update_title()
        self._update_actions()

    def _select_first_row_if_none(self) -> None:
        # Keyboard navigation needs a current row, but opening a message marks it read:
        # make the first row current without selecting (and so without opening) it.
        if self.message_model.rowCount() and not self.message_table.currentIndex().isValid():
            self.message_table.selectionModel().setCurrentIndex(
                self.message_model.index(0, COL_SUBJECT), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    @Slot()
    def show_on_server(self) -> None:
        row = self.folder_model.on_server_row
        self.folder_view.setCurrentIndex(self.folder_model.index(row, 0))

    def new_folder(self) -> None:
        account = self.current_account()
        if account is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New Folder"),
                                        self.tr("Name of the new folder:"))  # fmt: skip
        if ok and name.strip():
            self._folder_action(lambda: self.mail.create_folder(account, name.strip()))

    def rename_folder(self) -> None:
        account, folder = self.current_account(), self.current_folder()
        if account is None or not _is_user_folder(folder):
            return
        assert isinstance(folder, FolderInfo)
        name, ok = QInputDialog.getText(self, self.tr("Rename Folder"), self.tr("New name:"),
                                        text=folder.name)  # fmt: skip
        if ok and name.strip() and name.strip() != folder.name:
            self._folder_action(lambda: self.mail.rename_folder(account, folder.name, name.strip()))

    def delete_folder(self) -> None:
        account, folder = self.current_account(), self.current_folder()
        if account is None or not _is_user_folder(folder):
            return
        assert isinstance(folder, FolderInfo)
        answer = QMessageBox.question(
            self, self.tr("Delete Folder"),
            en_plural(self.tr("Delete the folder “{folder}” and the %n message(s) in it?",
                              None, folder.total), folder.total).format(folder=folder.display_name),
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self._folder_action(lambda: self.mail.delete_folder(account, folder.name))

    def _folder_action(self, action: Callable[[], object]) -> None:
        try:
            action()
        except PopguiError as error:
            self.message_bar.show_message(describe(error))
        self._refresh_folder_counts()
        if self.current_folder() is None:
            self.folder_view.setCurrentIndex(self.folder_model.index(0, 0))

    # -- messages ------------------------------------------------------------------------------

    def local_list_shown(self) -> bool:
        """Whether the message list is on screen (not the On server view in its place)."""
        return self.content_stack.currentWidget() is self.reading_splitter

    def selected_messages(self) -> list[MessageRow]:
        """The selected local messages: none while On server is shown in the list's place.

        Del, Ctrl+R and the other message actions must not act on a list nobody can see.
        """
        if not self.local_list_shown():
            return []
        rows = sorted(index.row() for index in self.message_table.selectionModel().selectedRows())
        return [m for row in rows if (m := self.message_model.message_at(row)) is not None]

    @Slot()
    def _selection_changed(self, *_args: object) -> None:
        """One selected row is opened; several (or none) leave the reading pane as it is.

        Selection, not the current index, decides: a row made current without being
        selected (see _select_first_row_if_none) must not be marked read.
        """
        rows = self.message_table.selectionModel().selectedRows()
        if len(rows) == 1:
            message = self.message_model.message_at(rows[0].row())
            if message is not None and message.id != self._shown_message_id:
                self.open_message(rows[0].row(), message)
        self._update_actions()

    def open_message(self, row: int, message: MessageRow) -> None:
        """Show the message and mark it read (opening it is reading it)."""
        self._shown_message_id = message.id
        if not message.read and self._local_action(lambda: self.mail.set_read([message.id], True)):
            # Marking read renames the file (new/ → cur/, flag S): read it after that.
            message = self.mail.message(message.id) or message
            self.message_model.update_row(row, message)
            self._refresh_folder_counts()
        if self.actions_by_name["reading_pane"].isChecked():
            self.reader.show_file(Path(message.path), message.subject)
        self._update_title()
        self._update_actions()

    def view_source(self) -> None:
        """The raw message, from where its file is now (a flag change renames it)."""
        if self._shown_message_id is None:
            return
        message = self.mail.message(self._shown_message_id)
        if message is not None:
            self.reader.view_source(Path(message.path))

    def mark_selected(self, read: bool) -> None:
        messages = self.selected_messages()
        if messages:
            self._local_action(lambda: self.mail.set_read([m.id for m in messages], read))
            rows = [index.row() for index in self.message_table.selectionModel().selectedRows()]
            self.message_model.reload_rows(rows)
            self._refresh_folder_counts()

    def delete_selected(self) -> None:
        messages = self.selected_messages()
        if messages:
            self._remove_rows(lambda: self.mail.trash([m.id for m in messages]))

    @Slot(list, str)
    def _move_selected_to(self, folder: str) -> None:
        self.move_messages([message.id for message in self.selected_messages()], folder)

    def move_messages(self, ids: list[int], folder: str) -> None:
        if ids and folder != self.message_model.folder:
            self._remove_rows(lambda: self.mail.move(ids, folder))

    def ask_move_selected(self) -> None:
        messages = self.selected_messages()
        names = [f.name for f in self.folder_model.folders() if f.name != self.message_model.folder]
        if not messages or not names:
            return
        labels = {f.display_name: f.name for f in self.folder_model.folders() if f.name in names}
        choice, ok = QInputDialog.getItem(
            self, self.tr("Move to Folder"), self.tr("Move to:"), list(labels), 0, False
        )
        if ok:
            self.move_messages([m.id for m in messages], labels[choice])

    def _remove_rows(self, action: Callable[[], object]) -> None:
        """Run a move or trash, then select the row that took the first one's place."""
        rows = self.message_table.selectionModel().selectedRows()
        first = min((index.row() for index in rows), default=0)
        self._local_action(action)
        self.reader.clear()
        self._shown_message_id = None
        self.message_model.refresh()
        self._refresh_folder_counts()
        if self.message_model.rowCount():
            row = min(first, self.message_model.rowCount() - 1)
            self.message_table.selectRow(row)

    def _local_action(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except PopguiError as error:
            self.message_bar.show_message(describe(error))
            return False
        return True

    def save_as(self) -> None:
        messages = self.selected_messages()
        if not messages:
            return
        message = messages[0]
        suggested = _file_name_for(message.subject) + ".eml"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save Message As"), suggested,
                                              self.tr("Mail messages (*.eml)"))  # fmt: skip
        if name:
            self._local_action(lambda: self.mail.save_eml(message.id, Path(name)))

    def select_all(self) -> None:
        if self.filter_field.hasFocus():
            self.filter_field.selectAll()
        elif not self.local_list_shown():
            self.on_server_view.table.setFocus()
            self.on_server_view.table.selectAll()
        else:
            self.message_table.setFocus()
            self.message_table.selectAll()

    def focus_filter(self) -> None:
        self.filter_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_field.selectAll()

    @Slot()
    def _apply_filter(self) -> None:
        self._shown_message_id = None
        self.reader.clear()
        self.message_model.set_filter(self.filter_field.text())
        self._select_first_row_if_none()

    def set_reading_pane_visible(self, visible: bool) -> None:
        self.reader.setVisible(visible)
        if visible and self._shown_message_id is not None:
            self._shown_message_id = None  # shown again, now that there is room for it
            self._selection_changed()

    def _refresh_messages(self) -> None:
        """Reload the list (new mail landed), keeping the open message selected."""
        keep = self._shown_message_id
        self.message_model.refresh()
        if keep is None:
            self._select_first_row_if_none()
            return
        row = self.message_model.find_row(keep)
        if row >= 0:
            self.message_table.selectRow(row)  # same id: _message_changed does not reopen it
        else:
            self._shown_message_id = None
            self.reader.clear()

    # -- context menus -------------------------------------------------------------------------

    def _account_menu(self, position: Any) -> None:
        menu = QMenu(self)
        if self.account_view.indexAt(position).isValid():
            for name in ("get_mail_account", "edit_account", "remove_account"):
                menu.addAction(self.actions_by_name[name])
            menu.addSeparator()
        menu.addAction(self.actions_by_name["add_account"])
        menu.exec(self.account_view.viewport().mapToGlobal(position))

    def _folder_menu(self, position: Any) -> None:
        menu = QMenu(self)
        for name in ("new_folder", "rename_folder", "delete_folder"):
            menu.addAction(self.actions_by_name[name])
        menu.exec(self.folder_view.viewport().mapToGlobal(position))

    def _message_menu(self, position: Any) -> None:
        if not self.selected_messages():
            return
        menu = QMenu(self)
        for name in ("mark_read", "mark_unread", "-", "delete", "save_as", "view_source"):
            if name == "-":
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])
        move = menu.addMenu(icon("folder"), self.tr("Move To"))
        for folder in self.folder_model.folders():
            if folder.name != self.message_model.folder:
                target = folder.name
                move.addAction(folder.display_name, partial(self._move_selected_to, target))
        move.setEnabled(not move.isEmpty())
        menu.exec(self.message_table.viewport().mapToGlobal(position))

    # -- Get Mail ------------------------------------------------------------------------------

    def get_mail(self) -> None:
        """F5: every account."""
        if self.settings.accounts:
            self.controller.sync(self.settings.accounts)

    def get_mail_for_current(self) -> None:
        account = self.current_account()
        if account is not None:
            self.controller.sync([account])

    def stop(self) -> None:
        self.controller.cancel(None)

    @Slot(str, bool)
    def _busy_changed(self, name: str, busy: bool) -> None:
        if busy:
            self._state_before_busy[name] = self.account_model.state(name)
            self.account_model.set_state(name, AccountState("checking"))
        else:
            before = self._state_before_busy.pop(name, AccountState())
            if self.account_model.state(name).kind == "checking":
                # No sync reported a new state (a preview, a test...): show the last one again,
                # so looking at On server does not wipe "24 new" or a password error.
                self.account_model.set_state(name, before)
        self._update_actions()

    @Slot(str)
    def _delivered(self, name: str) -> None:
        """New mail is in the index: count and read it in the index reader, then show it."""
        account = self.current_account()
        if account is not None and account.name == name:
            self._refresh_in_background(account)

    def _refresh_in_background(self, account: Account) -> None:
        query = self.message_model.query()
        if not isinstance(self.current_folder(), FolderInfo):
            query = None  # On server is shown: only the folders' counts change
        visible = self._visible_rows()
        # The pages on screen are read too, to tell whether the rows shown changed.
        pages = sorted({visible[0] // PAGE_SIZE, visible[-1] // PAGE_SIZE}) if visible else []
        generations = (self.folder_model.generation, self.message_model.generation)
        request = RefreshRequest(account, query, self._shown_message_id, generations, tuple(pages))
        self.index_reader.request(request)

    def _visible_rows(self) -> range:
        """The rows of the message list on screen."""
        table = self.message_table
        first = table.rowAt(0)
        if first < 0:
            return range(0)
        last = table.rowAt(table.viewport().height() - 1)
        return range(first, (last if last >= 0 else self.message_model.rowCount() - 1) + 1)

    @Slot(object)
    def _refreshed(self, refreshed: Refreshed) -> None:
        """Show what the index reader read, unless the window moved on meanwhile."""
        request = refreshed.request
        account = self.current_account()
        if account is None or account.name != request.account.name:
            return  # another account is shown now
        if refreshed.error is not None:
            self._refresh_folder_counts()  # read here instead: the message bar says what failed
            if isinstance(self.current_folder(), FolderInfo):
                self._refresh_messages()
            return
        if request.generations != (self.folder_model.generation, self.message_model.generation):
            self._refresh_in_background(account)  # a local action came first: read once more
            return
        self._show_folders(refreshed.folders)
        contents = refreshed.contents
        if contents is not None and request.query == self.message_model.query():
            same = self.message_model.show_contents(contents, self._visible_rows())
            self._select_kept_message(request.keep_id, contents.kept_row, same)
        self._update_counts()

    def _select_kept_message(self, kept_id: int | None, kept_row: int, same: bool) -> None:
        """After new rows arrived: the open message selected where it is now, if still near.

        ``same``: the rows on screen hold the same messages as before; a selection among them
        still holds (the usual case while mail lands below them: nothing to do, or repaint).
        """
        visible = self._visible_rows()
        selected = self.message_table.selectionModel().selectedRows()
        if same and all(index.row() in visible for index in selected):
            return
        if self._shown_message_id is None:
            self.message_table.clearSelection()  # the rows selected may hold other mail now
            self._select_first_row_if_none()
            return
        if kept_id != self._shown_message_id:  # another message was opened meanwhile
            kept_row = self.message_model.row_of(self._shown_message_id)
        if kept_row >= 0:
            self.message_table.selectRow(kept_row)  # same id: it is not opened again
        else:
            self._shown_message_id = None
            self.reader.clear()

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        if finished.kind == "password" and finished.account in self._forgetting:
            self._password_forgotten(finished)  # jobs run in order: this one is ours
            return
        if finished.kind != "sync":
            return  # the On server view reports its own jobs
        error = finished.error
        if error is None:
            result = finished.result
            new = result.downloaded if isinstance(result, SyncResult) else 0
            self.account_model.set_state(finished.account, AccountState("new", new))
            if self.message_bar.account == finished.account:
                self.message_bar.dismiss()  # the problem is gone
        elif isinstance(error, CancelledError):
            self.account_model.set_state(finished.account, AccountState())
        else:
            self.show_account_error(finished.account, error)

    def show_account_error(self, name: str, error: PopguiError) -> None:
        """The error in plain words, with the one action that fixes it."""
        account = self.settings.get(name)
        text = f"{name}: {_first_sentence_capital(describe(error))}"

        def retry() -> None:
            current = self.settings.get(name) or account
            if current is not None:
                self.controller.sync([current])

        buttons: list[tuple[str, Callable[[], object]]] = []
        if isinstance(error, CredentialsError) or (
            isinstance(error, ServerError) and error.is_credentials
        ):
            text = f"{name}: {_first_sentence_capital(str(error))}."
            buttons = [(self.tr("Edit account…"),
                        lambda: self.edit_account(name, sync_after=True))]  # fmt: skip
        elif isinstance(error, CertificateError):
            text = f"{name}: {_first_sentence_capital(str(error))}."
            buttons = [(self.tr("Review certificate…"),
                        lambda: self.review_certificate(name, error))]  # fmt: skip
        elif isinstance(error, ServerError) and error.is_temporary:
            self._show_retry(name, error)
            return
        elif isinstance(error, MigrationSuspectedError):
            text = self.tr(
                "{account}: the server seems to have renumbered its mail; nothing was "
                "downloaded or deleted."
            ).format(account=name)
            buttons = [(self.tr("Review…"), lambda: self.confirm_new_uidls(name, error))]
        elif account is not None:
            buttons = [(self.tr("Try again"), retry)]
        self.account_model.set_state(name, AccountState("error", text=_short(error)))
        self.message_bar.show_message(text, account=name, buttons=buttons)

    def confirm_new_uidls(self, name: str, error: MigrationSuspectedError) -> None:
        """Ask before treating a renumbered server's mail as new (it would all come again)."""
        account = self.settings.get(name)
        if account is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("The server renumbered its mail"),
            self.tr(
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
            self.message_bar.dismiss()
            self.controller.sync([account], accept_new_uidls=True)

    def _show_retry(self, name: str, error: ServerError) -> None:
        when = self._retry_time(name)
        later = (
            self.tr("will retry at {time}").format(time=format_datetime(when, kind="time"))
            if when
            else self.tr("try again in a few minutes")
        )
        self.account_model.set_state(name, AccountState("retry", text=later))
        buttons: list[tuple[str, Callable[[], object]]] = []
        account = self.settings.get(name)
        if when is None and account is not None:  # no periodic check will do it
            buttons = [(self.tr("Try again"), lambda: self.controller.sync([account]))]
        self.message_bar.show_message(
            self.tr("{account}: the server asks to wait before checking again ({reason}); "
                    "nothing was lost — {later}.").format(account=name, reason=error.text,
                                                          later=later),
            kind="warning", account=name, buttons=buttons,
        )  # fmt: skip

    def _retry_time(self, name: str) -> datetime | None:
        return self.scheduler.next_check(name)

    def _accounts_now(self) -> list[Account]:
        return list(self.settings.accounts)

    def review_certificate(self, name: str, error: CertificateError) -> None:
        """Ask whether to trust this certificate; if so pin it in the account and retry."""
        account = self.settings.get(name)
        if account is None or not error.fingerprint or not ask_trust_certificate(self, error):
            return
        pinned = replace(account, fingerprint=error.fingerprint)
        if self._save_account(pinned, old_name=name):
            self.controller.sync([pinned])

    # -- account editing -----------------------------------------------------------------------

    def add_account(self) -> None:
        from popgui.gui.account_dialog import AccountDialog

        dialog = AccountDialog(self.controller, self.settings.names(), account=None, parent=self)
        if dialog.exec():
            account = dialog.account()
            if self._save_account(account):
                self.controller.sync([account])

    def edit_current_account(self) -> None:
        account = self.current_account()
        if account is not None:
            self.edit_account(account.name)

    def edit_account(self, name: str, *, sync_after: bool = False) -> None:
        account = self.settings.get(name)
        if account is None:
            return
        from popgui.gui.account_dialog import AccountDialog

        others = [n for n in self.settings.names() if n != name]
        dialog = AccountDialog(self.controller, others, account=account, parent=self)
        if dialog.exec():
            edited = dialog.account()
            saved = self._save_account(edited, old_name=name)
            self.scheduler.resume(edited.name)  # the password may be all that changed
            if saved and sync_after:
                self.controller.sync([edited])

    def remove_current_account(self) -> None:
        account = self.current_account()
        if account is None:
            return
        keyring = account.password_source == "keyring"
        question = (
            self.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded stays on "
                "disk in {folder}. Its password is removed from the system keyring."
            )
            if keyring
            else self.tr(
                "Remove the account “{account}”?\n\nThe mail already downloaded "
                "stays on disk in {folder}."
            )
        )
        answer = QMessageBox.question(
            self, self.tr("Remove Account"),
            question.format(account=account.name, folder=account.maildir_path(self.profile)),
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.controller.cancel(account.name)
        self.settings.remove(account.name)
        if self._write_settings():
            self.reload_accounts()
            if keyring:  # in the worker: a keyring can block (a locked KWallet waits)
                self._forgetting.append(account.name)
                self.controller.forget_password(account)

    def _password_forgotten(self, finished: JobFinished) -> None:
        """A removed account's password is gone from the keyring, or could not be removed."""
        self._forgetting.remove(finished.account)
        error = finished.error
        if error is not None and not isinstance(error, CancelledError):
            self.message_bar.show_message(
                self.tr(
                    "The account {account} was removed, but its password could not be "
                    "removed from the keyring: {reason}"
                ).format(account=finished.account, reason=describe(error)),
                kind="warning",
            )

    def _save_account(self, account: Account, *, old_name: str | None = None) -> bool:
        try:
            if old_name is None:
                account = self.settings.add(account)
            else:
                account = self.settings.replace(account, old_name=old_name)
        except ConfigError as error:
            self.message_bar.show_message(describe(error))
            return False
        saved = self._write_settings()
        self.reload_accounts(select=account.name)
        return saved

    def _write_settings(self) -> bool:
        try:
            save_settings(self.profile.settings_file, self.settings)
        except PopguiError as error:
            self.message_bar.show_message(describe(error))
            return False
        return True

    # -- window state --------------------------------------------------------------------------

    def _update_title(self) -> None:
        account = self.current_account()
        folder = self.current_folder()
        parts = [folder.display_name if folder is not None else "", account.name if account else ""]
        self.setWindowTitle(" — ".join([p for p in parts if p] + [APP_TITLE]))

    def _update_counts_later(self) -> None:
        QTimer.singleShot(0, self._update_counts)  # once the folder model has the new counts

    def _update_counts(self) -> None:
        count = self.message_model.rowCount()
        folder = self.current_folder()
        if isinstance(folder, FolderInfo):
            if self.message_model.filter_text:
                text = self.tr("%Ln message(s) matching the filter", None, count)
            elif folder.unread:
                text = self.tr("%Ln message(s), {unread} unread", None, count).format(
                    unread=format_number(folder.unread)
                )
            else:
                text = self.tr("%Ln message(s)", None, count)
            self.count_label.setText(en_plural(text, count))
        else:
            self.count_label.setText("")

    @Slot()
    def _update_actions(self, *_args: object) -> None:
        has_messages = self.local_list_shown() and bool(
            self.message_table.selectionModel().selectedRows()
        )
        for name in ("delete", "mark_read", "mark_unread", "move", "save_as"):
            self.actions_by_name[name].setEnabled(has_messages)
        has_account = self.current_account() is not None
        for name in ("get_mail_account", "edit_account", "remove_account", "new_folder"):
            self.actions_by_name[name].setEnabled(has_account)
        user_folder = _is_user_folder(self.current_folder())
        self.actions_by_name["rename_folder"].setEnabled(user_folder)
        self.actions_by_name["delete_folder"].setEnabled(user_folder)
        self.actions_by_name["get_mail"].setEnabled(bool(self.settings.accounts))
        busy = any(self.controller.is_busy(a.name) for a in self.settings.accounts)
        self.actions_by_name["stop"].setEnabled(busy)
        self.actions_by_name["view_source"].setEnabled(self._shown_message_id is not None)

    def show_preferences(self) -> PreferencesDialog:
        """Edit ▸ Preferences… (window-modal); OK applies and saves what it shows."""
        dialog = PreferencesDialog(
            self.preferences, tray_available=self.tray is not None, parent=self
        )
        dialog.accepted.connect(lambda: self._apply_preferences(dialog.preferences()))
        dialog.open()
        return dialog

    def _apply_preferences(self, preferences: Preferences) -> None:
        self.preferences = preferences
        preferences.save(self.layout_state)
        self.actions_by_name["reading_pane"].setChecked(preferences.reading_pane)
        if self.tray is not None:
            self.tray.notifications = preferences.notifications

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About popgui"), about_text())

    def _restore_layout(self) -> None:
        state = self.layout_state
        state.restore_window(self)
        state.restore_splitter("main", self.main_splitter)
        state.restore_splitter("sidebar", self.sidebar_splitter)
        state.restore_splitter("reading", self.reading_splitter)
        header = self.message_table.horizontalHeader()
        if state.restore_header("messages", header):
            self.message_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.actions_by_name["reading_pane"].setChecked(state.flag("reading_pane", True))

    def save_layout(self) -> None:
        state = self.layout_state
        state.save_window(self)
        state.save_splitter("main", self.main_splitter)
        state.save_splitter("sidebar", self.sidebar_splitter)
        state.save_splitter("reading", self.reading_splitter)
        state.save_header("messages", self.message_table.horizontalHeader())
        state.save_flag("reading_pane", self.actions_by_name["reading_pane"].isChecked())
        state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, stop every download (bounded wait), then close."""
        if not self._closing:
            self._closing = True
            self.save_layout()
            self.scheduler.stop()
            if self.tray is not None:
                self.tray.hide()
            self.controller.shutdown()
            self.index_reader.shutdown()
            self.reader.shutdown()
            if self._database is not None:
                self._database.close()
            self.closed.emit()
        event.accept()


# -- small helpers -----------------------------------------------------------------------------


def about_text() -> str:
    return (
        f"<h3>popgui {__version__}</h3><p>"
        + QCoreApplication.translate(
            "MainWindow",
            "Downloads your mail from POP3 and POP2 servers into local Maildir folders — "
            "each message exactly once.",
        )
        + "</p><p>"
        + QCoreApplication.translate(
            "MainWindow",
            "Copyright © the popgui developers. popgui is free software, licensed under the "
            "GNU General Public License, version 3 or (at your option) any later version "
            "(GPL-3.0-or-later). It comes with no warranty.",
        )
        + "</p><p>"
        + QCoreApplication.translate(
            "MainWindow",
            "This program uses Qt {qt} and PySide6 {pyside} (Qt for Python), "
            "used under the GNU Lesser General Public License version 3 (LGPL-3.0). You may "
            "replace these libraries with your own modified versions; their source code is "
            "available from {link}.",
        ).format(
            qt=qVersion(),
            pyside=pyside_version,
            link="<a href='https://www.qt.io/download-open-source'>qt.io</a>",
        )
        + "</p>"
    )


def ask_trust_certificate(parent: QWidget, error: CertificateError) -> bool:
    """:func:`popgui.gui.certificate_dialog.ask_trust_certificate`, imported when needed."""
    from popgui.gui.certificate_dialog import ask_trust_certificate as ask

    return ask(parent, error)


def _section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text.upper(), parent)
    label.setStyleSheet("color: palette(placeholder-text); font-size: 8pt; font-weight: 600;"
                        " letter-spacing: 1px; padding: 2px 2px;")  # fmt: skip
    return label


def _is_user_folder(folder: object) -> bool:
    return isinstance(folder, FolderInfo) and folder.special == ""


def _file_name_for(subject: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in " -_.," else "_" for ch in subject).strip(" .")
    return name[:80] or "message"


def _first_sentence_capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _short(error: PopguiError) -> str:
    """A few words for the accounts pane (the message bar has the full sentence)."""
    if isinstance(error, CredentialsError):
        return QCoreApplication.translate("MainWindow", "password refused")
    if isinstance(error, CertificateError):
        return QCoreApplication.translate("MainWindow", "untrusted certificate")
    if isinstance(error, ServerError):
        return QCoreApplication.translate("MainWindow", "server refused")
    kind = type(error).__name__.removesuffix("Error").lower()
    return QCoreApplication.translate("MainWindow", "{kind} error").format(kind=kind)
