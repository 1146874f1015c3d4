"""What every command needs: the profile, the settings, an account, its secret."""

from __future__ import annotations

import sys
from argparse import Namespace
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from popgui.accounts.secrets import SecretStore
from popgui.accounts.settings import Account, Settings, load_settings
from popgui.errors import UsageError
from popgui.profile import Profile, resolve_profile

if TYPE_CHECKING:  # the network layer loads only for the commands that connect
    from popgui.net.transport import Trace


def open_profile(args: Namespace) -> Profile:
    return Profile(resolve_profile(args.profile))


def load(profile: Profile) -> Settings:
    return load_settings(profile.settings_file)


def find_account(settings: Settings, name: str) -> Account:
    account = settings.get(name)
    if account is None:
        known = ", ".join(a.name for a in settings.accounts) or "none yet"
        raise UsageError(f"there is no account named {name!r} (accounts: {known})")
    return account


def secret_for(account: Account, profile: Profile) -> str:
    """The account's password, or for an ``oauth2`` account a fresh access token."""
    return secret_source(account, profile)()


def secret_source(account: Account, profile: Profile) -> Callable[[], str]:
    """How the engine gets the account's secret once it holds the account's lock: for an
    ``oauth2`` account, an access token it may renew once if the server refuses it."""
    if account.auth == "oauth2":
        from popgui.oauth.account import OAuthSecret  # only OAuth accounts load it

        return OAuthSecret(account)
    if account.auth == "gssapi":
        return _no_secret  # the ticket is in the person's credential cache
    return partial(SecretStore(profile=profile).get_password, account)


def _no_secret() -> str:
    return ""


def debug_trace(args: Namespace, label: str) -> Trace | None:
    """With --debug, the protocol dialogue goes to stderr, one line per command or reply."""
    if not args.debug:
        return None

    def trace(line: str) -> None:
        print(f"[{label}] {line}", file=sys.stderr, flush=True)

    return trace
