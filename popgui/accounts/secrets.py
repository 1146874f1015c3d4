"""Where account passwords come from: the system keyring, or a command the user names.

Keyring entries use the service name ``"popgui"`` and the user name
``"<account name>/<user>@<host>"``, so a password is only ever offered to the user and host it
was stored for: renaming the account, or changing its user or host, means storing the
password again. Account names cannot contain ``/``, and host names cannot contain ``@``, so the
key is unambiguous.

A password command (``password_source = "command"``) is a shell command line, run through
``/bin/sh -c`` (``cmd.exe`` on Windows) like msmtp's ``passwordeval`` or mbsync's
``PassCmd``, so pipes and quoting work as the user expects, e.g.
``pass show mail/work | head -n 1``. It comes from the user's own settings file, never from
the network, so the shell adds no injection risk. It gets no standard input and 30 seconds;
its output, minus one trailing line end, is the password. Failing, timing out or printing
nothing is a :class:`~popgui.errors.CredentialsError` that quotes the end of its error output.

keyring backends can block (a locked KWallet waits for its dialog): call these methods off
the GUI thread. No message built here contains a password.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from types import ModuleType
from typing import TYPE_CHECKING

from popgui.accounts.settings import Account
from popgui.catalog import Message, Sentence
from popgui.catalog import keyring as says
from popgui.errors import ConfigError, CredentialsError, KeyringUnavailableError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

KEYRING_SERVICE = "popgui"


def _keyring() -> ModuleType:
    """The keyring package, imported on first use: commands that never touch a keyring (a
    password command, ``account list``, ``--version``) need not load it, and its backends
    may talk to D-Bus as they load."""
    import keyring
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null
    import keyring.errors

    return keyring


COMMAND_TIMEOUT = 30.0
_STDERR_TAIL = 400


class KeyringLockedError(CredentialsError):
    """The keyring is there but locked, and unlocking it was refused or is not possible."""


class PasswordNotStoredError(CredentialsError):
    """The keyring works but holds no password for this account."""


def keyring_key(account: Account) -> str:
    """The keyring user name under which ``account``'s password is stored."""
    return f"{account.name}/{account.user}@{account.host}"


def _check_password(password: str, source: Sentence) -> None:
    if not password:
        raise CredentialsError(says.PASSWORD_EMPTY(what=source))
    if any(char in password for char in "\r\n\0"):
        raise CredentialsError(says.PASSWORD_BAD_CHARACTER(what=source))


def _redact(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _describe(error: BaseException, password: str | None = None) -> str:
    detail = _redact(str(error).strip(), password)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


class SecretStore:
    """Stores and finds account passwords.

    ``backend`` None means keyring's configured backend (``keyring.get_keyring()``, looked up
    at each call). Tests pass a backend, for example ``keyring.backends.fail.Keyring()``.
    """

    def __init__(
        self, backend: KeyringBackend | None = None, *, command_timeout: float = COMMAND_TIMEOUT
    ) -> None:
        self._backend = backend
        self.command_timeout = command_timeout

    def backend(self) -> KeyringBackend:
        """The keyring backend in use; KeyringUnavailableError when there is no real one."""
        keyring = _keyring()
        backend = self._backend if self._backend is not None else keyring.get_keyring()
        if _unusable(backend):
            name = f"{type(backend).__module__}.{type(backend).__name__}"
            raise KeyringUnavailableError(
                says.UNAVAILABLE_DETAIL(detail=name, alternatives=says.ALTERNATIVES())
            )
        return backend

    # -- the keyring ----------------------------------------------------------------------------

    def store_password(self, account: Account, password: str) -> None:
        """Save ``password`` for ``account`` in the keyring (replacing any earlier one)."""
        if account.password_source != "keyring":
            raise ConfigError(says.NOT_KEYRING_ACCOUNT(account=repr(account.name)))
        try:
            _check_password(password, says.THE_PASSWORD())
        except CredentialsError as error:
            raise ConfigError(error.sentence or str(error)) from None
        backend = self.backend()
        keyring = _keyring()
        try:
            backend.set_password(KEYRING_SERVICE, keyring_key(account), password)
        except keyring.errors.KeyringLocked:
            raise self._locked(account) from None
        except keyring.errors.NoKeyringError:
            raise self._unavailable(None) from None
        except Exception as error:  # any backend failure; chaining could show the password
            raise self._failed(account, says.STORE_FAILED, _describe(error, password)) from None

    def get_password(self, account: Account) -> str:
        """The password for ``account``, from its command or from the keyring."""
        if account.password_source == "command":
            return self.password_from_command(account)
        backend = self.backend()
        keyring = _keyring()
        try:
            password = backend.get_password(KEYRING_SERVICE, keyring_key(account))
        except keyring.errors.KeyringLocked:
            raise self._locked(account) from None
        except keyring.errors.NoKeyringError as error:
            raise self._unavailable(error) from None
        except Exception as error:  # any backend failure (D-Bus errors are not KeyringErrors)
            raise self._failed(account, says.READ_FAILED, _describe(error)) from error
        if password is None:
            raise PasswordNotStoredError(
                says.NOT_STORED(account=repr(account.name), user=account.user, host=account.host)
            )
        _check_password(password, says.STORED_PASSWORD(account=repr(account.name)))
        return password

    def delete_password(self, account: Account) -> bool:
        """Remove ``account``'s password from the keyring; False if none was stored."""
        backend = self.backend()
        keyring = _keyring()
        try:
            backend.delete_password(KEYRING_SERVICE, keyring_key(account))
        except keyring.errors.KeyringLocked:
            raise self._locked(account) from None
        except keyring.errors.NoKeyringError as error:
            raise self._unavailable(error) from None
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as error:
            raise self._failed(account, says.DELETE_FAILED, _describe(error)) from error
        return True

    @staticmethod
    def _locked(account: Account) -> KeyringLockedError:
        return KeyringLockedError(says.LOCKED(account=repr(account.name)))

    @staticmethod
    def _unavailable(error: BaseException | None) -> KeyringUnavailableError:
        alternatives = says.ALTERNATIVES()
        if error is None:
            return KeyringUnavailableError(says.UNAVAILABLE(alternatives=alternatives))
        detail = _describe(error)
        return KeyringUnavailableError(
            says.UNAVAILABLE_DETAIL(detail=detail, alternatives=alternatives)
        )

    @staticmethod
    def _failed(account: Account, failed: Message, detail: str) -> KeyringUnavailableError:
        """``failed``: STORE_FAILED, READ_FAILED or DELETE_FAILED."""
        return KeyringUnavailableError(
            failed(account=repr(account.name), detail=detail, alternatives=says.ALTERNATIVES())
        )

    # -- the password command -----------------------------------------------------------------

    def password_from_command(self, account: Account) -> str:
        """Run the account's password command and return what it printed."""
        command = account.password_command
        if not command or not command.strip():
            raise ConfigError(says.NO_COMMAND(account=repr(account.name)))
        return run_password_command(command, account_name=account.name,
                                    timeout=self.command_timeout)  # fmt: skip


def run_password_command(command: str, *, account_name: str, timeout: float) -> str:
    """Run ``command`` through the shell; its output minus one line end is the password."""
    what = says.COMMAND_OF(account=repr(account_name))
    try:
        process = subprocess.Popen(
            command, shell=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=os.name == "posix",
        )  # fmt: skip
    except OSError as error:
        reason = error.strerror or str(error)
        raise CredentialsError(says.COMMAND_NOT_STARTED(command=what, reason=reason)) from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        late = says.COMMAND_TIMEOUT(command=what, seconds=f"{timeout:g}")
        raise CredentialsError(late) from None
    error_text = err.decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
    if process.returncode != 0:
        failed = (
            says.COMMAND_KILLED(command=what, signal=-process.returncode)
            if process.returncode < 0
            else says.COMMAND_FAILED(command=what, status=process.returncode)
        )
        if error_text:
            failed = says.COMMAND_SAID(error=failed, output=error_text)
        raise CredentialsError(failed)
    try:
        password = out.decode("utf-8")
    except UnicodeDecodeError:
        raise CredentialsError(says.COMMAND_NOT_UTF8(command=what)) from None
    password = password.removesuffix("\n").removesuffix("\r")
    if not password:
        raise CredentialsError(
            says.COMMAND_NOTHING_SAID(command=what, output=error_text)
            if error_text
            else says.COMMAND_NOTHING(command=what)
        )
    _check_password(password, says.COMMAND_OUTPUT(command=what))
    return password


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the command and whatever it started (it runs in its own session)."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=5)


def _unusable(backend: KeyringBackend) -> bool:
    """True for keyring's stand-ins that store nothing (fail, null, an empty chain)."""
    keyring = _keyring()
    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return True
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return not backend.backends
    return False
