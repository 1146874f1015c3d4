"""The account dialog's **Download** box (Mail tab): what the first sync downloads, and
**Import downloaded-mail list…**.

For a new account: all mail on the server, only new mail from now on, or mail since a day:
``first_sync`` "all", "new" (``first_sync_since`` the moment of adding, as ``account add
--skip-existing`` writes it) or "since" (the day, as ``--since``). POP2 has no UIDLs and no
TOP: only "all" is offered there, the others are disabled with the reason as their tooltip.

For an existing account the choice is shown as it was made, read-only, with what the first
sync did; that is read from the database off the GUI thread (:class:`OffThread`).

The import button opens a file chooser and :class:`~popgui.gui.import_state.ImportStateDialog`;
what the person accepts waits in :attr:`FirstSyncBox.pending` until the account is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
)

from popgui.accounts.choices import FirstSync
from popgui.accounts.settings import Account
from popgui.catalog import Sentence
from popgui.gui.i18n import en_plural
from popgui.gui.import_state import ImportStateDialog, PendingImport
from popgui.gui.offthread import OffThread
from popgui.gui.wording import say
from popgui.profile import Profile
from popgui.sync.firstsync import first_sync_status

__all__ = ["FirstSyncBox", "FirstSyncValues"]


class FirstSyncValues(TypedDict):
    """The box's part of the form, as :class:`Account` keywords."""

    first_sync: FirstSync
    first_sync_since: str | None
    adopt: bool


class FirstSyncBox(QGroupBox):
    """Download: all / only new from now on / since a day; the import button. See the module."""

    #: The choice changed (the dialog checks the form again).
    changed = Signal()

    def __init__(self) -> None:
        super().__init__(self.tr("Download"))
        self.setObjectName("firstSyncBox")
        self.all_radio = QRadioButton(self.tr("All &mail on the server"))
        self.all_radio.setChecked(True)
        self.new_radio = QRadioButton(self.tr("Only ne&w mail from now on"))
        self.since_radio = QRadioButton(self.tr("Mail si&nce:"))
        self.since_date = QDateEdit(QDate.currentDate().addYears(-1))
        self.since_date.setObjectName("firstSyncSinceDate")
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")  # as --since takes it: unambiguous
        self.adopt_check = QCheckBox(self.tr("The Maildir already &holds this mail"))
        self.adopt_check.setObjectName("adoptCheck")
        self._adopt_tip = self.tr(
            "Another program filled the Maildir chosen above: the first sync recognises "
            "the messages already there (by Message-ID, else date, sender and subject) "
            "and downloads only the others"
        )
        self.adopt_check.setToolTip(self._adopt_tip)
        self.state_label = QLabel()
        self.state_label.setObjectName("firstSyncState")
        self.state_label.setWordWrap(True)
        self.state_label.setVisible(False)
        self.import_button = QPushButton(self.tr("&Import downloaded-mail list…"))
        self.import_button.setObjectName("importStateButton")
        self.import_button.setAutoDefault(False)
        self._import_tip = self.tr(
            "Mark what another program (mpop, fetchmail, getmail, Thunderbird) already "
            "downloaded from this account, so that popgui does not download it again"
        )
        self.import_button.setToolTip(self._import_tip)
        self.import_note = QLabel()
        self.import_note.setObjectName("importNote")
        self.import_note.setWordWrap(True)
        self.import_note.setVisible(False)
        #: The list to record once the account is saved (None: none chosen).
        self.pending: PendingImport | None = None
        #: The account's server and user as the form says them now (set by the dialog).
        self.target: Callable[[], tuple[str, str]] = lambda: ("", "")
        self._editing = False
        self._pop2 = False
        self._lay_out()
        for radio in (self.all_radio, self.new_radio, self.since_radio):
            radio.toggled.connect(self._update)
        self.since_date.dateChanged.connect(self.changed)
        self.import_button.clicked.connect(self.choose_file)

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_radio)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        grid.addWidget(self.all_radio, 0, 0)
        grid.addWidget(self.new_radio, 1, 0)
        grid.addLayout(since_row, 2, 0)
        grid.addWidget(self.adopt_check, 3, 0)
        grid.addWidget(self.state_label, 4, 0)
        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        grid.addLayout(import_row, 5, 0)
        grid.addWidget(self.import_note, 6, 0)

    def _update(self) -> None:
        self.since_date.setEnabled(self.since_radio.isChecked() and not self._editing)
        # Adopting is a way to download "all mail" without the copies already here.
        adoptable = self.all_radio.isChecked() and not self._editing and not self._pop2
        self.adopt_check.setEnabled(adoptable)
        self.changed.emit()

    # -- the choice ----------------------------------------------------------------------------

    def values(self, original: Account | None) -> FirstSyncValues:
        """``first_sync`` and ``first_sync_since`` as the command line fills them (an edited
        account keeps its own: its first sync is decided once)."""
        if original is not None:
            return {
                "first_sync": original.first_sync,
                "first_sync_since": original.first_sync_since,
                "adopt": original.adopt,
            }
        if self.new_radio.isChecked() and self.new_radio.isEnabled():
            now = datetime.now(UTC).replace(microsecond=0).isoformat()
            return {"first_sync": "new", "first_sync_since": now, "adopt": False}
        if self.since_radio.isChecked() and self.since_radio.isEnabled():
            day = self.since_date.date().toString("yyyy-MM-dd")
            return {"first_sync": "since", "first_sync_since": day, "adopt": False}
        adopt = self.adopt_check.isChecked() and self.adopt_check.isEnabled()
        return {"first_sync": "all", "first_sync_since": None, "adopt": adopt}

    def set_pop2(self, pop2: bool) -> None:
        """POP2 has no UIDLs and no TOP: only "all" (and nothing to import)."""
        reason = (
            self.tr(
                "POP2 has no unique message ids, so popgui cannot tell which messages it "
                "already has: a POP2 account downloads all its mail."
            )
            if pop2
            else ""
        )
        self.new_radio.setToolTip(reason)
        self.since_radio.setToolTip(reason)
        self.import_button.setToolTip(reason or self._import_tip)
        if pop2 and not self._editing:
            self.all_radio.setChecked(True)
        self._pop2 = pop2
        self.adopt_check.setToolTip(reason or self._adopt_tip)
        if not self._editing:
            self.new_radio.setEnabled(not pop2)
            self.since_radio.setEnabled(not pop2)
        self.import_button.setEnabled(not pop2)
        self._update()

    def show_existing(self, account: Account, profile: Profile | None) -> None:
        """The choice made when the account was added, read-only; what the first sync did,
        read from the database off the GUI thread."""
        self._editing = True
        radio = {"new": self.new_radio, "since": self.since_radio}.get(account.first_sync)
        (radio or self.all_radio).setChecked(True)
        self.adopt_check.setChecked(account.adopt)
        if account.first_sync == "since" and account.first_sync_since:
            self.since_date.setDate(QDate.fromString(account.first_sync_since, "yyyy-MM-dd"))
        for widget in (self.all_radio, self.new_radio, self.since_radio, self.since_date):
            widget.setEnabled(False)
        self.adopt_check.setEnabled(False)
        if account.first_sync == "all" or profile is None:
            return
        self.state_label.setText(self.tr("First sync: checking…"))
        self.state_label.setVisible(True)
        OffThread(
            lambda: first_sync_status(account, profile),
            self._show_state,
            lambda _error: self.state_label.setVisible(False),
            self,
        )

    def _show_state(self, state: Sentence) -> None:
        self.state_label.setText(self.tr("First sync: {state}").format(state=say(state)))

    # -- import --------------------------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window(), self.tr("Another program's list of downloaded mail"), str(Path.home())
        )
        if chosen:
            self.open_import(Path(chosen))

    def open_import(self, path: Path) -> ImportStateDialog:
        """The import dialog for *path*, shown (modal); what it accepts becomes pending."""
        host, user = self.target()
        dialog = ImportStateDialog(path, host, user, self.window())
        dialog.accepted.connect(lambda: self._set_pending(dialog.pending()))
        dialog.open()
        return dialog

    def _set_pending(self, pending: PendingImport | None) -> None:
        self.pending = pending
        if pending is None:
            self.import_note.setVisible(False)
            return
        count = len(pending.uids)
        note = self.tr(
            "%Ln message(s) that {program} downloaded will be marked as downloaded when the "
            "account is saved.",
            None,
            count,
        )
        note = en_plural(note, count).format(program=pending.program)
        self.import_note.setText(note)
        self.import_note.setVisible(True)

    def pending_for(self, account: Account) -> PendingImport | None:
        """The pending list if it was read for *account*'s server and user."""
        pending = self.pending
        if pending is None or (pending.host, pending.user) != (account.host, account.user):
            return None
        return pending
