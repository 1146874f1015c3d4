"""Edit ▸ Preferences… (Ctrl+,): the window-wide settings.

Only what the window really follows is here: the language (System, English, Français, applied
at the next start), the reading pane, desktop notifications for new mail (where the desktop
has a tray to show them), and whether to ask before deleting messages permanently (the
question's "Don't ask again" turns it off; here it can be turned back on). They are kept in
the profile's ``window.ini``, in its ``[preferences]`` section (the reading pane keeps its
``flags/reading_pane`` key, which the View menu also writes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from popgui.gui.i18n import LANGUAGES, resolve_language
from popgui.gui.layout_state import LayoutState
from popgui.profile import Profile

__all__ = ["Preferences", "PreferencesDialog", "saved_language"]


@dataclass(frozen=True)
class Preferences:
    """``language``: ``""`` follows the system, else ``"en"`` or ``"fr"``."""

    language: str = ""
    reading_pane: bool = True
    notifications: bool = True
    confirm_permanent_delete: bool = True

    @classmethod
    def load(cls, state: LayoutState) -> Preferences:
        language = state.preference("language")
        return cls(
            language=language if language in LANGUAGES else "",
            reading_pane=state.flag("reading_pane", True),
            notifications=state.preference("notifications", "true").lower() != "false",
            confirm_permanent_delete=state.preference("confirm_permanent_delete", "true").lower()
            != "false",
        )

    def save(self, state: LayoutState) -> None:
        state.save_preference("language", self.language)
        state.save_preference("notifications", "true" if self.notifications else "false")
        state.save_preference(
            "confirm_permanent_delete", "true" if self.confirm_permanent_delete else "false"
        )
        state.save_flag("reading_pane", self.reading_pane)
        state.sync()


def saved_language(profile: Profile) -> str | None:
    """The language chosen in Preferences for this profile; None: follow the system."""
    return Preferences.load(LayoutState(profile)).language or None


class PreferencesDialog(QDialog):
    """The Preferences dialog; :meth:`preferences` is what it shows (read it after OK)."""

    def __init__(
        self,
        preferences: Preferences,
        *,
        tray_available: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self._initial = preferences

        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        system_name = LANGUAGES[resolve_language(None)]
        self.language_combo.addItem(self.tr("System ({language})").format(language=system_name),
                                    "")  # fmt: skip
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        index = self.language_combo.findData(preferences.language)
        self.language_combo.setCurrentIndex(max(index, 0))
        self.language_note = QLabel(self)
        self.language_note.setObjectName("languageNote")
        self.language_note.setWordWrap(True)
        self.language_note.setStyleSheet("color: palette(placeholder-text);")
        self.language_note.setText(self.tr("A new language is used the next time popgui starts."))

        self.reading_pane_check = QCheckBox(self.tr("Show the &reading pane under the list"), self)
        self.reading_pane_check.setChecked(preferences.reading_pane)
        self.notifications_check = QCheckBox(
            self.tr("Show a desktop &notification when new mail arrives"), self
        )
        self.notifications_check.setChecked(preferences.notifications)
        if not tray_available:
            self.notifications_check.setEnabled(False)
            self.notifications_check.setToolTip(
                self.tr("This desktop has no system tray to show notifications.")
            )

        self.confirm_delete_check = QCheckBox(
            self.tr("Ask before deleting messages &permanently"), self
        )
        self.confirm_delete_check.setChecked(preferences.confirm_permanent_delete)

        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(self.tr("Window:"), self.reading_pane_check)
        form.addRow(self.tr("New mail:"), self.notifications_check)
        form.addRow(self.tr("Deleting:"), self.confirm_delete_check)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.language_note.setMinimumWidth(360)

    def set_language(self, code: str) -> None:
        """Choose ``""`` (system), ``"en"`` or ``"fr"`` as if picked in the list."""
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(code), 0))

    def preferences(self) -> Preferences:
        return replace(
            self._initial,
            language=self.language_combo.currentData() or "",
            reading_pane=self.reading_pane_check.isChecked(),
            notifications=self.notifications_check.isChecked(),
            confirm_permanent_delete=self.confirm_delete_check.isChecked(),
        )
