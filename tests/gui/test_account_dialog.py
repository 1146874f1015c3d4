"""The account dialog: every setting, inline validation, presets, test connection, keyring."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.choices import AuthMethod, Policy, Protocol, Security
from popgui.accounts.secrets import KeyringLockedError
from popgui.accounts.settings import Account
from popgui.errors import CertificateError, KeyringUnavailableError, PopguiError
from popgui.gui import account_dialog as account_dialog_module
from popgui.gui import i18n
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.account_pages import AUTH_LABELS, POLICY_LABELS, PROTOCOL_LABELS, SECURITY_LABELS
from popgui.gui.keyring_check import KeyringState
from popgui.gui.presets import PRESETS, matching_preset, preset
from popgui.gui.worker import EngineController
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.net.certificates import CertificateInfo
from popgui.profile import Profile
from popgui.sync.diagnose import ConnectionReport

FINGERPRINT = ":".join(f"{i:02x}" for i in range(32))


@dataclass(frozen=True)
class Finished:
    """Shaped like popgui.gui.worker.JobFinished (the real one is used at the end of the file)."""

    account: str
    kind: str
    result: object
    error: PopguiError | None


class FakeController(QObject):
    """The two methods and the signal the dialog uses; answers on the next event loop turn."""

    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.tests: list[tuple[Account, str | None]] = []
        self.stored: list[tuple[Account, str]] = []
        self.report: ConnectionReport | None = None
        self.store_error: PopguiError | None = None

    def test_connection(
        self,
        account: Account,
        password: str | None,
        *,
        proxy_password: str | None = None,
        client_key_passphrase: str | None = None,
    ) -> None:
        self.tests.append((account, password))
        if self.report is not None:
            job = Finished(account.name, "test", self.report, self.report.error)
            QTimer.singleShot(0, lambda: self.finished.emit(job))

    def store_password(self, account: Account, password: str) -> None:
        self.stored.append((account, password))
        job = Finished(account.name, "password", None, self.store_error)
        QTimer.singleShot(0, lambda: self.finished.emit(job))


@pytest.fixture
def controller() -> FakeController:
    return FakeController()


@pytest.fixture
def make_dialog(qtbot: QtBot, controller: FakeController) -> Iterator[Any]:
    def make(account: Account | None = None, names: tuple[str, ...] = ("home",)) -> AccountDialog:
        dialog = AccountDialog(controller, names, account)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def item_enabled(combo: QComboBox, value: str) -> bool:
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    return model.item(combo.findData(value)).isEnabled()


def fill_basic(qtbot: QtBot, dialog: AccountDialog) -> None:
    qtbot.keyClicks(dialog.name_edit, "work")
    qtbot.keyClicks(dialog.host_edit, "pop.example.org")
    qtbot.keyClicks(dialog.user_edit, "alice")


# -- new account --------------------------------------------------------------------------------


def test_new_account_filled_and_accepted(
    qtbot: QtBot, make_dialog: Any, controller: FakeController, tmp_path: Path
) -> None:
    dialog = make_dialog()
    assert not dialog.ok_button.isEnabled()
    fill_basic(qtbot, dialog)
    qtbot.keyClicks(dialog.port_edit, "1995")
    choose(dialog.security_combo, "starttls")
    choose(dialog.auth_combo, "scram-sha-256")
    qtbot.keyClicks(dialog.password_edit, "s3cret pass")
    choose(dialog.policy_combo, "delete-after-days")
    dialog.days_spin.setValue(30)
    dialog.maildir_edit.setText(str(tmp_path / "Mail" / "work"))
    dialog.ca_file_edit.setText(str(tmp_path / "ca.pem"))
    dialog.interval_check.setChecked(True)
    dialog.interval_spin.setValue(20)
    dialog.delete_locally_check.setChecked(True)
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    expected = Account(
        name="work", host="pop.example.org", port=1995, protocol="pop3", security="starttls",
        user="alice", auth="scram-sha-256", password_source="keyring", policy="delete-after-days",
        delete_after_days=30, maildir=str(tmp_path / "Mail" / "work"),
        ca_file=str(tmp_path / "ca.pem"), check_interval_minutes=20,
        delete_when_deleted_locally=True,
    )  # fmt: skip
    assert dialog.account() == expected
    assert controller.stored == [(expected, "s3cret pass")]


def test_defaults_and_password_command(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    assert dialog.port_edit.placeholderText() == "995 (default)"
    dialog.command_radio.setChecked(True)
    assert not dialog.password_edit.isEnabled() and dialog.command_edit.isEnabled()
    assert not dialog.ok_button.isEnabled()
    assert "Password command is empty" in dialog.message_label.text()
    qtbot.keyClicks(dialog.command_edit, "pass show mail/work")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account() == Account(
        name="work", host="pop.example.org", user="alice", password_source="command",
        password_command="pass show mail/work",
    )  # fmt: skip
    assert controller.stored == [], "nothing to store for a password command"


def test_port_placeholder_follows_protocol_and_security(make_dialog: Any) -> None:
    dialog = make_dialog()
    choose(dialog.security_combo, "starttls")
    assert dialog.port_edit.placeholderText() == "110 (default)"
    choose(dialog.protocol_combo, "pop2")
    assert dialog.port_edit.placeholderText() == "109 (default)"


@pytest.mark.parametrize(
    ("labels", "kind", "combo"),
    [
        (PROTOCOL_LABELS, Protocol, "protocol_combo"),
        (SECURITY_LABELS, Security, "security_combo"),
        (AUTH_LABELS, AuthMethod, "auth_combo"),
        (POLICY_LABELS, Policy, "policy_combo"),
    ],
)
def test_choices_come_from_the_settings(
    make_dialog: Any, labels: dict[str, str], kind: object, combo: str
) -> None:
    """One list of values (the settings'); the dialog only labels them, each one."""
    values = get_args(kind)
    assert set(labels) == set(values), "a value without a label, or a label without one"
    dialog = make_dialog()
    box: QComboBox = getattr(dialog, combo)
    assert [box.itemData(row) for row in range(box.count())] == list(values)
    assert all(box.itemText(row) for row in range(box.count()))


def test_browse_buttons_fill_the_maildir_and_the_ca_file(
    make_dialog: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[QWidget] = []

    def directory(parent: QWidget, _title: str, _start: str) -> str:
        asked.append(parent)
        return str(tmp_path / "mail")

    def file(parent: QWidget, _title: str, _start: str, _filter: str) -> tuple[str, str]:
        asked.append(parent)
        return str(tmp_path / "ca.pem"), ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", directory)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", file)
    dialog = make_dialog()
    dialog.maildir_browse.click()
    dialog.ca_file_browse.click()
    assert dialog.maildir_edit.text() == str(tmp_path / "mail")
    assert dialog.ca_file_edit.text() == str(tmp_path / "ca.pem")
    assert asked == [dialog, dialog], "the file dialogs open over the account dialog"


# -- editing ------------------------------------------------------------------------------------

ORIGINAL = Account(
    name="old", host="10.0.0.1", port=1109, protocol="pop2", security="none", user="bob",
    auth="user", password_source="command", password_command="cat ~/.pw",
    policy="delete", maildir="~/Mail/old", remote_folder="archive", ca_file="/etc/ca.pem",
    fingerprint=FINGERPRINT, check_interval_minutes=60, delete_when_deleted_locally=True,
)  # fmt: skip


def test_edit_keeps_unchanged_fields(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog(ORIGINAL, names=("home", "old"))
    assert dialog.windowTitle() == "Edit account old"
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    assert dialog.remote_folder_edit.isEnabled()
    dialog.user_edit.setText("robert")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account() == dataclasses.replace(ORIGINAL, user="robert")
    assert controller.stored == []


def test_edit_without_changes_is_identical(make_dialog: Any) -> None:
    account = Account(name="g", host="pop.gmail.com", user="me@gmail.com")
    dialog = make_dialog(account, names=("g",))
    assert dialog.preset_combo.currentData() == "gmail"  # recognised, fields untouched
    assert dialog.password_edit.placeholderText().startswith("leave empty")
    dialog.accept()
    assert dialog.account() == account


def test_renaming_onto_another_account_is_refused(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog(ORIGINAL, names=("Home", "old"))
    dialog.name_edit.setText("home")
    assert not dialog.ok_button.isEnabled()
    assert "already an account named 'home'" in dialog.message_label.text()
    dialog.name_edit.setText("OLD")  # its own name, in another case: fine
    assert dialog.ok_button.isEnabled()


# -- validation ---------------------------------------------------------------------------------


def test_host_with_cr_shows_the_message_and_disables_ok(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    assert dialog.ok_button.isEnabled()
    dialog.host_edit.setText("pop.example.org\rDELE 1")
    assert not dialog.ok_button.isEnabled()
    assert not dialog.test_button.isEnabled()
    message = dialog.message_label.text()
    assert "Host contains a control character" in message and "remove it" in message
    assert dialog.host_edit.property("invalid") is True
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.host_edit.setText("pop.example.org")
    assert dialog.ok_button.isEnabled()
    assert dialog.message_label.text() == ""
    assert dialog.host_edit.property("invalid") is False


@pytest.mark.parametrize("field", ["name_edit", "user_edit", "remote_folder_edit"])
def test_lf_and_nul_are_refused_everywhere(qtbot: QtBot, make_dialog: Any, field: str) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    choose(dialog.protocol_combo, "pop2")
    for bad in ("a\nb", "a\0b"):
        getattr(dialog, field).setText(bad)
        assert not dialog.ok_button.isEnabled()
        assert "control character" in dialog.message_label.text()


def test_password_with_line_break_is_refused(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    dialog.password_edit.setText("pass\nUSER evil")
    assert not dialog.ok_button.isEnabled()
    assert "line break or a NUL" in dialog.message_label.text()


def test_empty_form_is_a_hint_and_bad_fingerprint_names_the_tab(
    qtbot: QtBot, make_dialog: Any
) -> None:
    dialog = make_dialog()
    assert "Name is empty" in dialog.message_label.text()
    fill_basic(qtbot, dialog)
    dialog.fingerprint_edit.setText("12:34")
    assert not dialog.ok_button.isEnabled()
    assert "SHA-256" in dialog.message_label.text()
    assert "Certificate tab" in dialog.message_label.text()


# -- presets ------------------------------------------------------------------------------------


def _activate(dialog: AccountDialog, key: str) -> None:
    index = dialog.preset_combo.findData(key)
    dialog.preset_combo.setCurrentIndex(index)
    dialog.preset_combo.activated.emit(index)


def test_preset_fills_host_port_security(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    choose(dialog.security_combo, "none")
    _activate(dialog, "gmail")
    assert dialog.host_edit.text() == "pop.gmail.com"
    assert dialog.port_edit.text() == "995"
    assert dialog.security_combo.currentData() == "tls"
    assert dialog.name_edit.text() == "gmail"
    assert dialog.preset_notes.isVisible()
    assert "Sign in…" in dialog.preset_notes.text()
    assert dialog.auth_combo.currentData() == "oauth2"
    dialog.user_edit.setText("me@gmail.com")
    assert dialog.account().oauth_provider == "google"


def test_outlook_preset_needs_oauth2(make_dialog: Any) -> None:
    dialog = make_dialog()
    _activate(dialog, "outlook")
    assert dialog.host_edit.text() == "outlook.office365.com"
    assert dialog.auth_combo.currentData() == "oauth2"
    assert "Sign in…" in dialog.preset_notes.text()
    assert dialog.sign_in_button.isVisibleTo(dialog)
    dialog.user_edit.setText("ann@example.com")
    assert dialog.account().oauth_provider == "microsoft"
    _activate(dialog, "gmx")  # a password provider again: back to automatic
    assert dialog.auth_combo.currentData() == "auto"


def test_icloud_says_there_is_no_pop(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    qtbot.keyClicks(dialog.host_edit, "pop.example.org")
    _activate(dialog, "icloud")
    assert dialog.host_edit.text() == "pop.example.org", "nothing filled"
    assert "no POP" in dialog.preset_notes.text()


def test_presets_are_consistent() -> None:
    keys = [p.key for p in PRESETS]
    assert len(keys) == len(set(keys))
    for item in PRESETS:
        if item.available:
            account = Account(name=item.key, host=item.host, port=item.port,
                              security=item.security, user="u", auth=item.auth)  # fmt: skip
            assert account.effective_port == 995
        assert item.notes
    assert not preset("icloud").available
    assert matching_preset("POP.GMAIL.COM") is preset("gmail")
    assert {"gmail", "outlook", "yahoo", "gmx", "orange", "free", "laposte", "ovh"} <= set(keys)


# -- POP2 ---------------------------------------------------------------------------------------


def test_pop2_enables_remote_folder_and_restricts_choices(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    choose(dialog.security_combo, "starttls")
    choose(dialog.auth_combo, "cram-md5")
    assert not dialog.remote_folder_edit.isEnabled()
    choose(dialog.protocol_combo, "pop2")
    assert dialog.remote_folder_edit.isEnabled()
    assert dialog.security_combo.currentData() == "tls"
    assert dialog.auth_combo.currentData() == "auto"
    assert not item_enabled(dialog.security_combo, "starttls")
    assert item_enabled(dialog.security_combo, "none")
    assert [v for v in ("auto", "user", "apop", "plain", "xoauth2")
            if item_enabled(dialog.auth_combo, v)] == ["auto", "user"]  # fmt: skip
    qtbot.keyClicks(dialog.remote_folder_edit, "archive")
    dialog.accept()
    account = dialog.account()
    assert (account.protocol, account.remote_folder, account.security) == ("pop2", "archive", "tls")


def test_remote_folder_is_dropped_when_back_to_pop3(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    choose(dialog.protocol_combo, "pop2")
    qtbot.keyClicks(dialog.remote_folder_edit, "archive")
    choose(dialog.protocol_combo, "pop3")
    assert item_enabled(dialog.security_combo, "starttls")
    assert dialog.ok_button.isEnabled()
    assert dialog.account().remote_folder is None


# -- test connection ----------------------------------------------------------------------------

CERT = CertificateInfo(
    fingerprint=FINGERPRINT, subject="CN=pop.example.org", issuer="CN=Example CA",
    not_before="2024-01-01 00:00:00 UTC", not_after="2026-01-01 00:00:00 UTC",
)  # fmt: skip


def good_report() -> ConnectionReport:
    return ConnectionReport(
        address="pop.example.org:995", security="TLS from the start (implicit TLS)",
        tls_version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384", certificate=CERT,
        capabilities=("TOP", "UIDL", "SASL SCRAM-SHA-256 KERBEROS_V4", "PIPELINING"),
        auth_methods=("SCRAM-SHA-256", "KERBEROS_V4", "USER"),
        notes=("KERBEROS_V4 is obsolete: Kerberos 4 is gone and GSSAPI is its successor.",),
        login_ok=True, error=None, greeting="Dovecot ready.", auto_method="SCRAM-SHA-256",
        login_method="SCRAM-SHA-256",
    )  # fmt: skip


def test_test_connection_shows_the_report(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    controller.report = good_report()
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    qtbot.keyClicks(dialog.password_edit, "pw")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert controller.tests[0][1] == "pw"
    assert controller.tests[0][0].host == "pop.example.org"
    qtbot.waitUntil(lambda: dialog.report is not None)
    text = dialog.report_view.toPlainText()
    for part in ("Connected and logged in", "TLSv1.3", "TLS_AES_256_GCM_SHA384",
                 "CN=pop.example.org", "CN=Example CA", "2026-01-01", FINGERPRINT[:23],
                 "SASL SCRAM-SHA-256 KERBEROS_V4", "Automatic would use SCRAM-SHA-256",
                 "GSSAPI is its successor", "Succeeded with SCRAM-SHA-256"):  # fmt: skip
        assert part in text, part
    assert FINGERPRINT in text.replace("\n", "")
    assert dialog.report_view.isReadOnly()
    assert dialog.test_button.isEnabled()
    assert not dialog.trust_button.isVisible()


def test_certificate_error_offers_trust_and_fills_fingerprint(
    qtbot: QtBot, make_dialog: Any, controller: FakeController, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = CertificateError(
        "the certificate of pop.example.org:995 is not trusted: it is self-signed, so no "
        "known authority vouches for it",
        fingerprint=FINGERPRINT, subject="CN=pop.example.org", issuer="CN=pop.example.org",
    )  # fmt: skip
    controller.report = dataclasses.replace(
        good_report(), tls_version=None, cipher=None, capabilities=(), auth_methods=(),
        notes=(), login_ok=None, error=error, login_method=None, auto_method=None,
    )  # fmt: skip
    asked: list[CertificateError] = []

    def fake_ask(parent: object, err: CertificateError) -> bool:
        asked.append(err)
        return True

    monkeypatch.setattr(account_dialog_module, "ask_trust_certificate", fake_ask)
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.trust_button.isVisible())
    assert "Certificate not trusted" in dialog.report_view.toPlainText()
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert asked == [error]
    assert dialog.fingerprint_edit.text() == FINGERPRINT
    assert not dialog.trust_button.isVisible()
    assert dialog.ok_button.isEnabled()
    assert dialog.account().fingerprint == FINGERPRINT


def test_job_error_without_report_is_shown(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    dialog.test_button.click()
    assert not dialog.test_button.isEnabled(), "one test at a time"
    controller.finished.emit(
        Finished("work", "test", None, KeyringUnavailableError("no system keyring"))
    )
    assert "no system keyring" in dialog.report_view.toPlainText()
    assert dialog.test_button.isEnabled()


def test_other_accounts_jobs_are_ignored(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    dialog.test_button.click()
    controller.finished.emit(Finished("home", "test", good_report(), None))
    controller.finished.emit(Finished("work", "sync", None, None))
    assert dialog.report is None


# -- the keyring --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (KeyringLockedError("locked"), "keyring is locked"),
        (KeyringUnavailableError("none"), "No system keyring"),
    ],
)
def test_keyring_problem_is_explained_not_frozen(
    qtbot: QtBot, make_dialog: Any, controller: FakeController, error: PopguiError, words: str
) -> None:
    controller.store_error = error
    dialog = make_dialog()
    fill_basic(qtbot, dialog)
    qtbot.keyClicks(dialog.password_edit, "pw")
    dialog.ok_button.click()
    assert not dialog.ok_button.isEnabled(), "waiting for the worker"
    assert "Saving the password" in dialog.message_label.text()
    qtbot.waitUntil(lambda: words in dialog.message_label.text())
    assert "Password command" in dialog.message_label.text()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.ok_button.isEnabled()
    dialog.password_edit.clear()  # save without a password
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(controller.stored) == 1


# -- with the real worker -----------------------------------------------------------------------


def test_with_the_real_engine_controller(qtbot: QtBot, tmp_path: Path) -> None:
    mailbox = ServerMailbox()
    mailbox.add(b"Subject: hi\r\n\r\nhello\r\n")
    with LocalPOP3Server([ServerAccount("alice", "pw", mailbox)]) as server:
        controller = EngineController(Profile(tmp_path / "profile"))
        try:
            dialog = AccountDialog(controller, [])
            qtbot.addWidget(dialog)
            dialog.name_edit.setText("local")
            dialog.host_edit.setText(server.host)
            dialog.port_edit.setText(str(server.port))
            choose(dialog.security_combo, "none")
            dialog.user_edit.setText("alice")
            dialog.password_edit.setText("pw")
            dialog.test_button.click()
            qtbot.waitUntil(lambda: dialog.report is not None, timeout=15000)
            text = dialog.report_view.toPlainText()
            assert "Connected and logged in" in text, text
            assert "UIDL" in text and "Automatic would use SCRAM-SHA-256" in text
            assert "not encrypted" in text
        finally:
            controller.shutdown()


OAUTH_ACCOUNT = Account(
    name="office", host="outlook.office365.com", user="ann@example.com", auth="oauth2",
    oauth_provider="microsoft", oauth_tenant="organizations",
)  # fmt: skip


def test_an_oauth2_account_keeps_its_method_and_sign_in_settings(make_dialog: Any) -> None:
    """Added on the command line, edited in the window: nothing of its sign-in is lost, and no
    password can be typed for it (the keyring entry would be taken for a client secret)."""
    dialog = make_dialog(OAUTH_ACCOUNT, names=("office",))
    assert dialog.auth_combo.currentData() == "oauth2"
    assert not dialog.password_edit.isEnabled()
    assert dialog.password_edit.placeholderText() == "no password: the account signs in"
    assert not dialog.command_radio.isEnabled()
    dialog.user_edit.setText("bob@example.com")
    assert dialog.account() == dataclasses.replace(OAUTH_ACCOUNT, user="bob@example.com")


def test_switching_an_oauth2_account_to_a_password_drops_its_sign_in_settings(
    make_dialog: Any,
) -> None:
    dialog = make_dialog(OAUTH_ACCOUNT, names=("office",))
    choose(dialog.auth_combo, "auto")
    assert dialog.password_edit.isEnabled()
    # Its keyring entry is the client secret, not a password: nothing to keep.
    assert dialog.password_edit.placeholderText() == "no password is stored: type it here"
    edited = dialog.account()
    assert (edited.auth, edited.oauth_provider, edited.oauth_tenant) == ("auto", None, None)


def test_the_scope_field_shows_the_providers_default_and_keeps_what_is_typed(
    qtbot: QtBot, make_dialog: Any
) -> None:
    dialog = make_dialog(dataclasses.replace(OAUTH_ACCOUNT, oauth_scope="a b"), names=())
    box = dialog.sign_in_box
    assert box.scope_edit.text() == "a b"
    box.scope_edit.clear()
    assert box.scope_edit.placeholderText() == (
        "https://outlook.office.com/POP.AccessAsUser.All offline_access"
    )
    assert dialog.account().oauth_scope is None  # empty: the provider's default
    dialog.host_edit.setText("pop.gmail.com")
    choose(dialog.auth_combo, "oauth2")
    dialog.sign_in_box.tenant_edit.clear()
    assert box.scope_edit.placeholderText() == "https://mail.google.com/"
    qtbot.keyClicks(box.scope_edit, "  https://mail.google.com/   openid ")
    assert dialog.account().oauth_scope == "https://mail.google.com/ openid"


def test_a_client_secret_is_stored_as_the_keyring_entry_of_an_oauth2_account(
    qtbot: QtBot, make_dialog: Any, controller: FakeController
) -> None:
    """Where ``account add --oauth-client-secret`` keeps it: the account's keyring password
    entry, through the dialog's own save path; a password typed before choosing OAuth2 is not
    taken for it, and a secret needs the client id it belongs to."""
    dialog = make_dialog(names=())
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("gmail"))
    dialog.apply_preset(preset("gmail"))
    qtbot.keyClicks(dialog.user_edit, "ann@gmail.com")
    assert dialog.sign_in_box.status.text() == "Not signed in yet."  # a new account
    choose(dialog.auth_combo, "auto")
    qtbot.keyClicks(dialog.password_edit, "a password")
    choose(dialog.auth_combo, "oauth2")
    box = dialog.sign_in_box
    box.settings_toggle.setChecked(True)
    assert box.client_secret_edit.isVisible()
    assert box.client_secret_edit.echoMode() == box.client_secret_edit.EchoMode.Password
    qtbot.keyClicks(box.client_secret_edit, "GOCSPX-abc")
    assert not dialog.ok_button.isEnabled()
    assert "client id" in dialog.message_label.text()
    qtbot.keyClicks(box.client_id_edit, "1234-abc.apps.googleusercontent.com")
    assert dialog.ok_button.isEnabled(), dialog.message_label.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    account = dialog.account()
    assert account.auth == "oauth2" and account.password_source == "keyring"
    assert controller.stored == [(account, "GOCSPX-abc")]
    assert "GOCSPX" not in repr(account.to_dict())


def test_an_oauth2_account_without_a_keyring_says_what_it_needs(make_dialog: Any) -> None:
    """No keyring: the sign-in has nowhere to keep its tokens nor the secret; said so, and no
    talk of a password command, which OAuth2 does not use."""
    dialog = make_dialog(OAUTH_ACCOUNT, names=())
    dialog._keyring_known(KeyringState(available=False))
    secret = dialog.sign_in_box.client_secret_edit
    assert not secret.isEnabled()
    notice = dialog.server.keyring_notice
    assert notice.isVisibleTo(dialog) and "sign-in" in notice.text()
    assert "password command" not in notice.text()
    assert "command" not in dialog.message_label.text(), dialog.message_label.text()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_oauth2_account_with_its_sign_in_settings_open_fits_an_800_by_600_screen(
    qapp: QApplication, make_dialog: Any, language: str
) -> None:
    """The five sign-in settings and the sign-in state take room: the password rows, which
    an OAuth2 account does not use, make way for them (room left for a title bar)."""
    i18n.install_translator(qapp, language)
    try:
        dialog = make_dialog(OAUTH_ACCOUNT, names=())
        dialog.sign_in_box.settings_toggle.setChecked(True)
        dialog._keyring_known(KeyringState(available=True, stored=True, sign_in="signed-in"))
        assert not dialog.password_edit.isVisible() and not dialog.command_edit.isVisible()
        assert dialog.sign_in_box.scope_edit.isVisible()
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 800 and hint.height() <= 560, hint
        choose(dialog.auth_combo, "auto")
        assert dialog.password_edit.isVisible() and dialog.command_edit.isVisible()
    finally:
        i18n.uninstall_translators(qapp)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dialog_fits_an_800_pixel_screen(
    qapp: QApplication, make_dialog: Any, language: str
) -> None:
    """Every tab whole and the Test connection panel beside them within 800 pixels, French
    included (its longest check box was what made the dialog wider)."""
    i18n.install_translator(qapp, language)
    try:
        dialog = make_dialog()
        dialog.show()
        assert dialog.minimumSizeHint().width() <= 800
        assert dialog.minimumWidth() <= 800
    finally:
        i18n.uninstall_translators(qapp)
