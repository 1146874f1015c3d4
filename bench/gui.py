"""The harness side of the GUI figures: build a big profile, run bench.guiprobe on it.

The profile gets one account (on the benchmark Dovecot, so the window can also sync it) and a
header index of ``rows`` messages written directly through popgui's store API, each backed by
a tiny real file in the account's Maildir (a window that checks files finds them).

The probe runs with the python bench/install.py prepared, which imports the installed popgui
(see there); without one (the install failed), from the checkout, and the report says so.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import REPO
from bench.clients import popgui_command, with_repo_path
from bench.corpus import encoded_word
from bench.server import PASSWORD

ACCOUNT = "bench"
GUIPROBE = Path(__file__).resolve().parent / "guiprobe.py"

#: The python that runs the probe against the installed popgui (install_gui_environment);
#: None: the checkout's, with this interpreter.
_probe_python: Path | None = None


def use_probe_python(python: Path | None) -> None:
    global _probe_python
    _probe_python = python


def window_missing() -> str | None:
    if importlib.util.find_spec("popgui.gui.app") is None:
        return "not available yet: popgui/gui/app.py does not exist"
    return None


def add_account(profile: Path, port: int, user: str) -> Path:
    maildir = profile / "mail" / ACCOUNT
    subprocess.run(
        [
            *popgui_command(),
            "--profile",
            str(profile),
            "account",
            "add",
            ACCOUNT,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--security",
            "none",
            "--auth",
            "user",
            "--user",
            user,
            "--password-command",
            shlex.join(["printf", "%s", PASSWORD]),
            "--maildir",
            str(maildir),
            "--keep",
        ],
        check=True,
        capture_output=True,
    )
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    return maildir


def fill_index(profile: Path, maildir: Path, rows: int) -> None:
    """``rows`` small messages on disk and in the header index (one transaction)."""
    from popgui.profile import Profile
    from popgui.store.database import Database, IndexedMessage, IndexFields

    indexed = []
    for number in range(rows):
        path = maildir / "cur" / f"1788000000.G{number:07d}.bench:2,S"
        subject = f"Réunion n° {number}"
        path.write_bytes(
            f"From: {encoded_word('Hélène Dupré')} <h@example.fr>\nSubject: "
            f"{encoded_word(subject)}\nMessage-ID: <g{number}@example.fr>\n\nBonjour.\n".encode()
        )
        fields = IndexFields(
            from_addr="Hélène Dupré <h@example.fr>",
            subject=subject,
            date=1_788_000_000.0 + number,
            message_id=f"<g{number}@example.fr>",
            size=160,
        )
        indexed.append(IndexedMessage(str(path), fields, f"{number:032x}", f"G{number:07d}"))
    with Database(Profile(profile).database_file) as database:
        database.index_messages(ACCOUNT, "INBOX", indexed)


def run_probe(profile: Path, sync: bool) -> dict[str, Any]:
    # As before every timed download (bench/scenarios.py): the write-back of the 100,000 files
    # just written for the profile must not land in the window's time.
    os.sync()
    command, env = probe_command(profile, sync)
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=900, env=env
    )
    try:
        figures = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        return {"available": False, "reason": f"the probe failed: {done.stderr.strip()[-300:]}"}
    return with_origin(figures)


def probe_command(profile: Path, sync: bool) -> tuple[list[str], dict[str, str]]:
    """The probe's command line and environment.

    Installed: the probe is run as a script path with ``-P``, so neither its directory
    (bench/, whose ``profile.py`` would shadow the standard library's) nor the repository
    (whose ``popgui/`` would shadow the installed one) is on ``sys.path``; it needs nothing
    from bench, only the standard library, PySide6 and popgui. ``PYTHONPATH`` is dropped for
    the same reason. ``PYTHONDONTWRITEBYTECODE`` may stay: everything the probe imports has
    its bytecode already (pip compiled popgui), and the probe's own code, ``__main__``, is
    compiled before its clock starts.
    """
    arguments = [str(profile), *(["--sync"] if sync else [])]
    if _probe_python is None:
        return [sys.executable, "-m", "bench.guiprobe", *arguments], with_repo_path(
            dict(os.environ)
        )
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return [str(_probe_python), "-P", str(GUIPROBE), *arguments], env


def with_origin(figures: dict[str, Any]) -> dict[str, Any]:
    """``popgui_from`` (the probe's ``popgui.__file__``) said short, and checked: a probe
    meant to time the installed popgui that imported the checkout's is reported."""
    origin = figures.get("popgui_from")
    if not origin:
        return figures
    path = Path(origin)
    if path.is_relative_to(REPO):
        figures["popgui_from"] = f"the checkout ({path.relative_to(REPO)})"
        if _probe_python is not None:
            figures["warning"] = "the probe imported the checkout's popgui, not the installed one"
    elif _probe_python is not None and path.is_relative_to(_probe_python.parents[2]):
        figures["popgui_from"] = f"installed ({path.relative_to(_probe_python.parents[2])})"
    return figures


def gui_figures(port: int, user: str, rows: int) -> dict[str, Any]:
    """Time to show a ``rows``-message folder; the longest stall while syncing ``user``."""
    missing = window_missing()
    if missing:
        return {"available": False, "reason": missing, "rows": rows}
    with tempfile.TemporaryDirectory(prefix="popgui-bench-gui-") as directory:
        profile = Path(directory) / "profile"
        maildir = add_account(profile, port, user)
        fill_index(profile, maildir, rows)
        figures = run_probe(profile, sync=False)
        if figures.get("available"):
            synced = run_probe(profile, sync=True)
            kept = ("stall", "sync", "warning")
            figures.update({k: v for k, v in synced.items() if k.startswith(kept)})
    figures["rows"] = rows
    return figures
