"""Passwords: the password command, the real Secret Service, and keyring failures."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

from popgui.accounts.secrets import (
    KEYRING_SERVICE,
    KeyringLockedError,
    PasswordNotStoredError,
    SecretStore,
    keyring_key,
    run_password_command,
)
from popgui.accounts.settings import Account
from popgui.errors import ConfigError, CredentialsError, KeyringUnavailableError
from tests.support.secret_service import SecretService

SECRET = "Tr0ub4dor&3 ü"


def account(**changes: Any) -> Account:
    base = Account(name="work", host="pop.example.org", user="alice")
    return dataclasses.replace(base, **changes)


def command_account(command: str) -> Account:
    return account(password_source="command", password_command=command)


# -- the password command ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "password"),
    [
        ("echo 'pw one'", "pw one"),
        ("printf 'pw'", "pw"),
        ("printf 'pw\\r\\n'", "pw"),
        ("printf '  spaced  \\n'", "  spaced  "),
        ("echo secret | tr a-z A-Z", "SECRET"),  # shell syntax works
        (f"printf '%s\\n' '{SECRET}'", SECRET),
    ],
)
def test_password_command_output(command: str, password: str) -> None:
    assert SecretStore().get_password(command_account(command)) == password


def test_password_command_reads_a_file(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("from-file\n")
    store = SecretStore()
    assert store.get_password(command_account(f"cat '{tmp_path}/pw'")) == "from-file"


def test_password_command_gets_no_stdin() -> None:
    # With the caller's terminal as stdin, `cat` would wait forever; here it reads nothing.
    with pytest.raises(CredentialsError, match="printed nothing"):
        SecretStore(command_timeout=5).get_password(command_account("cat"))


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("echo oops >&2; exit 3", r"failed \(exit status 3\): oops"),
        ("no-such-command-popgui", r"exit status 127\): .*not found"),
        ("true", "printed nothing"),
        ("echo", "printed nothing"),
        ("echo why >&2", "printed nothing; it said: why"),
        ("printf 'a\\nb\\n'", "line break or a NUL"),
        ("printf 'pw\\n\\n'", "line break or a NUL"),  # only one line end is stripped
        ("printf 'a\\000b'", "line break or a NUL"),
        ("printf '\\377\\376'", "not UTF-8 text"),
        ("kill -9 $$", "killed by signal 9"),
    ],
)
def test_password_command_failures(command: str, message: str) -> None:
    with pytest.raises(CredentialsError, match=message) as caught:
        SecretStore().get_password(command_account(command))
    assert "work" in str(caught.value)


def test_password_command_failure_does_not_show_its_output() -> None:
    with pytest.raises(CredentialsError) as caught:
        SecretStore().get_password(command_account(f"echo '{SECRET}'; exit 1"))
    assert SECRET not in str(caught.value)


def test_password_command_timeout_kills_it(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    command = f"sleep 3 && touch '{marker}' & sleep 30"
    start = time.monotonic()
    with pytest.raises(CredentialsError, match=r"did not finish within 0\.5 seconds"):
        run_password_command(command, account_name="work", timeout=0.5)
    assert time.monotonic() - start < 5
    time.sleep(3.5)
    assert not marker.exists()  # the whole process group was killed, not only the shell


def test_command_account_stores_nothing_in_the_keyring() -> None:
    with pytest.raises(ConfigError, match="password command"):
        SecretStore(keyring.backends.fail.Keyring()).store_password(command_account("echo x"), "x")


def test_password_command_does_not_touch_the_keyring() -> None:
    # The fail backend would raise if it were asked.
    store = SecretStore(keyring.backends.fail.Keyring())
    assert store.get_password(command_account("echo pw")) == "pw"


# -- keyring failures -------------------------------------------------------------------------


@pytest.fixture
def fail_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _assert_names_alternatives(error: BaseException) -> None:
    text = str(error)
    for word in ("--password-command", "gnome-keyring", "KWallet", "keyring"):
        assert word in text, text


@pytest.mark.usefixtures("fail_keyring")
def test_no_keyring_backend() -> None:
    store = SecretStore()
    with pytest.raises(KeyringUnavailableError) as caught:
        store.get_password(account())
    _assert_names_alternatives(caught.value)
    with pytest.raises(KeyringUnavailableError) as caught:
        store.store_password(account(), SECRET)
    assert SECRET not in str(caught.value)
    with pytest.raises(KeyringUnavailableError):
        store.delete_password(account())


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()]
)
def test_stand_in_backends_are_unavailable(backend: KeyringBackend) -> None:
    with pytest.raises(KeyringUnavailableError) as caught:
        SecretStore(backend).get_password(account())
    _assert_names_alternatives(caught.value)
    assert isinstance(caught.value, CredentialsError)


class FakeKeyring(KeyringBackend):
    """A backend whose every call raises ``error`` (or, with None, a dict store)."""

    priority = 1

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__()
        self.error = error
        self.store: dict[tuple[str, str], str] = {}

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.store[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


def test_locked_keyring_is_not_a_missing_password() -> None:
    store = SecretStore(FakeKeyring(KeyringLocked("Failed to unlock the collection!")))
    with pytest.raises(KeyringLockedError, match="keyring is locked") as caught:
        store.get_password(account())
    assert not isinstance(caught.value, PasswordNotStoredError)
    with pytest.raises(KeyringLockedError):
        store.store_password(account(), SECRET)


def test_missing_password_message() -> None:
    with pytest.raises(PasswordNotStoredError) as caught:
        SecretStore(FakeKeyring()).get_password(account())
    text = str(caught.value)
    assert "no password stored for account 'work'" in text
    assert "--password-stdin" in text and "popgui account add" in text


def test_backend_errors_never_show_the_password() -> None:
    store = SecretStore(FakeKeyring(RuntimeError(f"D-Bus said no to {SECRET!s}")))
    with pytest.raises(KeyringUnavailableError) as caught:
        store.store_password(account(), SECRET)
    assert SECRET not in str(caught.value) and "***" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("bad", ["", "a\nb", "a\rb", "a\0b"])
def test_unsendable_passwords_are_refused(bad: str) -> None:
    backend = FakeKeyring()
    with pytest.raises(ConfigError):
        SecretStore(backend).store_password(account(), bad)
    assert backend.store == {}


def test_key_names_account_user_and_host() -> None:
    assert keyring_key(account()) == "work/alice@pop.example.org"
    backend = FakeKeyring()
    store = SecretStore(backend)
    store.store_password(account(), SECRET)
    assert backend.store == {(KEYRING_SERVICE, "work/alice@pop.example.org"): SECRET}
    assert store.get_password(account()) == SECRET
    for changed in (account(host="evil.example"), account(user="bob"), account(name="w2")):
        with pytest.raises(PasswordNotStoredError):
            store.get_password(changed)
    assert store.get_password(account(port=1110, security="starttls")) == SECRET


# -- the real Secret Service ------------------------------------------------------------------


@pytest.mark.keyring
def test_real_keyring_round_trip(secret_service: SecretService) -> None:
    store = SecretStore()  # keyring's configured backend: the SecretService one
    work = account(name=f"work-{os.getpid()}")
    with pytest.raises(PasswordNotStoredError):
        store.get_password(work)
    store.store_password(work, SECRET)
    assert store.get_password(work) == SECRET
    assert keyring.get_password(KEYRING_SERVICE, keyring_key(work)) == SECRET
    store.store_password(work, "changed")
    assert store.get_password(work) == "changed"
    assert store.delete_password(work) is True
    assert store.delete_password(work) is False
    with pytest.raises(PasswordNotStoredError):
        store.get_password(work)


@pytest.mark.keyring
def test_real_keyring_locked(secret_service: SecretService) -> None:
    store = SecretStore()
    work = account(name=f"locked-{os.getpid()}")
    store.store_password(work, SECRET)
    secret_service.lock()
    try:
        with pytest.raises(KeyringLockedError):
            store.get_password(work)
    finally:
        secret_service.unlock()
    assert store.get_password(work) == SECRET
    assert store.delete_password(work)
