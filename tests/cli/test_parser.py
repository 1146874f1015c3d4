"""The command line's grammar: one ordinary argparse parser with every command, and
AUTH_METHODS are its choices for ``--auth``."""

from __future__ import annotations

import pytest

from popgui.accounts.choices import AUTH_METHODS
from popgui.cli.parser import build_parser

#: command lines and the command each one names (None: the window)
COMMAND_LINES: list[tuple[list[str], str | None]] = [
    ([], None),
    (["--debug"], None),
    (["--profile", "/tmp/p", "sync"], "sync"),
    (["sync", "--json", "--timeout", "5", "work", "home"], "sync"),
    (["--profile", "sync", "sync", "--accept-new-uidls"], "sync"),  # a profile named "sync"
    (["preview", "--lines", "3", "work"], "preview"),
    (["demo", "--no-window"], "demo"),
    (["account", "list"], "account"),
    (["account", "show", "work"], "account"),
    (["account", "remove", "work"], "account"),
    (["account", "add", "work", "--host", "pop.example.org", "--user", "me", "--delete"],
     "account"),
    (["account", "add", "w", "--host", "h", "--user", "u", "--password-command", "pass show"],
     "account"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "command"), COMMAND_LINES, ids=lambda value: " ".join(value or []) or "(none)"
)
def test_every_command_line_names_its_command(argv: list[str], command: str | None) -> None:
    args = build_parser().parse_args(argv)
    assert getattr(args, "command", None) == command


def test_options_reach_their_command() -> None:
    args = build_parser().parse_args(["--profile", "sync", "sync", "--accept-new-uidls", "w"])
    assert (args.profile, args.command, args.accept_new_uidls) == ("sync", "sync", True)
    args = build_parser().parse_args(["sync", "--json", "--timeout", "5", "work", "home"])
    assert (args.json, args.timeout, args.names) == (True, 5.0, ["work", "home"])


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["sync", "--lines", "3"], "--lines"),  # an option of another command
        (["account", "add", "work"], "--host"),  # required options missing
        (["acount", "list"], "acount"),  # a misspelt command
        (["preview"], "required"),
    ],
)
def test_mistakes_are_refused_with_a_usage_message(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(argv)
    assert refused.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("usage: popgui") and complaint in error


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    listed = capsys.readouterr().out
    for command in ("account", "sync", "preview", "demo"):
        assert command in listed


@pytest.mark.parametrize("method", AUTH_METHODS)
def test_every_auth_method_of_the_settings_is_a_choice(method: str) -> None:
    argv = ["account", "add", "w", "--host", "h", "--user", "u", "--auth", method]
    assert build_parser().parse_args(argv).auth == method


def test_an_unknown_auth_method_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["account", "add", "w", "--host", "h", "--user", "u",
                                   "--auth", "kerberos"])  # fmt: skip
    assert "kerberos" in capsys.readouterr().err
