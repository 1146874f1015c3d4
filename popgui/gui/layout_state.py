"""Window layout memory: geometry, splitter sizes, column widths and sort, per profile.

Kept in ``<profile>/window.ini`` (a QSettings in IniFormat) rather than the platform's
registry or ~/.config, so that a profile carries its own layout and tests stay isolated.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from popgui.profile import Profile

LAYOUT_FILE = "window.ini"
#: Bumped when the saved layout would no longer fit the window's structure. 2: the filter
#: left the toolbar, and the columns' widths follow what they show (a layout saved before
#: holds the fixed widths of version 1).
LAYOUT_VERSION = 2


class LayoutState:
    """Saves and restores the parts of the main window a person arranges."""

    def __init__(self, profile: Profile) -> None:
        self._settings = QSettings(str(profile.path / LAYOUT_FILE), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._settings.fileName()

    def _bytes(self, key: str) -> QByteArray | None:
        if str(self._settings.value("layout/version", 0)) != str(LAYOUT_VERSION):
            return None  # a layout from another structure would restore nonsense
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, window: QMainWindow) -> None:
        self._settings.setValue("layout/version", LAYOUT_VERSION)
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/state", window.saveState(LAYOUT_VERSION))

    def restore_window(self, window: QMainWindow) -> bool:
        geometry = self._bytes("window/geometry")
        if geometry is None:
            return False
        window.restoreGeometry(geometry)
        state = self._bytes("window/state")
        if state is not None:
            window.restoreState(state, LAYOUT_VERSION)
        return True

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._settings.setValue(f"splitters/{name}", splitter.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        state = self._bytes(f"splitters/{name}")
        return state is not None and splitter.restoreState(state)

    def save_header(self, name: str, header: QHeaderView) -> None:
        """Column widths, order, visibility and the sort indicator, in one blob."""
        self._settings.setValue(f"headers/{name}", header.saveState())

    def restore_header(self, name: str, header: QHeaderView) -> bool:
        state = self._bytes(f"headers/{name}")
        return state is not None and header.restoreState(state)

    def save_flag(self, name: str, value: bool) -> None:
        self._settings.setValue(f"flags/{name}", value)

    def flag(self, name: str, default: bool) -> bool:
        value = self._settings.value(f"flags/{name}", default)
        if isinstance(value, str):  # IniFormat reads booleans back as text
            return value.lower() == "true"
        return bool(value)

    def save_text(self, name: str, value: str) -> None:
        self._settings.setValue(f"text/{name}", value)

    def text(self, name: str) -> str:
        value = self._settings.value(f"text/{name}", "")
        return value if isinstance(value, str) else ""

    def save_preference(self, name: str, value: str) -> None:
        """A window-wide setting chosen in Preferences (the ``[preferences]`` section)."""
        self._settings.setValue(f"preferences/{name}", value)

    def preference(self, name: str, default: str = "") -> str:
        value = self._settings.value(f"preferences/{name}", default)
        return value if isinstance(value, str) else default

    def sync(self) -> None:
        """Write to disk now (QSettings otherwise writes later, or at exit)."""
        self._settings.sync()
