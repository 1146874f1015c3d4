"""Account settings: validated accounts in a versioned JSON file, saved atomically.

The file (``Profile.settings_file``) looks like::

    {"version": 6, "accounts": [{"name": "work", "host": "pop.example.org", ...}]}

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
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast, get_args

from popgui.accounts.choices import (
    AUTH_METHODS,
    POP2_AUTH,
    POP2_SECURITY,
    AuthMethod,
    ClientKeyPasswordSource,
    DeliverAuth,
    DeliverSecurity,
    FirstSync,
    OAuthProvider,
    PasswordSource,
    Policy,
    Protocol,
    Security,
)
from popgui.accounts.clientcert_settings import (
    CLIENT_CERT_CHOICES,
    CLIENT_CERT_TEXT_FIELDS,
    check_client_cert,
)
from popgui.accounts.deliver_settings import (
    DELIVER_BOOL_FIELDS,
    DELIVER_CHOICES,
    DELIVER_INT_FIELDS,
    DELIVER_TEXT_FIELDS,
    check_deliver,
)
from popgui.accounts.oauth_settings import OAUTH_TEXT_FIELDS, check_oauth
from popgui.accounts.proxy_settings import PROXY_CHOICES, PROXY_TEXT_FIELDS, check_proxy
from popgui.catalog import Message, Sentence
from popgui.catalog import accounts as says
from popgui.checks import bad_setting as bad
from popgui.checks import check_host, normalize_fingerprint
from popgui.durable import write_atomically
from popgui.errors import ConfigError, DeliveryError, SettingError
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
    ``first_sync`` says what the first sync downloads: ``all`` the mail on the server, only
    ``new`` mail (``first_sync_since`` is then the moment the account was added, ISO 8601 in
    UTC: what is dated before it is left on the server), or mail dated ``since`` the day
    ``first_sync_since`` (``YYYY-MM-DD``, from midnight on this computer). Mail left on the
    server this way is never deleted there by the policy (see popgui/sync/firstsync.py).
    ``adopt`` says that the Maildir already holds this account's mail (another client put it
    there): the first sync recognises what is on the server in it and downloads only the rest
    (see popgui/sync/adoption.py); it goes with ``first_sync = "all"`` only.
    The ``oauth_*`` fields describe how an ``auth="oauth2"`` account signs in: the provider,
    the issuer (``custom``), a client id of the account's own (None: the build's), the
    Microsoft tenant, and the scopes (None: the provider's). Its tokens live in the keyring.
    ``proxy`` is the SOCKS5 or HTTP proxy the mail server is reached through (None: directly),
    its password in the keyring or printed by ``proxy_password_command``
    (:mod:`popgui.accounts.proxy_settings`).
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
    first_sync: FirstSync = "all"
    first_sync_since: str | None = None
    adopt: bool = False
    oauth_provider: OAuthProvider | None = None
    oauth_issuer: str | None = None
    oauth_client_id: str | None = None
    oauth_tenant: str | None = None
    oauth_scope: str | None = None
    deliver: str | None = None
    deliver_security: DeliverSecurity = "tls"
    deliver_auth: DeliverAuth = "password"
    deliver_password_source: PasswordSource = "keyring"
    deliver_password_command: str | None = None
    deliver_to: str | None = None
    deliver_shell: bool = False
    deliver_timeout_seconds: int | None = None
    deliver_ca_file: str | None = None
    deliver_oauth_provider: OAuthProvider | None = None
    deliver_oauth_issuer: str | None = None
    deliver_oauth_client_id: str | None = None
    deliver_oauth_tenant: str | None = None
    deliver_oauth_scope: str | None = None
    proxy: str | None = None
    proxy_password_source: PasswordSource = "keyring"
    proxy_password_command: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    client_key_password_source: ClientKeyPasswordSource = "none"
    client_key_password_command: str | None = None

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
                "ca_file", "fingerprint", "first_sync_since", *OAUTH_TEXT_FIELDS,
                *DELIVER_TEXT_FIELDS, *PROXY_TEXT_FIELDS, *CLIENT_CERT_TEXT_FIELDS)  # fmt: skip
_CHOICES: dict[str, tuple[str, ...]] = {
    "protocol": get_args(Protocol),
    "security": get_args(Security),
    "auth": AUTH_METHODS,
    "password_source": get_args(PasswordSource),
    "policy": get_args(Policy),
    "first_sync": get_args(FirstSync),
    **DELIVER_CHOICES,
    **PROXY_CHOICES,
    **CLIENT_CERT_CHOICES,
}
_BOOL_FIELDS = ("delete_when_deleted_locally", "adopt", *DELIVER_BOOL_FIELDS)
_FIELD_NAMES = tuple(field.name for field in fields(Account))
_REQUIRED = ("name", "host", "user")


_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})  # C0/C1 controls, DEL, U+2028/2029


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in text)


def _check_text(field_name: str, value: object) -> None:
    if not isinstance(value, str):
        raise bad(field_name, says.MUST_BE_TEXT, kind=_kind(value))
    if _has_control(value):
        raise bad(field_name, says.CONTROL_CHARACTER)
    if len(value) > MAX_TEXT_LENGTH:
        raise bad(field_name, says.TOO_LONG, limit=MAX_TEXT_LENGTH)


_KINDS: dict[type, Message] = {
    type(None): says.KIND_NULL, bool: says.KIND_BOOLEAN, int: says.KIND_NUMBER,
    float: says.KIND_NUMBER, str: says.KIND_TEXT, list: says.KIND_LIST, dict: says.KIND_OBJECT,
}  # fmt: skip


def _kind(value: object) -> Sentence | str:
    """What ``value`` is, in words (a JSON type), or its Python type's name."""
    message = _KINDS.get(type(value))
    return message() if message is not None else type(value).__name__


def _check_name(name: str) -> None:
    if not name.strip():
        raise bad("name", says.NAME_EMPTY)
    if name != name.strip():
        raise bad("name", says.NAME_SPACES)
    if "/" in name or "\\" in name:
        raise bad("name", says.NAME_SLASH)
    if name.startswith("."):
        raise bad("name", says.NAME_DOT)
    if len(name) > MAX_NAME_LENGTH:
        raise bad("name", says.TOO_LONG, limit=MAX_NAME_LENGTH)


def _check_int(field_name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(field_name, says.NOT_WHOLE_NUMBER, kind=_kind(value))
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
            raise bad(name, says.NOT_A_CHOICE, choices=", ".join(choices), value=repr(value))
    _check_name(account.name)
    host = check_host(account.host)
    if not account.user:
        raise bad("user", says.USER_EMPTY)
    if account.port is not None and not 1 <= _check_int("port", account.port) <= 65535:
        raise bad("port", says.PORT_RANGE, port=account.port)
    _check_policy(account)
    _check_interval(account)
    for name in _BOOL_FIELDS:
        if not isinstance(getattr(account, name), bool):
            raise bad(name, says.NOT_TRUE_OR_FALSE, kind=_kind(getattr(account, name)))
    _check_password_source(account)
    _check_protocol(account)
    _check_first_sync(account)
    check_oauth(account)
    for name in DELIVER_INT_FIELDS:
        if getattr(account, name) is not None:
            _check_int(name, getattr(account, name))
    check_deliver(account)
    check_client_cert(account)
    for name in ("maildir", "ca_file"):
        if getattr(account, name) == "":
            raise bad(name, says.EMPTY_USE_DEFAULT)
    fingerprint = account.fingerprint
    if fingerprint is not None:
        fingerprint = normalize_fingerprint(fingerprint)
    proxy = check_proxy(account)
    return replace(account, host=host, fingerprint=fingerprint, proxy=proxy)


def _check_policy(account: Account) -> None:
    days = account.delete_after_days
    if account.policy == "delete-after-days":
        if days is None:
            raise bad("delete_after_days", says.DAYS_NEEDED)
        if _check_int("delete_after_days", days) < 1:
            raise bad("delete_after_days", says.DAYS_TOO_FEW, days=days)
    elif days is not None:
        raise bad("delete_after_days", says.DAYS_UNUSED)


def _check_interval(account: Account) -> None:
    minutes = account.check_interval_minutes
    if minutes is None:
        return
    minutes = _check_int("check_interval_minutes", minutes)
    if not MIN_CHECK_INTERVAL <= minutes <= MAX_CHECK_INTERVAL:
        raise bad("check_interval_minutes", says.INTERVAL_RANGE, low=MIN_CHECK_INTERVAL,
                  high=MAX_CHECK_INTERVAL, minutes=minutes)  # fmt: skip


def _check_password_source(account: Account) -> None:
    if account.auth == "gssapi" and (
        account.password_source != "keyring" or account.password_command is not None
    ):
        raise bad("password_source", says.KERBEROS_NO_PASSWORD)
    if account.password_source == "command":
        if not (account.password_command or "").strip():
            raise bad("password_command", says.COMMAND_EMPTY)
    elif account.password_command is not None:
        raise bad("password_command", says.COMMAND_UNUSED)


def _check_protocol(account: Account) -> None:
    if account.protocol == "pop2":
        if account.auth not in POP2_AUTH:
            raise bad("auth", says.POP2_AUTH, auth=account.auth)
        if account.security not in POP2_SECURITY:
            raise bad("security", says.POP2_STARTTLS)
        if account.remote_folder == "":
            raise bad("remote_folder", says.REMOTE_FOLDER_EMPTY)
    elif account.remote_folder is not None:
        raise bad("remote_folder", says.REMOTE_FOLDER_UNUSED)


def first_sync_start(account: Account) -> datetime | None:
    """The moment before which the first sync leaves mail on the server (an aware datetime;
    a ``since`` day starts at midnight in this computer's time zone), or None: download all.
    Raises ValueError on a malformed ``first_sync_since`` (validate_account refuses those)."""
    if account.first_sync == "all" or account.first_sync_since is None:
        return None
    if account.first_sync == "since":
        day = date.fromisoformat(account.first_sync_since)
        if len(account.first_sync_since) != 10:
            raise ValueError("not YYYY-MM-DD")
        return datetime(day.year, day.month, day.day).astimezone()
    moment = datetime.fromisoformat(account.first_sync_since)
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def _check_first_sync(account: Account) -> None:
    if account.adopt and account.protocol == "pop2":
        raise bad("adopt", says.POP2_ADOPT)
    if account.adopt and account.first_sync != "all":
        raise bad("adopt", says.ADOPT_WITH_FIRST_SYNC, choice=account.first_sync)
    if account.first_sync == "all":
        if account.first_sync_since is not None:
            raise bad("first_sync_since", says.FIRST_SYNC_SINCE_UNUSED)
        return
    if account.protocol == "pop2":
        raise bad("first_sync", says.POP2_FIRST_SYNC, choice=account.first_sync)
    form = says.FIRST_SYNC_DAY if account.first_sync == "since" else says.FIRST_SYNC_MOMENT
    if account.first_sync_since is None:
        raise bad("first_sync_since", form, value="null")
    try:
        first_sync_start(account)
    except ValueError:
        raise bad("first_sync_since", form, value=repr(account.first_sync_since)) from None


def account_from_dict(data: Mapping[str, object]) -> Account:
    """An Account from its JSON form (types checked, then :func:`validate_account`)."""
    if "password" in data:
        raise ConfigError(says.PASSWORD_IN_SETTINGS())
    unknown = sorted(set(data) - set(_FIELD_NAMES))
    if unknown:
        raise ConfigError(says.UNKNOWN_SETTING(name=repr(unknown[0])))
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        raise bad(missing[0], says.MISSING)
    for name in ("port", "delete_after_days", "check_interval_minutes", *DELIVER_INT_FIELDS):
        value = data.get(name)
        if value is not None:
            _check_int(name, value)
    for name in _BOOL_FIELDS:
        if name in data and not isinstance(data[name], bool):
            raise bad(name, says.NOT_TRUE_OR_FALSE, kind=_kind(data[name]))
    for name in (*_TEXT_FIELDS, *_CHOICES):
        value = data.get(name)
        if value is not None or name in _REQUIRED:
            _check_text(name, value)
    for name in _CHOICES:
        if name in data and data[name] is None:
            raise bad(name, says.NULL)
    for name in ("oauth_provider", "deliver_oauth_provider"):
        if data.get(name) is not None:
            _check_text(name, data[name])
    return validate_account(Account(**cast(dict[str, Any], data)))


# -- the settings file ------------------------------------------------------------------------

SETTINGS_VERSION = 9


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


def _migrate_4_to_5(data: dict[str, Any]) -> dict[str, Any]:
    """Version 5 adds ``first_sync`` ("all", what every existing account did) and
    ``first_sync_since`` (None); an older popgui must not misread a "new" or "since" account
    as one that downloads everything."""
    accounts = data.get("accounts", [])
    if isinstance(accounts, list):
        accounts = [
            {"first_sync": "all", "first_sync_since": None, **item}
            if isinstance(item, dict)
            else item
            for item in accounts
        ]
    return {**data, "accounts": accounts, "version": 5}


def _migrate_5_to_6(data: dict[str, Any]) -> dict[str, Any]:
    """Version 6 adds ``adopt`` (false: what every existing account did). The number changes
    so that an older popgui refuses the file rather than download again the mail an adopting
    account finds in its Maildir."""
    accounts = data.get("accounts", [])
    if isinstance(accounts, list):
        accounts = [
            {"adopt": False, **item} if isinstance(item, dict) else item for item in accounts
        ]
    return {**data, "accounts": accounts, "version": 6}


def _migrate_6_to_7(data: dict[str, Any]) -> dict[str, Any]:
    """Version 7 adds the ``deliver*`` fields (absent: the Maildir, what every existing
    account does). The number changes so that an older popgui refuses the file rather than
    put into the Maildir, and delete, the mail meant for another destination."""
    return {**data, "version": 7}


def _migrate_7_to_8(data: dict[str, Any]) -> dict[str, Any]:
    """Version 8 adds the ``proxy*`` and ``client_cert``/``client_key*`` fields (absent: a
    direct connection, no client certificate, what every existing account does). The number
    changes so that an older popgui refuses the file rather than connect around the proxy or
    without the certificate the account needs."""
    return {**data, "version": 8}


def _migrate_8_to_9(data: dict[str, Any]) -> dict[str, Any]:
    """Version 9 allows ``auth = "gssapi"`` (Kerberos); no version 8 file uses it. The number
    changes so that an older popgui refuses a file that may, rather than misread it."""
    return {**data, "version": 9}


Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: ``MIGRATIONS[n]`` turns a version-``n`` document into version ``n + 1``. To change the
#: format: add a step here, raise SETTINGS_VERSION, and keep every older step.
MIGRATIONS: list[Migration] = [
    _migrate_0_to_1,
    _migrate_1_to_2,
    _migrate_2_to_3,
    _migrate_3_to_4,
    _migrate_4_to_5,
    _migrate_5_to_6,
    _migrate_6_to_7,
    _migrate_7_to_8,
    _migrate_8_to_9,
]


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
            raise name_taken(account.name)
        self.accounts.append(account)
        return account

    def replace(self, account: Account, *, old_name: str | None = None) -> Account:
        """Put ``account`` in the place of ``old_name`` (default: its own name)."""
        account = validate_account(account)
        index = self._index(old_name if old_name is not None else account.name)
        if index is None:
            raise ConfigError(says.NO_SUCH_ACCOUNT(name=repr(old_name or account.name)))
        clash = self._index(account.name)
        if clash is not None and clash != index:
            raise name_taken(account.name)
        self.accounts[index] = account
        return account

    def remove(self, name: str) -> Account:
        """Take out the account called ``name``; ConfigError if there is none."""
        index = self._index(name)
        if index is None:
            raise ConfigError(says.NO_SUCH_ACCOUNT(name=repr(name)))
        return self.accounts.pop(index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SETTINGS_VERSION,
            "accounts": [account.to_dict() for account in self.accounts],
        }


def _settings_from_dict(data: object) -> Settings:
    if not isinstance(data, dict):
        raise ConfigError(says.FILE_NOT_OBJECT(kind=_kind(data)))
    data = _migrate(data)
    accounts = data.get("accounts", [])
    if not isinstance(accounts, list):
        raise ConfigError(says.ACCOUNTS_NOT_LIST(kind=_kind(accounts)))
    settings = Settings()
    for position, item in enumerate(accounts, 1):
        try:
            if not isinstance(item, dict):
                raise ConfigError(says.ITEM_NOT_OBJECT(kind=_kind(item)))
            settings.add(account_from_dict(item))
        except ConfigError as error:
            reason = _sentence_of(error)
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                named = says.IN_NAMED_ACCOUNT(position=position, name=repr(item["name"]),
                                              error=reason)  # fmt: skip
                raise ConfigError(named) from None
            raise ConfigError(says.IN_ACCOUNT(position=position, error=reason)) from None
    return settings


def name_taken(name: str) -> SettingError:
    """Another account already has this name (names are unique, ignoring case)."""
    return SettingError(says.NAME_TAKEN(name=repr(name)), setting="name")


def _sentence_of(error: ConfigError) -> Sentence | str:
    return error.sentence if error.sentence is not None else str(error)


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ConfigError(says.VERSION_NOT_NUMBER(version=repr(version)))
    if version > SETTINGS_VERSION:
        raise ConfigError(says.TOO_NEW(version=version, supported=SETTINGS_VERSION))
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
        raise ConfigError(says.CANNOT_READ(path=path, reason=error.strerror)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(says.NOT_UTF8(path=path, byte=error.start)) from None
    except json.JSONDecodeError as error:
        raise ConfigError(says.NOT_JSON(path=path, detail=error.msg, line=error.lineno,
                                        column=error.colno)) from None  # fmt: skip
    except RecursionError:
        raise ConfigError(says.TOO_DEEP(path=path)) from None
    try:
        return _settings_from_dict(data)
    except ConfigError as error:
        raise ConfigError(says.FILE_WRONG(path=path, error=_sentence_of(error))) from None


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
        reason = error.strerror or str(error)
        raise DeliveryError(says.CANNOT_SAVE(path=path, reason=reason)) from error
