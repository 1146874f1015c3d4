"""The harness side of the GUI figures: build a big profile, run bench.guiprobe on it.

The profile gets one account (on the benchmark Dovecot, so the window can also sync it) and a
header index of ``rows`` messages written directly through popgui's store API, each backed by
a tiny real file in the account's Maildir (a window that checks files finds them).
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

from bench.clients import popgui_command, with_repo_path
from bench.corpus import encoded_word
from bench.server import PASSWORD

ACCOUNT = "bench"


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
    command = [sys.executable, "-m", "bench.guiprobe", str(profile), *(["--sync"] if sync else [])]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env=with_repo_path(dict(os.environ)),
    )
    try:
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        return {"available": False, "reason": f"the probe failed: {done.stderr.strip()[-300:]}"}


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
            figures.update({k: v for k, v in synced.items() if k.startswith(("stall", "sync"))})
    figures["rows"] = rows
    return figures
