"""The main window's actions, their shortcuts, and the menus and toolbar made of them.

Every command has a keyboard shortcut (the issue asks for one on every action); the table
below is the one place to read them all. Standard keys come from QKeySequence where the
platform has a convention (Quit, Find, Select All, Delete), so macOS gets Cmd+Q and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from popgui.gui.i18n import QT_TRANSLATE_NOOP
from popgui.gui.icons import icon

Key = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class Spec:
    text: str
    key: Key
    icon: str = ""
    tip: str = ""
    checkable: bool = False


#: name → how the action looks. The window connects ``triggered`` by name. Texts are marked
#: for lupdate here and translated when the actions are built (context "Actions").
SPECS: dict[str, Spec] = {
    "save_as": Spec(QT_TRANSLATE_NOOP("Actions", "&Save As…"), QKeySequence.StandardKey.Save,
                    "save", QT_TRANSLATE_NOOP("Actions", "Save the message as an .eml file")),
    "quit": Spec(QT_TRANSLATE_NOOP("Actions", "&Quit"), "Ctrl+Q",
                 tip=QT_TRANSLATE_NOOP("Actions", "Stop every download and quit")),
    "find": Spec(QT_TRANSLATE_NOOP("Actions", "&Find…"), QKeySequence.StandardKey.Find,
                 tip=QT_TRANSLATE_NOOP("Actions", "Filter the message list")),
    "select_all": Spec(QT_TRANSLATE_NOOP("Actions", "Select &All"),
                       QKeySequence.StandardKey.SelectAll),
    "undo_delete": Spec(QT_TRANSLATE_NOOP("Actions", "&Undo Delete"),
                        QKeySequence.StandardKey.Undo, "",
                        QT_TRANSLATE_NOOP("Actions", "Put the messages just moved to Trash "
                                                     "back where they were")),
    "delete": Spec(QT_TRANSLATE_NOOP("Actions", "&Delete"), QKeySequence.StandardKey.Delete,
                   "delete", QT_TRANSLATE_NOOP("Actions", "Move the selected messages to Trash")),
    "mark_read": Spec(QT_TRANSLATE_NOOP("Actions", "Mark as &Read"), "Ctrl+R", "mark-read"),
    "mark_unread": Spec(QT_TRANSLATE_NOOP("Actions", "Mark as &Unread"), "Ctrl+Shift+R",
                        "mark-unread"),
    "move": Spec(QT_TRANSLATE_NOOP("Actions", "&Move to Folder…"), "Ctrl+Shift+M", "folder"),
    "view_source": Spec(QT_TRANSLATE_NOOP("Actions", "View &Source"), "Ctrl+U", "source",
                        QT_TRANSLATE_NOOP("Actions", "Show the raw message")),
    "new_folder": Spec(QT_TRANSLATE_NOOP("Actions", "&New Folder…"), "Ctrl+Shift+N", "folder"),
    "rename_folder": Spec(QT_TRANSLATE_NOOP("Actions", "&Rename Folder…"), "F2", "edit"),
    "delete_folder": Spec(QT_TRANSLATE_NOOP("Actions", "De&lete Folder…"), "Ctrl+Shift+Del",
                          "delete"),
    "preferences": Spec(QT_TRANSLATE_NOOP("Actions", "&Preferences…"), "Ctrl+,",
                        tip=QT_TRANSLATE_NOOP("Actions", "Language and other settings of "
                                                         "the window")),
    "reading_pane": Spec(QT_TRANSLATE_NOOP("Actions", "&Reading Pane"), "F8", checkable=True,
                         tip=QT_TRANSLATE_NOOP("Actions",
                                               "Show or hide the message under the list")),
    "on_server": Spec(QT_TRANSLATE_NOOP("Actions", "On &Server"), "Ctrl+Shift+O", "server",
                      QT_TRANSLATE_NOOP("Actions", "What waits on the server (preview, "
                                                   "download, delete there)")),
    "get_mail": Spec(QT_TRANSLATE_NOOP("Actions", "&Get Mail"), "F5", "get-mail",
                     QT_TRANSLATE_NOOP("Actions", "Download new mail for every account (F5)")),
    "get_mail_account": Spec(QT_TRANSLATE_NOOP("Actions", "Get Mail for &This Account"),
                             "Shift+F5", "get-mail"),
    "stop": Spec(QT_TRANSLATE_NOOP("Actions", "S&top"), "Esc", "stop",
                 QT_TRANSLATE_NOOP("Actions", "Stop downloading (Esc)")),
    "add_account": Spec(QT_TRANSLATE_NOOP("Actions", "&Add Account…"), "Ctrl+Shift+A", "add"),
    "edit_account": Spec(QT_TRANSLATE_NOOP("Actions", "&Edit Account…"), "Ctrl+Shift+E",
                         "edit"),
    "remove_account": Spec(QT_TRANSLATE_NOOP("Actions", "&Remove Account…"),
                           "Ctrl+Shift+Backspace", "delete"),
    "about": Spec(QT_TRANSLATE_NOOP("Actions", "&About popgui"),
                  QKeySequence.StandardKey.HelpContents),
}  # fmt: skip

#: What the Delete action becomes in Trash, where deleting is for good.
DELETE_PERMANENTLY = Spec(
    QT_TRANSLATE_NOOP("Actions", "Delete &Permanently"), QKeySequence.StandardKey.Delete,
    "delete", QT_TRANSLATE_NOOP("Actions", "Delete the selected messages permanently: they are "
                                           "removed from this computer"),
)  # fmt: skip

MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("Actions", "&File"), ("save_as", "view_source", "-", "quit")),
    (QT_TRANSLATE_NOOP("Actions", "&Edit"), ("undo_delete", "-", "find", "select_all", "-",
                                            "delete", "mark_read", "mark_unread", "move", "-",
                                            "new_folder", "rename_folder", "delete_folder", "-",
                                            "preferences")),
    (QT_TRANSLATE_NOOP("Actions", "&View"), ("reading_pane", "on_server")),
    (QT_TRANSLATE_NOOP("Actions", "&Account"), ("get_mail", "get_mail_account", "stop", "-",
                                               "add_account", "edit_account",
                                               "remove_account")),
    (QT_TRANSLATE_NOOP("Actions", "&Help"), ("about",)),
)  # fmt: skip

TOOLBAR: tuple[str, ...] = ("get_mail", "stop", "-", "delete", "mark_read", "mark_unread",
                            "save_as")  # fmt: skip


def _tr(text: str) -> str:
    return QCoreApplication.translate("Actions", text) if text else text


def build_actions(window: QMainWindow) -> dict[str, QAction]:
    """One QAction per :data:`SPECS` entry, owned by the window (so shortcuts work anywhere)."""
    actions: dict[str, QAction] = {}
    for name, spec in SPECS.items():
        action = QAction(window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(spec.key))
        if spec.icon:
            action.setIcon(icon(spec.icon))
        label(action, spec)
        action.setCheckable(spec.checkable)
        window.addAction(action)
        actions[name] = action
    return actions


def label(action: QAction, spec: Spec) -> None:
    """Give ``action`` the (translated) text and tips of ``spec``, the tooltip with its key.

    The menu, the toolbar and the context menu show the same QAction, so a new label (Delete
    becoming Delete Permanently in Trash) shows everywhere at once.
    """
    text = _tr(spec.text)
    if action.text() == text:
        return
    action.setText(text)
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    tip = _tr(spec.tip) or text.replace("&", "").rstrip("…")
    action.setToolTip(f"{tip} ({shortcut})" if shortcut and shortcut not in tip else tip)
    action.setStatusTip(tip)


def build_menus(window: QMainWindow, actions: dict[str, QAction]) -> dict[str, QMenu]:
    menus: dict[str, QMenu] = {}
    for title, names in MENUS:
        menu = window.menuBar().addMenu(_tr(title))
        _fill(menu, names, actions)
        menus[title.replace("&", "")] = menu
    return menus


def build_toolbar(window: QMainWindow, actions: dict[str, QAction]) -> QToolBar:
    toolbar = QToolBar(QCoreApplication.translate("Actions", "Main toolbar"), window)
    toolbar.setObjectName("mainToolbar")  # saveState needs a name
    toolbar.setMovable(False)
    _fill(toolbar, TOOLBAR, actions)
    window.addToolBar(toolbar)
    return toolbar


def _fill(container: QMenu | QToolBar, names: tuple[str, ...], actions: dict[str, QAction]) -> None:
    for name in names:
        if name == "-":
            container.addSeparator()
        else:
            container.addAction(actions[name])


def connect(actions: dict[str, QAction], handlers: dict[str, Callable[[], object]]) -> None:
    """Connect ``triggered`` of each named action to its handler (checked state ignored)."""
    for name, handler in handlers.items():
        actions[name].triggered.connect(lambda _checked=False, h=handler: h())
