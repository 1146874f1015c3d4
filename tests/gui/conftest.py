"""GUI tests run without a display, and fail on unexpected Qt warnings.

``QT_QPA_PLATFORM`` must be set before anything imports Qt, hence at the top of this file.
Qt warnings (a bad connection, a widget painted from the wrong thread, "QThread: Destroyed
while thread is still running") are bugs; the autouse fixture below turns them into test
failures, except for a short list of messages the offscreen platform itself prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QtMsgType

from popgui.accounts.settings import Account, Settings, save_settings
from popgui.gui import sign_in
from popgui.localserver import (
    Faults,
    LocalPOP2Server,
    LocalPOP3Server,
    ServerAccount,
    ServerMailbox,
    sample_messages,
)
from popgui.profile import Profile
from tests.support.certs import TestPKI
from tests.support.oauth_rig import BROWSER_SCRIPT, Provider, oauth_provider

#: Messages the offscreen platform prints on its own; they say nothing about popgui.
HARMLESS_QT_MESSAGES = (
    re.compile(r"This plugin does not support propagateSizeHints"),
    re.compile(r"This plugin does not support raise\(\)"),
    re.compile(r"QFont::fromString: Invalid description"),
    re.compile(r"Populating font family aliases took"),
)
_FAILING_TYPES = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}


def _harmless(message: str) -> bool:
    return any(pattern.search(message) for pattern in HARMLESS_QT_MESSAGES)


@pytest.fixture(autouse=True)
def fail_on_qt_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test when Qt printed a warning it did not expect.

    A test that provokes a warning on purpose wraps that step in pytest-qt's
    ``qtlog.disabled()``.
    """
    qtlog = request.getfixturevalue("qtlog")
    yield
    unexpected = [
        record.message
        for record in qtlog.records
        if record.type in _FAILING_TYPES and not _harmless(record.message)
    ]
    if unexpected:
        pytest.fail("unexpected Qt warnings:\n" + "\n".join(unexpected), pytrace=False)


# -- profiles, servers and windows for the window tests ---------------------------------------


MAIL_USER = "sam"
MAIL_PASSWORD = "demo-password"
#: The password comes from a command, as in the demo: no keyring is involved in these tests.
PASSWORD_COMMAND = shlex.join([sys.executable, "-c", f"print({MAIL_PASSWORD!r})"])


def mailbox_of(messages: list[bytes]) -> ServerMailbox:
    box = ServerMailbox()
    for content in messages:
        box.add(content)
    return box


def account_for(name: str, server: LocalPOP3Server | LocalPOP2Server, **fields: Any) -> Account:
    protocol = "pop2" if isinstance(server, LocalPOP2Server) else "pop3"
    values: dict[str, Any] = {
        "name": name, "host": server.host, "port": server.port, "protocol": protocol,
        "security": "none", "user": MAIL_USER, "password_source": "command",
        "password_command": PASSWORD_COMMAND,
    }  # fmt: skip
    values.update(fields)
    return Account(**values)


def save_accounts(profile: Profile, accounts: list[Account]) -> None:
    save_settings(profile.settings_file, Settings(list(accounts)))


@pytest.fixture
def french(qapp: Any) -> Iterator[None]:
    """The application in French for one test, back to English (and its locale) after."""
    from popgui.gui import i18n

    assert i18n.install_translator(qapp, "fr") == "fr"
    try:
        yield
    finally:
        i18n.uninstall_translators(qapp)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def pop3_server(faults: Faults) -> Iterator[LocalPOP3Server]:
    account = ServerAccount(MAIL_USER, MAIL_PASSWORD, mailbox_of(sample_messages()))
    with LocalPOP3Server([account], faults=faults) as server:
        yield server


@pytest.fixture
def pop2_server() -> Iterator[LocalPOP2Server]:
    account = ServerAccount(MAIL_USER, MAIL_PASSWORD, mailbox_of(sample_messages()[::3]))
    with LocalPOP2Server([account]) as server:
        yield server


@pytest.fixture
def two_accounts(
    profile: Profile, pop3_server: LocalPOP3Server, pop2_server: LocalPOP2Server
) -> list[Account]:
    """Two accounts saved in the profile; nothing downloaded yet."""
    accounts = [account_for("home", pop3_server), account_for("old-school", pop2_server)]
    save_accounts(profile, accounts)
    return accounts


@pytest.fixture
def delivered(profile: Profile, two_accounts: list[Account]) -> list[Account]:
    """The two accounts with their mail downloaded by the engine (no window involved)."""
    from popgui.sync.engine import sync_account

    for account in two_accounts:
        result = sync_account(account, MAIL_PASSWORD, profile)
        assert result.error is None, result.error
        assert result.downloaded > 0
    return two_accounts


@pytest.fixture
def open_window(qtbot: Any, profile: Profile) -> Callable[..., Any]:
    """Open a MainWindow on the test profile (closed by pytest-qt at the end of the test)."""
    from popgui.gui.mainwindow import MainWindow

    def opener(**options: Any) -> MainWindow:
        window = MainWindow(profile, **options)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        # Window-wide shortcuts (F5, Del, Ctrl+F) need the window to be the active one.
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        # The first account's folders and Inbox are read in the local mail thread.
        qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=5000)
        return window

    return opener


# -- OAuth2: the test provider and a person who consents at once ---------------------------------


@pytest.fixture(scope="module")
def provider(test_pki: TestPKI) -> Iterator[Provider]:
    with oauth_provider(test_pki) as rig:
        yield rig


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scripted browser: each address opened runs tests/oauth/browser.py (a child)."""
    opened: list[str] = []
    env = {**os.environ, "POPGUI_TEST_BROWSER_LOG": str(tmp_path / "pages.jsonl")}

    def open_url(url: str) -> bool:
        opened.append(url)
        subprocess.Popen([sys.executable, str(BROWSER_SCRIPT), url], env=env)
        return True

    monkeypatch.setattr(sign_in, "open_url", open_url)
    return opened
