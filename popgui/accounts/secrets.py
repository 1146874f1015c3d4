"""Where account passwords come from: the system keyring, a command the user names, or a file.

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

A password file (``password_source = "file"``) is for where no keyring runs and the person
chose it knowingly: one file per account in the profile's ``passwords`` directory (mode 0700),
named after a hash of the same key as the keyring's (so it too is only offered to the user and
host it was stored for), holding the password and nothing else, mode 0600, written durably
(:func:`popgui.durable.write_atomically`: never half-written, never readable by others, not
even while being written). It is never in the settings file. A file that others can read is
refused rather than used. Anyone who can read the owner's files can read it: that is the
warning the window gives.

keyring backends can block (a locked KWallet waits for its dialog): call these methods off
the GUI thread. No message built here contains a password.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import subprocess
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, BinaryIO

from popgui.accounts.settings import Account
from popgui.catalog import Message, Sentence
from popgui.catalog import keyring as says
from popgui.durable import write_atomically
from popgui.errors import ConfigError, CredentialsError, KeyringUnavailableError
from popgui.profile import Profile

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


class PasswordFileError(CredentialsError):
    """The account's password file is missing, unreadable, or readable by others."""


class PasswordCommandError(CredentialsError):
    """The account's password command failed: no server was asked, none refused anything."""


def keyring_key(account: Account) -> str:
    """The keyring user name under which ``account``'s password is stored."""
    return f"{account.name}/{account.user}@{account.host}"


def stores_password(account: Account) -> bool:
    """Whether popgui keeps ``account``'s password (keyring or file), rather than a command;
    a Kerberos account has none."""
    return account.auth != "gssapi" and account.password_source in ("keyring", "file")


PASSWORDS_DIR = "passwords"


def password_file(profile: Profile, account: Account) -> Path:
    """Where ``account``'s password is kept when its ``password_source`` is ``"file"``."""
    digest = hashlib.sha256(keyring_key(account).encode("utf-8")).hexdigest()
    return profile.path / PASSWORDS_DIR / digest


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
        self,
        backend: KeyringBackend | None = None,
        *,
        command_timeout: float = COMMAND_TIMEOUT,
        profile: Profile | None = None,
    ) -> None:
        self._backend = backend
        self.command_timeout = command_timeout
        #: Where password files are (accounts with ``password_source = "file"``).
        self.profile = profile

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
        """Save ``password`` for ``account`` in the keyring, or in its password file
        (replacing any earlier one)."""
        if account.password_source == "command":
            raise ConfigError(says.NOT_KEYRING_ACCOUNT(account=repr(account.name)))
        try:
            _check_password(password, says.THE_PASSWORD())
        except CredentialsError as error:
            raise ConfigError(error.sentence or str(error)) from None
        if account.password_source == "file":
            self._store_in_file(account, password)
            return
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
        if account.password_source == "file":
            return self._read_file(account)
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
        """Remove ``account``'s password from the keyring (or its file); False if none was
        stored."""
        if account.password_source == "file":
            return self._delete_file(account)
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

    # -- the password file --------------------------------------------------------------------

    def _file(self, account: Account) -> Path:
        if self.profile is None:  # a programming error: every caller names the profile
            raise ConfigError(says.FILE_NO_PROFILE(account=repr(account.name)))
        return password_file(self.profile, account)

    def _store_in_file(self, account: Account, password: str) -> None:
        path = self._file(account)
        data = password.encode("utf-8")

        def write(file: BinaryIO) -> None:
            file.write(data)

        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            os.chmod(path.parent, 0o700)  # an existing directory too: nobody else lists it
            write_atomically(path, write, mode=0o600)
        except OSError as error:
            reason = error.strerror or str(error)
            failed = says.FILE_NOT_WRITTEN(
                account=repr(account.name), path=str(path), reason=reason
            )
            raise PasswordFileError(failed) from None

    def _read_file(self, account: Account) -> str:
        path = self._file(account)
        what = says.THE_PASSWORD_FILE(account=repr(account.name), path=str(path))
        try:
            if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
                raise PasswordFileError(says.FILE_READABLE_BY_OTHERS(file=what))
            data = path.read_bytes()
        except FileNotFoundError:
            raise PasswordNotStoredError(
                says.NOT_STORED_IN_FILE(
                    account=repr(account.name), user=account.user, host=account.host
                )
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise PasswordFileError(says.FILE_NOT_READ(file=what, reason=reason)) from None
        try:
            password = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PasswordFileError(says.FILE_NOT_UTF8(file=what)) from None
        _check_password(password, says.STORED_PASSWORD(account=repr(account.name)))
        return password

    def _delete_file(self, account: Account) -> bool:
        path = self._file(account)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as error:
            what = says.THE_PASSWORD_FILE(account=repr(account.name), path=str(path))
            reason = error.strerror or str(error)
            raise PasswordFileError(says.FILE_NOT_REMOVED(file=what, reason=reason)) from None
        return True

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
        raise PasswordCommandError(says.COMMAND_NOT_STARTED(command=what, reason=reason)) from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        late = says.COMMAND_TIMEOUT(command=what, seconds=f"{timeout:g}")
        raise PasswordCommandError(late) from None
    error_text = err.decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
    if process.returncode != 0:
        failed = (
            says.COMMAND_KILLED(command=what, signal=-process.returncode)
            if process.returncode < 0
            else says.COMMAND_FAILED(command=what, status=process.returncode)
        )
        if error_text:
            failed = says.COMMAND_SAID(error=failed, output=error_text)
        raise PasswordCommandError(failed)
    try:
        password = out.decode("utf-8")
    except UnicodeDecodeError:
        raise PasswordCommandError(says.COMMAND_NOT_UTF8(command=what)) from None
    password = password.removesuffix("\n").removesuffix("\r")
    if not password:
        raise PasswordCommandError(
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
