"""How the ``popgui`` program ends: ``popgui.cli.run`` exits the ordinary way after main(),
with main()'s exit code and every line of output flushed, and the interpreter's own exit
work done (atexit handlers, finalisers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .helpers import POPGUI

#: The console script's work (``popgui.cli:run``), with an atexit handler registered first.
WITH_ATEXIT = """
import atexit, sys
atexit.register(lambda: print("atexit handler ran", flush=True))
sys.argv = ["popgui", *sys.argv[1:]]
from popgui.cli import run
run()
"""


def test_output_and_exit_code_survive_the_exit() -> None:
    done = subprocess.run([*POPGUI, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("popgui ")


def test_a_usage_error_keeps_its_exit_code(tmp_path: Path) -> None:
    done = subprocess.run(
        [*POPGUI, "--profile", str(tmp_path), "sync", "nosuchaccount"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "nosuchaccount" in done.stderr


def test_atexit_handlers_run(tmp_path: Path) -> None:
    for args, code in ((["--version"], 0), (["--profile", str(tmp_path), "sync", "nope"], 2)):
        done = subprocess.run(
            [sys.executable, "-c", WITH_ATEXIT, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == code, done.stderr
        assert done.stdout.splitlines()[-1] == "atexit handler ran", done.stdout


#: run() after a main() whose output is still in the buffer when main() returns.
BUFFERED_OUTPUT = """
import popgui.cli
popgui.cli.main = lambda: print("some output") or 0
popgui.cli.run()
"""


def test_a_reader_that_went_away_is_a_failure_without_noise() -> None:
    # The reader closes the pipe before anything is written: run()'s flush is what fails
    # (stdout buffered, as it is by default when it is a pipe).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-c", BUFFERED_OUTPUT],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    errors = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 1
    assert "BrokenPipeError" not in errors, errors


def test_help_into_a_reader_that_went_away_is_quiet() -> None:
    # argparse prints the help and exits by itself: that exit must get the same care.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [*POPGUI, "--help"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    errors = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 1
    assert errors == ""
