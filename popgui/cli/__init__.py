"""The ``popgui`` command: argument parsing, dispatch, and errors in plain words.

Nothing here imports Qt unless the window is asked for, so scripts and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from popgui.cli.parser import build_parser
from popgui.errors import PopguiError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def run() -> NoReturn:
    """The ``popgui`` program: :func:`main`, then a quick exit.

    Finalising the interpreter (freeing every module and object) takes 10-15 ms, a tenth of
    a sync that finds nothing new. By the time :func:`main` returns, everything of ours is
    closed (database, locks, sockets, writer threads) and the output is flushed here, so the
    process can end at once. Once Qt is loaded (the window, the demo) the exit stays the
    ordinary one: Qt's own clean-up runs then.
    """
    code = main()
    if "PySide6.QtCore" in sys.modules:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe: nothing more can be said
        code = code or EXIT_FAILED
    if "logging" in sys.modules:  # its handlers flush at exit: do it ourselves
        sys.modules["logging"].shutdown()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        return _dispatch(args)
    except PopguiError as error:
        from popgui.messages import describe

        print(f"popgui: {describe(error)}", file=sys.stderr)
        return EXIT_USAGE if _is_usage(error) else EXIT_FAILED
    except KeyboardInterrupt:
        print("popgui: interrupted; nothing half-done was kept", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: say so briefly, details only with --debug
        if args.debug:
            import traceback

            traceback.print_exc()
        print(
            f"popgui: internal error ({type(error).__name__}: {error}); "
            "run again with --debug and report it",
            file=sys.stderr,
        )
        return EXIT_FAILED


def _is_usage(error: PopguiError) -> bool:
    from popgui.errors import UsageError

    return isinstance(error, UsageError)


def _dispatch(args: argparse.Namespace) -> int:
    command = getattr(args, "command", None)
    if command == "account":
        from popgui.cli.account_cmd import run_account

        return run_account(args)
    if command == "sync":
        from popgui.cli.sync_cmd import run_sync

        return run_sync(args)
    if command == "preview":
        from popgui.cli.preview_cmd import run_preview

        return run_preview(args)
    if command == "demo":
        from popgui.cli.demo_cmd import run_demo

        return run_demo(args)
    return _open_window(args)


def _open_window(args: argparse.Namespace) -> int:
    """No command: the window on the user's profile, where there is a display."""
    from popgui.cli.common import open_profile
    from popgui.cli.demo_cmd import display_available

    if not display_available():
        print(
            "popgui: no display available to open the window; the command line works without "
            "one (see `popgui --help`)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    profile = open_profile(args)
    try:
        from popgui.gui.app import run_window  # Qt is imported only here
    except ImportError as error:
        print(f"popgui: the window cannot start: {error} (is PySide6 installed?)", file=sys.stderr)
        return EXIT_FAILED
    return run_window(profile)
