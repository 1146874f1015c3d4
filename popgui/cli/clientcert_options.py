"""``account add --client-cert PEM [--client-key PEM] [--client-key-password-stdin |
--client-key-password-command CMD]``: the TLS client certificate the account shows the server,
read from the command line (the options themselves are in parser.py), checked at once, and
the key's passphrase kept in the keyring under a key of its own
(:func:`popgui.net.clientcert.passphrase_account`)."""

from __future__ import annotations

import ssl
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

from popgui.accounts.secrets import SecretStore, keyring_key
from popgui.accounts.settings import Account
from popgui.errors import PopguiError, UsageError


def client_cert_fields(args: Namespace) -> dict[str, Any]:
    """The ``client_*`` fields of the account, from the command line (paths made absolute:
    a sync may run from another directory)."""
    if args.client_cert is None:
        for flag, value in (
            ("--client-key", args.client_key),
            ("--client-key-password-stdin", args.client_key_password_stdin),
            ("--client-key-password-command", args.client_key_password_command),
        ):
            if value:
                raise UsageError(f"{flag} goes with --client-cert")
    source = "none"
    if args.client_key_password_command:
        source = "command"
    elif args.client_key_password_stdin:
        source = "keyring"
    return {
        "client_cert": _absolute(args.client_cert),
        "client_key": _absolute(args.client_key),
        "client_key_password_source": source,
        "client_key_password_command": args.client_key_password_command,
    }


def _absolute(path: str | None) -> str | None:
    return str(Path(path).expanduser().absolute()) if path else path


def read_client_key_passphrase(args: Namespace) -> str | None:
    """The passphrase given on standard input (--client-key-password-stdin), or None."""
    if not args.client_key_password_stdin:
        return None
    line = sys.stdin.readline()
    passphrase = line.removesuffix("\n").removesuffix("\r")
    if not passphrase:
        raise UsageError("--client-key-password-stdin read an empty passphrase")
    if "\0" in passphrase:
        raise UsageError("the key's passphrase contains a NUL character")
    return passphrase


def check_client_cert(account: Account, passphrase: str | None) -> None:
    """Load the certificate and its key now, so that a wrong path, another certificate's key
    or a wrong passphrase is said before anything is saved. The passphrase is the one just
    given (*passphrase*), or what the account's command prints."""
    from popgui.net.clientcert import (
        ClientCertificate,
        load_client_certificate,
        passphrase_account,
    )

    if account.client_cert is None:
        return

    def lookup() -> str:
        if passphrase is not None:
            return passphrase
        return SecretStore().get_password(passphrase_account(account))

    given = account.client_key_password_source != "none"
    client = ClientCertificate(account.client_cert, account.client_key, lookup if given else None)
    try:
        load_client_certificate(ssl.create_default_context(), client)
    except PopguiError as error:
        raise UsageError(error.sentence or str(error)) from None


def keep_client_key_passphrase(
    account: Account, passphrase: str | None, previous: Account | None
) -> None:
    """Store the passphrase just given; on --replace, drop the one kept for *previous* when
    the account no longer reads it there."""
    from popgui.net.clientcert import passphrase_account

    new = passphrase_account(account) if _in_keyring(account) else None
    if new is not None and passphrase is not None:
        SecretStore().store_password(new, passphrase)
    if previous is None or not _in_keyring(previous):
        return
    if new is None or keyring_key(passphrase_account(previous)) != keyring_key(new):
        forget_client_key_passphrase(previous)


def forget_client_key_passphrase(account: Account) -> None:
    """Remove the key's passphrase from the keyring (the account is removed or changed)."""
    if not _in_keyring(account):
        return
    from popgui.net.clientcert import passphrase_account

    try:
        SecretStore().delete_password(passphrase_account(account))
    except PopguiError as error:
        print(f"popgui: the key's passphrase may stay in the keyring: {error}", file=sys.stderr)


def _in_keyring(account: Account) -> bool:
    return account.client_cert is not None and account.client_key_password_source == "keyring"
