"""Per-account progress in the status bar: one compact entry per busy account.

An entry reads ``work: 12/40 messages · 3.1 MB · 1.2 MB/s`` beside a small progress bar and a
Stop button; it disappears when the account is no longer busy.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from popgui.gui.i18n import QT_TRANSLATE_NOOP, Context, en_plural, format_number, format_size
from popgui.gui.worker import AccountProgress, EngineController

__all__ = ["StatusProgress", "describe_progress"]


class ProgressText(Context):
    """Translation context: the progress entries' text."""


_PHASES = {
    "connecting": QT_TRANSLATE_NOOP("StatusProgress", "connecting…"),
    "listing": QT_TRANSLATE_NOOP("StatusProgress", "checking for new mail…"),
    "deleting": QT_TRANSLATE_NOOP("StatusProgress", "deleting on the server…"),
    "done": QT_TRANSLATE_NOOP("StatusProgress", "finishing…"),
}
_WORKING = QT_TRANSLATE_NOOP("StatusProgress", "working…")


def describe_progress(progress: AccountProgress) -> str:
    """The entry's text, e.g. ``work: 12/40 messages · 3.1 MB · 1.2 MB/s``."""
    name = progress.account
    total = progress.messages_total
    if progress.phase == "downloading" and total:
        counted = ProgressText.tr("{done}/%Ln message(s)", None, total)
        parts = [en_plural(counted, total).format(done=format_number(progress.messages_done))]
        if progress.bytes_done:
            parts.append(format_size(progress.bytes_done))
        if progress.rate >= 1:
            parts.append(ProgressText.tr("{size}/s").format(size=format_size(progress.rate)))
        return f"{name}: " + " · ".join(parts)
    if progress.phase == "deleting" and total:
        deleting = ProgressText.tr("deleting %Ln message(s) on the server…", None, total)
        return f"{name}: " + en_plural(deleting, total)
    phase = QCoreApplication.translate("StatusProgress", _PHASES.get(progress.phase, _WORKING))
    return f"{name}: {phase}"


class _Entry(QWidget):
    """One account's label, bar and Stop button.

    Signals:
        stopClicked(str): the Stop button was pressed (carries the account name).
    """

    stopClicked = Signal(str)

    def __init__(self, account: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.account = account
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(QSize(80, 12))
        self.stop = QToolButton(self)
        self.stop.setText(QCoreApplication.translate("StatusProgress", "Stop"))
        self.stop.setAutoRaise(True)
        _set_icon(self.stop, "stop")
        self.stop.clicked.connect(self._stop_clicked)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.stop)
        self.set_account(account)

    def set_account(self, account: str) -> None:
        """Start over for ``account`` (an entry built ahead is given its account when used)."""
        self.account = account
        self.label.setText(
            f"{account}: " + QCoreApplication.translate("StatusProgress", "starting…")
        )
        self.bar.setRange(0, 0)
        self.stop.setToolTip(
            QCoreApplication.translate(
                "StatusProgress", "Stop what popgui is doing for {account}"
            ).format(account=account)
        )

    @Slot()
    def _stop_clicked(self) -> None:
        self.stopClicked.emit(self.account)

    def show_progress(self, progress: AccountProgress) -> None:
        self.label.setText(describe_progress(progress))
        done, total = _fraction(progress)
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * min(done, total) / total))
        else:
            self.bar.setRange(0, 0)  # busy, amount unknown


def _fraction(progress: AccountProgress) -> tuple[int, int]:
    if progress.phase == "downloading" and progress.bytes_total:
        return progress.bytes_done, progress.bytes_total
    if progress.phase in ("downloading", "deleting") and progress.messages_total:
        return progress.messages_done, progress.messages_total
    return 0, 0


def _set_icon(button: QToolButton, name: str) -> None:
    try:
        from popgui.gui.icons import icon
    except ImportError:  # the icon module is optional for this widget
        return
    button.setIcon(icon(name))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)


class StatusProgress(QWidget):
    """Compact progress entries for the busy accounts, meant for ``QStatusBar.addPermanentWidget``.

    Given a ``controller`` it follows it at once (:meth:`attach`): its progress and busy state,
    and Stop cancels the account through it.

    Signals:
        stopRequested(str): the user pressed the Stop button of this account's entry.
    """

    stopRequested = Signal(str)

    def __init__(
        self, controller: EngineController | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._entries: dict[str, _Entry] = {}
        self._spare: _Entry | None = None
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(12)
        self.setVisible(False)
        if controller is not None:
            self.attach(controller)

    def attach(self, controller: EngineController) -> None:
        """Follow ``controller``'s progress and busy state; Stop cancels through it."""
        controller.progress.connect(self.show_progress)
        controller.busyChanged.connect(self.set_busy)
        self.stopRequested.connect(controller.cancel)

    def entry_height(self) -> int:
        """How tall an entry is; one is built ahead (hidden) to tell, and used first.

        The window keeps its status bar that tall: an entry appearing when a sync starts then
        does not grow the bar, which would shrink, relayout and repaint the whole window while
        the engine thread starts (and competes for the GIL).
        """
        if self._spare is None:
            self._spare = _Entry("", self)
            self._spare.hide()
        return self._spare.sizeHint().height()

    def entry_text(self, account: str) -> str | None:
        """What the account's entry says, or None when it has none (for tests)."""
        entry = self._entries.get(account)
        return entry.label.text() if entry is not None else None

    @Slot(object)
    def show_progress(self, progress: AccountProgress) -> None:
        self._entry(progress.account).show_progress(progress)

    @Slot(str, bool)
    def set_busy(self, account: str, busy: bool) -> None:
        if busy:
            self._entry(account)
            return
        entry = self._entries.pop(account, None)
        if entry is not None:
            self._layout.removeWidget(entry)
            entry.deleteLater()
        self.setVisible(bool(self._entries))

    def _entry(self, account: str) -> _Entry:
        entry = self._entries.get(account)
        if entry is None:
            entry = self._entries[account] = self._new_entry(account)
            entry.stopClicked.connect(self.stopRequested)
            self._layout.addWidget(entry)
            entry.show()
            self.setVisible(True)
        return entry

    def _new_entry(self, account: str) -> _Entry:
        spare, self._spare = self._spare, None
        if spare is None:
            return _Entry(account, self)
        spare.set_account(account)
        return spare
