"""``account add --proxy URL``: the proxy the mail server is reached through, read from the
command line (the options themselves are in parser.py), and its password kept in the keyring
rather than in the settings file (popgui/accounts/proxy_settings.py)."""

from __future__ import annotations

import sys
from argparse import Namespace
from typing import Any

from popgui.accounts.proxy_settings import ProxyAddress, parse_proxy, proxy_credentials
from popgui.accounts.secrets import SecretStore
from popgui.accounts.settings import Account
from popgui.errors import ConfigError, PopguiError, UsageError
from popgui.profile import Profile


def proxy_fields(args: Namespace) -> dict[str, Any]:
    """The ``proxy*`` fields of the account: the address without its password."""
    proxy = _given_proxy(args)
    if proxy is None:
        return {}
    return {
        "proxy": proxy.url(),
        "proxy_password_source": "command" if args.proxy_password_command else "keyring",
        "proxy_password_command": args.proxy_password_command,
    }


def _given_proxy(args: Namespace) -> ProxyAddress | None:
    if args.proxy is None:
        if args.proxy_password_stdin or args.proxy_password_command:
            raise UsageError("--proxy-password-stdin and --proxy-password-command go with --proxy")
        return None
    try:
        proxy = parse_proxy(args.proxy)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    given = [proxy.password is not None, args.proxy_password_stdin, args.proxy_password_command]
    if sum(bool(one) for one in given) > 1:
        raise UsageError(
            "give the proxy's password once: in the --proxy address, with "
            "--proxy-password-stdin or with --proxy-password-command"
        )
    if proxy.user is None and any(given):
        raise UsageError("a proxy password goes with a user name: --proxy KIND://USER@HOST:PORT")
    return proxy


def store_proxy_password(args: Namespace, account: Account, profile: Profile) -> bool:
    """Keep the proxy's password (from the --proxy address, or the next line of standard
    input with --proxy-password-stdin) in the keyring; returns whether one was stored."""
    proxy = _given_proxy(args)
    if proxy is None or proxy.user is None or args.proxy_password_command:
        return False
    password = proxy.password
    if args.proxy_password_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise UsageError("--proxy-password-stdin read an empty password")
    if password is None:
        return False
    SecretStore(profile=profile).store_password(proxy_credentials(account), password)
    return True


def needs_proxy_password(account: Account) -> bool:
    """Whether the account's proxy asks for a password kept in the keyring."""
    if account.proxy is None or account.proxy_password_source != "keyring":
        return False
    return parse_proxy(account.proxy).user is not None


def forget_proxy_password(account: Account, profile: Profile, *, unless: Account | None) -> None:
    """Remove the proxy's password from the keyring: the account is removed, or (``unless``,
    the replacing account) keeps it under another key or no longer needs it."""
    if not needs_proxy_password(account):
        return
    old = proxy_credentials(account)
    if unless is not None and needs_proxy_password(unless) and _key(unless) == _key(account):
        return
    try:
        SecretStore(profile=profile).delete_password(old)
    except PopguiError as error:  # the account is gone or changed either way
        print(f"popgui: the proxy's password may stay in the keyring: {error}", file=sys.stderr)


def _key(account: Account) -> tuple[str, str, str]:
    credentials = proxy_credentials(account)
    return credentials.name, credentials.user, credentials.host
