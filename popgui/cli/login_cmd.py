"""``popgui account login NAME``, and what ``add``/``show``/``remove`` do for an ``oauth2``
account: sign-in settings from the options, whether it is signed in, its tokens removed.

The OAuth code (and its library) loads only here and only for ``oauth2`` accounts.
"""

from __future__ import annotations

import sys
import time
from argparse import Namespace
from typing import TYPE_CHECKING, Any

from popgui.accounts.settings import Account
from popgui.cli.common import find_account, load, open_profile
from popgui.errors import PopguiError, UsageError

if TYPE_CHECKING:
    from popgui.oauth.flows import DeviceCode

__all__ = [
    "carry_sign_in", "deliver_sign_in", "forget_sign_in", "oauth_fields", "run_login",
    "sign_in_status",
]  # fmt: skip


def oauth_fields(args: Namespace) -> dict[str, Any]:
    """The ``oauth_*`` settings the options of ``account add`` give (none without oauth2)."""
    given: dict[str, Any] = {
        "oauth_provider": args.oauth_provider, "oauth_issuer": args.oauth_issuer,
        "oauth_client_id": args.oauth_client_id, "oauth_tenant": args.oauth_tenant,
        "oauth_scope": args.oauth_scope,
    }  # fmt: skip
    if args.auth != "oauth2":
        used = [name for name, value in given.items() if value is not None]
        if used or args.oauth_client_secret is not None:
            option = "--" + (used[0] if used else "oauth_client_secret").replace("_", "-")
            raise UsageError(f"{option} is only used with --auth oauth2")
        return {}
    if args.password_command or args.password_stdin:
        raise UsageError(
            "--auth oauth2 signs in with `popgui account login` and takes no password; for an "
            "access token printed by a command, use --auth xoauth2 --password-command CMD"
        )
    if given["oauth_provider"] is None:
        from popgui.oauth.providers import guess_provider

        given["oauth_provider"] = guess_provider(args.host)
        if given["oauth_provider"] is None:
            raise UsageError(
                f"popgui does not know who signs in for {args.host}: add --oauth-provider "
                "microsoft or google, or --oauth-provider custom --oauth-issuer URL"
            )
    return given


def run_login(args: Namespace) -> int:
    """Sign in in the browser (or with a code on another device) and keep the tokens."""
    from popgui.oauth.account import oauth_config
    from popgui.oauth.flows import sign_in_with_browser, sign_in_with_device
    from popgui.oauth.tokenstore import TokenStore

    account = find_account(load(open_profile(args)), args.name)
    name = account.name
    if getattr(args, "deliver", False):
        account = deliver_sign_in(account)
    elif account.auth == "gssapi":
        raise UsageError(
            f"account {account.name!r} signs in with your Kerberos ticket, which popgui does not "
            f"keep: get one with `kinit {account.user}` (or your desktop's Kerberos sign-in); "
            f"`popgui account show {account.name}` says which ticket it will use"
        )
    elif account.auth != "oauth2":
        raise UsageError(
            f"account {account.name!r} logs in with {account.auth}, not OAuth2: nothing to sign "
            f"in to (change it with `popgui account add {account.name} --auth oauth2 ... "
            "--replace`)"
        )
    config = oauth_config(account)
    if args.device:
        record = sign_in_with_device(config, show=_show_code)
    else:
        if args.no_browser:
            print("Open this address in a browser to sign in:", flush=True)
        else:
            print("Signing in in your browser. If it does not open, open this address:")
        record = sign_in_with_browser(
            config, user=account.user, open_browser=not args.no_browser, show_url=_show_url
        )
    TokenStore().save(account, record)
    if account.name != name:  # the destination's sign-in
        print(f"the destination of account {name!r} is signed in: `popgui sync {name}` "
              "delivers there")  # fmt: skip
    else:
        print(f"account {name!r} is signed in: `popgui sync {name}` gets its mail")
    return 0


def deliver_sign_in(account: Account) -> Account:
    """The account as the sign-in code sees its destination's OAuth2 sign-in."""
    if account.deliver is None or account.deliver_auth != "oauth2":
        raise UsageError(
            f"account {account.name!r} has no destination that signs in with OAuth2 (give "
            f"--deliver imaps://… --deliver-auth oauth2 to `popgui account add {account.name} "
            "--replace`)"
        )
    from popgui.destinations.factory import credentials_account

    return credentials_account(account)


def _show_url(url: str) -> None:
    print(f"  {url}", flush=True)
    print("Waiting for the browser... (Ctrl+C cancels)", flush=True)


def _show_code(code: DeviceCode) -> None:
    print(f"On any device, open {code.verification_uri}", flush=True)
    print(f"and enter the code {code.user_code}", flush=True)
    print("Waiting for the sign-in... (Ctrl+C cancels)", flush=True)


def sign_in_status(account: Account) -> str:
    """What ``account show`` says of an ``oauth2`` account's sign-in."""
    from popgui.oauth.tokenstore import TokenStore

    try:
        record = TokenStore().load(account)
    except PopguiError as error:
        return f"unknown ({error})"
    if record is None:
        return f"no: run `popgui account login {account.name}`"
    if record.refresh_good_until is not None:
        return (
            f"yes (the sign-in is known to be good until {_local_time(record.refresh_good_until)})"
        )
    if record.refresh_token is None:
        return "yes, until the access token expires (the provider gave no way to renew it)"
    return "yes (renewed as needed, until the provider revokes it)"


def _local_time(when: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(when))


def forget_sign_in(account: Account) -> None:
    """Remove an account's tokens from the keyring (on ``account remove``)."""
    from popgui.oauth.tokenstore import TokenStore

    try:
        TokenStore().delete(account)
    except PopguiError as error:
        print(
            f"popgui: the sign-in could not be removed from the keyring: {error}", file=sys.stderr
        )


def carry_sign_in(previous: Account, account: Account) -> None:
    """After ``account add --replace`` of an ``oauth2`` account: its tokens follow a new name,
    user or host; they are removed if it no longer signs in with OAuth2."""
    from popgui.accounts.secrets import keyring_key
    from popgui.oauth.tokenstore import TokenStore

    if account.auth == "oauth2" and keyring_key(previous) == keyring_key(account):
        return  # the same entry (changed sign-in settings are noticed at the next sync)
    store = TokenStore()
    try:
        record = store.load(previous) if account.auth == "oauth2" else None
        if record is not None:
            store.save(account, record)  # written before the old one goes: never none
        store.delete(previous)
    except PopguiError as error:
        print(f"popgui: the sign-in could not be moved in the keyring: {error}", file=sys.stderr)
