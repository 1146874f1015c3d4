"""Running the real ``popgui`` command for the harnesses, and looking at what it left.

Shared by the network and hostile-server harnesses: a fresh profile with one account, a sync
run as a subprocess with its peak resident memory measured (``wait4``), and the Maildir read
back as a multiset of LF-normalised messages.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POPGUI = (sys.executable, "-m", "popgui")
ACCOUNT = "t"
PASSWORD = "hostile horse"


@dataclass(frozen=True)
class Run:
    """How one ``popgui sync`` ended."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    hung: bool  # killed because it overran its bound

    @property
    def traceback(self) -> bool:
        return "Traceback" in self.stderr or "Traceback" in self.stdout

    def report(self) -> dict[str, object]:
        """The account's entry of ``sync --json`` ({} when there is none)."""
        try:
            entries = json.loads(self.stdout)
        except ValueError:
            return {}
        return entries[0] if isinstance(entries, list) and entries else {}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POPGUI_PROFILE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def add_account(profile: Path, port: int, user: str, password: str, *extra: str) -> None:
    """``popgui account add t`` pointing at 127.0.0.1:port, password from a command.

    Run in this process (the command only writes the settings file): a subprocess per
    scenario would double the harnesses' start-up cost.
    """
    from popgui.cli import main

    command = shlex.join([sys.executable, "-c", f"print({password!r})"])
    args = ["--profile", str(profile), "account", "add", ACCOUNT, "--host", "127.0.0.1",
            "--port", str(port), "--security", "none", "--user", user,
            "--password-command", command, *extra]  # fmt: skip
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(args)
    if status != 0:
        raise RuntimeError(f"popgui account add failed: {out.getvalue().strip()}")


def run_sync(profile: Path, *, timeout: float, bound: float) -> Run:
    """``popgui --profile P sync --json --timeout T``, killed if it overruns ``bound``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [*POPGUI, "--profile", str(profile), "sync", "--json", "--timeout", f"{timeout:g}"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=_env(),
        )  # fmt: skip
        status, rss_kb, hung = _wait(process, started + bound)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(
            returncode=status,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_rss_mb=rss_kb / 1024,
            hung=hung,
        )


def _wait(process: subprocess.Popen[bytes], deadline: float) -> tuple[int, int, bool]:
    """Wait, polling the child's own peak RSS (VmHWM); kill it past the deadline.

    Not ``wait4``'s ru_maxrss: on Linux that keeps the high-water mark of the memory the child
    shared with this (possibly large) process between fork and exec.
    """
    hung = False
    peak_kb = 0
    while (status := process.poll()) is None:
        peak_kb = max(peak_kb, _vm_hwm_kb(process.pid))
        if time.monotonic() > deadline and not hung:
            hung = True
            process.kill()
        time.sleep(0.01)
    return status, peak_kb, hung


def _vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def maildir_of(profile: Path) -> Path:
    return profile / "mail" / ACCOUNT


def stored_files(maildir: Path) -> list[Path]:
    files: list[Path] = []
    for sub in ("new", "cur"):
        directory = maildir / sub
        if directory.is_dir():
            files += [path for path in directory.iterdir() if path.is_file()]
    return files


def tmp_files(maildir: Path) -> list[Path]:
    directory = maildir / "tmp"
    return list(directory.iterdir()) if directory.is_dir() else []


def digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def lf_digest(content: bytes) -> str:
    return hashlib.sha256(content.replace(b"\r\n", b"\n")).hexdigest()


def stored_multiset(maildir: Path) -> collections.Counter[str]:
    """Digest → how many stored copies."""
    return collections.Counter(digest_file(path) for path in stored_files(maildir))


def files_outside(root: Path, allowed: Path) -> list[Path]:
    """Files under ``root`` that are not under ``allowed``."""
    return [
        path
        for path in root.rglob("*")
        if not path.is_dir() and allowed not in path.parents and path != allowed
    ]
