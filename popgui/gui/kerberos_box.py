"""The account dialog's line for a Kerberos (``gssapi``) account: whose ticket it signs in with.

A Kerberos account has no password: in the password's place, :class:`KerberosBox` says whose
ticket this computer holds and until when ("Your Kerberos ticket: alice@EXAMPLE.ORG, valid until
18:30"), or, without one, what to do (run ``kinit``, or sign in to the desktop's Kerberos), or,
without the ``gssapi`` package, what to install. "Check again" reads the ticket anew, after a
``kinit`` in a terminal.

Threading: the ticket is read from the credential cache only (no network), but a KCM or kernel
keyring cache answers through a daemon that may be slow or stuck, so the read runs off the GUI
thread (:class:`~popgui.gui.offthread.OffThread`) and its answer is shown on the GUI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from popgui.errors import PopguiError
from popgui.gui.i18n import format_datetime
from popgui.gui.offthread import OffThread
from popgui.gui.wording import as_sentence, sentence
from popgui.net import kerberos

__all__ = ["KerberosBox"]

_log = logging.getLogger(__name__)


def _read_ticket() -> kerberos.Ticket | None:
    """The person's ticket (in a thread of its own: a KCM cache may block)."""
    return kerberos.current_ticket()


class KerberosBox(QWidget):
    """The ticket line and "Check again". See the module docstring.

    Signals: ``checked()`` once a read of the ticket has been shown.
    """

    checked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.status.setObjectName("kerberosStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        # Level with the button's top: a wrapped line is given more height than it fills.
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # "kinit alice" is to be typed in a terminal: it can be copied from here.
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_button = QPushButton(self.tr("Check a&gain"))
        self.check_button.setObjectName("kerberosCheck")
        self.check_button.setAutoDefault(False)
        self.check_button.setToolTip(
            self.tr("Read this computer's Kerberos ticket again, e.g. after running kinit")
        )
        self.check_button.clicked.connect(self.check)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        self._user = ""
        #: What the last read found: a ticket, None (no ticket), or why it could not be read.
        self._found: kerberos.Ticket | Exception | None = None
        self._reading = False
        self._read_once = False

    def show_in(self, form: QFormLayout, shown: bool) -> None:
        """Show or hide this row of ``form`` (Kerberos is the chosen method, or not); the
        ticket is read the first time it is shown."""
        form.setRowVisible(self, shown)
        if shown and not self._read_once:
            self.check()

    def follow_user(self, user: str) -> None:
        """The user name typed: "run kinit USER" names it."""
        self._user = user.strip()
        if self._read_once and not self._reading:
            self._show()

    def check(self) -> None:
        """Read the ticket again, off the GUI thread; ``checked`` when it is shown."""
        if self._reading:
            return
        self._reading = self._read_once = True
        self.check_button.setEnabled(False)
        self.status.setText(self.tr("Looking for your Kerberos ticket…"))
        OffThread(_read_ticket, self._answer, self._answer, self)

    def _answer(self, found: kerberos.Ticket | Exception | None) -> None:
        self._reading = False
        self._found = found
        if isinstance(found, Exception) and not isinstance(found, PopguiError):
            _log.warning("the Kerberos ticket could not be read: %s", type(found).__name__)
        self.check_button.setEnabled(True)
        self._show()
        self.checked.emit()

    def _show(self) -> None:
        self.status.setText(self.text())

    def text(self) -> str:
        """The line for what the last read found."""
        found = self._found
        if isinstance(found, kerberos.Ticket):
            if found.expires is None:
                return self.tr("Your Kerberos ticket: {principal}").format(
                    principal=found.principal
                )
            until = format_datetime(found.expires, kind="auto")
            return self.tr("Your Kerberos ticket: {principal}, valid until {time}").format(
                principal=found.principal, time=until
            )
        if isinstance(found, PopguiError):  # no gssapi package: what to install
            return as_sentence(sentence(found))
        if isinstance(found, Exception):  # a bug or a library's surprise: said plainly
            return self.tr("The Kerberos ticket could not be read ({kind}).").format(
                kind=type(found).__name__
            )
        if not self._user:
            return self.tr(
                "No Kerberos ticket on this computer: run kinit in a terminal, or sign in to "
                "your desktop's Kerberos."
            )
        return self.tr(
            "No Kerberos ticket on this computer: run kinit {user} in a terminal, or sign in "
            "to your desktop's Kerberos."
        ).format(user=self._user)
