"""The main window: its layout, and the window state a person arranges.

Layout::

    ┌ toolbar: Get Mail · Stop · Delete · Read · Unread · Save ─────────────────────── ┐
    │ accounts  │ message bar (errors in plain words, with the action that fixes them) │
    │ [+ Add]   │ [filter]                                                             │
    │           │ message list (lazy, sortable)                                       │
    │───────────│──────────────────────────────────────────────────────────────────── │
    │ folders   │ reading pane            (or the On server view in their place)     │
    └ status: counts ··················································· progress ┘

The window builds the widgets, remembers their layout (geometry, splitters, columns), and
keeps its title, counts and actions up to date. Its controllers do the rest, each a QObject it
owns, working on the widgets through the window's public attributes:

- :class:`~popgui.gui.accounts_controller.AccountsController` (``accounts``): the accounts and
  folders panes, editing and removing accounts, the settings file;
- :class:`~popgui.gui.getmail_controller.GetMailController` (``getmail``): Get Mail, Stop,
  the accounts' states and the errors in the message bar;
- :class:`~popgui.gui.message_list.MessageListController` (``messages``): what the list
  shows, the filter, new mail arriving;
- :class:`~popgui.gui.message_actions.MessageActions` (``message_actions``): open, mark,
  delete, move, save and view source;
- :class:`~popgui.gui.keyboard.KeyboardController` (``keyboard``): Tab between the panes,
  Space to read on, Esc in the filter, the focus back in the list.

The filter sits above the message list, not in the toolbar: a toolbar too narrow for its
buttons (800 pixels, French) moves what does not fit into its » menu, the filter with them,
and Ctrl+F then had nowhere to go. Above the list it is as wide as the list, at any width.

Threading: widgets are touched on the GUI thread only, and once the window is up nothing here
waits on the network, the Maildir or the SQLite index. Network and keyring work goes through
the :class:`~popgui.gui.worker.EngineController`; the Maildir and the index are changed and
read in the local mail thread (:class:`~popgui.gui.mailtasks.MailTasks`) (the list's pages as
it scrolls and the message files too) and, for new mail, the
:class:`~popgui.gui.indexreader.IndexReader`; the reading pane parses a message on a thread of
its own. Still on the GUI thread: reading the settings file and opening the database while the
window is built (before it shows: the window's first state, which callers such as the
screenshot script rely on, has the accounts), the same settings read when
:meth:`MainWindow.reload_accounts` is called (only tests and the screenshot script do, and
they rely on it being done when it returns), and the window layout file (``window.ini``, a
QSettings written at close).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from popgui import __version__
from popgui.accounts.settings import Account, Settings
from popgui.errors import PopguiError
from popgui.gui import actions as window_actions
from popgui.gui.accounts_controller import AccountsController, is_user_folder
from popgui.gui.columns import ColumnFitter, date_samples, size_samples
from popgui.gui.forwarded import update_forwarded_actions
from popgui.gui.getmail_controller import GetMailController
from popgui.gui.i18n import en_plural, format_number, format_size
from popgui.gui.icons import icon
from popgui.gui.indexreader import IndexReader, open_profile_mail
from popgui.gui.keyboard import KeyboardController
from popgui.gui.layout_state import LayoutState
from popgui.gui.mailtasks import MailTasks
from popgui.gui.mailthread import MailOpener
from popgui.gui.message_actions import MessageActions
from popgui.gui.message_bar import MessageBar
from popgui.gui.message_list import MessageListController
from popgui.gui.models import (
    COL_ATTACHMENT,
    COL_DATE,
    COL_FROM,
    COL_READ,
    COL_SIZE,
    COL_SUBJECT,
    AccountListModel,
    FolderListModel,
    MessageTableModel,
    OnServerEntry,
    format_date,
)
from popgui.gui.preferences import Preferences, PreferencesDialog
from popgui.gui.reader import ReaderPane
from popgui.gui.scheduler import CheckScheduler
from popgui.gui.startup import StartupRead
from popgui.gui.statusprogress import StatusProgress
from popgui.gui.tray import TrayIcon
from popgui.gui.views import ListView, MessageTableView
from popgui.gui.worker import EngineController
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import FolderInfo, LocalMail

if TYPE_CHECKING:
    from popgui.gui.onserver import OnServerView

# The dialogs and the On server view are imported when first used, not with the window: they
# are seldom needed, and On server brings the network stack; the window shows sooner without.

APP_TITLE = "popgui"
INBOX = "INBOX"


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
        self.keyboard: KeyboardController | None = None  # made with the other controllers
        self.profile = profile
        #: The accounts shown, as read from the settings file (see AccountsController).
        self.settings = Settings()
        self.controller = controller or EngineController(profile, self)
        self._database: Database | None = None
        opener = open_profile_mail(profile)  # the local mail thread's own connection
        if mail is None:
            database = startup.take_database() if startup is not None else None
            self._database = database or Database(profile.database_file)
            mail = LocalMail(profile, self._database)
        else:
            opener = _shared(mail)
        #: The window's own connection, opened first so that a schema upgrade is over before
        #: the threads open theirs; the window reads and writes through ``tasks``.
        self.mail = mail
        #: Local actions, settings writes and reads behind the panes run in this thread.
        self.tasks = MailTasks(opener, self)
        # New mail is counted and read in this thread, never on the GUI thread (see indexreader).
        self.index_reader = IndexReader(profile, self)
        self.layout_state = LayoutState(profile)
        self.preferences = Preferences.load(self.layout_state)
        self._closing = False
        # Before the controllers' slots: the scheduler's next_check is then up to date in them.
        self.scheduler = CheckScheduler(self.controller, self._accounts_now, parent=self)
        try:
            self._build()
            self.messages = MessageListController(self)
            self.message_actions = MessageActions(self)
            self.accounts = AccountsController(self, startup)
            self.getmail = GetMailController(self)
            self.keyboard = KeyboardController(self)
            self._connect()
            self._restore_layout()
            self.accounts.reload_accounts()
        except BaseException:
            self.controller.shutdown()  # never leave the engine thread running behind us
            self.tasks.shutdown()
            raise
        self.message_table.setFocus()
        if notice:
            self.message_bar.show_message(notice, kind="info")
        if sync_on_start:
            QTimer.singleShot(0, self.get_mail)

    # -- what tests, the app and the screenshots use -----------------------------------------

    def reload_accounts(self, select: str | None = None) -> None:
        self.accounts.reload_accounts(select)

    def current_account(self) -> Account | None:
        return self.accounts.current_account()

    def current_folder(self) -> FolderInfo | OnServerEntry | None:
        return self.accounts.current_folder()

    def show_on_server(self) -> None:
        self.accounts.show_on_server()

    def get_mail(self) -> None:
        self.getmail.get_mail()

    def get_mail_for_current(self) -> None:
        self.getmail.get_mail_for_current()

    def show_account_error(self, name: str, error: PopguiError) -> None:
        self.getmail.show_account_error(name, error)

    def _accounts_now(self) -> list[Account]:
        return list(self.settings.accounts)

    def focus_list(self) -> None:
        """The keyboard back in the list shown (after a dialog or an action)."""
        if self.keyboard is not None:
            self.keyboard.focus_list()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go from pane to pane (see :mod:`popgui.gui.keyboard`)."""
        if self.keyboard is not None and self.keyboard.move_focus(next):
            return True
        return super().focusNextPrevChild(next)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowIcon(icon("app"))
        self.resize(1180, 760)
        self.actions_by_name = window_actions.build_actions(self)
        window_actions.build_menus(self, self.actions_by_name)
        self.toolbar = window_actions.build_toolbar(self, self.actions_by_name)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
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

    def _build_list_pane(self) -> QWidget:
        """The filter above the message list (see the module's documentation)."""
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.filter_field = QLineEdit(pane)
        self.filter_field.setObjectName("filterField")
        self.filter_field.setPlaceholderText(self.tr("Filter messages (Ctrl+F)"))
        self.filter_field.setClearButtonEnabled(True)
        layout.addWidget(self.filter_field)
        layout.addWidget(self._build_message_table(), 1)
        return pane

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
        self.reading_splitter.addWidget(self._build_list_pane())
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

            self._on_server_view = OnServerView(self.controller, self.tasks, self.content_stack)
            self.content_stack.addWidget(self._on_server_view)
        return self._on_server_view

    def _build_message_table(self) -> MessageTableView:
        self.message_model = MessageTableModel(parent=self)  # its pages: see messages
        table = self.message_table = MessageTableView(self)  # rows only, by keyboard too
        table.setObjectName("messageTable")
        header = table.horizontalHeader()
        table.setModel(self.message_model)
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
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row sizing
        rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
        self._setup_columns(table.horizontalHeader())
        # Not setSortingEnabled: the view would sort the model itself, which reads the index on
        # this thread; the list's controller has the rows read in the local mail thread.
        header.setSortIndicatorShown(True)
        return table

    def _setup_columns(self, header: QHeaderView) -> None:
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(24)
        for column in (COL_READ, COL_ATTACHMENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 28)
        header.setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        dates = [format_date(when.timestamp()) for when in date_samples()]
        sizes = [format_size(size) for size in size_samples()]
        self.column_fitter = ColumnFitter(header, subject=COL_SUBJECT, sender=COL_FROM,
                                          contents={COL_DATE: dates, COL_SIZE: sizes})  # fmt: skip

    def _build_tray(self) -> None:
        """A tray icon where the desktop has a tray (None elsewhere, e.g. offscreen)."""
        self.tray = TrayIcon.create(self, icon("app"))
        if self.tray is not None:
            self.tray.attach(self.controller)
            self.tray.notifications = self.preferences.notifications
            self.tray.getMailRequested.connect(lambda: self.get_mail())
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
        accounts, getmail = self.accounts, self.getmail
        messages, actions = self.messages, self.message_actions
        window_actions.connect(self.actions_by_name, {
            "save_as": actions.save_as, "quit": self.close, "find": messages.focus_filter,
            "select_all": messages.select_all, "delete": actions.delete_selected,
            "undo_delete": actions.undo.undo,
            "mark_read": lambda: actions.mark_selected(True),
            "mark_unread": lambda: actions.mark_selected(False),
            "move": actions.ask_move_selected, "view_source": actions.view_source,
            "new_folder": accounts.new_folder, "rename_folder": accounts.rename_folder,
            "delete_folder": accounts.delete_folder, "on_server": accounts.show_on_server,
            "get_mail": getmail.get_mail, "get_mail_account": getmail.get_mail_for_current,
            "stop": getmail.stop, "add_account": accounts.add_account,
            "edit_account": accounts.edit_current_account,
            "remove_account": accounts.remove_current_account, "about": self.about,
            "preferences": self.show_preferences,
        })  # fmt: skip
        self.actions_by_name["reading_pane"].toggled.connect(messages.set_reading_pane_visible)

    # -- window state --------------------------------------------------------------------------

    def update_title(self) -> None:
        account = self.current_account()
        folder = self.current_folder()
        parts = [folder.display_name if folder is not None else "", account.name if account else ""]
        self.setWindowTitle(" — ".join([p for p in parts if p] + [APP_TITLE]))

    def update_counts_later(self) -> None:
        QTimer.singleShot(0, self.update_counts)  # once the folder model has the new counts

    def update_counts(self) -> None:
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
    def update_actions(self, *_args: object) -> None:
        has_messages = self.messages.local_list_shown() and bool(
            self.message_table.selectionModel().selectedRows()
        )
        for name in ("delete", "move", "save_as"):
            self.actions_by_name[name].setEnabled(has_messages)
        self._update_mark_actions(has_messages)
        folder = self.current_folder()
        in_trash = isinstance(folder, FolderInfo) and folder.special == "trash"
        delete = window_actions.DELETE_PERMANENTLY if in_trash else window_actions.SPECS["delete"]
        window_actions.label(self.actions_by_name["delete"], delete)
        # The filter is the list's: On server, in the list's place, has none.
        self.actions_by_name["find"].setEnabled(self.messages.local_list_shown())
        has_account = self.current_account() is not None
        for name in ("get_mail_account", "edit_account", "remove_account", "new_folder"):
            self.actions_by_name[name].setEnabled(has_account)
        user_folder = is_user_folder(self.current_folder())
        self.actions_by_name["rename_folder"].setEnabled(user_folder)
        self.actions_by_name["delete_folder"].setEnabled(user_folder)
        self.actions_by_name["get_mail"].setEnabled(bool(self.settings.accounts))
        busy = any(self.controller.is_busy(a.name) for a in self.settings.accounts)
        self.actions_by_name["stop"].setEnabled(busy)
        self.actions_by_name["view_source"].setEnabled(self.messages.shown_message_id is not None)
        update_forwarded_actions(self)  # a message delivered elsewhere has no file here

    def _update_mark_actions(self, has_messages: bool) -> None:
        """Mark as Read only if a selected message is unread, Mark as Unread if one is read
        (rows whose page was not read yet could be either)."""
        known, not_read = self.messages.selection() if has_messages else ([], [])
        states = {message.read for message in known}
        self.actions_by_name["mark_read"].setEnabled(bool(not_read) or False in states)
        self.actions_by_name["mark_unread"].setEnabled(bool(not_read) or True in states)

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
            self.column_fitter.restored()
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
            self.tasks.shutdown()  # what was asked (a settings write, a move) is done first
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


def _section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text.upper(), parent)
    label.setStyleSheet("color: palette(placeholder-text); font-size: 8pt; font-weight: 600;"
                        " letter-spacing: 1px; padding: 2px 2px;")  # fmt: skip
    return label


def _shared(mail: LocalMail) -> MailOpener:
    """The local mail thread uses a LocalMail the window was given (Database serialises its
    users); whoever gave it closes it."""

    def no_op() -> None:
        pass

    return lambda: (mail, no_op)
