"""An account's proxy: the ``proxy`` address and where its password comes from.

``proxy`` is ``socks5://[USER@]HOST:PORT`` (popgui looks up the mail server's name and gives
the proxy its address), ``socks5h://[USER@]HOST:PORT`` (the proxy looks the name up: the only
way when the name is known only behind the proxy) or ``http://[USER@]HOST:PORT`` (HTTP
CONNECT). The settings file never holds the proxy's password: it is kept in the keyring under
a key of its own (:func:`proxy_credentials`), or printed by ``proxy_password_command``
(``proxy_password_source = "command"``). Errors are :class:`~popgui.errors.SettingError`
naming the field.

The proxy is for reaching the POP server only. The account's ``--deliver`` destination (IMAP,
LMTP) is reached directly: it is where the mail is kept, usually on this machine or the local
network, which is the side of the proxy popgui is on; a destination behind a proxy would need
a proxy setting of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, Literal, get_args
from urllib.parse import quote, unquote, urlsplit

from popgui.catalog import Sentence
from popgui.catalog import proxy as says
from popgui.checks import bad_setting, check_host
from popgui.errors import ConfigError

if TYPE_CHECKING:
    from popgui.accounts.settings import Account

__all__ = [
    "PROXY_CHOICES",
    "PROXY_TEXT_FIELDS",
    "ProxyAddress",
    "ProxyScheme",
    "account_proxy",
    "check_proxy",
    "parse_proxy",
    "proxy_credentials",
]

ProxyScheme = Literal["socks5", "socks5h", "http"]
_SCHEMES: Final = get_args(ProxyScheme)

#: The free-text fields (checked like every text field: no control characters, a length).
PROXY_TEXT_FIELDS = ("proxy", "proxy_password_command")
#: The proxy's password is in the keyring or printed by a command (no password file: the
#: network layer that asks for it knows no profile).
PROXY_CHOICES: dict[str, tuple[str, ...]] = {"proxy_password_source": ("keyring", "command")}

#: What RFC 1929 and a Basic header can carry: no control characters, 255 bytes at most.
_USER: Final = re.compile(r"[^\x00-\x1f\x7f]{1,255}")
#: ``//user:password@``: the password of a typed address is never shown in an error.
_HIDE_PASSWORD: Final = re.compile(r"(//[^/@]*?):[^/]*@")


@dataclass(frozen=True)
class ProxyAddress:
    """A parsed proxy address. ``password`` is only ever set from an address a person typed
    (``account add --proxy``), never from the settings file."""

    scheme: ProxyScheme
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        """``HOST:PORT`` (an IPv6 address in brackets): how errors name the proxy."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self) -> str:
        """The address as the settings file keeps it: with the user name, without password."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        return f"{self.scheme}://{user}{self.address}"

    def describe(self) -> Sentence:
        """``SOCKS5 proxy host:1080``: the proxy as errors and reports name it."""
        kinds = {"socks5": says.KIND_SOCKS5, "socks5h": says.KIND_SOCKS5H, "http": says.KIND_HTTP}
        return says.DESCRIBE(kind=kinds[self.scheme](), address=self.address)


def parse_proxy(url: str) -> ProxyAddress:
    """The proxy of ``url``, or SettingError (setting ``proxy``) saying what is wrong."""
    try:
        return _parse(url.strip())
    except _Bad as bad:
        shown = repr(_HIDE_PASSWORD.sub(r"\1:***@", url))
        raise bad_setting("proxy", says.BAD_URL, url=shown, reason=bad.reason) from None


class _Bad(Exception):
    def __init__(self, reason: Sentence) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _parse(url: str) -> ProxyAddress:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not url.lower().startswith(f"{scheme}://"):
        raise _Bad(says.BAD_SCHEME())
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _Bad(says.EXTRA_PARTS())
    if not parts.hostname:
        raise _Bad(says.NO_HOST())
    try:
        port = parts.port
    except ValueError:
        raise _Bad(says.BAD_PORT()) from None
    if port is None:
        raise _Bad(says.NO_PORT())
    if port == 0:
        raise _Bad(says.BAD_PORT())
    try:
        host = check_host(parts.hostname)
    except ConfigError as error:
        raise _Bad(error.sentence or says.NO_HOST()) from None
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if user is not None and not _USER.fullmatch(user):
        raise _Bad(says.BAD_USER())
    if password == "":
        password = None
    return ProxyAddress(scheme, host, port, user, password)  # type: ignore[arg-type]


def check_proxy(account: Account) -> str | None:
    """Check the proxy settings; return the ``proxy`` address in its normal form (or None)."""
    if account.proxy is None:
        for name in ("proxy_password_command",):
            if getattr(account, name) is not None:
                raise bad_setting(name, says.PASSWORD_SOURCE_UNUSED)
        return None
    proxy = parse_proxy(account.proxy)
    if proxy.password is not None:
        raise bad_setting("proxy", says.PASSWORD_IN_SETTINGS)
    if proxy.user is None and (
        account.proxy_password_source != "keyring" or account.proxy_password_command is not None
    ):
        raise bad_setting("proxy_password_source", says.PASSWORD_SOURCE_UNUSED)
    if account.proxy_password_source == "command":
        if not (account.proxy_password_command or "").strip():
            raise bad_setting("proxy_password_command", says.PASSWORD_COMMAND_EMPTY)
    elif account.proxy_password_command is not None:
        raise bad_setting("proxy_password_command", says.PASSWORD_COMMAND_UNUSED)
    return proxy.url()


def account_proxy(account: Account) -> ProxyAddress | None:
    """The account's proxy (without password), or None; SettingError for a bad address."""
    return parse_proxy(account.proxy) if account.proxy is not None else None


def proxy_credentials(account: Account) -> Account:
    """The account as the secret store sees the proxy's password: its keyring key is
    ``<account>/proxy/<user>@<proxy host>`` (an account name has no ``/``), and its
    password source and command are the proxy's."""
    proxy = account_proxy(account)
    if proxy is None or proxy.user is None:  # a programming error: callers check first
        raise ValueError("the account's proxy has no user name")
    return replace(
        account,
        name=f"{account.name}/proxy",
        user=proxy.user,
        host=proxy.host,
        password_source=account.proxy_password_source,
        password_command=account.proxy_password_command,
        auth="auto",
    )
