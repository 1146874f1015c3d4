"""The command line's grammar. Scripts depend on it: change it only by adding.

Kept apart from the commands so that ``--help`` and the man page need only this module.
"""

from __future__ import annotations

import argparse

from popgui import __version__
from popgui.accounts.choices import AUTH_METHODS, OAUTH_PROVIDERS


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"{text!r} must be {minimum} or more")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The whole grammar: every command with its options."""
    parser = argparse.ArgumentParser(
        prog="popgui",
        description="Download mail from POP3 and POP2 servers into local Maildirs, "
        "each message exactly once. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"popgui {__version__}")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="folder for settings, state and default Maildirs (default: $POPGUI_PROFILE "
        "or the platform's data folder)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="print the protocol dialogue to stderr (passwords and tokens masked)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_account_commands(commands.add_parser("account", help="add, list, show or remove accounts"))
    _add_sync_options(
        commands.add_parser("sync", help="download new mail (all accounts, or those named)")
    )
    _add_preview_options(
        commands.add_parser("preview", help="list what waits on the server (downloads nothing)")
    )
    _add_demo_options(
        commands.add_parser("demo", help="try popgui on built-in local servers with sample mail")
    )
    return parser


def _add_account_commands(account: argparse.ArgumentParser) -> None:
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account (or replace one with --replace)")
    _add_account_options(add)
    login = actions.add_parser(
        "login", help="sign an OAuth2 account in (Microsoft 365, Outlook.com, Gmail...)"
    )
    login.add_argument("name", metavar="NAME")
    login.add_argument(
        "--deliver",
        action="store_true",
        help="sign in to the account's IMAP destination (--deliver-auth oauth2), not its POP "
        "server",
    )
    how = login.add_mutually_exclusive_group()
    how.add_argument(
        "--device",
        action="store_true",
        help="sign in on another device with a code (for a machine without a browser)",
    )
    how.add_argument(
        "--no-browser", action="store_true", help="print the sign-in address, open no browser"
    )
    actions.add_parser("list", help="list the accounts")
    show = actions.add_parser("show", help="show an account's settings (never its password)")
    show.add_argument("name", metavar="NAME")
    remove = actions.add_parser(
        "remove", help="remove an account and its stored password (the mail stays on disk)"
    )
    remove.add_argument("name", metavar="NAME")
    _add_import_state(actions.add_parser(
        "import-state",
        help="mark as downloaded what another mail client (mpop, fetchmail, getmail, "
        "Thunderbird) already downloaded from this account's server",
    ))  # fmt: skip


#: The state files ``account import-state`` reads (popgui/accounts/stateformats.py reads them).
STATE_KINDS = ("mpop", "fetchmail", "getmail", "thunderbird")


def _add_import_state(command: argparse.ArgumentParser) -> None:
    command.add_argument("name", metavar="NAME")
    command.add_argument(
        "--from",
        dest="source",
        choices=STATE_KINDS,
        required=True,
        help="the program that wrote FILE: mpop (its uidls_file), fetchmail (.fetchids), "
        "getmail (oldmail-HOST-PORT-USER in its getmail directory), thunderbird (popstate.dat "
        "in the account's folder)",
    )
    command.add_argument("file", metavar="FILE", help="that program's state file")


def _add_account_options(add: argparse.ArgumentParser) -> None:
    add.add_argument("name", metavar="NAME", help="a short name for the account, e.g. work")
    add.add_argument("--host", required=True, help="the server's host name or address")
    add.add_argument("--port", type=positive_int, help="default: 995 (tls), 110, or 109 (pop2)")
    add.add_argument("--protocol", choices=("pop3", "pop2"), default="pop3")
    add.add_argument(
        "--security",
        choices=("tls", "starttls", "none"),
        default="tls",
        help="tls: encrypted from the start (default); starttls: upgrade, never fall back; "
        "none: unencrypted",
    )
    add.add_argument("--user", required=True, help="the login name on the server")
    add.add_argument(
        "--auth",
        choices=AUTH_METHODS,
        default="auto",
        help="how to log in (default auto: the strongest the server offers, your Kerberos "
        "ticket first when the server takes one; gssapi: Kerberos only, no password)",
    )
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input and keep it in the keyring",
    )
    secret.add_argument(
        "--password-command",
        metavar="CMD",
        help="a command that prints the password (for a password manager)",
    )
    add.add_argument(
        "--password-in-file",
        action="store_true",
        help="keep the password (from --password-stdin or the prompt) in a file of the "
        "profile that only you can read, instead of the keyring: for where no keyring "
        "runs; anyone who can read your files can read it",
    )
    policy = add.add_mutually_exclusive_group()
    policy.add_argument("--keep", action="store_true", help="keep mail on the server (default)")
    policy.add_argument(
        "--delete", action="store_true", help="delete mail on the server once it is safe on disk"
    )
    policy.add_argument(
        "--delete-after-days",
        type=positive_int,
        metavar="N",
        help="delete mail on the server N days after downloading it",
    )
    first = add.add_mutually_exclusive_group()
    first.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave the mail already on the server there (popgui neither downloads nor "
        "deletes it); download only mail that arrives from now on",
    )
    first.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="the first sync downloads only mail dated this day or later (and undated mail)",
    )
    first.add_argument(
        "--adopt",
        action="store_true",
        help="the Maildir given with --maildir already holds this mail (another program put "
        "it there): the first sync recognises it by Message-ID and downloads only the rest",
    )
    add.add_argument("--maildir", metavar="PATH", help="where to store the mail")
    add.add_argument("--remote-folder", metavar="NAME", help="the POP2 mailbox to read (FOLD)")
    add.add_argument("--ca-file", metavar="PEM", help="an extra certificate authority to trust")
    add.add_argument(
        "--fingerprint",
        metavar="SHA256",
        help="trust exactly this server certificate (its SHA-256 fingerprint)",
    )
    _add_client_cert_options(add)
    _add_oauth_options(add)
    _add_deliver_options(add)
    _add_proxy_options(add)
    add.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing account of the same name (its mail is kept)",
    )


def _add_proxy_options(add: argparse.ArgumentParser) -> None:
    proxy = add.add_argument_group(
        "reaching the server through a proxy (see docs/company-networks.md)"
    )
    proxy.add_argument(
        "--proxy",
        metavar="URL",
        help="socks5://[USER@]HOST:PORT (popgui looks up the server's name), socks5h://… (the "
        "proxy looks it up) or http://[USER@]HOST:PORT (HTTP CONNECT); a password written as "
        "USER:PASSWORD@ goes to the keyring, not the settings file",
    )
    secret = proxy.add_mutually_exclusive_group()
    secret.add_argument(
        "--proxy-password-stdin",
        action="store_true",
        help="read the proxy's password from standard input (the line after the account's "
        "own and the destination's) and keep it in the keyring",
    )
    secret.add_argument(
        "--proxy-password-command",
        metavar="CMD",
        help="a command that prints the proxy's password",
    )


def _add_client_cert_options(add: argparse.ArgumentParser) -> None:
    """The TLS client certificate the account shows a server that asks for one."""
    client = add.add_argument_group("TLS client certificate (for a server that asks for one)")
    client.add_argument(
        "--client-cert",
        metavar="PEM",
        help="the certificate (PEM; its chain may follow, and its key, if --client-key is not "
        "given)",
    )
    client.add_argument("--client-key", metavar="PEM", help="the certificate's private key (PEM)")
    passphrase = client.add_mutually_exclusive_group()
    passphrase.add_argument(
        "--client-key-password-stdin",
        action="store_true",
        help="the key is encrypted: read its passphrase from standard input (the line after "
        "the passwords read there) and keep it in the keyring",
    )
    passphrase.add_argument(
        "--client-key-password-command",
        metavar="CMD",
        help="the key is encrypted: a command that prints its passphrase",
    )


def _add_deliver_options(add: argparse.ArgumentParser) -> None:
    deliver = add.add_argument_group(
        "where the mail goes (default: the account's Maildir; see docs/destinations.md)"
    )
    deliver.add_argument(
        "--deliver",
        metavar="URL",
        help="imap://USER@HOST[:PORT]/FOLDER or imaps://… (an IMAP mailbox), lmtp://HOST[:PORT] "
        "or lmtp:/SOCKET (an LMTP server), 'mda:COMMAND' (a program reading the message on "
        "its standard input) or mbox:PATH (one mbox file)",
    )
    deliver.add_argument(
        "--deliver-security",
        choices=("tls", "none"),
        default="tls",
        help="tls: the destination's connection must be encrypted (imaps://, or STARTTLS; "
        "default); none: allow clear text",
    )
    secret = deliver.add_mutually_exclusive_group()
    secret.add_argument(
        "--deliver-password-stdin",
        action="store_true",
        help="read the IMAP destination's password from standard input (the line after the "
        "account's own, with --password-stdin) and keep it in the keyring",
    )
    secret.add_argument(
        "--deliver-password-command",
        metavar="CMD",
        help="a command that prints the IMAP destination's password",
    )
    deliver.add_argument(
        "--deliver-to", metavar="ADDRESS", help="the LMTP recipient (default: the --user name)"
    )
    deliver.add_argument(
        "--deliver-shell",
        action="store_true",
        help="run the mda: command through the shell (default: run it directly)",
    )
    deliver.add_argument(
        "--deliver-timeout",
        type=positive_int,
        metavar="SECONDS",
        help="how long the mda: command may take over one message (default 300)",
    )
    deliver.add_argument(
        "--deliver-ca-file", metavar="PEM", help="an extra certificate authority to trust for it"
    )
    deliver.add_argument(
        "--deliver-auth",
        choices=("password", "oauth2"),
        default="password",
        help="how to sign in to an IMAP destination: password (default), or oauth2 (Gmail, "
        "Outlook.com: then `popgui account login NAME --deliver`)",
    )
    deliver.add_argument(
        "--deliver-oauth-provider",
        choices=OAUTH_PROVIDERS,
        help="who signs you in to the destination (default: guessed from its host)",
    )
    deliver.add_argument("--deliver-oauth-issuer", metavar="URL", help="custom: its address")
    deliver.add_argument("--deliver-oauth-client-id", metavar="ID", help="your own app's id")
    deliver.add_argument("--deliver-oauth-tenant", metavar="T", help="microsoft: the tenant")
    deliver.add_argument("--deliver-oauth-scope", metavar='"S1 S2"', help="the scopes to ask")


def _add_oauth_options(add: argparse.ArgumentParser) -> None:
    """How an ``--auth oauth2`` account signs in (`popgui account login` does it)."""
    oauth = add.add_argument_group("OAuth2 sign-in (with --auth oauth2)")
    oauth.add_argument(
        "--oauth-provider",
        choices=OAUTH_PROVIDERS,
        help="who signs you in (default: guessed from the host: outlook.office365.com is "
        "microsoft, pop.gmail.com google)",
    )
    oauth.add_argument(
        "--oauth-issuer", metavar="URL", help="custom: the provider's address (its discovery)"
    )
    oauth.add_argument("--oauth-client-id", metavar="ID", help="an app you registered yourself")
    oauth.add_argument(
        "--oauth-client-secret", metavar="S", help="that app's secret, if it has one (keyring)"
    )
    oauth.add_argument(
        "--oauth-tenant",
        metavar="T",
        help="microsoft: common (default), consumers, organizations, or your tenant",
    )
    oauth.add_argument(
        "--oauth-scope", metavar='"S1 S2"', help="the scopes to ask for (default: the provider's)"
    )


def _add_timeout(command: argparse.ArgumentParser) -> None:
    """The same progress timeout for every command that talks to a server."""
    command.add_argument(
        "--timeout",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="give up on a server that keeps popgui waiting this long without progress "
        "(default 60)",
    )


def _add_sync_options(sync: argparse.ArgumentParser) -> None:
    sync.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    _add_timeout(sync)
    sync.add_argument(
        "--accept-new-uidls",
        action="store_true",
        help="go on when the server seems to have renumbered its mail (a migration): "
        "messages already stored are recognised by Message-ID, size and date, the rest "
        "is downloaded",
    )
    sync.add_argument("names", nargs="*", metavar="NAME")


def _add_preview_options(preview: argparse.ArgumentParser) -> None:
    preview.add_argument("--json", action="store_true", help="print a JSON list on stdout")
    preview.add_argument(
        "--lines",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="also show the first N lines of each message",
    )
    _add_timeout(preview)
    preview.add_argument("name", metavar="NAME")


def _add_demo_options(demo: argparse.ArgumentParser) -> None:
    demo.add_argument(
        "--no-window",
        action="store_true",
        help="run the demo in the terminal even where a display is available",
    )
