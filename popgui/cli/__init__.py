"""The ``popgui`` command: argument parsing, dispatch, and errors in plain words.

Its two entry points are here: :func:`run` (the ``popgui`` console script) and
:func:`gui_main` (``popguiw``, the same without a console on Windows). Without a command,
popgui opens the window (popgui/cli/window.py); nothing here imports Qt unless the window is
asked for, so scripts and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
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
    """The ``popgui`` console script: :func:`main`'s status becomes the process's.

    The exit is the ordinary one, so atexit handlers, finalisers and Qt's own clean-up run.
    Output is flushed here first, so that a reader that went away (``popgui ... | head``)
    is noticed while an exit status can still say so; that includes what argparse prints
    before it exits on its own (``--help``, ``--version``, a usage error).
    """
    try:
        code = main()
    except SystemExit as stop:
        code = _exit_status(stop.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe: nothing more can be said
            code = code or EXIT_FAILED
            # The interpreter flushes again at exit: give it somewhere to write, as Python's
            # documentation advises for SIGPIPE (the signal module's notes).
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    sys.exit(code)


def _exit_status(code: object) -> int:
    """A SystemExit's status as an exit code: None is success, a message a failure."""
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_FAILED


def gui_main(argv: Sequence[str] | None = None) -> int:
    """The ``popguiw`` gui-script: ``popgui`` without a console window (Windows).

    A gui-script has no console on Windows, so ``sys.stdout`` and ``sys.stderr`` are None
    there and any message the command line prints would raise: they are pointed at the null
    device first. Everything else is the ``popgui`` command, so ``popguiw demo`` works too.
    """
    for stream in ("stdout", "stderr"):
        if getattr(sys, stream) is None:
            setattr(sys, stream, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    return main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(arguments)
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
    from popgui.cli.window import open_window

    return open_window(args)
