"""The account dialog: add or edit every setting an account has, test it, trust its certificate.

Every setting of ``popgui account add`` is here (name, server, port, protocol, security, user,
login method, password or password command, what to do with mail on the server, Maildir, POP2
folder, CA file, certificate fingerprint) plus the window-only ones (periodic check, delete on
the server when deleted here). The form is checked on every edit by
:func:`~popgui.accounts.settings.validate_account`, the same rule the command line and the
settings file use; its sentence is shown under the form and OK stays disabled while it fails.

The widgets are built and laid out by the tab pages of :mod:`popgui.gui.account_pages`; the
report of "Test connection" is written by :mod:`popgui.gui.connection_report`. This module
fills the form, reads it back, checks it and talks to the controller.

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
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, Qt, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from popgui.accounts.choices import POP2_AUTH, POP2_SECURITY
from popgui.accounts.secrets import KeyringLockedError, stores_password
from popgui.accounts.settings import Account, name_taken, validate_account
from popgui.catalog import accounts as account_says
from popgui.checks import bad_setting
from popgui.errors import (
    ConfigError,
    CredentialsError,
    KeyringUnavailableError,
    PopguiError,
    SettingError,
)
from popgui.gui import network_box as net
from popgui.gui.account_pages import (
    CertificatePage,
    ConnectionTestBox,
    MailPage,
    ServerPage,
    enable_items,
    select,
)
from popgui.gui.certificate_dialog import ask_trust_certificate
from popgui.gui.deliver_box import DELIVER_FIELDS, DeliverBox, DeliverValues
from popgui.gui.first_sync_box import FirstSyncValues
from popgui.gui.keyring_check import KeyringCheck, KeyringState
from popgui.gui.presets import PRESETS, ProviderPreset, matching_preset, preset
from popgui.gui.sign_in import OAuthValues
from popgui.gui.wording import as_sentence, describe, sentence
from popgui.profile import Profile
from popgui.sync.diagnose import ConnectionReport

if TYPE_CHECKING:
    from popgui.accounts.choices import AuthMethod, PasswordSource, Policy, Security
    from popgui.accounts.choices import Protocol as MailProtocol

__all__ = ["AccountDialog", "DialogController", "FinishedJob"]

# For the module's functions (lupdate reads ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate


class DialogController(Protocol):
    """What the dialog needs from :class:`popgui.gui.worker.EngineController`."""

    finished: SignalInstance  # FinishedJob

    def test_connection(
        self, account: Account, password: str | None, *, proxy_password: str | None = None,
        client_key_passphrase: str | None = None,
    ) -> None: ...  # fmt: skip

    def store_password(self, account: Account, password: str) -> None: ...


class FinishedJob(Protocol):
    """What the dialog reads of :class:`popgui.gui.worker.JobFinished`."""

    @property
    def account(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def result(self) -> object: ...
    @property
    def error(self) -> PopguiError | None: ...


class _FormValues(
    OAuthValues, FirstSyncValues, DeliverValues, net.ProxyValues, net.ClientCertValues
):
    """The form as :class:`Account` keywords (an edited account keeps any other field)."""

    name: str
    host: str
    port: int | None
    protocol: MailProtocol
    security: Security
    user: str
    auth: AuthMethod
    password_source: PasswordSource
    password_command: str | None
    policy: Policy
    delete_after_days: int | None
    maildir: str | None
    remote_folder: str | None
    ca_file: str | None
    fingerprint: str | None
    check_interval_minutes: int | None
    delete_when_deleted_locally: bool


#: A form not filled in yet: said as a hint, not as an error (an empty password command too:
#: where there is no keyring it is the way to go, so it is the next thing to fill in).
_REQUIRED_EMPTY = (
    account_says.NAME_EMPTY, account_says.HOST_EMPTY, account_says.USER_EMPTY,
    account_says.COMMAND_EMPTY,
)  # fmt: skip
_INVALID_STYLE = '*[invalid="true"] { border: 1px solid #d93025; border-radius: 2px; }'
#: The fields shown on the Mail and Certificate tabs (the others are on the first one).
_FIELD_TABS = {
    "mail": (
        "policy", "delete_after_days", "maildir", "remote_folder",
        "check_interval_minutes", "delete_when_deleted_locally",
    ),
    "certificate": ("ca_file", "fingerprint", *net.CLIENT_CERT_FIELDS),
    "proxy": net.PROXY_FIELDS,
    "deliver": DELIVER_FIELDS,
}  # fmt: skip


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
        controller: DialogController,
        existing_names: Iterable[str],
        account: Account | None = None,
        parent: QWidget | None = None,
        *,
        keyring_probe: Callable[[], KeyringState] | None = None,
    ) -> None:
        # keyring_probe (run off the GUI thread): is a keyring there, holding the password?
        super().__init__(parent)
        self.controller = controller
        self._original = account
        skip = account.name.casefold() if account is not None else None
        self._taken = {name.casefold() for name in existing_names} - {skip}
        self._result: Account | None = None
        self._pending_test: str | None = None
        self._pending_store: Account | None = None
        self._filling = False
        #: What the password field says when empty (an edited account keeps its password).
        self._password_hints = ("", "")
        #: What the keyring check found (None while it runs).
        self.keyring_state: KeyringState | None = None
        self.setObjectName("accountDialog")
        self.setWindowTitle(
            self.tr("Add account")
            if account is None
            else self.tr("Edit account {account}").format(account=account.name)
        )
        self.setStyleSheet(_INVALID_STYLE)
        self._build()
        self._connect()
        if account is not None:
            self._fill(account)
        self._protocol_changed()
        self._update_enabled()
        self._revalidate()
        self.controller.finished.connect(self._job_finished)
        self.name_edit.setFocus()
        KeyringCheck.run(keyring_probe, self, self._keyring_known)

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
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
        self.tabs = QTabWidget()
        self.tabs.setObjectName("accountTabs")
        self.server, self.mail, self.certificate = ServerPage(), MailPage(), CertificatePage()
        self.tabs.addTab(self.server, self.tr("Server and login"))
        self.tabs.addTab(self.mail, self.tr("Mail"))
        self.tabs.addTab(self.certificate, self.tr("Certificate"))
        self.proxy, self.client_cert = net.ProxyBox(), net.ClientCertBox()  # company networks
        self.certificate.form.addRow(self.client_cert)
        self.tabs.addTab(self.proxy, self.tr("Proxy"))
        self.deliver = DeliverBox()  # where the mail goes: the Maildir or a destination
        self.tabs.addTab(self.deliver, self.tr("Deliver to"))
        self.test_box = ConnectionTestBox()
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
        self._name_widgets()
        self._lay_out()

    def _name_widgets(self) -> None:
        """The pages' widgets as the dialog's own attributes, the names the form code uses."""
        server, mail, certificate, test = self.server, self.mail, self.certificate, self.test_box
        self.name_edit, self.host_edit, self.port_edit = (
            server.name_edit, server.host_edit, server.port_edit,
        )  # fmt: skip
        self.protocol_combo, self.security_combo = server.protocol_combo, server.security_combo
        self.user_edit, self.auth_combo = server.user_edit, server.auth_combo
        self.keyring_radio, self.password_edit = server.keyring_radio, server.password_edit
        self.command_radio, self.command_edit = server.command_radio, server.command_edit
        self.file_radio, self.file_edit = server.file_radio, server.file_edit
        self.policy_combo, self.days_spin = mail.policy_combo, mail.days_spin
        self.maildir_edit, self.maildir_browse = mail.maildir_edit, mail.maildir_browse
        self.remote_folder_edit = mail.remote_folder_edit
        self.interval_check, self.interval_spin = mail.interval_check, mail.interval_spin
        self.delete_locally_check, self.first_sync = mail.delete_locally_check, mail.first_sync
        self.ca_file_edit, self.ca_file_browse = (
            certificate.ca_file_edit,
            certificate.ca_file_browse,
        )
        self.fingerprint_edit = certificate.fingerprint_edit
        self.test_button, self.trust_button = test.test_button, test.trust_button
        self.report_view = test.report_view
        self.sign_in_box = server.sign_in_box
        self.sign_in_button = self.sign_in_box.sign_in_button

    def _lay_out(self) -> None:
        top = QFormLayout()
        top.addRow(self.tr("Pro&vider:"), self.preset_combo)
        top.addRow("", self.preset_notes)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.tabs, 1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.test_box, 2)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message_icon, 0, Qt.AlignmentFlag.AlignTop)
        message_row.addWidget(self.message_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(message_row)
        layout.addWidget(self.buttons)
        # No fixed minimum: the layout's own keeps every field whole (the sign-in settings, when
        # opened, make the dialog taller) and still fits an 800-pixel-wide screen, in French too.
        self.resize(1000, 640)

    def _connect(self) -> None:
        edits = (
            self.name_edit, self.host_edit, self.port_edit, self.user_edit, self.password_edit,
            self.file_edit,
            self.command_edit, self.maildir_edit, self.remote_folder_edit, self.ca_file_edit,
            self.fingerprint_edit, *self.sign_in_box.edits(),
        )  # fmt: skip
        for edit in edits:
            edit.textChanged.connect(self._revalidate)
        combos = (self.protocol_combo, self.security_combo, self.auth_combo, self.policy_combo)
        for combo in combos:
            combo.currentIndexChanged.connect(self._revalidate)
        for spin in (self.days_spin, self.interval_spin):
            spin.valueChanged.connect(self._revalidate)
        radios = (self.keyring_radio, self.command_radio, self.file_radio)
        for check in (self.interval_check, self.delete_locally_check, *radios):
            check.toggled.connect(self._revalidate)
        self.protocol_combo.currentIndexChanged.connect(self._protocol_changed)
        self.security_combo.currentIndexChanged.connect(self._update_port_placeholder)
        self.policy_combo.currentIndexChanged.connect(self._update_enabled)
        self.auth_combo.currentIndexChanged.connect(self._update_enabled)
        for radio in radios:
            radio.toggled.connect(self._update_enabled)
        self.interval_check.toggled.connect(self._update_enabled)
        self.name_edit.textChanged.connect(self._update_maildir_placeholder)
        for edit in (self.host_edit, self.sign_in_box.issuer_edit):
            edit.textChanged.connect(lambda: self.sign_in_box.follow_host(self.host_edit.text()))
        self.preset_combo.activated.connect(self._preset_chosen)
        self.first_sync.changed.connect(self._revalidate)
        self.deliver.changed.connect(self._revalidate)
        self.proxy.changed.connect(self._revalidate)
        self.client_cert.changed.connect(self._revalidate)
        self.deliver.candidate, self.deliver.profile = self._candidate, self._profile
        self.user_edit.textChanged.connect(self.deliver.follow_user)
        self.first_sync.target = lambda: (self._values()["host"], self._values()["user"])
        self.test_button.clicked.connect(self._test_connection)
        self.trust_button.clicked.connect(self._trust_certificate)
        self.sign_in_button.clicked.connect(self._sign_in)
        self.sign_in_box.signedIn.connect(self._signed_in)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _fill(self, account: Account) -> None:
        self._filling = True
        try:
            self.name_edit.setText(account.name)
            self.host_edit.setText(account.host)
            self.port_edit.setText("" if account.port is None else str(account.port))
            select(self.protocol_combo, account.protocol)
            select(self.security_combo, account.security)
            self.user_edit.setText(account.user)
            select(self.auth_combo, account.auth)
            self.sign_in_box.fill(account)
            self.server.select_source(account.password_source)
            self.command_edit.setText(account.password_command or "")
            select(self.policy_combo, account.policy)
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
            self.first_sync.show_existing(account, self._profile())
            self.deliver.fill(account)
            self.proxy.fill(account)
            self.client_cert.fill(account)
            found = matching_preset(account.host)
            if found is not None:
                select(self.preset_combo, found.key)
            for edit in (self.host_edit, self.command_edit, self.maildir_edit, self.ca_file_edit):
                edit.setCursorPosition(0)  # a long value shows its beginning, not its end
        finally:
            self._filling = False

    # -- the form --------------------------------------------------------------------------

    def _protocol_changed(self) -> None:
        pop2 = self.protocol_combo.currentData() == "pop2"
        enable_items(self.security_combo, POP2_SECURITY if pop2 else None)
        enable_items(self.auth_combo, POP2_AUTH if pop2 else None)
        if pop2 and self.security_combo.currentData() not in POP2_SECURITY:
            select(self.security_combo, "tls")
        if pop2 and self.auth_combo.currentData() not in POP2_AUTH:
            select(self.auth_combo, "auto")
        self.remote_folder_edit.setEnabled(pop2)
        self.first_sync.set_pop2(pop2)
        self.deliver.set_pop2(pop2)
        self._update_port_placeholder()
        self._revalidate()

    def _update_port_placeholder(self) -> None:
        port = _default_port(self.protocol_combo.currentData(), self.security_combo.currentData())
        self.port_edit.setPlaceholderText(self.tr("{port} (default)").format(port=port))

    def _update_maildir_placeholder(self) -> None:
        name, profile = self.name_edit.text().strip(" ") or self.tr("NAME"), self._profile()
        where = str(profile.mail_dir / name) if profile is not None else f"mail/{name}"
        self.maildir_edit.setPlaceholderText(self.tr("default: {folder}").format(folder=where))

    def _profile(self) -> Profile | None:
        """EngineController knows the profile; a test's controller may not."""
        profile = getattr(self.controller, "profile", None)
        return profile if isinstance(profile, Profile) else None

    def _update_enabled(self) -> None:
        self.days_spin.setEnabled(self.policy_combo.currentData() == "delete-after-days")
        self.server.enable_password_rows(self.auth_combo.currentData(), hints=self._password_hints)
        self.interval_spin.setEnabled(self.interval_check.isChecked())
        self._update_maildir_placeholder()
        self.sign_in_box.follow_host(self.host_edit.text())

    def _keyring_known(self, state: KeyringState) -> None:
        """The keyring check answered: the keyring is offered only where there is one."""
        self.keyring_state = state
        self._password_hints = _password_hints(self._original, state)
        self.server.show_keyring(available=state.available)
        self.proxy.show_keyring(available=state.available)
        self.client_cert.show_keyring(available=state.available)
        original = self._original
        signs_in = original is not None and original.auth == "oauth2"
        self.sign_in_box.show_keyring(
            available=state.available, secret_stored=signs_in and state.stored is True
        )
        if self.sign_in_box.signed_in is None:  # a new account has no sign-in yet
            self.sign_in_box.show_state(state.sign_in if signs_in else "not-signed-in")
        self._update_enabled()
        self._revalidate()

    def _preset_chosen(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        if not key:
            self.preset_notes.setVisible(False)
            return
        self.apply_preset(preset(key))

    def apply_preset(self, chosen: ProviderPreset) -> None:
        """Fill host, port, security (and the login method where the provider needs one)."""
        select(self.preset_combo, chosen.key)
        self.preset_notes.setText(QCoreApplication.translate("Presets", chosen.notes))
        self.preset_notes.setVisible(True)
        if not chosen.available:
            return
        select(self.protocol_combo, "pop3")
        self.host_edit.setText(chosen.host)
        select(self.security_combo, chosen.security)
        self.port_edit.setText(str(chosen.port))
        if chosen.auth != "auto" or self.auth_combo.currentData() in ("xoauth2", "oauth2"):
            select(self.auth_combo, chosen.auth)
        if not self.name_edit.text().strip():
            self.name_edit.setText(chosen.key)

    def _values(self) -> _FormValues:
        """The form as Account keywords; ConfigError for what no Account could hold."""
        port_text = self.port_edit.text().strip(" ")
        if port_text and not port_text.isdigit():
            raise bad_setting("port", account_says.PORT_NOT_NUMBER)
        protocol = self.protocol_combo.currentData()
        policy = self.policy_combo.currentData()
        signs_in = self.auth_combo.currentData() == "oauth2"
        # A sign-in keeps its tokens and client secret in the keyring, whatever the radios say;
        # a Kerberos ticket has nothing to keep ("keyring" is what its setting must say).
        no_password = signs_in or self.auth_combo.currentData() == "gssapi"
        source = "keyring" if no_password else self.server.password_source()
        return {
            "name": self.name_edit.text().strip(" "),
            "host": self.host_edit.text().strip(" "),
            "port": int(port_text) if port_text else None,
            "protocol": protocol,
            "security": self.security_combo.currentData(),
            "user": self.user_edit.text().strip(" "),
            "auth": self.auth_combo.currentData(),
            "password_source": source,
            "password_command": self.command_edit.text() if source == "command" else None,
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
            **self.first_sync.values(self._original),
            **self.deliver.values(),
            **self.proxy.values(),
            **self.client_cert.values(),
            **self.sign_in_box.values(signs_in=signs_in, host=self.host_edit.text()),
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
            raise name_taken(account.name)
        problem = _bad_password(self.password() or "")
        if problem:
            raise SettingError(problem, setting="password")
        if account.auth == "oauth2" and self.password() and not account.oauth_client_id:
            raise SettingError(
                self.tr(
                    "A client secret belongs to the client id of your own app: enter that "
                    "client id too (or leave the secret empty)."
                ),
                setting="oauth_client_id",
            )
        return account

    def _revalidate(self) -> None:
        if self._filling:
            return
        try:
            self._candidate()
        except ConfigError as error:
            self._show_problem(error)
            self.ok_button.setEnabled(False)
            self.test_button.setEnabled(False)
            return
        self._show_problem(None)
        self.ok_button.setEnabled(self._pending_store is None)
        self.test_button.setEnabled(self._pending_test is None)

    def _show_problem(self, error: ConfigError | None) -> None:
        """The form's problem under it, the field at fault outlined (from the error's setting,
        never from its text); an empty required field is a hint, not an error."""
        said = error.sentence if error is not None else None
        hint = said is not None and said.message in _REQUIRED_EMPTY
        field = error.setting if isinstance(error, SettingError) and not hint else None
        for name, widget in _field_widgets(self).items():
            invalid = name == field
            if widget.property("invalid") != invalid:
                widget.setProperty("invalid", invalid)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if error is None:
            self._set_message(None)
            return
        text = as_sentence(describe(error))
        tab = next((tab for tab, names in _FIELD_TABS.items() if field in names), None)
        if tab is not None:
            names = {"mail": self.tr("Mail"), "deliver": self.tr("Deliver to")}
            names["proxy"] = self.tr("Proxy")
            tab_name = names.get(tab, self.tr("Certificate"))
            text += " " + self.tr("(See the {tab} tab.)").format(tab=tab_name)
        self._set_message(text, error=not hint)

    def _set_message(self, text: str | None, *, error: bool = True) -> None:
        _show_message(self.message_icon, self.message_label, text, error=error)

    # -- results ---------------------------------------------------------------------------

    def account(self) -> Account:
        """The validated account (after OK: exactly what was accepted)."""
        if self._result is not None:
            return self._result
        return self._candidate()

    def password(self) -> str | None:
        """The password typed in the dialog, or None (never shown, never logged). For an
        OAuth2 account, its client secret: it is kept in the keyring in the password's place
        (as ``account add --oauth-client-secret`` keeps it). Kerberos: None, a ticket signs in."""
        if self.auth_combo.currentData() == "oauth2":
            return self.sign_in_box.client_secret()
        if self.auth_combo.currentData() == "gssapi":
            return None
        return self.server.typed_password()

    @property
    def report(self) -> ConnectionReport | None:
        """The last ConnectionReport shown."""
        return self.test_box.report

    # -- test connection -------------------------------------------------------------------

    def _test_connection(self) -> None:
        try:
            account = self._candidate()
        except ConfigError as error:
            self._show_problem(error)
            return
        self._pending_test = account.name
        self.test_button.setEnabled(False)
        self.test_box.show_connecting(_address(account))
        self.controller.test_connection(  # not stored yet: the test uses them as typed
            account, self.password(), proxy_password=self.proxy.typed_password(),
            client_key_passphrase=self.client_cert.typed_passphrase(),
        )  # fmt: skip

    def _job_finished(self, job: FinishedJob) -> None:
        kind, name = job.kind, job.account
        if kind == "test" and self._pending_test is not None and name == self._pending_test:
            self._pending_test = None
            report = job.result if isinstance(job.result, ConnectionReport) else None
            self.test_box.show_result(report, job.error)
            self._revalidate()
        elif (
            kind == "password"
            and self._pending_store is not None
            and name == self._pending_store.name
        ):
            self._password_stored(job.error)

    def _trust_certificate(self) -> None:
        error = self.test_box.certificate_error
        if error is None or not error.fingerprint:
            return
        if not ask_trust_certificate(self, error):
            return
        self.fingerprint_edit.setText(error.fingerprint)
        self.test_box.certificate_trusted()
        # The report said "not trusted": test again at once, so it says what is true now.
        if self._pending_test is None:
            self._test_connection()

    # -- sign in (OAuth2): the browser flow, in SignInBox's own thread ------------------------

    def _sign_in(self) -> None:
        try:
            account = self._candidate()
        except ConfigError as error:
            self._show_problem(error)
            return
        original = self._original
        stored_for = original if original is not None and original.auth == "oauth2" else None
        problem = self.sign_in_box.start(
            account, client_secret=self.password(), secret_of=stored_for
        )
        self._set_message(problem)

    def _signed_in(self, _account: Account) -> None:
        button = self.ok_button.text().replace("&", "")
        done = self.tr("Signed in. Press {button} to keep the account.").format(button=button)
        self._set_message(done, error=False)

    # -- accept: store the password through the worker ------------------------------------

    def accept(self) -> None:
        if self._pending_store is not None:
            return
        try:
            account = self._candidate()
        except ConfigError as error:
            self._show_problem(error)
            return
        password = self.password()
        if password is None:
            self._result = account
            super().accept()
            return
        self._pending_store = account
        self.ok_button.setEnabled(False)
        saving = (
            self.tr("Saving the client secret…")
            if account.auth == "oauth2"
            else self.tr("Saving the password…")
        )
        self._set_message(saving, error=False)
        self.controller.store_password(account, password)

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
        self.sign_in_box.cancel()
        self.deliver.cancel()
        with contextlib.suppress(RuntimeError, TypeError):
            self.controller.finished.disconnect(self._job_finished)
        super().done(result)


# -- wording ---------------------------------------------------------------------------------


def _show_message(icon: QLabel, label: QLabel, text: str | None, *, error: bool) -> None:
    """The line under the form: a warning or an information, or nothing."""
    if not text:
        label.clear()
        icon.clear()
        return
    kind = (
        QStyle.StandardPixmap.SP_MessageBoxWarning
        if error
        else QStyle.StandardPixmap.SP_MessageBoxInformation
    )
    icon.setPixmap(icon.style().standardIcon(kind).pixmap(20, 20))
    label.setText(text)


def _field_widgets(dialog: AccountDialog) -> dict[str, QWidget]:
    """The widget that shows each setting (marked when the setting is wrong)."""
    return {
        "name": dialog.name_edit, "host": dialog.host_edit, "port": dialog.port_edit,
        "user": dialog.user_edit, "password_command": dialog.command_edit,
        "maildir": dialog.maildir_edit, "remote_folder": dialog.remote_folder_edit,
        "ca_file": dialog.ca_file_edit, "fingerprint": dialog.fingerprint_edit,
        "password": dialog.password_edit, "auth": dialog.auth_combo,
        "security": dialog.security_combo,
        "oauth_client_id": dialog.sign_in_box.client_id_edit,
        "oauth_tenant": dialog.sign_in_box.tenant_edit,
        "oauth_issuer": dialog.sign_in_box.issuer_edit,
        "oauth_scope": dialog.sign_in_box.scope_edit,
        **dialog.deliver.field_widgets(),
        **dialog.proxy.field_widgets(),
        **dialog.client_cert.field_widgets(),
    }  # fmt: skip


def _password_hints(original: Account | None, state: KeyringState) -> tuple[str, str]:
    """What the empty keyring and file password fields say: that they keep the stored
    password (moved there if the place changes) only where one is stored."""
    keep = translate("AccountDialog", "leave empty to keep the stored password")
    none_stored = translate("AccountDialog", "no password is stored: type it here")
    # An OAuth2 account's keyring entry is its client secret: no password to keep.
    kept = original is not None and original.auth != "oauth2" and stores_password(original)
    stored = kept and state.stored is not False
    if not state.available:
        kept_in_file = stored and original is not None and original.password_source == "file"
        no_keyring = translate("AccountDialog", "no system keyring: see below")
        return no_keyring, keep if kept_in_file else ""
    if original is None or not stores_password(original):
        return "", ""
    return (keep, keep) if stored else (none_stored, none_stored)  # (OAuth2: none stored)


def _keyring_advice(error: PopguiError | None) -> str:
    way_out = " " + translate(
        "AccountDialog",
        "Choose “Password command” instead (e.g. pass show mail/work), or install and unlock "
        "a keyring (GNOME Keyring or KWallet) and press Save again.",
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
        text = sentence(error)
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


def _default_port(protocol: str, security: str) -> int:
    if protocol == "pop2":
        return 109
    return 995 if security == "tls" else 110


def _address(account: Account) -> str:
    host, port = account.host, account.effective_port
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
