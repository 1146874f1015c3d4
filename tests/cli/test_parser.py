"""The command line's grammar: a parser built for the arguments at hand reads them exactly as
the whole grammar does (one parser, whatever the arguments), and AUTH_METHODS are its
choices for ``--auth``."""

from __future__ import annotations

import pytest

from popgui.accounts.settings import AUTH_METHODS
from popgui.cli.parser import build_parser

COMMAND_LINES = [
    [],
    ["--debug"],
    ["--profile", "/tmp/p", "sync"],
    ["sync", "--json", "--timeout", "5", "work", "home"],
    ["--profile", "sync", "sync", "--accept-new-uidls"],  # a profile folder named like a command
    ["preview", "--lines", "3", "work"],
    ["demo", "--no-window"],
    ["account", "list"],
    ["account", "show", "work"],
    ["account", "remove", "work"],
    ["account", "add", "work", "--host", "pop.example.org", "--user", "me", "--delete"],
    ["account", "add", "w", "--host", "h", "--user", "u", "--password-command", "pass show"],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv) or "(none)")
def test_the_parser_for_a_command_line_reads_it_like_the_whole_grammar(argv: list[str]) -> None:
    assert build_parser(argv).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["sync", "--lines", "3"],  # an option of another command
        ["account", "add", "work"],  # required options missing
        ["acount", "list"],  # a misspelt command
        ["preview"],
    ],
)
def test_mistakes_are_refused_like_by_the_whole_grammar(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as whole:
        build_parser().parse_args(argv)
    expected = capsys.readouterr().err
    with pytest.raises(SystemExit) as partial:
        build_parser(argv).parse_args(argv)
    assert partial.value.code == whole.value.code == 2
    assert capsys.readouterr().err == expected


def test_help_lists_every_command_with_or_without_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser(["--help"]).parse_args(["--help"])
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
