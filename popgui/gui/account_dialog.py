"""The account dialog: add or edit every setting an account has, test it, trust its certificate.

Every setting of ``popgui account add`` is here (name, server, port, protocol, security, user,
login method, password or password command, what to do with mail on the server, Maildir, POP2
folder, CA file, certificate fingerprint) plus the window-only ones (periodic check, delete on
the server when deleted here). The form is checked on every edit by
:func:`~popgui.accounts.settings.validate_account`, the same rule the command line and the
settings file use; its sentence is shown under the form and OK stays disabled while it fails.

Threading: nothing here touches the network or the keyring. "Test connection" and storing the
password go through the controller (:class:`popgui.gui.worker.EngineController`), whose worker
thread answers with ``finished(JobFinished)`` (``kind`` ``"test"`` or ``"password"``). The
dialog stays responsive while it waits; a locked or missing keyring comes back as an error
that the dialog explains (with the password command as the way out).

Use::

    dialog = AccountDialog(controller, settings.names(), account=None, parent=window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        settings.put(dialog.account())       # the password, if typed, is already stored
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, SignalInstance
from PySide6.QtGui import QFontDatabase, QIntValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.secrets import KeyringLockedError
from popgui.accounts.settings import (
    MAX_CHECK_INTERVAL,
    MIN_CHECK_INTERVAL,
    POP2_AUTH,
    POP2_SECURITY,
    Account,
    validate_account,
)
from popgui.errors import (
    CertificateError,
    ConfigError,
    CredentialsError,
    KeyringUnavailableError,
    PopguiError,
)
from popgui.gui.certificate_dialog import ask_trust_certificate, wrap_fingerprint
from popgui.gui.i18n import QT_TRANSLATE_NOOP
from popgui.gui.presets import PRESETS, ProviderPreset, matching_preset, preset
from popgui.messages import describe

__all__ = ["AccountDialog", "DialogController", "render_report"]

# For the module's functions (lupdate reads ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate


class DialogController(Protocol):
    """What the dialog needs from :class:`popgui.gui.worker.EngineController`."""

    finished: SignalInstance  # JobFinished(account, kind, result, error)

    def test_connection(self, account: Account, password: str | None) -> None: ...

    def store_password(self, account: Account, password: str) -> None: ...


# Item texts are marked for lupdate here and translated when the combo boxes are filled.
_PROTOCOLS = (("POP3", "pop3"), ("POP2 (RFC 937)", "pop2"))
_SECURITIES = (
    (QT_TRANSLATE_NOOP("AccountDialog", "TLS: encrypted from the start (port 995)"), "tls"),
    (QT_TRANSLATE_NOOP("AccountDialog", "STARTTLS: upgrade, never fall back (port 110)"),
     "starttls"),
    (QT_TRANSLATE_NOOP("AccountDialog", "None: unencrypted"), "none"),
)  # fmt: skip
_AUTHS = (
    (QT_TRANSLATE_NOOP("AccountDialog", "Automatic: the strongest the server offers"), "auto"),
    (QT_TRANSLATE_NOOP("AccountDialog", "USER/PASS (password sent as is)"), "user"),
    (QT_TRANSLATE_NOOP("AccountDialog", "APOP (MD5 challenge)"), "apop"),
    ("PLAIN (SASL)", "plain"),
    ("LOGIN (SASL)", "login"),
    ("CRAM-MD5", "cram-md5"),
    ("SCRAM-SHA-1", "scram-sha-1"),
    ("SCRAM-SHA-256", "scram-sha-256"),
    (QT_TRANSLATE_NOOP("AccountDialog", "XOAUTH2: OAuth2 access token"), "xoauth2"),
)
_POLICIES = (
    (QT_TRANSLATE_NOOP("AccountDialog", "Keep it on the server"), "keep"),
    (QT_TRANSLATE_NOOP("AccountDialog", "Delete it from the server once it is safe here"),
     "delete"),
    (QT_TRANSLATE_NOOP("AccountDialog", "Delete it from the server after some days"),
     "delete-after-days"),
)  # fmt: skip
_REQUIRED_EMPTY = ("name is empty", "host is empty", "user is empty")
_INVALID_STYLE = '*[invalid="true"] { border: 1px solid #d93025; border-radius: 2px; }'
_DEFAULT_INTERVAL = 15


def _combo(items: Iterable[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for text, value in items:
        combo.addItem(QCoreApplication.translate("AccountDialog", text), value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def _enable_items(combo: QComboBox, allowed: Iterable[str] | None) -> None:
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


def _bad_password(password: str) -> str | None:
    if any(char in password for char in "\r\n\0"):
        return QCoreApplication.translate(
            "AccountDialog",
            "The password contains a line break or a NUL character, which POP cannot send.",
        )
    return None


class AccountDialog(QDialog):
    """Add (``account`` None) or edit an account. See the module docstring."""

    def __init__(
        self,
        controller: DialogController | QObject,
        existing_names: Iterable[str],
        account: Account | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self._original = account
        skip = account.name.casefold() if account is not None else None
        self._taken = {name.casefold() for name in existing_names} - {skip}
        self._result: Account | None = None
        self._pending_test: str | None = None
        self._pending_store: Account | None = None
        self._report: object | None = None
        self._certificate_error: CertificateError | None = None
        self._filling = False
        self.setObjectName("accountDialog")
        self.setWindowTitle(
            self.tr("Add account")
            if account is None
            else self.tr("Edit account {account}").format(account=account.name)
        )
        self.setStyleSheet(_INVALID_STYLE)
        self._build_widgets()
        self._build_layout()
        self._connect()
        if account is not None:
            self._fill(account)
        self._protocol_changed()
        self._update_enabled()
        self._revalidate()
        self.controller.finished.connect(self._job_finished)  # type: ignore[union-attr]
        self.name_edit.setFocus()

    # -- construction ----------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.addItem(self.tr("Other server: enter its settings below"), "")
        for item in PRESETS:
            self.preset_combo.addItem(QCoreApplication.translate("Presets", item.label), item.key)
        self.preset_notes = QLabel()
        self.preset_notes.setObjectName("presetNotes")
        self.preset_notes.setWordWrap(True)
        self.preset_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.preset_notes.setVisible(False)
        self.preset_notes.setMinimumWidth(420)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("a short name, e.g. work"))
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("pop.example.org")
        self.port_edit = QLineEdit()
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaximumWidth(110)
        self.protocol_combo = _combo(_PROTOCOLS)
        self.security_combo = _combo(_SECURITIES)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("the login name, often the full e-mail address"))
        self.auth_combo = _combo(_AUTHS)
        self.keyring_radio = QRadioButton(self.tr("Pass&word:"))
        self.keyring_radio.setToolTip(
            self.tr("Kept in the system keyring, never in the settings file")
        )
        self.keyring_radio.setChecked(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setObjectName("passwordEdit")
        self.command_radio = QRadioButton(self.tr("Password &command:"))
        self.command_radio.setToolTip(
            self.tr("A command that prints the password, e.g. pass show mail/work")
        )
        self.command_edit = QLineEdit()
        self.command_edit.setPlaceholderText(self.tr("e.g. pass show mail/work"))

        self.policy_combo = _combo(_POLICIES)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(14)
        self.days_spin.setSuffix(self.tr(" days"))
        self.maildir_edit = QLineEdit()
        self.maildir_browse = QPushButton(self.tr("&Browse…"))
        self.remote_folder_edit = QLineEdit()
        self.remote_folder_edit.setPlaceholderText(self.tr("the default mailbox"))
        self.interval_check = QCheckBox(self.tr("Chec&k for new mail every"))
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(MIN_CHECK_INTERVAL, MAX_CHECK_INTERVAL)
        self.interval_spin.setValue(_DEFAULT_INTERVAL)
        self.interval_spin.setSuffix(self.tr(" minutes"))
        self.delete_locally_check = QCheckBox(
            self.tr("De&lete a message on the server too when I move it to Trash here")
        )

        self.ca_file_edit = QLineEdit()
        self.ca_file_edit.setPlaceholderText(
            self.tr("only for a server whose authority is not known")
        )
        self.ca_file_browse = QPushButton(self.tr("Br&owse…"))
        self.fingerprint_edit = QLineEdit()
        self.fingerprint_edit.setObjectName("fingerprintEdit")
        self.fingerprint_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint_edit.setPlaceholderText(self.tr("SHA-256, e.g. ab:cd:ef:…"))

        self.test_button = QPushButton(self.tr("Te&st connection"))
        self.test_button.setObjectName("testButton")
        self.test_button.setAutoDefault(False)
        self.report_view = QTextBrowser()
        self.report_view.setObjectName("reportView")
        self.report_view.setOpenLinks(False)
        intro = self.tr(
            "Test connection shows here what the server offers: encryption, certificate, "
            "capabilities and login methods. Nothing is downloaded or deleted."
        )
        self.report_view.setHtml(f"<p style='color:#5f6368'>{html.escape(intro)}</p>")
        self.trust_button = QPushButton(self.tr("T&rust this certificate…"))
        self.trust_button.setObjectName("trustButton")
        self.trust_button.setAutoDefault(False)
        self.trust_button.setVisible(False)

        self.message_icon = QLabel()
        self.message_label = QLabel()
        self.message_label.setObjectName("validationMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Save") if self._original is not None else self.tr("Add account"))
        self.ok_button = ok

    def _build_layout(self) -> None:
        top = QFormLayout()
        top.addRow(self.tr("Pro&vider:"), self.preset_combo)
        top.addRow("", self.preset_notes)

        server = QFormLayout()
        server.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        server.addRow(self.tr("&Name:"), self.name_edit)
        server.addRow(self.tr("&Host:"), self.host_edit)
        server.addRow(self.tr("&Port:"), self.port_edit)
        server.addRow(self.tr("Pro&tocol:"), self.protocol_combo)
        server.addRow(self.tr("S&ecurity:"), self.security_combo)
        server.addRow(self.tr("&User name:"), self.user_edit)
        server.addRow(self.tr("Login &method:"), self.auth_combo)
        server.addRow(self.keyring_radio, self.password_edit)
        server.addRow(self.command_radio, self.command_edit)
        server_page = QWidget()
        server_page.setLayout(server)

        mail = QFormLayout()
        mail.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        policy_row = QHBoxLayout()
        policy_row.addWidget(self.policy_combo, 1)
        policy_row.addWidget(self.days_spin)
        mail.addRow(_buddy(self.tr("&After downloading:"), self.policy_combo), policy_row)
        maildir_row = QHBoxLayout()
        maildir_row.addWidget(self.maildir_edit, 1)
        maildir_row.addWidget(self.maildir_browse)
        mail.addRow(_buddy(self.tr("&Deliver to (Maildir):"), self.maildir_edit), maildir_row)
        mail.addRow(self.tr("Remote &folder (POP2):"), self.remote_folder_edit)
        interval_row = QHBoxLayout()
        interval_row.addWidget(self.interval_check)
        interval_row.addWidget(self.interval_spin)
        interval_row.addStretch(1)
        mail.addRow(self.tr("Periodic check:"), interval_row)
        mail.addRow("", self.delete_locally_check)
        mail_page = QWidget()
        mail_page.setLayout(mail)

        trust = QFormLayout()
        trust.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file_edit, 1)
        ca_row.addWidget(self.ca_file_browse)
        trust.addRow(_buddy(self.tr("&CA certificate file:"), self.ca_file_edit), ca_row)
        trust.addRow(self.tr("&Fingerprint:"), self.fingerprint_edit)
        explain = QLabel(
            self.tr(
                "Normally leave both empty: the server's certificate is checked against the "
                "authorities this computer trusts. A fingerprint trusts exactly one certificate "
                "(for a self-signed one); Test connection can fill it in for you."
            )
        )
        explain.setWordWrap(True)
        explain.setMinimumWidth(420)  # a wrapped label otherwise asks for a narrow column
        trust.addRow(explain)
        trust_page = QWidget()
        trust_page.setLayout(trust)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("accountTabs")
        self.tabs.addTab(server_page, self.tr("Server and login"))
        self.tabs.addTab(mail_page, self.tr("Mail"))
        self.tabs.addTab(trust_page, self.tr("Certificate"))
        self._field_tabs = {
            "mail": (
                "policy", "delete_after_days", "maildir", "remote_folder",
                "check_interval_minutes", "delete_when_deleted_locally",
            ),
            "certificate": ("ca_file", "fingerprint"),
        }  # fmt: skip

        test_box = QGroupBox(self.tr("Connection test"))
        test_layout = QVBoxLayout(test_box)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        test_row.addWidget(self.trust_button)
        test_layout.addLayout(test_row)
        test_layout.addWidget(self.report_view, 1)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.tabs, 1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(test_box, 2)

        message_row = QHBoxLayout()
        message_row.addWidget(self.message_icon, 0, Qt.AlignmentFlag.AlignTop)
        message_row.addWidget(self.message_label, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(message_row)
        layout.addWidget(self.buttons)
        self.setMinimumSize(940, 560)
        self.resize(1000, 600)

    def _connect(self) -> None:
        edits = (
            self.name_edit, self.host_edit, self.port_edit, self.user_edit, self.password_edit,
            self.command_edit, self.maildir_edit, self.remote_folder_edit, self.ca_file_edit,
            self.fingerprint_edit,
        )  # fmt: skip
        for edit in edits:
            edit.textChanged.connect(self._revalidate)
        combos = (self.protocol_combo, self.security_combo, self.auth_combo, self.policy_combo)
        for combo in combos:
            combo.currentIndexChanged.connect(self._revalidate)
        for spin in (self.days_spin, self.interval_spin):
            spin.valueChanged.connect(self._revalidate)
        for check in (self.interval_check, self.delete_locally_check, self.keyring_radio):
            check.toggled.connect(self._revalidate)
        self.protocol_combo.currentIndexChanged.connect(self._protocol_changed)
        self.security_combo.currentIndexChanged.connect(self._update_port_placeholder)
        self.policy_combo.currentIndexChanged.connect(self._update_enabled)
        self.keyring_radio.toggled.connect(self._update_enabled)
        self.interval_check.toggled.connect(self._update_enabled)
        self.name_edit.textChanged.connect(self._update_maildir_placeholder)
        self.preset_combo.activated.connect(self._preset_chosen)
        self.maildir_browse.clicked.connect(self._browse_maildir)
        self.ca_file_browse.clicked.connect(self._browse_ca_file)
        self.test_button.clicked.connect(self._test_connection)
        self.trust_button.clicked.connect(self._trust_certificate)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _fill(self, account: Account) -> None:
        self._filling = True
        try:
            self.name_edit.setText(account.name)
            self.host_edit.setText(account.host)
            self.port_edit.setText("" if account.port is None else str(account.port))
            _select(self.protocol_combo, account.protocol)
            _select(self.security_combo, account.security)
            self.user_edit.setText(account.user)
            _select(self.auth_combo, account.auth)
            if account.password_source == "command":
                self.command_radio.setChecked(True)
                self.command_edit.setText(account.password_command or "")
            else:
                self.keyring_radio.setChecked(True)
            self.password_edit.setPlaceholderText(
                self.tr("leave empty to keep the stored password")
            )
            _select(self.policy_combo, account.policy)
            if account.delete_after_days is not None:
                self.days_spin.setValue(account.delete_after_days)
            self.maildir_edit.setText(account.maildir or "")
            self.remote_folder_edit.setText(account.remote_folder or "")
            self.ca_file_edit.setText(account.ca_file or "")
            self.fingerprint_edit.setText(account.fingerprint or "")
            minutes = account.check_interval_minutes
            self.interval_check.setChecked(minutes is not None)
            if minutes is not None:
                self.interval_spin.setValue(minutes)
            self.delete_locally_check.setChecked(account.delete_when_deleted_locally)
            found = matching_preset(account.host)
            if found is not None:
                _select(self.preset_combo, found.key)
            for edit in (self.host_edit, self.command_edit, self.maildir_edit, self.ca_file_edit):
                edit.setCursorPosition(0)  # a long value shows its beginning, not its end
        finally:
            self._filling = False

    # -- the form --------------------------------------------------------------------------

    def _protocol_changed(self) -> None:
        pop2 = self.protocol_combo.currentData() == "pop2"
        _enable_items(self.security_combo, POP2_SECURITY if pop2 else None)
        _enable_items(self.auth_combo, POP2_AUTH if pop2 else None)
        if pop2 and self.security_combo.currentData() not in POP2_SECURITY:
            _select(self.security_combo, "tls")
        if pop2 and self.auth_combo.currentData() not in POP2_AUTH:
            _select(self.auth_combo, "auto")
        self.remote_folder_edit.setEnabled(pop2)
        self._update_port_placeholder()
        self._revalidate()

    def _update_port_placeholder(self) -> None:
        if self.protocol_combo.currentData() == "pop2":
            port = 109
        else:
            port = 995 if self.security_combo.currentData() == "tls" else 110
        self.port_edit.setPlaceholderText(self.tr("{port} (default)").format(port=port))

    def _update_maildir_placeholder(self) -> None:
        name = self.name_edit.text().strip(" ") or self.tr("NAME")
        mail_dir = getattr(getattr(self.controller, "profile", None), "mail_dir", None)
        where = str(Path(mail_dir) / name) if mail_dir is not None else f"mail/{name}"
        self.maildir_edit.setPlaceholderText(self.tr("default: {folder}").format(folder=where))

    def _update_enabled(self) -> None:
        self.days_spin.setEnabled(self.policy_combo.currentData() == "delete-after-days")
        keyring = self.keyring_radio.isChecked()
        self.password_edit.setEnabled(keyring)
        self.command_edit.setEnabled(not keyring)
        self.interval_spin.setEnabled(self.interval_check.isChecked())
        self._update_maildir_placeholder()

    def _preset_chosen(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        if not key:
            self.preset_notes.setVisible(False)
            return
        self.apply_preset(preset(key))

    def apply_preset(self, chosen: ProviderPreset) -> None:
        """Fill host, port, security (and the login method where the provider needs one)."""
        _select(self.preset_combo, chosen.key)
        self.preset_notes.setText(QCoreApplication.translate("Presets", chosen.notes))
        self.preset_notes.setVisible(True)
        if not chosen.available:
            return
        _select(self.protocol_combo, "pop3")
        self.host_edit.setText(chosen.host)
        _select(self.security_combo, chosen.security)
        self.port_edit.setText(str(chosen.port))
        if chosen.auth != "auto" or self.auth_combo.currentData() == "xoauth2":
            _select(self.auth_combo, chosen.auth)
        if not self.name_edit.text().strip():
            self.name_edit.setText(chosen.key)

    def _browse_maildir(self) -> None:
        start = self.maildir_edit.text() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for this account's mail"), start
        )
        if chosen:
            self.maildir_edit.setText(chosen)

    def _browse_ca_file(self) -> None:
        start = self.ca_file_edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Certificate authority file"), start,
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )  # fmt: skip
        if chosen:
            self.ca_file_edit.setText(chosen)

    def _values(self) -> dict[str, Any]:
        """The form as Account keywords; ConfigError for what no Account could hold."""
        port_text = self.port_edit.text().strip(" ")
        if port_text and not port_text.isdigit():
            raise ConfigError("port must be a number from 1 to 65535")
        protocol = self.protocol_combo.currentData()
        policy = self.policy_combo.currentData()
        keyring = self.keyring_radio.isChecked()
        return {
            "name": self.name_edit.text().strip(" "),
            "host": self.host_edit.text().strip(" "),
            "port": int(port_text) if port_text else None,
            "protocol": protocol,
            "security": self.security_combo.currentData(),
            "user": self.user_edit.text().strip(" "),
            "auth": self.auth_combo.currentData(),
            "password_source": "keyring" if keyring else "command",
            "password_command": None if keyring else self.command_edit.text(),
            "policy": policy,
            "delete_after_days": self.days_spin.value() if policy == "delete-after-days" else None,
            "maildir": self.maildir_edit.text().strip(" ") or None,
            "remote_folder": (self.remote_folder_edit.text().strip(" ") or None)
            if protocol == "pop2"
            else None,
            "ca_file": self.ca_file_edit.text().strip(" ") or None,
            "fingerprint": self.fingerprint_edit.text().strip(" ") or None,
            "check_interval_minutes": self.interval_spin.value()
            if self.interval_check.isChecked()
            else None,
            "delete_when_deleted_locally": self.delete_locally_check.isChecked(),
        }

    def _candidate(self) -> Account:
        """The validated account the form describes; ConfigError with a sentence if none."""
        values = self._values()
        if self._original is not None:
            account = replace(self._original, **values)
        else:
            account = Account(**values)
        account = validate_account(account)
        if account.name.casefold() in self._taken:
            raise ConfigError(f"there is already an account named {account.name!r}")
        problem = (
            _bad_password(self.password_edit.text()) if self.keyring_radio.isChecked() else None
        )
        if problem:
            raise ConfigError(problem)
        return account

    def _revalidate(self) -> None:
        if self._filling:
            return
        try:
            self._candidate()
        except ConfigError as error:
            self._show_problem(str(error))
            self.ok_button.setEnabled(False)
            self.test_button.setEnabled(False)
            return
        self._show_problem(None)
        self.ok_button.setEnabled(self._pending_store is None)
        self.test_button.setEnabled(self._pending_test is None)

    def _show_problem(self, text: str | None) -> None:
        hint = text is not None and text.startswith(_REQUIRED_EMPTY)
        field = _field_of(text) if text and not hint else None
        for name, widget in self._field_widgets().items():
            invalid = name == field
            if widget.property("invalid") != invalid:
                widget.setProperty("invalid", invalid)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if text is None:
            self._set_message(None)
            return
        sentence = _humanise(text)
        tab = next((tab for tab, names in self._field_tabs.items() if field in names), None)
        if tab is not None:
            tab_name = self.tr("Mail") if tab == "mail" else self.tr("Certificate")
            sentence += " " + self.tr("(See the {tab} tab.)").format(tab=tab_name)
        self._set_message(sentence, error=not hint)

    def _set_message(self, text: str | None, *, error: bool = True) -> None:
        if not text:
            self.message_label.clear()
            self.message_icon.clear()
            return
        kind = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if error
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        self.message_icon.setPixmap(self.style().standardIcon(kind).pixmap(20, 20))
        self.message_label.setText(text)

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "name": self.name_edit, "host": self.host_edit, "port": self.port_edit,
            "user": self.user_edit, "password_command": self.command_edit,
            "maildir": self.maildir_edit, "remote_folder": self.remote_folder_edit,
            "ca_file": self.ca_file_edit, "fingerprint": self.fingerprint_edit,
            "password": self.password_edit, "auth": self.auth_combo,
            "security": self.security_combo,
        }  # fmt: skip

    # -- results ---------------------------------------------------------------------------

    def account(self) -> Account:
        """The validated account (after OK: exactly what was accepted)."""
        if self._result is not None:
            return self._result
        return self._candidate()

    def password(self) -> str | None:
        """The password typed in the dialog, or None (never shown, never logged)."""
        if not self.keyring_radio.isChecked():
            return None
        return self.password_edit.text() or None

    @property
    def report(self) -> object | None:
        """The last ConnectionReport shown."""
        return self._report

    # -- test connection -------------------------------------------------------------------

    def _test_connection(self) -> None:
        try:
            account = self._candidate()
        except ConfigError as error:
            self._show_problem(str(error))
            return
        self._pending_test = account.name
        self._certificate_error = None
        self.trust_button.setVisible(False)
        self.test_button.setEnabled(False)
        connecting = self.tr("Connecting to {address}…").format(
            address=f"<b>{html.escape(_address(account))}</b>"
        )
        self.report_view.setHtml(f"<p>{connecting}</p>")
        self.controller.test_connection(account, self.password())  # type: ignore[union-attr]

    def _job_finished(self, job: object) -> None:
        kind = getattr(job, "kind", None)
        name = getattr(job, "account", None)
        if kind == "test" and self._pending_test is not None and name == self._pending_test:
            self._pending_test = None
            self._show_report(getattr(job, "result", None), getattr(job, "error", None))
            self._revalidate()
        elif (
            kind == "password"
            and self._pending_store is not None
            and name == self._pending_store.name
        ):
            self._password_stored(getattr(job, "error", None))

    def _show_report(self, report: object, error: PopguiError | None) -> None:
        self._report = report
        if report is None:
            text = _describe(error) if error is not None else self.tr("The test gave no result.")
            self.report_view.setHtml(_error_html(text, error))
            self._offer_trust(error if isinstance(error, CertificateError) else None)
            return
        self.report_view.setHtml(render_report(report))
        cert_error = getattr(report, "error", None)
        self._offer_trust(cert_error if isinstance(cert_error, CertificateError) else None)

    def _offer_trust(self, error: CertificateError | None) -> None:
        self._certificate_error = error if error is not None and error.fingerprint else None
        self.trust_button.setVisible(self._certificate_error is not None)

    def _trust_certificate(self) -> None:
        error = self._certificate_error
        if error is None or not error.fingerprint:
            return
        if not ask_trust_certificate(self, error):
            return
        self.fingerprint_edit.setText(error.fingerprint)
        self.trust_button.setVisible(False)
        filled = self.tr(
            "The fingerprint is filled in (Certificate tab). Press Test connection "
            "again to check, then save the account."
        )
        self.report_view.append(f"<p>{html.escape(filled)}</p>")

    # -- accept: store the password through the worker ------------------------------------

    def accept(self) -> None:
        if self._pending_store is not None:
            return
        try:
            account = self._candidate()
        except ConfigError as error:
            self._show_problem(str(error))
            return
        password = self.password()
        if password is None:
            self._result = account
            super().accept()
            return
        self._pending_store = account
        self.ok_button.setEnabled(False)
        self._set_message(self.tr("Saving the password in the system keyring…"), error=False)
        self.controller.store_password(account, password)  # type: ignore[union-attr]

    def _password_stored(self, error: PopguiError | None) -> None:
        account = self._pending_store
        self._pending_store = None
        if error is None and account is not None:
            self._result = account
            super().accept()
            return
        self._revalidate()
        self._set_message(_keyring_advice(error))

    def done(self, result: int) -> None:
        with contextlib.suppress(RuntimeError, TypeError):
            self.controller.finished.disconnect(self._job_finished)  # type: ignore[union-attr]
        super().done(result)


# -- wording ---------------------------------------------------------------------------------


def _field_of(message: str) -> str | None:
    first = message.split(" ", 1)[0]
    if first in {field.name for field in fields(Account)}:
        return first
    if message.startswith(("The password", "port must")):
        return "password" if message.startswith("The password") else "port"
    if message.startswith("there is already an account"):
        return "name"
    return None


_FIELD_WORDS = {
    "password_command": "the password command",
    "delete_after_days": "the number of days",
    "remote_folder": "the remote folder",
    "ca_file": "the CA certificate file",
    "check_interval_minutes": "the check interval",
    "delete_when_deleted_locally": "the delete-here-deletes-there setting",
    "password_source": "the password source",
}


def _humanise(message: str) -> str:
    """validate_account's sentence with field identifiers in words, as a capitalised sentence."""
    for name, words in _FIELD_WORDS.items():
        if message.startswith(name):
            message = words.removeprefix("the ") + message[len(name) :]
        message = message.replace(name, words)
    return _capitalised(message)


def _capitalised(message: str) -> str:
    sentence = message[:1].upper() + message[1:]
    return sentence if sentence.endswith(".") else sentence + "."


def _describe(error: PopguiError) -> str:
    """describe(), minus its command-line hints: the dialog has its own buttons and fields."""
    if isinstance(error, CertificateError):
        return _capitalised(str(error))
    if isinstance(error, CredentialsError) and not isinstance(error, KeyringUnavailableError):
        return (
            _capitalised(str(error))
            + " "
            + translate(
                "AccountDialog",
                "Some providers (Gmail, Yahoo) want an app password here, "
                "Microsoft an OAuth2 token.",
            )
        )
    return describe(error)


def _keyring_advice(error: PopguiError | None) -> str:
    way_out = " " + translate(
        "AccountDialog",
        "Choose “Password command” instead (e.g. pass show mail/work), or clear the password "
        "field to save the account without a password.",
    )
    if isinstance(error, KeyringLockedError):
        return (
            translate(
                "AccountDialog",
                "The system keyring is locked, so the password could not be saved. Unlock it (log "
                "in to the desktop or open your keyring manager) and press Save again.",
            )
            + way_out
        )
    if isinstance(error, KeyringUnavailableError):
        return (
            translate("AccountDialog", "No system keyring is available to keep the password.")
            + way_out
        )
    if isinstance(error, ConfigError | CredentialsError):
        text = str(error)
    else:
        text = (
            describe(error)
            if error is not None
            else translate("AccountDialog", "no answer from the keyring")
        )
    return (
        translate("AccountDialog", "The password could not be saved: {reason}.").format(reason=text)
        + way_out
    )


def _address(account: Account) -> str:
    host, port = account.host, account.effective_port
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _error_html(text: str, error: PopguiError | None) -> str:
    title = (
        translate("AccountDialog", "Certificate not trusted")
        if isinstance(error, CertificateError)
        else translate("AccountDialog", "Test failed")
    )
    return f"<p style='color:#b3261e'><b>{title}</b></p><p>{html.escape(text)}</p>"


def _row(label: str, value: str | None, *, mono: bool = False) -> str:
    if not value:
        return ""
    shown = html.escape(value).replace("\n", "<br>")
    if mono:
        shown = f"<span style='font-family:monospace'>{shown}</span>"
    cell = "<td style='padding-right:10px' valign='top'>"
    return f"<tr>{cell}<i>{label}</i></td><td>{shown}</td></tr>"


def render_report(report: Any) -> str:
    """A ConnectionReport as HTML for the report pane (every value escaped)."""
    error = report.error
    parts: list[str] = []
    if error is None and report.login_ok:
        ok = translate("AccountDialog", "Connected and logged in.")
        parts.append(f"<p style='color:#188038'><b>{ok}</b></p>")
    elif error is None:
        ok, untried = (
            translate("AccountDialog", "Connected."),
            translate("AccountDialog", "The login was not tried."),
        )
        parts.append(f"<p style='color:#188038'><b>{ok}</b> {untried}</p>")
    else:
        title = (
            translate("AccountDialog", "Certificate not trusted:")
            if isinstance(error, CertificateError)
            else translate("AccountDialog", "Problem:")
        )
        problem = html.escape(_describe(error))
        parts.append(f"<p style='color:#b3261e'><b>{title}</b> {problem}</p>")
    server = [
        _row(translate("AccountDialog", "Server"), report.address),
        _row(
            translate("AccountDialog", "Protocol"), str(getattr(report, "protocol", "pop3")).upper()
        ),
        _row(translate("AccountDialog", "Security"), report.security),
        _row(translate("AccountDialog", "Greeting"), getattr(report, "greeting", None)),
    ]
    parts.append("<table style='margin-top:6px'>" + "".join(server) + "</table>")
    cert = report.certificate
    if report.tls_version or cert is not None:
        rows = [
            _row("TLS", report.tls_version),
            _row(translate("AccountDialog", "Cipher"), report.cipher),
        ]
        if cert is not None:
            validity = " – ".join(v for v in (cert.not_before, cert.not_after) if v)
            rows += [
                _row(translate("AccountDialog", "Issued to"), cert.subject),
                _row(translate("AccountDialog", "Issued by"), cert.issuer),
                _row(translate("AccountDialog", "Valid"), validity),
                _row("SHA-256", wrap_fingerprint(cert.fingerprint, per_line=8), mono=True),
            ]
            if getattr(report, "certificate_pinned", False):
                rows.append(
                    _row(
                        translate("AccountDialog", "Trusted"),
                        translate("AccountDialog", "by its pinned fingerprint"),
                    )
                )
        title = translate("AccountDialog", "Encryption")
        parts.append(f"<h4>{title}</h4><table>" + "".join(rows) + "</table>")
    if report.capabilities:
        lines = "<br>".join(html.escape(line) for line in report.capabilities)
        title = translate("AccountDialog", "Capabilities (CAPA)")
        parts.append(f"<h4>{title}</h4><p style='font-family:monospace'>{lines}</p>")
    if report.auth_methods:
        methods = html.escape(", ".join(report.auth_methods))
        auto = getattr(report, "auto_method", None)
        extra = (
            "<br>"
            + translate("AccountDialog", "Automatic would use {method}.").format(
                method=f"<b>{html.escape(auto)}</b>"
            )
            if auto
            else ""
        )
        title = translate("AccountDialog", "Login methods offered")
        parts.append(f"<h4>{title}</h4><p>{methods}{extra}</p>")
    login = report.login_ok
    if login is not None:
        method = getattr(report, "login_method", None)
        if login and method:
            text = translate("AccountDialog", "Succeeded with {method}.").format(
                method=html.escape(method)
            )
        elif login:
            text = translate("AccountDialog", "Succeeded.")
        else:
            refused = translate("AccountDialog", "Refused.")
            text = f"<span style='color:#b3261e'>{refused}</span>"
        title = translate("AccountDialog", "Login")
        parts.append(f"<h4>{title}</h4><p>{text}</p>")
    if report.notes:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in report.notes)
        title = translate("AccountDialog", "Notes")
        parts.append(f"<h4>{title}</h4><ul style='margin-left:-20px'>{items}</ul>")
    return "".join(parts)
