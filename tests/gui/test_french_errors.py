"""In French, the window says its problems in French: no English sentence of the catalog shows.

The completeness check of the .ts files (test_i18n) proves that every sentence has its French;
this proves that the window *uses* it. The window is driven into its error states for real
(a wrong password and a failing password command against the local server, a server that is
down, an untrusted certificate on the real Dovecot, an account that must sign in, invalid
settings in the account dialog), and the visible text of the message bar, the account's line
and tooltip, and the dialog's problem label must hold none of the fixed English parts of the
catalog's messages (``popgui.catalog.all_messages()``, with their ``{fields}`` taken out).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.catalog import Message, all_messages, english
from popgui.catalog import keyring as keyring_says
from popgui.errors import CredentialsError
from popgui.gui import i18n
from popgui.gui.account_dialog import AccountDialog
from popgui.gui.wording import translate_message
from popgui.localserver import LocalPOP3Server
from popgui.profile import Profile
from tests.gui.conftest import account_for, save_accounts
from tests.gui.test_account_dialog import FakeController, choose
from tests.gui.test_dovecot_window import dovecot_account
from tests.support.dovecot import DovecotServer, MailUser
from tests.support.secret_service import SecretService

Opener = Callable[..., Any]
TIMEOUT_MS = 30_000
_FIELD = re.compile(r"\{[^{}]*\}|\(s\)")
_TWO_WORDS = re.compile(r"[A-Za-z]{2,}[ '-][A-Za-z]{2,}")
#: A kind of error shown as a bare word in brackets: "erreur (network)".
_RAW_KIND = re.compile(r"\((?:[a-z]+)\)")


def _parts(text: str) -> set[str]:
    """The fixed parts of a message's text worth looking for: two words or more."""
    parts = (part.strip(" .,:;()'\"") for part in _FIELD.split(text))
    return {part for part in parts if _TWO_WORDS.search(part)}


def english_fragments() -> dict[str, Message]:
    """Every fixed English part of the catalog that its French does not keep as it is (a
    product name, a command line), with the message it comes from."""
    found: dict[str, Message] = {}
    for message in all_messages():
        french = translate_message(message, 2 if message.plural else -1)
        for part in _parts(english(message, 2)) | _parts(english(message, 1)):
            if part not in french:
                found.setdefault(part, message)
    return found


@pytest.fixture
def french(qapp: QApplication) -> Iterator[dict[str, Message]]:
    """The application in French for one test; gives the English fragments to look for."""
    assert i18n.install_translator(qapp, "fr") == "fr"
    try:
        yield english_fragments()
    finally:
        i18n.uninstall_translators(qapp)


def assert_french(text: str, fragments: dict[str, Message], where: str) -> None:
    english = [f"{part!r} ({message.id})" for part, message in fragments.items() if part in text]
    assert not english, f"English in the {where}: {text!r}\n" + "\n".join(english)


def account_texts(window: Any, name: str) -> tuple[str, str]:
    """The account's line in the accounts pane and its tooltip."""
    index = window.account_model.index(window.account_model.row_of(name), 0)
    return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)


def assert_window_french(window: Any, name: str, fragments: dict[str, Message]) -> str:
    """The bar and the account's line and tooltip are French; the bar's text."""
    bar = window.message_bar.label.text()
    assert window.message_bar.isVisible()
    assert_french(bar, fragments, "message bar")
    assert bar.startswith(f"{name}\u00a0: "), bar  # French typography: a space before ":"
    line, tooltip = account_texts(window, name)
    for where, text in (("account line", line), ("account tooltip", tooltip)):
        assert_french(text, fragments, where)
        assert not _RAW_KIND.search(text), f"a raw error kind in the {where}: {text!r}"
    return bar


def get_mail_until_error(qtbot: QtBot, window: Any, name: str) -> None:
    window.get_mail()
    qtbot.waitUntil(window.message_bar.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_busy(name), timeout=TIMEOUT_MS)
    assert window.account_model.state(name).kind == "error"


def free_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Get Mail's problems ------------------------------------------------------------------------


def test_a_server_that_is_down_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], profile: Profile, open_window: Opener,
    pop3_server: LocalPOP3Server,
) -> None:  # fmt: skip
    save_accounts(profile, [account_for("home", pop3_server, port=free_port())])
    window = open_window()
    get_mail_until_error(qtbot, window, "home")
    bar = assert_window_french(window, "home", french)
    assert "connexion refusée" in bar
    assert account_texts(window, "home")[0] == "home\nerreur réseau"  # not "(network)"
    assert window.message_bar.button_texts() == ["Réessayer"]


def test_a_failing_password_command_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], profile: Profile, open_window: Opener,
    pop3_server: LocalPOP3Server,
) -> None:  # fmt: skip
    save_accounts(profile, [account_for("home", pop3_server, password_command="exit 3")])
    window = open_window()
    get_mail_until_error(qtbot, window, "home")
    bar = assert_window_french(window, "home", french)
    assert "code de sortie 3" in bar
    assert window.message_bar.button_texts() == ["Modifier le compte…"]


def test_a_wrong_password_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], profile: Profile, open_window: Opener,
    pop3_server: LocalPOP3Server,
) -> None:  # fmt: skip
    wrong = account_for("home", pop3_server, password_command="echo not-the-password")
    save_accounts(profile, [wrong])
    window = open_window()
    get_mail_until_error(qtbot, window, "home")
    assert_window_french(window, "home", french)
    assert window.message_bar.button_texts() == ["Modifier le compte…"]


def test_an_untrusted_certificate_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], dovecot: DovecotServer, dovecot_user: MailUser,
    profile: Profile, open_window: Opener,
) -> None:  # fmt: skip
    save_accounts(profile, [dovecot_account(dovecot, dovecot_user, security="tls")])
    window = open_window()
    get_mail_until_error(qtbot, window, "dovecot")
    assert_window_french(window, "dovecot", french)
    assert window.message_bar.button_texts() == ["Examiner le certificat…"]


def test_an_account_that_must_sign_in_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], secret_service: SecretService, profile: Profile,
    open_window: Opener, pop3_server: LocalPOP3Server,
) -> None:  # fmt: skip
    account = Account(
        name="work", host=pop3_server.host, port=pop3_server.port, security="none",
        user="sam", auth="oauth2", oauth_provider="custom",
        oauth_issuer="https://login.example.org", oauth_client_id="popgui-test",
    )  # fmt: skip
    save_accounts(profile, [account])
    window = open_window()
    get_mail_until_error(qtbot, window, "work")
    bar = assert_window_french(window, "work", french)
    assert "popgui account login" not in bar  # the button is the way here, not the CLI
    assert window.message_bar.button_texts() == ["Se reconnecter…"]


# -- the account dialog -------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot) -> AccountDialog:
    controller = FakeController()
    dialog = AccountDialog(controller, ["home"])  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "work")
    qtbot.keyClicks(dialog.host_edit, "pop.example.org")
    qtbot.keyClicks(dialog.user_edit, "alice")
    return dialog


def problem(dialog: AccountDialog) -> str:
    return dialog.message_label.text()


def test_invalid_settings_are_said_in_french(
    qtbot: QtBot, french: dict[str, Message], dialog: AccountDialog
) -> None:
    seen: list[str] = []

    def check(edit: Any, text: str) -> None:
        before = edit.text()
        edit.setText(text)
        seen.append(problem(dialog))
        assert seen[-1] and not dialog.ok_button.isEnabled(), (text, seen[-1])
        assert_french(seen[-1], french, "account dialog")
        edit.setText(before)
        assert problem(dialog) == "", problem(dialog)

    check(dialog.host_edit, "pop example org")
    check(dialog.host_edit, "pop.example.org\rDELE 1")
    check(dialog.host_edit, "10.0.0.999")
    check(dialog.name_edit, "a/b")
    check(dialog.name_edit, ".hidden")
    check(dialog.name_edit, "home")  # taken
    check(dialog.port_edit, "99999")
    check(dialog.port_edit, "pop")
    check(dialog.fingerprint_edit, "12:34")
    check(dialog.user_edit, "")
    choose(dialog.protocol_combo, "pop2")
    check(dialog.remote_folder_edit, "a\nb")
    choose(dialog.protocol_combo, "pop3")
    dialog.command_radio.setChecked(True)
    dialog.command_edit.setText("pass show mail/work")
    check(dialog.command_edit, "")
    assert seen[0].startswith("Le serveur"), seen[0]  # the setting named in words
    assert "onglet Certificat" in seen[8], seen[8]


def test_a_password_the_keyring_refuses_is_said_in_french(
    qtbot: QtBot, french: dict[str, Message], dialog: AccountDialog
) -> None:
    controller = dialog.controller
    assert isinstance(controller, FakeController)
    what = keyring_says.COMMAND_OF(account="'work'")
    controller.store_error = CredentialsError(keyring_says.COMMAND_NOTHING(command=what))
    dialog.password_edit.setText("secret")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.ok_button.isEnabled() or bool(problem(dialog)))
    qtbot.waitUntil(lambda: "n’a pas pu être enregistré" in problem(dialog))
    assert_french(problem(dialog), french, "account dialog")
    assert "n’a rien affiché" in problem(dialog), problem(dialog)
