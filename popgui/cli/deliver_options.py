"""``account add --deliver …``: where the account's mail goes instead of its Maildir, read from
the command line (the options themselves are in parser.py, which stays light), and the
destination's password kept (docs/destinations.md)."""

from __future__ import annotations

import sys
from argparse import Namespace
from typing import Any

from popgui.accounts.secrets import SecretStore
from popgui.accounts.settings import Account
from popgui.errors import UsageError
from popgui.profile import Profile


def deliver_fields(args: Namespace) -> dict[str, Any]:
    """The ``deliver*`` fields of the account, from the command line."""
    if args.deliver is None:
        used = [flag for flag, value in _flags(args).items() if value]
        if used:
            raise UsageError(f"{used[0]} goes with --deliver")
    return {
        **_oauth_fields(args),
        "deliver": args.deliver,
        "deliver_security": args.deliver_security,
        "deliver_password_source": "command" if args.deliver_password_command else "keyring",
        "deliver_password_command": args.deliver_password_command,
        "deliver_to": args.deliver_to,
        "deliver_shell": args.deliver_shell,
        "deliver_timeout_seconds": args.deliver_timeout,
        "deliver_ca_file": args.deliver_ca_file,
    }


def _flags(args: Namespace) -> dict[str, object]:
    return {
        "--deliver-security": args.deliver_security != "tls",
        "--deliver-password-stdin": args.deliver_password_stdin,
        "--deliver-password-command": args.deliver_password_command,
        "--deliver-to": args.deliver_to,
        "--deliver-shell": args.deliver_shell,
        "--deliver-timeout": args.deliver_timeout,
        "--deliver-ca-file": args.deliver_ca_file,
        "--deliver-auth": args.deliver_auth != "password",
        "--deliver-oauth-provider": args.deliver_oauth_provider,
    }


def _oauth_fields(args: Namespace) -> dict[str, Any]:
    """``deliver_auth`` and the ``deliver_oauth_*`` settings (the provider guessed from the
    destination's host when not given)."""
    given: dict[str, Any] = {
        "deliver_oauth_provider": args.deliver_oauth_provider,
        "deliver_oauth_issuer": args.deliver_oauth_issuer,
        "deliver_oauth_client_id": args.deliver_oauth_client_id,
        "deliver_oauth_tenant": args.deliver_oauth_tenant,
        "deliver_oauth_scope": args.deliver_oauth_scope,
    }
    if args.deliver_auth != "oauth2":
        used = [name for name, value in given.items() if value is not None]
        if used:
            raise UsageError(f"--{used[0].replace('_', '-')} goes with --deliver-auth oauth2")
        return {"deliver_auth": "password"}
    if args.deliver_password_command or args.deliver_password_stdin:
        raise UsageError(
            "--deliver-auth oauth2 signs in with `popgui account login NAME --deliver` and "
            "takes no password"
        )
    if given["deliver_oauth_provider"] is None and args.deliver is not None:
        from popgui.accounts.destination_spec import parse_deliver
        from popgui.oauth.providers import guess_provider

        host = parse_deliver(args.deliver).host
        given["deliver_oauth_provider"] = guess_provider(host)
        if given["deliver_oauth_provider"] is None:
            raise UsageError(
                f"popgui does not know who signs in for {host}: add --deliver-oauth-provider "
                "microsoft or google, or --deliver-oauth-provider custom "
                "--deliver-oauth-issuer URL"
            )
    return {"deliver_auth": "oauth2", **given}


def store_deliver_password(args: Namespace, account: Account, profile: Profile) -> bool:
    """Keep the destination's password read from standard input (--deliver-password-stdin);
    returns whether one was stored."""
    if not args.deliver_password_stdin:
        return False
    from popgui.accounts.destination_spec import parse_deliver
    from popgui.destinations.factory import credentials_account

    if parse_deliver(account.deliver or "").kind != "imap":
        raise UsageError("--deliver-password-stdin is for an IMAP destination (imap://, imaps://)")
    line = sys.stdin.readline()
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise UsageError("--deliver-password-stdin read an empty password")
    if "\0" in password:
        raise UsageError("the destination's password contains a NUL character")
    SecretStore(profile=profile).store_password(credentials_account(account), password)
    return True


def needs_deliver_password(account: Account) -> bool:
    """Whether the account's destination signs in with a password kept in the keyring."""
    if account.deliver is None or account.deliver_password_source != "keyring":
        return False
    if account.deliver_auth == "oauth2":
        return False
    from popgui.accounts.destination_spec import parse_deliver

    return parse_deliver(account.deliver).kind == "imap"


def forget_deliver_password(account: Account, profile: Profile) -> None:
    """Remove the destination's password from the keyring (the account is removed)."""
    if not needs_deliver_password(account):
        return
    from popgui.destinations.factory import credentials_account
    from popgui.errors import PopguiError

    try:
        SecretStore(profile=profile).delete_password(credentials_account(account))
    except PopguiError as error:  # the account is gone either way; say what stays behind
        print(f"popgui: the destination's password may stay in the keyring: {error}",
              file=sys.stderr)  # fmt: skip
