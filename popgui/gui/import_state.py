"""**Import downloaded-mail list…**: what another client (mpop, fetchmail, getmail,
Thunderbird) already downloaded for the account, read from its state file and shown before
anything is recorded.

The file is chosen, its kind guessed (:func:`popgui.accounts.stateguess.guess_kind`, the
person can change it) and read by :func:`popgui.accounts.stateformats.read_state` in a thread
of its own (:class:`~popgui.gui.offthread.OffThread`: state files can be big). The dialog says
how many messages it found for the account, or why the file is refused, in the window's
language. Accepted, it gives a :class:`PendingImport`; the accounts controller records it
(:func:`popgui.sync.stateimport.record_import`, as the command line does) once the account is
saved, before its first sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.settings import Account
from popgui.accounts.stateformats import KINDS, Found, Kind, Target, read_state
from popgui.accounts.stateguess import guess_kind
from popgui.errors import PopguiError
from popgui.gui.i18n import en_plural
from popgui.gui.offthread import OffThread
from popgui.gui.window_text import MainWindow
from popgui.gui.wording import describe
from popgui.sync.stateimport import record_import

if TYPE_CHECKING:
    from popgui.gui import mainwindow

#: The programs' names as they write them (not translated).
PROGRAMS: dict[str, str] = {
    "mpop": "mpop",
    "fetchmail": "fetchmail",
    "getmail": "getmail",
    "thunderbird": "Thunderbird",
}


@dataclass(frozen=True)
class PendingImport:
    """What the person chose to import, recorded once the account is saved."""

    kind: Kind
    path: Path
    host: str
    user: str
    uids: frozenset[str]

    @property
    def program(self) -> str:
        return PROGRAMS[self.kind]


class ImportStateDialog(QDialog):
    """The kind of file (guessed), what it holds for the account, Import or Cancel."""

    def __init__(self, path: Path, host: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importStateDialog")
        self.setWindowTitle(self.tr("Import downloaded-mail list"))
        self.target = Target(path, host, user)
        #: What the last read found (None while reading, or when the file was refused).
        self.found: Found | None = None
        #: How many reads were started (a new kind starts a new one; only the last counts).
        self._reads = 0
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("importKindCombo")
        self.kind_combo.addItem(self.tr("Choose the program…"), "")
        for kind in KINDS:
            self.kind_combo.addItem(PROGRAMS[kind], kind)
        self.result_label = QLabel()
        self.result_label.setObjectName("importResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setMinimumWidth(480)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("&Import"))
        self.import_button.setEnabled(False)
        form = QFormLayout()
        file_label = QLabel(str(path))
        file_label.setTextFormat(Qt.TextFormat.PlainText)
        file_label.setWordWrap(True)
        form.addRow(self.tr("File:"), file_label)
        form.addRow(self.tr("&Written by:"), self.kind_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label, 1)
        layout.addWidget(self.buttons)
        # The answer's length varies (a refusal lists accounts): the dialog grows to show it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.resize(560, 240)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The guess reads the file's start: off the GUI thread too (a slow or network disk).
        self.kind_combo.setEnabled(False)
        self.result_label.setText(self.tr("Reading the file…"))
        OffThread(partial(_guess, path), self._guessed, lambda _error: self._guessed(None), self)

    def _guessed(self, guess: Kind | None) -> None:
        self.kind_combo.setEnabled(True)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(guess or ""))
        self.kind_combo.currentIndexChanged.connect(self._read)
        self._read()

    def kind(self) -> Kind | None:
        data = self.kind_combo.currentData()
        return next((kind for kind in KINDS if kind == data), None)  # type: ignore[misc]

    def pending(self) -> PendingImport | None:
        """What to record (after Import), or None."""
        kind, found = self.kind(), self.found
        if kind is None or found is None or not found.uids:
            return None
        target = self.target
        return PendingImport(kind, target.path, target.host, target.user, frozenset(found.uids))

    def _read(self) -> None:
        self.found = None
        self.import_button.setEnabled(False)
        kind = self.kind()
        if kind is None:
            self.result_label.setText(
                self.tr("popgui cannot tell which program wrote this file: choose it above.")
            )
            return
        self._reads += 1
        read = self._reads
        self.result_label.setText(self.tr("Reading the file…"))
        target = self.target
        OffThread(
            lambda: read_state(kind, target),
            lambda found: self._show(read, kind, found),
            lambda error: self._refused(read, error),
            self,
        )

    def _show(self, read: int, kind: Kind, found: Found) -> None:
        if read != self._reads:
            return  # another kind was chosen meanwhile
        self.found = found
        program, count = PROGRAMS[kind], len(found.uids)
        whom = self.tr("{user} at {host}").format(user=self.target.user, host=self.target.host)
        if not count:
            text = self.tr("{program}'s file lists no downloaded message for {account}.").format(
                program=program, account=whom
            )
            text += " " + self.tr("There is nothing to import.")
        else:
            text = en_plural(
                self.tr(
                    "{program}: %Ln message(s) already downloaded for {account}. Import them? "
                    "popgui will then neither download them nor delete them on the server.",
                    None,
                    count,
                ),
                count,
            ).format(program=program, account=whom)
        if found.not_downloaded:
            later = self.tr(
                "%Ln message(s) that Thunderbird did not download (only their headers, or "
                "to fetch later) will be downloaded by popgui.",
                None,
                found.not_downloaded,
            )
            text += "\n\n" + en_plural(later, found.not_downloaded)
        self.result_label.setText(text)
        self.import_button.setEnabled(bool(count))

    def _refused(self, read: int, error: Exception) -> None:
        if read != self._reads:
            return
        reason = describe(error) if isinstance(error, PopguiError) else str(error)
        self.result_label.setText(
            self.tr("Nothing can be imported from this file: {reason}").format(reason=reason)
        )


def _guess(path: Path) -> Kind | None:
    return guess_kind(path) if path.is_file() else None


def record_pending(
    window: mainwindow.MainWindow,
    account: Account,
    pending: PendingImport | None,
    then: Callable[[], object] | None,
) -> None:
    """Record *pending* for the saved *account* in the local mail thread (as ``account
    import-state`` does), say how many, then ``then`` (the first sync). When recording fails,
    the sync is not started: it would download what the person meant to spare."""
    if pending is None:
        if then is not None:
            then()
        return

    def recorded(new: int) -> None:
        text = en_plural(
            MainWindow.tr(
                "%Ln message(s) that {program} downloaded for {account} marked as downloaded: "
                "popgui will neither download them nor delete them on the server.",
                None,
                new,
            ),
            new,
        ).format(program=pending.program, account=account.name)
        if not new:
            text = MainWindow.tr("Nothing new imported: popgui already knew every message.")
        window.message_bar.show_message(text, kind="info", account=account.name)
        if then is not None:
            then()

    def failed(error: PopguiError) -> None:
        text = MainWindow.tr(
            "The downloaded-mail list could not be recorded: {reason}. Nothing was "
            "downloaded; import it again from the account's settings."
        ).format(reason=describe(error))
        window.message_bar.show_message(text, account=account.name)

    work = partial(record_import, window.profile, account.name, pending.kind, pending.uids)
    window.tasks.file(work, recorded, failed)
