"""The account dialog's parts: its three tab pages and the connection-test box.

Each part builds its widgets and lays them out; :class:`~popgui.gui.account_dialog.AccountDialog`
connects them, fills them from an account and reads them back. Their text stays in the
``AccountDialog`` translation context, where it was first written: the French translation is
filed under that name (lupdate reads the ``translate("AccountDialog", "text")`` calls).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar, get_args

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QIntValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.choices import AuthMethod, PasswordSource, Policy, Security
from popgui.accounts.choices import Protocol as MailProtocol
from popgui.accounts.settings import MAX_CHECK_INTERVAL, MIN_CHECK_INTERVAL
from popgui.errors import CertificateError, PopguiError
from popgui.gui.connection_report import describe_error, error_html, render_report
from popgui.gui.first_sync_box import FirstSyncBox
from popgui.gui.i18n import QT_TRANSLATE_NOOP
from popgui.sync.diagnose import ConnectionReport

__all__ = [
    "AUTH_LABELS",
    "POLICY_LABELS",
    "PROTOCOL_LABELS",
    "SECURITY_LABELS",
    "CertificatePage",
    "ConnectionTestBox",
    "MailPage",
    "ServerPage",
    "choices",
    "enable_items",
    "select",
]

translate = QCoreApplication.translate

# The labels of each setting's values, keyed by value. Which values there are, and their
# order, come from the settings' Literal types (the lists the settings file and the command
# line use): a value added there and not here fails the dialog's tests. Texts are marked for
# lupdate here and translated when the combo boxes are filled.
PROTOCOL_LABELS: dict[MailProtocol, str] = {"pop3": "POP3", "pop2": "POP2 (RFC 937)"}
SECURITY_LABELS: dict[Security, str] = {
    "tls": QT_TRANSLATE_NOOP("AccountDialog", "TLS: encrypted from the start (port 995)"),
    "starttls": QT_TRANSLATE_NOOP("AccountDialog", "STARTTLS: upgrade, never fall back (port 110)"),
    "none": QT_TRANSLATE_NOOP("AccountDialog", "None: unencrypted"),
}
AUTH_LABELS: dict[AuthMethod, str] = {
    "auto": QT_TRANSLATE_NOOP("AccountDialog", "Automatic: the strongest the server offers"),
    "user": QT_TRANSLATE_NOOP("AccountDialog", "USER/PASS (password sent as is)"),
    "apop": QT_TRANSLATE_NOOP("AccountDialog", "APOP (MD5 challenge)"),
    "plain": "PLAIN (SASL)",
    "login": "LOGIN (SASL)",
    "cram-md5": "CRAM-MD5",
    "scram-sha-1": "SCRAM-SHA-1",
    "scram-sha-256": "SCRAM-SHA-256",
    "xoauth2": QT_TRANSLATE_NOOP("AccountDialog", "XOAUTH2: OAuth2 access token"),
    "oauth2": QT_TRANSLATE_NOOP("AccountDialog", "OAuth2: sign in in the browser"),
    "gssapi": QT_TRANSLATE_NOOP("AccountDialog", "Kerberos (your ticket)"),
}
POLICY_LABELS: dict[Policy, str] = {
    "keep": QT_TRANSLATE_NOOP("AccountDialog", "Keep it on the server"),
    "delete": QT_TRANSLATE_NOOP("AccountDialog", "Delete it from the server once it is safe here"),
    "delete-after-days": QT_TRANSLATE_NOOP(
        "AccountDialog", "Delete it from the server after some days"
    ),
}
_DEFAULT_INTERVAL = 15
_WARNING_STYLE = (
    "QLabel { background: #fef7e0; border: 1px solid #f9e2a6; color: #3d2e00;"
    " border-radius: 4px; padding: 6px; }"
)

_Value = TypeVar("_Value", bound=str)


def choices(labels: Mapping[_Value, str], kind: object) -> list[tuple[str, _Value]]:
    """``(label, value)`` for every value of the Literal type ``kind``, in its order."""
    values: tuple[_Value, ...] = get_args(kind)
    return [(labels[value], value) for value in values]


def _combo(labels: Mapping[_Value, str], kind: object) -> QComboBox:
    """A combo box of ``kind``'s values, showing their (translated) labels."""
    combo = QComboBox()
    for text, value in choices(labels, kind):
        combo.addItem(translate("AccountDialog", text), value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def select(combo: QComboBox, value: object) -> None:
    """Make the item whose data is ``value`` current (nothing changes if there is none)."""
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def enable_items(combo: QComboBox, allowed: Iterable[str] | None) -> None:
    """Grey out the items whose data is not in ``allowed`` (None: all allowed)."""
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    allowed_set = None if allowed is None else set(allowed)
    for row in range(combo.count()):
        item = model.item(row)
        item.setEnabled(allowed_set is None or combo.itemData(row) in allowed_set)


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose mnemonic focuses ``widget`` (QFormLayout only does that for a widget
    field, not for a row layout)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _row(*widgets: QWidget) -> QHBoxLayout:
    """The widgets side by side, the first one taking the room left."""
    row = QHBoxLayout()
    for number, widget in enumerate(widgets):
        row.addWidget(widget, 1 if number == 0 else 0)
    return row


def _form(page: QWidget) -> QFormLayout:
    form = QFormLayout(page)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


class ServerPage(QWidget):
    """Server and login: name, host, port, protocol, security, user, method, password."""

    def __init__(self) -> None:
        super().__init__()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(translate("AccountDialog", "a short name, e.g. work"))
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("pop.example.org")
        self.port_edit = QLineEdit()
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaximumWidth(110)
        self.protocol_combo = _combo(PROTOCOL_LABELS, MailProtocol)
        self.security_combo = _combo(SECURITY_LABELS, Security)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(
            translate("AccountDialog", "the login name, often the full e-mail address")
        )
        self.auth_combo = _combo(AUTH_LABELS, AuthMethod)
        self.keyring_radio = QRadioButton(translate("AccountDialog", "Pass&word:"))
        self.keyring_radio.setToolTip(
            translate("AccountDialog", "Kept in the system keyring, never in the settings file")
        )
        self.keyring_radio.setChecked(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setObjectName("passwordEdit")
        self.command_radio = QRadioButton(translate("AccountDialog", "Password &command:"))
        self.command_radio.setToolTip(
            translate(
                "AccountDialog", "A command that prints the password, e.g. pass show mail/work"
            )
        )
        self.command_edit = QLineEdit()
        self.command_edit.setPlaceholderText(translate("AccountDialog", "e.g. pass show mail/work"))
        self.file_radio = QRadioButton(translate("AccountDialog", "Password in a &file:"))
        self.file_radio.setToolTip(
            translate("AccountDialog", "Kept in a file of popgui's profile that only you can read")
        )
        self.file_edit = QLineEdit()
        self.file_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.file_edit.setObjectName("passwordFileEdit")
        self.file_warning = QLabel(
            translate(
                "AccountDialog",
                "The password will be kept in a file that only you can read, not in a "
                "keyring: anyone who can read your files, or a copy of them (a backup), can "
                "read it. Prefer a keyring or a password command where you can.",
            )
        )
        self.file_warning.setObjectName("passwordFileWarning")
        self.file_warning.setWordWrap(True)
        self.file_warning.setStyleSheet(_WARNING_STYLE)
        self.file_warning.setVisible(False)

        form = _form(self)
        form.addRow(translate("AccountDialog", "&Name:"), self.name_edit)
        form.addRow(translate("AccountDialog", "&Host:"), self.host_edit)
        form.addRow(translate("AccountDialog", "&Port:"), self.port_edit)
        form.addRow(translate("AccountDialog", "Pro&tocol:"), self.protocol_combo)
        form.addRow(translate("AccountDialog", "S&ecurity:"), self.security_combo)
        form.addRow(translate("AccountDialog", "&User name:"), self.user_edit)
        form.addRow(translate("AccountDialog", "Login &method:"), self.auth_combo)
        form.addRow(self.keyring_radio, self.password_edit)
        form.addRow(self.command_radio, self.command_edit)
        #: Shown when no system keyring runs here: the ways out, in plain words.
        self.keyring_notice = QLabel(self._no_keyring_text(signs_in=False))
        self.keyring_notice.setObjectName("keyringNotice")
        self.keyring_notice.setWordWrap(True)
        self.keyring_notice.setStyleSheet(_WARNING_STYLE)
        self.keyring_notice.setVisible(False)
        form.addRow(self.keyring_notice)
        form.addRow(self.file_radio, self.file_edit)
        form.addRow(self.file_warning)
        #: Whether a system keyring is there (the keyring choice is offered only then).
        self.keyring_available = True
        from popgui.gui.sign_in import SignInBox  # the OAuth2 method's row

        self.sign_in_box = SignInBox()
        self.sign_in_box.setObjectName("signInBox")
        form.addRow(translate("AccountDialog", "Sign-in:"), self.sign_in_box)
        from popgui.gui.kerberos_box import KerberosBox  # the Kerberos method's row

        self.kerberos_box = KerberosBox()
        self.kerberos_box.setObjectName("kerberosBox")
        form.addRow("", self.kerberos_box)
        self.user_edit.textChanged.connect(self.kerberos_box.follow_user)
        self.form = form
        #: The login method chosen has no password: a Kerberos ticket signs in.
        self._ticket = False

    def show_keyring(self, *, available: bool) -> None:
        """Without a keyring, the password field is no choice: the command is, and the notice
        says why and what else would do."""
        self.keyring_available = available
        self.keyring_notice.setVisible(not available and not self._ticket)
        if not available and self.keyring_radio.isChecked():
            self.command_radio.setChecked(True)

    def enable_password_rows(self, method: AuthMethod, *, hints: tuple[str, str]) -> None:
        """The password, command and file rows for the chosen source; none (hidden) for an
        OAuth2 sign-in, whose row shows instead, nor for Kerberos, whose ticket line does.
        ``hints``: what the empty keyring and file password fields say."""
        signs_in = method == "oauth2"
        self._ticket = method == "gssapi"  # a ticket: no password, no keyring to keep one
        no_password = signs_in or self._ticket
        keyring, file = self.keyring_radio.isChecked(), self.file_radio.isChecked()
        self.password_edit.setEnabled(keyring and not no_password and self.keyring_available)
        signs_in_hint = translate("AccountDialog", "no password: the account signs in")
        self.password_edit.setPlaceholderText(signs_in_hint if no_password else hints[0])
        self.command_edit.setEnabled(self.command_radio.isChecked() and not no_password)
        self.file_edit.setEnabled(file and not no_password)
        self.file_edit.setPlaceholderText(signs_in_hint if no_password else hints[1])
        self.file_warning.setVisible(file and not no_password)
        self.keyring_radio.setEnabled(not no_password and self.keyring_available)
        self.command_radio.setEnabled(not no_password)
        self.file_radio.setEnabled(not no_password)
        self.keyring_notice.setText(self._no_keyring_text(signs_in=signs_in))
        self.keyring_notice.setVisible(not self.keyring_available and not self._ticket)
        # No password: its rows make way for the sign-in settings or the ticket line (an
        # 800×600 screen has no room for both).
        for edit in (self.password_edit, self.command_edit, self.file_edit):
            self.form.setRowVisible(edit, not no_password)
        self.sign_in_box.show_in(self.form, signs_in)
        self.kerberos_box.show_in(self.form, self._ticket)

    @staticmethod
    def _no_keyring_text(*, signs_in: bool) -> str:
        if signs_in:  # a sign-in has no way round the keyring: its tokens live there
            return translate(
                "AccountDialog",
                "No system keyring is running on this computer, and an OAuth2 sign-in keeps "
                "its tokens (and a client secret) only there. Install and unlock a keyring "
                "(GNOME Keyring or KWallet), then open this window again.",
            )
        return translate(
            "AccountDialog",
            "No system keyring is running on this computer, so popgui has no safe place "
            "to keep a password. Either install and unlock a keyring (GNOME Keyring or "
            "KWallet), then open this window again, or give a password command above: a "
            "command that prints the password, e.g. pass show mail/work. Or, knowingly, "
            "keep the password in a file that only you can read.",
        )

    def password_source(self) -> PasswordSource:
        if self.command_radio.isChecked():
            return "command"
        return "file" if self.file_radio.isChecked() else "keyring"

    def select_source(self, source: PasswordSource) -> None:
        radios = {"keyring": self.keyring_radio, "command": self.command_radio}
        radios.get(source, self.file_radio).setChecked(True)

    def typed_password(self) -> str | None:
        """The password typed for the keyring or the file (None: none, or a command)."""
        source = self.password_source()
        if source == "command":
            return None
        return (self.password_edit if source == "keyring" else self.file_edit).text() or None


class MailPage(QWidget):
    """Mail: what to do on the server, where to deliver, the POP2 folder, periodic checks."""

    def __init__(self) -> None:
        super().__init__()
        self.policy_combo = _combo(POLICY_LABELS, Policy)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(14)
        self.days_spin.setSuffix(translate("AccountDialog", " days"))
        self.maildir_edit = QLineEdit()
        self.maildir_browse = QPushButton(translate("AccountDialog", "&Browse…"))
        self.remote_folder_edit = QLineEdit()
        self.remote_folder_edit.setPlaceholderText(
            translate("AccountDialog", "the default mailbox")
        )
        self.interval_check = QCheckBox(translate("AccountDialog", "Chec&k for new mail every"))
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(MIN_CHECK_INTERVAL, MAX_CHECK_INTERVAL)
        self.interval_spin.setValue(_DEFAULT_INTERVAL)
        self.interval_spin.setSuffix(translate("AccountDialog", " minutes"))
        self.delete_locally_check = QCheckBox(
            translate(
                "AccountDialog", "De&lete a message on the server too when I move it to Trash here"
            )
        )

        form = _form(self)
        after = _buddy(translate("AccountDialog", "&After downloading:"), self.policy_combo)
        form.addRow(after, _row(self.policy_combo, self.days_spin))
        # "Deliver to" is the tab where another destination can be chosen: this is the folder.
        deliver = _buddy(translate("AccountDialog", "Mail&dir:"), self.maildir_edit)
        form.addRow(deliver, _row(self.maildir_edit, self.maildir_browse))
        form.addRow(translate("AccountDialog", "Remote &folder (POP2):"), self.remote_folder_edit)
        interval_row = QHBoxLayout()
        interval_row.addWidget(self.interval_check)
        interval_row.addWidget(self.interval_spin)
        interval_row.addStretch(1)
        form.addRow(translate("AccountDialog", "Periodic check:"), interval_row)
        form.addRow("", self.delete_locally_check)
        self.first_sync = FirstSyncBox()  # what the first sync downloads, and the import
        form.addRow(self.first_sync)
        self.maildir_browse.clicked.connect(self._browse_maildir)

    def _browse_maildir(self) -> None:
        start = self.maildir_edit.text() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(
            self.window(), translate("AccountDialog", "Folder for this account's mail"), start
        )
        if chosen:
            self.maildir_edit.setText(chosen)


class CertificatePage(QWidget):
    """Certificate: a CA file or a pinned fingerprint, for servers the system does not trust."""

    def __init__(self) -> None:
        super().__init__()
        self.ca_file_edit = QLineEdit()
        self.ca_file_edit.setPlaceholderText(
            translate("AccountDialog", "only for a server whose authority is not known")
        )
        self.ca_file_browse = QPushButton(translate("AccountDialog", "Br&owse…"))
        self.fingerprint_edit = QLineEdit()
        self.fingerprint_edit.setObjectName("fingerprintEdit")
        self.fingerprint_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint_edit.setPlaceholderText(
            translate("AccountDialog", "SHA-256, e.g. ab:cd:ef:…")
        )

        form = self.form = _form(self)
        ca_file = _buddy(translate("AccountDialog", "&CA certificate file:"), self.ca_file_edit)
        form.addRow(ca_file, _row(self.ca_file_edit, self.ca_file_browse))
        form.addRow(translate("AccountDialog", "&Fingerprint:"), self.fingerprint_edit)
        explain = QLabel(
            translate(
                "AccountDialog",
                "Normally leave both empty: the server's certificate is checked against the "
                "authorities this computer trusts. A fingerprint trusts exactly one certificate "
                "(for a self-signed one); Test connection can fill it in for you.",
            )
        )
        explain.setWordWrap(True)
        explain.setMinimumWidth(420)  # a wrapped label otherwise asks for a narrow column
        form.addRow(explain)
        self.ca_file_browse.clicked.connect(self._browse_ca_file)

    def _browse_ca_file(self) -> None:
        start = self.ca_file_edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self.window(), translate("AccountDialog", "Certificate authority file"), start,
            translate("AccountDialog", "Certificates (*.pem *.crt *.cer);;All files (*)"),
        )  # fmt: skip
        if chosen:
            self.ca_file_edit.setText(chosen)


class ConnectionTestBox(QGroupBox):
    """The "Test connection" button, the report pane, and "Trust this certificate"."""

    def __init__(self) -> None:
        super().__init__(translate("AccountDialog", "Connection test"))
        self.test_button = QPushButton(translate("AccountDialog", "Te&st connection"))
        self.test_button.setObjectName("testButton")
        self.test_button.setAutoDefault(False)
        self.report_view = QTextBrowser()
        self.report_view.setObjectName("reportView")
        self.report_view.setOpenLinks(False)
        intro = translate(
            "AccountDialog",
            "Test connection shows here what the server offers: encryption, certificate, "
            "capabilities and login methods. Nothing is downloaded or deleted.",
        )
        self.report_view.setHtml(f"<p style='color:#5f6368'>{html.escape(intro)}</p>")
        self.trust_button = QPushButton(translate("AccountDialog", "T&rust this certificate…"))
        self.trust_button.setObjectName("trustButton")
        self.trust_button.setAutoDefault(False)
        self.trust_button.setVisible(False)

        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.trust_button)
        layout.addLayout(buttons)
        layout.addWidget(self.report_view, 1)
        #: The last report (None before a test, or when the test itself failed).
        self.report: ConnectionReport | None = None
        #: A certificate the person may choose to trust, from the last test.
        self.certificate_error: CertificateError | None = None

    def show_connecting(self, address: str) -> None:
        """A test has started: the last result and its trust offer go."""
        self.report, self.certificate_error = None, None
        self.trust_button.setVisible(False)
        connecting = translate("AccountDialog", "Connecting to {address}…").format(
            address=f"<b>{html.escape(address)}</b>"
        )
        self.report_view.setHtml(f"<p>{connecting}</p>")

    def show_result(self, report: ConnectionReport | None, error: PopguiError | None) -> None:
        """The report, or why the test gave none; "Trust this certificate…" where it applies."""
        self.report = report
        if report is None:
            text = (
                describe_error(error)
                if error is not None
                else translate("AccountDialog", "The test gave no result.")
            )
            self.report_view.setHtml(error_html(text, error))
        else:
            self.report_view.setHtml(render_report(report))
            error = report.error
        trustable = isinstance(error, CertificateError) and bool(error.fingerprint)
        self.certificate_error = (
            error if trustable and isinstance(error, CertificateError) else None
        )
        self.trust_button.setVisible(self.certificate_error is not None)

    def certificate_trusted(self) -> None:
        self.certificate_error = None
        self.trust_button.setVisible(False)
