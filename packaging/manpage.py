"""The ``popgui(1)`` man page, generated at build time from the command line's own grammar.

``python packaging/manpage.py -o popgui.1`` writes it (packaging/build.sh and
packaging/linux/install.sh run it). Every command and option comes from
:func:`popgui.cli.parser.build_parser`, so the page cannot fall behind the parser; only the
prose around them (environment, files, exit status, examples) is written here.

The page's date is taken from ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds) and
left out otherwise, so the output depends on nothing but the parser.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The checkout this script belongs to, so that the page describes its parser even where
# popgui is not installed (as popgui.spec does for the bundle).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from popgui import __version__
from popgui.cli.parser import build_parser

__all__ = ["Command", "commands", "main", "render"]

_SUMMARY = "download mail from POP3 and POP2 servers into local Maildirs"


@dataclass(frozen=True)
class Command:
    """A command that runs something: ``("account", "add")``, ``("sync",)``..."""

    words: tuple[str, ...]
    help: str
    parser: argparse.ArgumentParser


def commands(parser: argparse.ArgumentParser | None = None) -> list[Command]:
    """Every leaf command of ``parser`` (default: popgui's), in the parser's order."""
    return list(_walk(parser or build_parser(), ()))


def _walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> Iterator[Command]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if _subparsers(sub):
                    yield from _walk(sub, (*words, name))
                else:
                    yield Command((*words, name), helps.get(name, ""), sub)


def _subparsers(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(action, argparse._SubParsersAction) for action in parser._actions)


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.option_strings
        and action.help is not argparse.SUPPRESS
        and not isinstance(action, argparse._HelpAction)
    ]


def _positionals(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction)
    ]


# -- troff ---------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text made safe for troff: backslashes, and a leading dot or quote on a line."""
    text = text.replace("\\", "\\e")
    return "\n".join(
        "\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")
    )


def _literal(text: str) -> str:
    """Something typed as is (an option, a value): its hyphens are real minus signs."""
    return _escape(text).replace("-", "\\-")


def _bold(text: str) -> str:
    return f"\\fB{_literal(text)}\\fR"


def _italic(text: str) -> str:
    return f"\\fI{_literal(text)}\\fR"


_OPTION_IN_PROSE = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


def _prose(text: str) -> str:
    """A help sentence: options named in it set in bold, the rest escaped."""
    parts = _OPTION_IN_PROSE.split(text)
    return "".join(_bold(part) if index % 2 else _escape(part) for index, part in enumerate(parts))


def _metavar(action: argparse.Action) -> str:
    if action.choices is not None:
        return "|\\:".join(_bold(str(choice)) for choice in action.choices)
    metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
    return _italic(metavar)


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _option_head(action: argparse.Action) -> str:
    names = ", ".join(_bold(name) for name in action.option_strings)
    return f"{names} {_metavar(action)}" if _takes_value(action) else names


def _positional_usage(action: argparse.Action) -> str:
    word = _metavar(action)
    if action.nargs == "*":
        return f"[{word} .\\|.\\|.]"
    if action.nargs == "+":
        return f"{word} [{word} .\\|.\\|.]"
    if action.nargs == "?":
        return f"[{word}]"
    return word


def _option_usage(action: argparse.Action) -> str:
    name = _bold(max(action.option_strings, key=len))
    return f"{name} {_metavar(action)}" if _takes_value(action) else name


def _usage(parser: argparse.ArgumentParser) -> str:
    """The options and arguments of a command, as in a SYNOPSIS line."""
    grouped: dict[int, argparse._MutuallyExclusiveGroup] = {}
    for exclusive in parser._mutually_exclusive_groups:
        for action in exclusive._group_actions:
            grouped[id(action)] = exclusive
    words: list[str] = []
    done: set[int] = set()
    for action in _options(parser):
        group = grouped.get(id(action))
        if group is not None:
            if id(group) in done:
                continue
            done.add(id(group))
            choices = " | ".join(_option_usage(member) for member in group._group_actions)
            words.append(f"{{{choices}}}" if group.required else f"[{choices}]")
        elif action.required:
            words.append(_option_usage(action))
        else:
            words.append(f"[{_option_usage(action)}]")
    words.extend(_positional_usage(action) for action in _positionals(parser))
    return " ".join(words)


def _describe(action: argparse.Action) -> str:
    text = _prose(_sentence(action.help)) if action.help else ""
    if not text and action.choices is not None:
        text = "One of " + ", ".join(_bold(str(choice)) for choice in action.choices) + "."
    default = action.default
    if (
        _takes_value(action)
        and default not in (None, False, argparse.SUPPRESS, [])
        and "default" not in (action.help or "")
    ):
        text = f"{text} Default: {_bold(_value(default))}.".strip()
    if action.required:
        text = f"{text} Required.".strip()
    return text


def _value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _option_list(parser: argparse.ArgumentParser) -> list[str]:
    lines: list[str] = []
    for action in _positionals(parser):
        if action.help:
            lines += [".TP", _positional_usage(action), _prose(_sentence(action.help))]
    for action in _options(parser):
        lines += [".TP", _option_head(action), _describe(action) or "\\&"]
    return lines


# -- the page ------------------------------------------------------------------------------------


_ENVIRONMENT = [
    ".TP",
    ".B POPGUI_PROFILE",
    "The profile folder when no \\fB\\-\\-profile\\fR is given.",
    ".TP",
    ".B QT_QPA_PLATFORM",
    "The Qt platform of the window (for instance \\fBoffscreen\\fR to run it without a "
    "display, or \\fBwayland\\fR or \\fBxcb\\fR to choose one).",
]

_FILES = [
    "Everything popgui keeps lives in one profile folder: \\fB\\-\\-profile\\fR, else "
    "\\fB$POPGUI_PROFILE\\fR, else the platform's data folder "
    "(\\fI~/.local/share/popgui\\fR on Linux, honouring \\fB$XDG_DATA_HOME\\fR).",
    ".TP",
    ".I PROFILE/settings.json",
    "The accounts and their settings. Passwords are never stored here: they are in the "
    "system keyring, or printed by the account's password command.",
    ".TP",
    ".I PROFILE/popgui.sqlite3",
    "The state database: which messages were downloaded from which server, and when.",
    ".TP",
    ".I PROFILE/mail/NAME/",
    "The Maildir of the account \\fINAME\\fR (with \\fBcur\\fR, \\fBnew\\fR and \\fBtmp\\fR "
    "folders), unless the account names another with \\fB\\-\\-maildir\\fR.",
    ".TP",
    ".I PROFILE/locks/",
    "Lock files that keep two popgui processes from downloading for the same account at once.",
]

_EXIT_STATUS = [
    ".TP",
    ".B 0",
    "Success; for \\fBsync\\fR, every account succeeded.",
    ".TP",
    ".B 1",
    "A failure, explained in plain words on standard error; for \\fBsync\\fR, at least one "
    "account failed (the others were still downloaded).",
    ".TP",
    ".B 2",
    "A usage error: an unknown option, a missing argument, an account that does not exist.",
    ".TP",
    ".B 130",
    "Interrupted (Ctrl+C); nothing half-done was kept.",
]

_EXAMPLES = [
    ("Open the window on the built-in demo (local servers with sample mail):", "popgui demo"),
    (
        "Add an account; the password is read once and kept in the system keyring:",
        "printf '%s\\en' 'my password' | popgui account add home \\e\n"
        "    \\-\\-host pop.example.com \\-\\-user me@example.com \\-\\-password\\-stdin",
    ),
    (
        "Add an account whose password a password manager prints, deleting mail on the "
        "server 30 days after downloading it:",
        "popgui account add work \\-\\-host mail.example.org \\-\\-user jane \\e\n"
        "    \\-\\-password\\-command 'pass show mail/work' \\-\\-delete\\-after\\-days 30",
    ),
    ("Download new mail for every account:", "popgui sync"),
    (
        "From cron, every ten minutes, with a JSON report per account:",
        "*/10 * * * *  popgui sync \\-\\-json >> ~/.local/state/popgui\\-sync.log 2>&1",
    ),
    (
        "See what waits on a server, with the first five lines of each message:",
        "popgui preview \\-\\-lines 5 home",
    ),
]


def render(parser: argparse.ArgumentParser | None = None, *, date: str | None = None) -> str:
    """The man page, as troff source."""
    parser = parser or build_parser()
    if date is None:
        date = _source_date()
    out: list[str] = [
        f'.TH POPGUI 1 "{date}" "popgui {__version__}" "User Commands"',
        ".SH NAME",
        f"popgui \\- {_SUMMARY}",
        ".SH SYNOPSIS",
        ".nh",
        ".ad l",
        f".B popgui\n{_usage(parser)} [{_italic('COMMAND')} [{_italic('ARGUMENTS')}]]",
    ]
    global_usage = "[\\fIglobal options\\fR]"
    for command in commands(parser):
        out += [
            ".br",
            f".B popgui\n{global_usage} {' '.join(_bold(word) for word in command.words)} "
            f"{_usage(command.parser)}".rstrip(),
        ]
    out += [
        ".ad",
        ".hy",
        ".SH DESCRIPTION",
        _prose(parser.description or ""),
        ".PP",
        "popgui downloads each message exactly once, even if it is killed at any instant: a "
        "message is written and flushed to the Maildir, then recorded in the state database, "
        "and only then may it be deleted on the server. The window and the command line share "
        "the same engine, accounts and profile.",
        ".PP",
        "Without a command, popgui opens its window where a display is available. The "
        "window's Get Mail does what \\fBpopgui sync\\fR does; its On server view does what "
        "\\fBpopgui preview\\fR does.",
        ".SH OPTIONS",
        "These come before the command.",
        *_option_list(parser),
        ".TP",
        f"{_bold('-h')}, {_bold('--help')}",
        "Show a summary of the options (of the command, when given after one) and exit.",
        ".SH COMMANDS",
    ]
    for command in commands(parser):
        title = " ".join(_literal(word) for word in command.words)
        out += [f'.SS "{title}"', _prose(_sentence(command.help))]
        options = _option_list(command.parser)
        if options:
            out += [".PP", *options]
    out += [".SH ENVIRONMENT", *_ENVIRONMENT]
    out += [".SH FILES", *_FILES]
    out += [".SH EXIT STATUS", *_EXIT_STATUS]
    out += [".SH EXAMPLES"]
    for text, example in _EXAMPLES:
        out += [".PP", _escape(text), ".PP", ".RS 4", ".nf", example, ".fi", ".RE"]
    out += [
        ".SH COPYRIGHT",
        "popgui is free software, licensed under the GNU General Public License, version 3 "
        "or (at your option) any later version (GPL\\-3.0\\-or\\-later). It comes with no "
        "warranty. It uses Qt and PySide6 under the GNU Lesser General Public License, "
        "version 3.",
    ]
    return "\n".join(out) + "\n"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _source_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return ""


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(
        prog="python packaging/manpage.py", description="Print popgui's man page (troff)."
    )
    arguments.add_argument("-o", "--output", metavar="FILE", help="write it here, not stdout")
    options = arguments.parse_args(argv)
    page = render()
    if options.output:
        with open(options.output, "w", encoding="utf-8") as file:
            file.write(page)
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
