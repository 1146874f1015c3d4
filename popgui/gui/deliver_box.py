"""The account dialog's **Deliver to** tab: where downloaded mail goes, and Test destination.

The account's Maildir (the default), an IMAP mailbox, an LMTP server, a program (an MDA) or an
mbox file, each with plain fields. :meth:`DeliverBox.values` writes the ``deliver*`` fields of
:class:`~popgui.accounts.settings.Account` as ``account add --deliver …`` does (the user and the
folder %-escaped in the ``imap://`` text); :meth:`DeliverBox.fill` reads them back, so every
state of the form gives an account that reads back into the same form.

POP2 delivers into its Maildir only (no message ids to deliver elsewhere exactly once): for a
POP2 account the choice is disabled, with the reason, as the Download box does.

**Test destination** opens the destination and closes it again
(:func:`~popgui.destinations.factory.check_destination`) in a thread of its own
(:class:`~popgui.gui.offthread.OffThread`), bounded by :data:`TEST_TIMEOUT` and cancelled when
the dialog closes; a password typed here is used without being stored. The IMAP password is
stored by the accounts controller once the account is saved (:mod:`popgui.gui.deliver_secrets`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.choices import DeliverAuth, DeliverSecurity, OAuthProvider, PasswordSource
from popgui.accounts.deliver_settings import DEFAULT_MDA_TIMEOUT, MAX_MDA_TIMEOUT
from popgui.accounts.destination_spec import IMAP_PORT, IMAPS_PORT, LMTP_PORT, parse_deliver
from popgui.accounts.settings import Account
from popgui.errors import ConfigError, PopguiError, SettingError
from popgui.gui.deliver_sign_in import NO_OAUTH, DeliverSignIn
from popgui.gui.offthread import OffThread
from popgui.gui.wording import describe
from popgui.net.cancel import CancelToken
from popgui.net.session import ConnectOptions
from popgui.profile import Profile, resolve_profile

__all__ = ["DELIVER_FIELDS", "TEST_TIMEOUT", "DeliverBox", "DeliverValues"]

#: How long Test destination waits for an answer from the network (seconds).
TEST_TIMEOUT = 20.0
#: The settings this tab shows (the dialog points at the tab when one of them is wrong).
DELIVER_FIELDS = (
    "deliver", "deliver_security", "deliver_password_source", "deliver_password_command",
    "deliver_to", "deliver_shell", "deliver_timeout_seconds", "deliver_ca_file",
)  # fmt: skip
_KINDS = ("maildir", "imap", "lmtp", "mda", "mbox")
_OK_STYLE = "color: #188038;"
_ERROR_STYLE = "color: #d93025;"


class DeliverValues(TypedDict):
    """The tab's part of the form, as :class:`Account` keywords."""

    deliver: str | None
    deliver_security: DeliverSecurity
    deliver_password_source: PasswordSource
    deliver_password_command: str | None
    deliver_to: str | None
    deliver_shell: bool
    deliver_timeout_seconds: int | None
    deliver_ca_file: str | None
    deliver_auth: DeliverAuth
    deliver_oauth_provider: OAuthProvider | None
    deliver_oauth_issuer: str | None
    deliver_oauth_client_id: str | None
    deliver_oauth_tenant: str | None
    deliver_oauth_scope: str | None


def _line(placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if name:
        edit.setObjectName(name)
    return edit


def _form(page: QWidget) -> QFormLayout:
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


def _explicit_port(text: str) -> str:
    """The port written in ``host:port`` or ``[v6]:port`` ("" when none is written)."""
    tail = text.rpartition("]")[2] if text.startswith("[") else text
    head, colon, port = tail.rpartition(":")
    return port if colon and port.isdigit() and ":" not in head else ""


class DeliverBox(QWidget):
    """Deliver to: the kind of destination, its fields, Test destination. See the module."""

    #: A field changed (the dialog checks the form again).
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("deliverBox")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("deliverKind")
        labels = (
            self.tr("This computer: the account's Maildir"), self.tr("An IMAP mailbox"),
            self.tr("An LMTP server"), self.tr("A program (MDA)"), self.tr("An mbox file"),
        )  # fmt: skip
        for kind, label in zip(_KINDS, labels, strict=True):
            self.kind_combo.addItem(label, kind)
        self.note = QLabel()
        self.note.setObjectName("deliverNote")
        self.note.setWordWrap(True)
        self.note.setMinimumWidth(360)  # a wrapped label otherwise asks for a narrow column
        self.pages = QStackedWidget()
        # The Maildir has nothing more to say; then a page per kind, in the order of _KINDS.
        self._page_list = [
            QWidget(), self._imap_page(), self._lmtp_page(), self._program_page(),
            self._mbox_page(),
        ]  # fmt: skip
        for page in self._page_list:
            self.pages.addWidget(page)
        self.test_button = QPushButton(self.tr("Test desti&nation"))
        self.test_button.setObjectName("deliverTestButton")
        self.test_button.setAutoDefault(False)
        self.test_label = QLabel()
        self.test_label.setObjectName("deliverTestResult")
        self.test_label.setWordWrap(True)
        self.test_label.setTextFormat(Qt.TextFormat.PlainText)
        self.test_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        #: The account the form describes, validated (set by the dialog; ConfigError if none).
        self.candidate: Callable[[], Account] | None = None
        #: The profile, for the password file and the keyring (set by the dialog).
        self.profile: Callable[[], Profile | None] = lambda: None
        self._original: Account | None = None
        self._pop2 = False
        self._token: CancelToken | None = None
        self._lay_out()
        self._connect()
        self._kind_changed()

    # -- construction --------------------------------------------------------------------------

    def _imap_page(self) -> QWidget:
        page = QWidget()
        self.imap_host = _line("imap.example.com", "deliverImapHost")
        self.imap_port = _line(name="deliverImapPort")
        self.imap_port.setMaximumWidth(110)
        self.imap_security = QComboBox()
        self.imap_security.setObjectName("deliverImapSecurity")
        self.imap_security.addItem(self.tr("TLS: encrypted from the start (imaps)"), "imaps")
        self.imap_security.addItem(self.tr("STARTTLS: upgrade, never fall back"), "starttls")
        self.imap_security.addItem(self.tr("Clear text allowed: STARTTLS if offered"), "clear")
        self.imap_user = _line(self.tr("often the full e-mail address"), "deliverImapUser")
        self.password_source = QComboBox()
        self.password_source.setObjectName("deliverPasswordSource")
        self.password_source.addItem(self.tr("kept in the system keyring"), "keyring")
        self.password_source.addItem(self.tr("printed by a command"), "command")
        self.password_source.addItem(self.tr("kept in a file only you can read"), "file")
        self.password_source.addItem(
            self.tr("none: sign in with OAuth2 (Gmail, Outlook)"), "oauth2"
        )
        #: The OAuth2 sign-in (when chosen as the password's place).
        self.oauth = DeliverSignIn(self._form_account)
        self.password_edit = _line(name="deliverPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_command = _line(self.tr("e.g. pass show mail/gmail"), "deliverCommand")
        self.folder_edit = _line("INBOX", "deliverFolder")
        self.ca_edit = _line(self.tr("only for a server whose authority is not known"), "deliverCa")
        form = _form(page)
        form.addRow(self.tr("&Host:"), self.imap_host)
        form.addRow(self.tr("&Port:"), self.imap_port)
        form.addRow(self.tr("&Encryption:"), self.imap_security)
        form.addRow(self.tr("&User name:"), self.imap_user)
        form.addRow(self.tr("Pass&word:"), self.password_source)
        row = QHBoxLayout()
        row.addWidget(self.password_edit)
        row.addWidget(self.password_command)
        form.addRow("", row)
        form.addRow(self.tr("Sign-in:"), self.oauth)
        self._imap_form = form
        form.addRow(self.tr("&Folder:"), self.folder_edit)
        form.addRow(self.tr("C&A file:"), self.ca_edit)
        return page

    def _lmtp_page(self) -> QWidget:
        page = QWidget()
        self.lmtp_server = _line(
            self.tr("host:port (port {port} if none), or the socket's path").format(port=LMTP_PORT),
            "deliverLmtpServer",
        )
        self.lmtp_clear = QCheckBox(self.tr("&Allow clear text (no STARTTLS)"))
        self.lmtp_clear.setObjectName("deliverLmtpClear")
        self.recipient_edit = _line(name="deliverRecipient")
        form = _form(page)
        form.addRow(self.tr("&Host or socket:"), self.lmtp_server)
        form.addRow("", self.lmtp_clear)
        form.addRow(self.tr("Re&cipient:"), self.recipient_edit)
        return page

    def _program_page(self) -> QWidget:
        page = QWidget()
        self.command_edit = _line("/usr/bin/procmail", "deliverProgram")
        self.shell_check = QCheckBox(self.tr("Run it through the s&hell"))
        self.shell_check.setObjectName("deliverShell")
        self.shell_check.setToolTip(
            self.tr("For pipes, quotes and variables in the command; otherwise it is run as is")
        )
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setObjectName("deliverTimeout")
        self.timeout_spin.setRange(0, MAX_MDA_TIMEOUT)
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.timeout_spin.setSpecialValueText(
            self.tr("default ({seconds} s)").format(seconds=DEFAULT_MDA_TIMEOUT)
        )
        form = _form(page)
        form.addRow(self.tr("&Command:"), self.command_edit)
        form.addRow("", self.shell_check)
        form.addRow(self.tr("Time &limit per message:"), self.timeout_spin)
        return page

    def _mbox_page(self) -> QWidget:
        page = QWidget()
        self.mbox_edit = _line(self.tr("e.g. ~/mail/inbox.mbox"), "deliverMbox")
        self.mbox_browse = QPushButton(self.tr("&Browse…"))
        self.mbox_browse.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.mbox_edit, 1)
        row.addWidget(self.mbox_browse)
        form = _form(page)
        form.addRow(self.tr("&File:"), row)
        label = form.labelForField(row)
        if isinstance(label, QLabel):
            label.setBuddy(self.mbox_edit)
        return page

    def _lay_out(self) -> None:
        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        top.addRow(self.tr("&Deliver to:"), self.kind_combo)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.pages)
        layout.addLayout(test_row)
        layout.addStretch(1)

    def _connect(self) -> None:
        edits = (
            self.imap_host, self.imap_port, self.imap_user, self.password_edit,
            self.password_command, self.folder_edit, self.ca_edit, self.lmtp_server,
            self.recipient_edit, self.command_edit, self.mbox_edit,
        )  # fmt: skip
        for edit in edits:
            edit.textChanged.connect(self._edited)
        for combo in (self.kind_combo, self.imap_security, self.password_source):
            combo.currentIndexChanged.connect(self._kind_changed)
        for check in (self.lmtp_clear, self.shell_check):
            check.toggled.connect(self._edited)
        self.timeout_spin.valueChanged.connect(self._edited)
        self.test_button.clicked.connect(self.test_destination)
        self.mbox_browse.clicked.connect(self._browse_mbox)

    # -- the form ------------------------------------------------------------------------------

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        kind = self.kind()
        self.pages.setCurrentIndex(_KINDS.index(kind))
        # As tall as the fields shown (Test destination right under them), not the tallest.
        current = self.pages.currentWidget()
        for page in self.pages.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            shown = page is current
            policy = QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.pages.adjustSize()
        default = IMAPS_PORT if self.imap_security.currentData() == "imaps" else IMAP_PORT
        self.imap_port.setPlaceholderText(self.tr("{port} (default)").format(port=default))
        command = self.password_source.currentData() == "command"
        signs_in = self._signs_in()
        self.password_command.setVisible(command)
        self.password_edit.setVisible(not command and not signs_in)
        self.password_edit.setPlaceholderText(self._password_hint())
        self.oauth.setVisible(signs_in)
        label = self._imap_form.labelForField(self.oauth)
        if label is not None:
            label.setVisible(signs_in)
        self.oauth.follow_host(self.imap_host.text().strip())
        self.note.setText(self._note(kind))
        self.test_button.setVisible(kind != "maildir")
        self.test_label.setVisible(kind != "maildir")
        self._edited()

    def _note(self, kind: str) -> str:
        if self._pop2:
            return self.tr(
                "A POP2 account delivers into its Maildir only: POP2 gives no message ids to "
                "deliver elsewhere exactly once."
            )
        if kind == "maildir":
            return self.tr("Mail is kept on this computer, in the Maildir (see the Mail tab).")
        return self.tr(
            "Each message is handed over there, then (if you chose so) deleted from the server. "
            "The Inbox here keeps its sender, subject and date and says where it went; the "
            "Maildir (Mail tab) then only holds your Trash and your own folders."
        )

    def _password_hint(self) -> str:
        original = self._original
        kept = (
            original is not None
            and original.deliver is not None
            and original.deliver.lower().startswith("imap")
            and original.deliver_password_source == self.password_source.currentData()
        )
        return self.tr("leave empty to keep the stored password") if kept else ""

    def _edited(self) -> None:
        self.test_label.clear()
        self.changed.emit()

    def set_pop2(self, pop2: bool) -> None:
        """POP2 delivers into its Maildir only: the choice is disabled, saying why."""
        self._pop2 = pop2
        if pop2:
            self.kind_combo.setCurrentIndex(0)
        self.kind_combo.setEnabled(not pop2)
        self.kind_combo.setToolTip(self._note("") if pop2 else "")
        self._kind_changed()

    def values(self) -> DeliverValues:
        """The ``deliver*`` fields the form describes; SettingError for a required field that
        is empty (named as the setting, so the dialog outlines it)."""
        kind = self.kind()
        original = self._original
        imap = kind == "imap"
        oauth = imap and self._signs_in()
        chosen: PasswordSource = self.password_source.currentData()
        source: PasswordSource = chosen if imap and not oauth else "keyring"
        signs_in = self.oauth.values(self.imap_host.text().strip()) if oauth else NO_OAUTH
        command = self.password_command.text() if source == "command" else None
        lmtp_tcp = kind == "lmtp" and not self.lmtp_server.text().strip().startswith("/")
        clear = (imap and self.imap_security.currentData() == "clear") or (
            lmtp_tcp and self.lmtp_clear.isChecked()
        )
        ca_file = self.ca_edit.text().strip() or None
        if not imap:  # LMTP has no field of its own yet (account edit --deliver-ca-file)
            ca_file = original.deliver_ca_file if original is not None and lmtp_tcp else None
        return {
            "deliver": self._deliver_text(kind),
            "deliver_security": "none" if clear else "tls",
            "deliver_password_source": source,
            "deliver_password_command": command,
            "deliver_to": (self.recipient_edit.text().strip() or None) if kind == "lmtp" else None,
            "deliver_shell": kind == "mda" and self.shell_check.isChecked(),
            "deliver_timeout_seconds": (self.timeout_spin.value() or None)
            if kind == "mda"
            else None,
            "deliver_ca_file": ca_file,
            "deliver_auth": "oauth2" if oauth else "password",
            **signs_in,
        }

    def _signs_in(self) -> bool:
        """The IMAP destination signs in with OAuth2 (Gmail, Outlook.com), not a password."""
        return bool(self.password_source.currentData() == "oauth2")

    def _form_account(self) -> Account:
        """The account the dialog's form describes, for the destination's sign-in."""
        if self.candidate is None:
            raise ConfigError(self.tr("Fill in the account first."))
        return self.candidate()

    def _deliver_text(self, kind: str) -> str | None:
        if kind == "maildir":
            return None
        if kind == "imap":
            return self._imap_text()
        if kind == "lmtp":
            server = self._required(self.lmtp_server, self.tr("Enter the LMTP server."))
            return "lmtp:" + server if server.startswith("/") else "lmtp://" + server
        if kind == "mda":
            return "mda:" + self._required(self.command_edit, self.tr("Enter the command."))
        return "mbox:" + self._required(self.mbox_edit, self.tr("Enter the mbox file."))

    def _imap_text(self) -> str:
        host = self._required(self.imap_host, self.tr("Enter the IMAP server."))
        user = self._required(self.imap_user, self.tr("Enter the IMAP user name."))
        scheme = "imaps" if self.imap_security.currentData() == "imaps" else "imap"
        port = self.imap_port.text().strip()
        if port and not port.isdigit():
            raise SettingError(self.tr("The port is a number."), setting="deliver")
        where = f"[{host}]" if ":" in host else host
        text = f"{scheme}://{quote(user, safe='@')}@{where}" + (f":{port}" if port else "")
        folder = self.folder_edit.text().strip()
        return text + ("/" + quote(folder, safe="/") if folder else "")

    @staticmethod
    def _required(edit: QLineEdit, empty: str) -> str:
        text = edit.text().strip()
        if not text:
            raise SettingError(empty, setting="deliver")
        return text

    def fill(self, account: Account) -> None:
        """Show *account*'s destination (an edited account)."""
        self._original = account
        text = account.deliver
        kind = "maildir" if text is None else parse_deliver(text).kind
        if text is not None:
            self._fill_kind(kind, text, account)
        self.kind_combo.setCurrentIndex(_KINDS.index(kind))
        self._kind_changed()
        for edit in (self.command_edit, self.mbox_edit, self.password_command):
            edit.setCursorPosition(0)

    def _fill_kind(self, kind: str, text: str, account: Account) -> None:
        spec = parse_deliver(text)
        rest = text.strip().split(":", 1)[1]
        if kind == "imap":
            authority, slash, _folder = rest.removeprefix("//").partition("/")
            security = "clear" if account.deliver_security == "none" else "starttls"
            self._select(self.imap_security, "imaps" if spec.implicit_tls else security)
            self.imap_host.setText(spec.host)
            self.imap_port.setText(_explicit_port(authority.rpartition("@")[2]))
            self.imap_user.setText(spec.user)
            self.folder_edit.setText(spec.folder if slash and _folder.strip("/") else "")
            oauth = account.deliver_auth == "oauth2"
            self._select(
                self.password_source, "oauth2" if oauth else account.deliver_password_source
            )
            self.oauth.fill(account)
            self.password_command.setText(account.deliver_password_command or "")
            self.ca_edit.setText(account.deliver_ca_file or "")
        elif kind == "lmtp":
            self.lmtp_server.setText(spec.path or rest.removeprefix("//").rstrip("/"))
            self.lmtp_clear.setChecked(account.deliver_security == "none")
            self.recipient_edit.setText(account.deliver_to or "")
        elif kind == "mda":
            self.command_edit.setText(rest.strip())
            self.shell_check.setChecked(account.deliver_shell)
            self.timeout_spin.setValue(account.deliver_timeout_seconds or 0)
        else:
            self.mbox_edit.setText(rest.strip())

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def follow_user(self, user: str) -> None:
        """The LMTP recipient's default: the account's user name."""
        self.recipient_edit.setPlaceholderText(
            self.tr("default: {user}").format(user=user) if user else ""
        )

    def typed_password(self) -> str | None:
        """The destination's password typed here (None: none typed, or a command)."""
        if self.kind() != "imap" or self.password_source.currentData() == "command":
            return None
        if self._signs_in():  # the client secret, if one was typed, kept in the same place
            return self.oauth.client_secret()
        return self.password_edit.text() or None

    def field_widgets(self) -> dict[str, QWidget]:
        """The widget that shows each ``deliver*`` setting (outlined when it is wrong)."""
        where = {"imap": self.imap_host, "lmtp": self.lmtp_server, "mda": self.command_edit}
        return {
            "deliver": where.get(self.kind(), self.mbox_edit),
            "deliver_security": self.imap_security if self.kind() == "imap" else self.lmtp_clear,
            "deliver_password_source": self.password_source,
            "deliver_password_command": self.password_command,
            "deliver_to": self.recipient_edit,
            "deliver_shell": self.shell_check,
            "deliver_ca_file": self.ca_edit,
            "deliver_timeout_seconds": self.timeout_spin,
        }

    def _browse_mbox(self) -> None:
        start = self.mbox_edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getSaveFileName(
            self.window(), self.tr("The mbox file to deliver to"), start,
            options=QFileDialog.Option.DontConfirmOverwrite,  # appended to, never overwritten
        )  # fmt: skip
        if chosen:
            self.mbox_edit.setText(chosen)

    # -- Test destination ----------------------------------------------------------------------

    def test_destination(self) -> None:
        """Open and close the destination in the form, off the GUI thread."""
        if self.candidate is None or self._token is not None:
            return
        try:
            account = self.candidate()
        except ConfigError as error:
            self._show_test(describe(error), ok=False)
            return
        profile = self.profile() or Profile(resolve_profile(None))
        token = self._token = CancelToken()
        options = ConnectOptions(timeout=TEST_TIMEOUT, cancel=token)
        secret = None if self._signs_in() else self.typed_password()  # OAuth2: the tokens
        self.test_button.setEnabled(False)
        self.test_label.setStyleSheet("")
        self.test_label.setText(self.tr("Testing…"))
        OffThread(
            lambda: _check(account, profile, options, secret),
            self._tested,
            self._test_failed,
            self,
        )

    def _tested(self, where: str) -> None:
        self._token = None
        self._show_test(self.tr("Works: {destination}").format(destination=where), ok=True)

    def _test_failed(self, error: Exception) -> None:
        self._token = None
        if isinstance(error, PopguiError):
            text = describe(error)
        else:  # a bug: said plainly, never as a traceback
            text = self.tr("The test failed unexpectedly ({kind}).").format(
                kind=type(error).__name__
            )
        self._show_test(text, ok=False)

    def _show_test(self, text: str, *, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self.test_label.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        self.test_label.setText(text)

    def cancel(self) -> None:
        """Stop a test or a sign-in that is running (the dialog is closing)."""
        if self._token is not None:
            self._token.cancel()
        self.oauth.cancel()


def _check(account: Account, profile: Profile, options: ConnectOptions, secret: str | None) -> str:
    """Runs in the test's thread: the factory imports the destinations only there."""
    from popgui.destinations.factory import check_destination

    return check_destination(account, profile, options, secret=secret)
