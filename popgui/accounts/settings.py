"""Account settings: validated accounts in a versioned JSON file, saved atomically.

The file (``Profile.settings_file``) looks like::

    {"version": 4, "accounts": [{"name": "work", "host": "pop.example.org", ...}]}

Passwords are never written here: they live in the system keyring, come from the account's
password command, or (``password_source = "file"``) sit in a file of their own in the
profile that only its owner may read (:mod:`popgui.accounts.secrets`).

Every way in (the window, the command line, the file) goes through :func:`validate_account`,
which refuses control characters in every text field (they could smuggle a second command
into the protocol or a second line into a log), impossible host names and ports, malformed
certificate fingerprints and settings that contradict each other. Its errors are
:class:`~popgui.errors.ConfigError` with a plain sentence naming the field.

Older files are brought up to date by :data:`MIGRATIONS` when read; a file written by a newer
popgui is refused rather than misread.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, cast, get_args

from popgui.accounts.choices import (
    AUTH_METHODS,
    POP2_AUTH,
    POP2_SECURITY,
    AuthMethod,
    OAuthProvider,
    PasswordSource,
    Policy,
    Protocol,
    Security,
)
from popgui.accounts.oauth_settings import OAUTH_TEXT_FIELDS, check_oauth
from popgui.checks import check_host, normalize_fingerprint
from popgui.durable import write_atomically
from popgui.errors import ConfigError, DeliveryError
from popgui.profile import Profile

MAX_NAME_LENGTH = 100
#: Periodic checks: at least once a minute, at most once a day.
MIN_CHECK_INTERVAL = 1
MAX_CHECK_INTERVAL = 1440
MAX_TEXT_LENGTH = 4096


@dataclass(frozen=True, kw_only=True)
class Account:
    """One mailbox to download from. Build it with keywords; check it with validate_account.

    ``port`` None means the protocol's usual port (:attr:`effective_port`). ``maildir`` None
    means ``<profile>/mail/<name>``; a relative path is taken from the profile directory.
    ``fingerprint`` pins the server certificate (SHA-256, lowercase hex with colons).
    ``remote_folder`` is the POP2 ``FOLD`` mailbox (POP3 has no folders).
    ``check_interval_minutes`` None means "check only when asked"; otherwise the window checks
    every so many minutes (1..1440). ``delete_when_deleted_locally`` deletes a message on the
    server at the next sync once the user has moved it to Trash in the window (the local copy
    in Trash is what keeps it safe; moving it back out of Trash cancels the deletion).
    The ``oauth_*`` fields describe how an ``auth="oauth2"`` account signs in: the provider,
    the issuer (``custom``), a client id of the account's own (None: the build's), the
    Microsoft tenant, and the scopes (None: the provider's). Its tokens live in the keyring.
    """

    name: str
    host: str
    port: int | None = None
    protocol: Protocol = "pop3"
    security: Security = "tls"
    user: str
    auth: AuthMethod = "auto"
    password_source: PasswordSource = "keyring"
    password_command: str | None = None
    policy: Policy = "keep"
    delete_after_days: int | None = None
    maildir: str | None = None
    remote_folder: str | None = None
    ca_file: str | None = None
    fingerprint: str | None = None
    check_interval_minutes: int | None = None
    delete_when_deleted_locally: bool = False
    oauth_provider: OAuthProvider | None = None
    oauth_issuer: str | None = None
    oauth_client_id: str | None = None
    oauth_tenant: str | None = None
    oauth_scope: str | None = None

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        if self.protocol == "pop2":
            return 109
        return 995 if self.security == "tls" else 110

    def maildir_path(self, profile: Profile) -> Path:
        """Where this account's mail is delivered."""
        if self.maildir is None:
            return profile.mail_dir / self.name
        path = Path(self.maildir).expanduser()
        return path if path.is_absolute() else profile.path / path

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- validation -------------------------------------------------------------------------------

_TEXT_FIELDS = ("name", "host", "user", "password_command", "maildir", "remote_folder",
                "ca_file", "fingerprint", *OAUTH_TEXT_FIELDS)  # fmt: skip
_CHOICES: dict[str, tuple[str, ...]] = {
    "protocol": get_args(Protocol),
    "security": get_args(Security),
    "auth": AUTH_METHODS,
    "password_source": get_args(PasswordSource),
    "policy": get_args(Policy),
}
_FIELD_NAMES = tuple(field.name for field in fields(Account))
_REQUIRED = ("name", "host", "user")


_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})  # C0/C1 controls, DEL, U+2028/2029


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in text)


def _check_text(field_name: str, value: object) -> None:
    if not isinstance(value, str):
        raise ConfigError(f"{field_name} must be text, not {_kind(value)}")
    if _has_control(value):
        raise ConfigError(
            f"{field_name} contains a control character (line break, tab, NUL...): remove it"
        )
    if len(value) > MAX_TEXT_LENGTH:
        raise ConfigError(f"{field_name} is too long (over {MAX_TEXT_LENGTH} characters)")


def _kind(value: object) -> str:
    return {
        type(None): "null", bool: "true/false", int: "a number", float: "a number",
        str: "text", list: "a list", dict: "an object",
    }.get(type(value), type(value).__name__)  # fmt: skip


def _check_name(name: str) -> None:
    if not name.strip():
        raise ConfigError("name is empty: give the account a name")
    if name != name.strip():
        raise ConfigError("name starts or ends with a space")
    if "/" in name or "\\" in name:
        raise ConfigError("name may not contain '/' or '\\' (it names the account's folder)")
    if name.startswith("."):
        raise ConfigError("name may not start with '.' (it names the account's folder)")
    if len(name) > MAX_NAME_LENGTH:
        raise ConfigError(f"name is too long (over {MAX_NAME_LENGTH} characters)")


def _check_int(field_name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{field_name} must be a whole number, not {_kind(value)}")
    return value


def validate_account(account: Account) -> Account:
    """Check every field; return the account with normalised values, or raise ConfigError.

    Normalised: the fingerprint in lowercase colon form, an IPv6 host without brackets.
    """
    for name in _TEXT_FIELDS:
        value = getattr(account, name)
        if value is not None or name in _REQUIRED:
            _check_text(name, value)
    for name, choices in _CHOICES.items():
        value = getattr(account, name)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    _check_name(account.name)
    host = check_host(account.host)
    if not account.user:
        raise ConfigError("user is empty: give the user name for the server")
    if account.port is not None and not 1 <= _check_int("port", account.port) <= 65535:
        raise ConfigError(f"port must be between 1 and 65535, not {account.port}")
    _check_policy(account)
    _check_interval(account)
    if not isinstance(account.delete_when_deleted_locally, bool):
        raise ConfigError(
            "delete_when_deleted_locally must be true or false, "
            f"not {_kind(account.delete_when_deleted_locally)}"
        )
    _check_password_source(account)
    _check_protocol(account)
    check_oauth(account)
    for name in ("maildir", "ca_file"):
        if getattr(account, name) == "":
            raise ConfigError(f"{name} is empty: leave it out to use the default")
    fingerprint = account.fingerprint
    if fingerprint is not None:
        fingerprint = normalize_fingerprint(fingerprint)
    return replace(account, host=host, fingerprint=fingerprint)


def _check_policy(account: Account) -> None:
    days = account.delete_after_days
    if account.policy == "delete-after-days":
        if days is None:
            raise ConfigError("delete_after_days is needed with policy delete-after-days")
        if _check_int("delete_after_days", days) < 1:
            raise ConfigError(f"delete_after_days must be 1 or more, not {days}")
    elif days is not None:
        raise ConfigError("delete_after_days is only used with policy delete-after-days")


def _check_interval(account: Account) -> None:
    minutes = account.check_interval_minutes
    if minutes is None:
        return
    minutes = _check_int("check_interval_minutes", minutes)
    if not MIN_CHECK_INTERVAL <= minutes <= MAX_CHECK_INTERVAL:
        raise ConfigError(
            f"check_interval_minutes must be between {MIN_CHECK_INTERVAL} and "
            f"{MAX_CHECK_INTERVAL} (a day), not {minutes}"
        )


def _check_password_source(account: Account) -> None:
    if account.password_source == "command":
        if not (account.password_command or "").strip():
            raise ConfigError("password_command is empty: name the command that prints it")
    elif account.password_command is not None:
        raise ConfigError("password_command is only used with password_source command")


def _check_protocol(account: Account) -> None:
    if account.protocol == "pop2":
        if account.auth not in POP2_AUTH:
            raise ConfigError(f"auth {account.auth} is not possible with POP2 (use auto)")
        if account.security not in POP2_SECURITY:
            raise ConfigError("security starttls is not possible with POP2 (use tls or none)")
        if account.remote_folder == "":
            raise ConfigError("remote_folder is empty: leave it out for the default mailbox")
    elif account.remote_folder is not None:
        raise ConfigError("remote_folder is only used with POP2 (POP3 has no folders)")


def account_from_dict(data: Mapping[str, object]) -> Account:
    """An Account from its JSON form (types checked, then :func:`validate_account`)."""
    if "password" in data:
        raise ConfigError(
            "a password is in the settings; passwords belong in the system keyring "
            "or come from password_command: remove it"
        )
    unknown = sorted(set(data) - set(_FIELD_NAMES))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}")
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        raise ConfigError(f"{missing[0]} is missing")
    for name in ("port", "delete_after_days", "check_interval_minutes"):
        value = data.get(name)
        if value is not None:
            _check_int(name, value)
    if "delete_when_deleted_locally" in data and not isinstance(
        data["delete_when_deleted_locally"], bool
    ):
        raise ConfigError(
            "delete_when_deleted_locally must be true or false, "
            f"not {_kind(data['delete_when_deleted_locally'])}"
        )
    for name in (*_TEXT_FIELDS, *_CHOICES):
        value = data.get(name)
        if value is not None or name in _REQUIRED:
            _check_text(name, value)
    for name in _CHOICES:
        if name in data and data[name] is None:
            raise ConfigError(f"{name} may not be null")
    if data.get("oauth_provider") is not None:
        _check_text("oauth_provider", data["oauth_provider"])
    return validate_account(Account(**cast(dict[str, Any], data)))


# -- the settings file ------------------------------------------------------------------------

SETTINGS_VERSION = 4


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: a file without a ``version`` key (never released); same content."""
    return {**data, "version": 1}


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds ``check_interval_minutes`` (None: manual) and
    ``delete_when_deleted_locally`` (false) to every account."""
    accounts = data.get("accounts", [])
    if isinstance(accounts, list):
        accounts = [
            {"check_interval_minutes": None, "delete_when_deleted_locally": False, **item}
            if isinstance(item, dict)
            else item
            for item in accounts
        ]
    return {**data, "accounts": accounts, "version": 2}


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 adds the ``oauth_*`` fields, absent (None) for every existing account: a
    version 2 file has no ``oauth2`` account. The version number is what changes, so that an
    older popgui refuses a file that may hold one rather than misread it."""
    return {**data, "version": 3}


def _migrate_3_to_4(data: dict[str, Any]) -> dict[str, Any]:
    """Version 4 allows ``password_source = "file"``; no version 3 file uses it. The number
    changes so that an older popgui refuses a file that may, rather than misread it."""
    return {**data, "version": 4}


Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: ``MIGRATIONS[n]`` turns a version-``n`` document into version ``n + 1``. To change the
#: format: add a step here, raise SETTINGS_VERSION, and keep every older step.
MIGRATIONS: list[Migration] = [_migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3, _migrate_3_to_4]


@dataclass
class Settings:
    """The accounts, in the order the user made them. Names are unique (ignoring case)."""

    accounts: list[Account] = field(default_factory=list)

    def __iter__(self) -> Iterator[Account]:
        return iter(self.accounts)

    def __len__(self) -> int:
        return len(self.accounts)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._index(name) is not None

    def names(self) -> list[str]:
        return [account.name for account in self.accounts]

    def _index(self, name: str) -> int | None:
        key = name.casefold()
        for index, account in enumerate(self.accounts):
            if account.name.casefold() == key:
                return index
        return None

    def get(self, name: str) -> Account | None:
        """The account called ``name`` (ignoring case), or None."""
        index = self._index(name)
        return None if index is None else self.accounts[index]

    def put(self, account: Account) -> Account:
        """Add ``account``, or replace the one with its name (ignoring case)."""
        if account.name in self:
            return self.replace(account)
        return self.add(account)

    def add(self, account: Account) -> Account:
        """Validate and append; returns the stored (normalised) account."""
        account = validate_account(account)
        if account.name in self:
            raise ConfigError(f"there is already an account named {account.name!r}")
        self.accounts.append(account)
        return account

    def replace(self, account: Account, *, old_name: str | None = None) -> Account:
        """Put ``account`` in the place of ``old_name`` (default: its own name)."""
        account = validate_account(account)
        index = self._index(old_name if old_name is not None else account.name)
        if index is None:
            raise ConfigError(f"there is no account named {old_name or account.name!r}")
        clash = self._index(account.name)
        if clash is not None and clash != index:
            raise ConfigError(f"there is already an account named {account.name!r}")
        self.accounts[index] = account
        return account

    def remove(self, name: str) -> Account:
        """Take out the account called ``name``; ConfigError if there is none."""
        index = self._index(name)
        if index is None:
            raise ConfigError(f"there is no account named {name!r}")
        return self.accounts.pop(index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SETTINGS_VERSION,
            "accounts": [account.to_dict() for account in self.accounts],
        }


def _settings_from_dict(data: object) -> Settings:
    if not isinstance(data, dict):
        raise ConfigError(f"the file must hold a JSON object, not {_kind(data)}")
    data = _migrate(data)
    accounts = data.get("accounts", [])
    if not isinstance(accounts, list):
        raise ConfigError(f"accounts must be a list, not {_kind(accounts)}")
    settings = Settings()
    for position, item in enumerate(accounts, 1):
        label = f"account {position}"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            label += f" ({item['name']!r})"
        try:
            if not isinstance(item, dict):
                raise ConfigError(f"it must be a JSON object, not {_kind(item)}")
            settings.add(account_from_dict(item))
        except ConfigError as error:
            raise ConfigError(f"{label}: {error}") from None
    return settings


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ConfigError(f"version must be a whole number, not {version!r}")
    if version > SETTINGS_VERSION:
        raise ConfigError(
            f"it was written by a newer popgui (settings version {version}; this popgui "
            f"understands up to {SETTINGS_VERSION}): upgrade popgui or use another profile"
        )
    while version < SETTINGS_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing file means no accounts yet.

    Any problem (unreadable, not UTF-8, not JSON, wrong types, invalid values, too new) is a
    ConfigError naming the file and the problem.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(f"cannot read the settings file {path}: {error.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the settings file {path} is not UTF-8 text (byte {error.start})"
        ) from None
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"the settings file {path} is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from None
    except RecursionError:
        raise ConfigError(f"the settings file {path} is nested too deeply") from None
    try:
        return _settings_from_dict(data)
    except ConfigError as error:
        raise ConfigError(f"the settings file {path} is wrong: {error}") from None


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically: a temporary file beside ``path``, fsync, rename, fsync
    of the directory. The file is private (mode 0600). A failure leaves the old file intact.
    """
    for account in settings:
        validate_account(account)
    data = (json.dumps(settings.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(path, lambda file: file.write(data), mode=0o600)
    except OSError as error:
        raise DeliveryError(
            f"could not save the settings to {path}: {error.strerror or error}"
        ) from error
