"""The account dialog's company-network settings: a proxy (its own tab) and a TLS client
certificate (on the Certificate tab).

They write the fields ``popgui account add --proxy``/``--client-cert`` write (see
docs/company-networks.md) and read them back: ``proxy`` is the URL without password (the
settings file never holds one), the proxy's password and the key's passphrase are typed here
and stored in the keyring by :mod:`popgui.gui.proxy_secrets` when the account is saved, or
printed by a command. Whether the values are right is judged by ``validate_account``, as for
every field; a wrong one is outlined through :meth:`field_widgets`.

No file, network or keyring work here: the file pickers only pick a name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QIntValidator
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
    QWidget,
)

from popgui.accounts.choices import ClientKeyPasswordSource, PasswordSource
from popgui.accounts.proxy_settings import account_proxy
from popgui.accounts.settings import Account
from popgui.errors import ConfigError

__all__ = [
    "CLIENT_CERT_FIELDS",
    "PROXY_FIELDS",
    "ClientCertBox",
    "ClientCertValues",
    "ProxyBox",
    "ProxyValues",
]

translate = QCoreApplication.translate

PROXY_FIELDS = ("proxy", "proxy_password_source", "proxy_password_command")
CLIENT_CERT_FIELDS = (
    "client_cert", "client_key", "client_key_password_source", "client_key_password_command",
)  # fmt: skip


class ProxyValues(TypedDict):
    proxy: str | None
    proxy_password_source: PasswordSource
    proxy_password_command: str | None


class ClientCertValues(TypedDict):
    client_cert: str | None
    client_key: str | None
    client_key_password_source: ClientKeyPasswordSource
    client_key_password_command: str | None


class _SecretRows:
    """A password kept in the keyring or printed by a command: two radios, two fields, and a
    notice for a computer without a keyring, where only the command can keep it."""

    def __init__(
        self, form: QFormLayout, keyring_text: str, command_text: str, example: str, notice: str
    ) -> None:
        self.keyring_radio = QRadioButton(keyring_text)
        self.command_radio = QRadioButton(command_text)
        self.keyring_radio.setChecked(True)
        self.secret_edit, self.command_edit = QLineEdit(), QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.command_edit.setPlaceholderText(example)
        self.notice = QLabel(notice)
        self.notice.setWordWrap(True)
        self.notice.setObjectName("noKeyringNotice")
        form.addRow(self.keyring_radio, self.secret_edit)
        form.addRow(self.command_radio, self.command_edit)
        form.addRow(self.notice)
        self.keyring_available = True

    def show_keyring(self, *, available: bool) -> None:
        """Without a keyring the typed secret could not be kept: the command is the choice."""
        self.keyring_available = available
        if not available and self.keyring_radio.isChecked():
            self.command_radio.setChecked(True)

    def update(self, *, used: bool) -> None:
        """Enable the rows when a secret is needed (a proxy login, an encrypted key)."""
        keyring = used and self.keyring_available
        self.keyring_radio.setEnabled(keyring)
        self.command_radio.setEnabled(used)
        self.secret_edit.setEnabled(keyring and self.keyring_radio.isChecked())
        self.command_edit.setEnabled(used and self.command_radio.isChecked())
        self.notice.setVisible(used and not self.keyring_available)


def _typed(edit: QLineEdit) -> str | None:
    return edit.text() if edit.isEnabled() and edit.text() else None


class ProxyBox(QWidget):
    """The Proxy tab: none, SOCKS5 (popgui or the proxy looks up names) or HTTP CONNECT."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("proxyKindCombo")
        kinds = (
            ("", translate("NetworkBox", "None: connect directly")),
            ("socks5", translate("NetworkBox", "SOCKS5")),
            ("socks5h", translate("NetworkBox", "SOCKS5, the proxy looks up names")),
            ("http", translate("NetworkBox", "HTTP (CONNECT)")),
        )
        for value, label in kinds:
            self.kind_combo.addItem(label, value)
        self.host_edit, self.port_edit = QLineEdit(), QLineEdit()
        self.host_edit.setObjectName("proxyHostEdit")
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaximumWidth(90)
        self.login_check = QCheckBox(translate("NetworkBox", "The proxy asks for a &login"))
        self.user_edit = QLineEdit()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(translate("NetworkBox", "&Proxy:"), self.kind_combo)
        server = QHBoxLayout()
        server.addWidget(self.host_edit, 1)
        server.addWidget(QLabel(translate("NetworkBox", "Port:")))
        server.addWidget(self.port_edit)
        host_label = QLabel(translate("NetworkBox", "P&roxy server:"))
        host_label.setBuddy(self.host_edit)
        form.addRow(host_label, server)
        form.addRow(self.login_check)
        form.addRow(translate("NetworkBox", "Proxy &user:"), self.user_edit)
        self.secret = _SecretRows(
            form,
            translate("NetworkBox", "Pass&word:"),
            translate("NetworkBox", "Password co&mmand:"),
            translate("NetworkBox", "e.g. pass show work/proxy"),
            translate(
                "NetworkBox",
                "This computer has no system keyring to keep the proxy's password in: give a "
                "command that prints it (from a password manager), or install and unlock a "
                "keyring (GNOME Keyring, KWallet).",
            ),
        )
        self.keyring_radio, self.password_edit = self.secret.keyring_radio, self.secret.secret_edit
        self.command_radio, self.command_edit = self.secret.command_radio, self.secret.command_edit
        explain = QLabel(
            translate(
                "NetworkBox",
                "Only for a network that reaches mail servers through a proxy. The password is "
                "kept in the system keyring, never in the settings file.",
            )
        )
        explain.setWordWrap(True)
        explain.setMinimumWidth(360)
        form.addRow(explain)
        self.kind_combo.currentIndexChanged.connect(self._update)
        self.login_check.toggled.connect(self._update)
        self.keyring_radio.toggled.connect(self._update)
        for edit in (self.host_edit, self.port_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self.changed)
        self.command_edit.textChanged.connect(self.changed)
        self.kind_combo.currentIndexChanged.connect(self.changed)
        self.login_check.toggled.connect(self.changed)
        self.keyring_radio.toggled.connect(self.changed)
        self._update()

    def _update(self) -> None:
        used = bool(self.kind_combo.currentData())
        login = used and self.login_check.isChecked()
        for widget in (self.host_edit, self.port_edit):
            widget.setEnabled(used)
        self.login_check.setEnabled(used)
        self.user_edit.setEnabled(login)
        self.secret.update(used=login)

    def show_keyring(self, *, available: bool) -> None:
        """Whether a system keyring can keep the password (the dialog's keyring check)."""
        self.secret.show_keyring(available=available)
        self._update()

    def fill(self, account: Account) -> None:
        """Show the account's proxy (a bad address on file: shown as none, the form says so)."""
        try:
            proxy = account_proxy(account)
        except ConfigError:
            proxy = None
        if proxy is None:
            self.kind_combo.setCurrentIndex(0)
            return
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(proxy.scheme)))
        self.host_edit.setText(proxy.host)
        self.port_edit.setText(str(proxy.port))
        self.login_check.setChecked(proxy.user is not None)
        self.user_edit.setText(proxy.user or "")
        if account.proxy_password_source == "command":
            self.command_radio.setChecked(True)
            self.command_edit.setText(account.proxy_password_command or "")
        if proxy.user is not None and account.proxy_password_source == "keyring":
            keep = translate("NetworkBox", "leave empty to keep the stored password")
            self.password_edit.setPlaceholderText(keep)

    def values(self) -> ProxyValues:
        """The proxy fields; the address is judged by ``validate_account`` (``proxy``)."""
        scheme = self.kind_combo.currentData()
        if not scheme:
            return {"proxy": None, "proxy_password_source": "keyring",
                    "proxy_password_command": None}  # fmt: skip
        host = self.host_edit.text().strip()
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        port = self.port_edit.text().strip()
        user = self.user_edit.text().strip() if self.login_check.isChecked() else ""
        login = f"{quote(user, safe='')}@" if user else ""
        command = user and self.command_radio.isChecked()
        return {
            "proxy": f"{scheme}://{login}{host}:{port}" if port else f"{scheme}://{login}{host}",
            "proxy_password_source": "command" if command else "keyring",
            "proxy_password_command": self.command_edit.text() if command else None,
        }

    def typed_password(self) -> str | None:
        """The proxy password typed (to be stored in the keyring), or None."""
        return _typed(self.password_edit)

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            "proxy": self.host_edit,
            "proxy_password_source": self.keyring_radio,
            "proxy_password_command": self.command_edit,
        }


class ClientCertBox(QGroupBox):
    """A TLS client certificate: its file, its key's file, the key's passphrase."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__(translate("NetworkBox", "Client certificate"))
        self.setObjectName("clientCertBox")
        self.cert_edit, self.key_edit = QLineEdit(), QLineEdit()
        self.cert_edit.setObjectName("clientCertEdit")
        self.cert_edit.setPlaceholderText(
            translate("NetworkBox", "only for a server that asks for one")
        )
        self.key_edit.setPlaceholderText(
            translate("NetworkBox", "optional: when the key is not in the certificate's file")
        )
        self.cert_browse = QPushButton(translate("NetworkBox", "Bro&wse…"))
        self.key_browse = QPushButton(translate("NetworkBox", "Brow&se…"))
        self.encrypted_check = QCheckBox(translate("NetworkBox", "The key is &encrypted"))
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for text, edit, browse in (
            (translate("NetworkBox", "Cer&tificate file:"), self.cert_edit, self.cert_browse),
            (translate("NetworkBox", "&Key file:"), self.key_edit, self.key_browse),
        ):
            label, row = QLabel(text), QHBoxLayout()
            label.setBuddy(edit)
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
        form.addRow(self.encrypted_check)
        self.secret = _SecretRows(
            form,
            translate("NetworkBox", "Passp&hrase:"),
            translate("NetworkBox", "Passphrase comman&d:"),
            translate("NetworkBox", "e.g. pass show work/client-key"),
            translate(
                "NetworkBox",
                "This computer has no system keyring to keep the key's passphrase in: give a "
                "command that prints it (from a password manager), or install and unlock a "
                "keyring (GNOME Keyring, KWallet).",
            ),
        )
        self.keyring_radio = self.secret.keyring_radio
        self.passphrase_edit = self.secret.secret_edit
        self.command_radio, self.command_edit = self.secret.command_radio, self.secret.command_edit
        self.cert_browse.clicked.connect(lambda: self._browse(self.cert_edit))
        self.key_browse.clicked.connect(lambda: self._browse(self.key_edit))
        self.encrypted_check.toggled.connect(self._update)
        self.keyring_radio.toggled.connect(self._update)
        for edit in (self.cert_edit, self.key_edit, self.passphrase_edit, self.command_edit):
            edit.textChanged.connect(self.changed)
            edit.textChanged.connect(self._update)
        self.encrypted_check.toggled.connect(self.changed)
        self.keyring_radio.toggled.connect(self.changed)
        self._update()

    def _browse(self, edit: QLineEdit) -> None:
        start = edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self.window(), translate("NetworkBox", "Client certificate or key"), start,
            translate("NetworkBox", "PEM files (*.pem *.crt *.key);;All files (*)"),
        )  # fmt: skip
        if chosen:
            edit.setText(chosen)

    def _update(self) -> None:
        has_cert = bool(self.cert_edit.text().strip())
        encrypted = has_cert and self.encrypted_check.isChecked()
        self.encrypted_check.setEnabled(has_cert)
        self.secret.update(used=encrypted)

    def show_keyring(self, *, available: bool) -> None:
        """Whether a system keyring can keep the passphrase (the dialog's keyring check)."""
        self.secret.show_keyring(available=available)
        self._update()

    def fill(self, account: Account) -> None:
        self.cert_edit.setText(account.client_cert or "")
        self.key_edit.setText(account.client_key or "")
        source = account.client_key_password_source
        self.encrypted_check.setChecked(source != "none")
        if source == "command":
            self.command_radio.setChecked(True)
        self.command_edit.setText(account.client_key_password_command or "")
        if source == "keyring":
            keep = translate("NetworkBox", "leave empty to keep the stored one")
            self.passphrase_edit.setPlaceholderText(keep)

    def values(self) -> ClientCertValues:
        cert = self.cert_edit.text().strip() or None
        encrypted = cert is not None and self.encrypted_check.isChecked()
        command = encrypted and self.command_radio.isChecked()
        source: ClientKeyPasswordSource = (
            ("command" if command else "keyring") if encrypted else "none"
        )
        return {
            "client_cert": cert,
            "client_key": (self.key_edit.text().strip() or None) if cert else None,
            "client_key_password_source": source,
            "client_key_password_command": self.command_edit.text() if command else None,
        }

    def typed_passphrase(self) -> str | None:
        """The key's passphrase typed (to be stored in the keyring), or None."""
        return _typed(self.passphrase_edit)

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            "client_cert": self.cert_edit,
            "client_key": self.key_edit,
            "client_key_password_source": self.encrypted_check,
            "client_key_password_command": self.command_edit,
        }
