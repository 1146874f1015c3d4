"""Run a snippet of popgui's code as an unprivileged user, for checks that root passes for the
wrong reason: root ignores permission bits, so a mode-0500 folder proves nothing as root.

As root the snippet runs as ``nobody`` (uid and gid 65534, no supplementary groups) through
``setpriv`` (util-linux); as anyone else it runs as that user, since permission bits apply. It
runs the system's Python in isolated mode on a copy of the ``popgui`` package, because the
checkout (under /root, say) may not be readable by ``nobody``; the part of popgui these checks
use needs only the standard library. ``work`` is a directory the user owns, inside one it can
reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@dataclass(frozen=True)
class Unprivileged:
    work: Path  #: owned by the unprivileged user: create the test's files in here
    code: Path  #: holds the copy of the popgui package
    command: tuple[str, ...]  #: what runs Python as that user

    def run(self, snippet: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run *snippet* (``sys.argv[1:]`` is *args*) as the unprivileged user."""
        prelude = f"import sys; sys.path.insert(0, {str(self.code)!r})\n"
        return subprocess.run(
            [*self.command, "-I", "-c", prelude + snippet, *args],
            cwd=self.work, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip


@contextmanager
def unprivileged() -> Iterator[Unprivileged]:
    python = os.path.realpath(sys.executable)  # a venv's python may sit where nobody can't read
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv is not installed (apt-get install util-linux)")
        command: tuple[str, ...] = (
            setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python,
        )  # fmt: skip
    else:
        command = (python,)
    # Not pytest's tmp_path: its directories are private to their owner.
    base = Path(tempfile.mkdtemp(prefix="popgui-unprivileged-"))
    try:
        base.chmod(0o755)
        code = base / "code"
        shutil.copytree(ROOT / "popgui", code / "popgui", ignore=shutil.ignore_patterns("*.pyc"))
        for path in code.rglob("*"):  # readable whatever the checkout's umask was
            path.chmod(0o755 if path.is_dir() else 0o644)
        work = base / "work"
        work.mkdir()
        if os.geteuid() == 0:
            os.chown(work, NOBODY, NOBODY)
        yield Unprivileged(work, code, command)
    finally:
        shutil.rmtree(base, ignore_errors=True)
