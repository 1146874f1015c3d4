"""The command line's grammar. Scripts depend on it: change it only by adding.

Kept apart from the commands so that ``--help`` and the man page need no heavy import.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from popgui import __version__

AUTH_METHODS = (
    "auto",
    "user",
    "apop",
    "plain",
    "login",
    "cram-md5",
    "scram-sha-1",
    "scram-sha-256",
    "xoauth2",
)


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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole grammar; with *argv* (the arguments about to be parsed), only the commands
    named there get their options: building every command's parser costs milliseconds at each
    start, and a command is always named literally. ``None``: every command (the man page)."""
    parser = _Parser(
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
    named = None if argv is None else set(argv)
    for name, (summary, add_options) in _COMMANDS.items():
        command = commands.add_parser(name, help=summary)
        if named is None or name in named:
            add_options(command)
    return parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser using :class:`_Formatter`; its subcommands' parsers are of this class
    too (argparse makes them with the class of the parser they belong to)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(**kwargs)


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized without importing :mod:`shutil` (and the compression
    modules it pulls in): argparse makes a formatter for every option it is given, at each
    start of popgui, help or not."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width() - 2)


def _terminal_width() -> int:
    """What ``shutil.get_terminal_size().columns`` says: $COLUMNS, the terminal, or 80."""
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", "0"))
        if columns > 0:
            return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else 80


def _add_account_commands(account: argparse.ArgumentParser) -> None:
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account (or replace one with --replace)")
    _add_account_options(add)
    actions.add_parser("list", help="list the accounts")
    show = actions.add_parser("show", help="show an account's settings (never its password)")
    show.add_argument("name", metavar="NAME")
    remove = actions.add_parser(
        "remove", help="remove an account and its stored password (the mail stays on disk)"
    )
    remove.add_argument("name", metavar="NAME")


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
        help="how to log in (default auto: the strongest the server offers)",
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
    add.add_argument("--maildir", metavar="PATH", help="where to store the mail")
    add.add_argument("--remote-folder", metavar="NAME", help="the POP2 mailbox to read (FOLD)")
    add.add_argument("--ca-file", metavar="PEM", help="an extra certificate authority to trust")
    add.add_argument(
        "--fingerprint",
        metavar="SHA256",
        help="trust exactly this server certificate (its SHA-256 fingerprint)",
    )
    add.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing account of the same name (its mail is kept)",
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


#: Each command: its line in ``popgui --help``, and what adds its options.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "account": ("add, list, show or remove accounts", _add_account_commands),
    "sync": ("download new mail (all accounts, or those named)", _add_sync_options),
    "preview": ("list what waits on the server (downloads nothing)", _add_preview_options),
    "demo": ("try popgui on built-in local servers with sample mail", _add_demo_options),
}
