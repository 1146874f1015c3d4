"""The harness side of the GUI figures: build a big profile, run bench.guiprobe on it.

The profile gets one account (on the benchmark Dovecot, so the window can also sync it) and a
header index of ``rows`` messages, each backed by a tiny real file in the account's Maildir (a
window that checks files finds them). Every popgui build measured (the checkout's, and the
``--baseline-tree`` one) makes its own profile with its own code: the account through its
command line, the index through bench/guifill.py run with its python.

Each run starts from a fresh copy of that profile, so the sync downloads everything again:
the copy's message files are hard links (nothing written but directory entries), its
settings and database real copies. The copy takes the profile's place under the same path
(every path in the settings and the index stays right) and is renamed aside afterwards, not
deleted (see Runner.discard: a mass deletion slows the next runs' file creation). Runs
alternate between the builds in a rotating order, like the timed downloads.

The probe runs with the python bench/install.py prepared, which imports that build's
installed popgui (see there); without one (the install failed), the checkout's popgui with
this interpreter, and the report says so. Each probe process is timed like a client
(bench/measure.py): its CPU time and peak RSS join the figures it prints.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import REPO
from bench.clients import POPGUI, installed_popgui, popgui_command, with_repo_path
from bench.measure import output_tail, run_timed
from bench.scenarios import log, rotated
from bench.server import PASSWORD

ACCOUNT = "bench"
HERE = Path(__file__).resolve().parent
GUIPROBE = HERE / "guiprobe.py"
GUIFILL = HERE / "guifill.py"

#: The python that runs the probe against each build's installed popgui, by client name
#: (install_gui_environment); absent for ``popgui``: the checkout's, with this interpreter.
_probe_python: dict[str, Path] = {}


def use_probe_python(python: Path | None, name: str = POPGUI) -> None:
    if python is None:
        _probe_python.pop(name, None)
    else:
        _probe_python[name] = python


def measurable(name: str) -> bool:
    """Whether the window of build ``name`` can be timed (the checkout's always can)."""
    return name == POPGUI or name in _probe_python


def script_command(
    name: str, script: Path, module: str, arguments: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """How to run one of the bench's popgui-side scripts against build ``name``.

    Installed: the script is run as a path with ``-P``, so neither its directory (bench/,
    whose ``profile.py`` would shadow the standard library's) nor the repository (whose
    ``popgui/`` would shadow the installed one) is on ``sys.path``; it needs nothing from
    bench, only the standard library, PySide6 and popgui. ``PYTHONPATH`` is dropped for the
    same reason. ``PYTHONDONTWRITEBYTECODE`` may stay: everything the probe imports has its
    bytecode already (pip compiled popgui), and the script's own code, ``__main__``, is
    compiled before its clock starts.
    """
    python = _probe_python.get(name)
    if python is None:
        return [sys.executable, "-m", module, *arguments], with_repo_path(dict(os.environ))
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return [str(python), "-P", str(script), *arguments], env


def add_account(name: str, profile: Path, port: int, user: str) -> Path:
    maildir = profile / "mail" / ACCOUNT
    subprocess.run(
        [
            *popgui_command(name),
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


def build_profile(name: str, home: Path, port: int, user: str, rows: int) -> str | None:
    """``home``/base: build ``name``'s profile with ``rows`` indexed messages; or why not."""
    profile = home / "profile"
    try:
        maildir = add_account(name, profile, port, user)
    except subprocess.CalledProcessError as error:
        return f"account add failed: {error.stderr.decode(errors='replace').strip()[-300:]}"
    arguments = [str(profile), str(maildir), ACCOUNT, str(rows)]
    command, env = script_command(name, GUIFILL, "bench.guifill", arguments)
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        return f"filling the index failed: {done.stderr.strip()[-300:]}"
    profile.rename(home / "base")
    return None


def fresh_profile(home: Path) -> Path:
    """A copy of ``home``/base at the path the profile was built at (hard-linked mail)."""
    mail = str(home / "base" / "mail") + os.sep

    def link_mail(source: str, target: str) -> None:
        if source.startswith(mail):
            os.link(source, target)
        else:
            shutil.copy2(source, target)

    profile = home / "profile"
    shutil.copytree(home / "base", profile, copy_function=link_mail)
    return profile


def run_probe(name: str, profile: Path, sync: bool) -> dict[str, Any]:
    """The probe's figures, with its process's CPU time and peak RSS (bench/measure.py)."""
    # As before every timed download (bench/scenarios.py): the write-back of the files just
    # written for the profile must not land in the window's time.
    os.sync()
    arguments = [str(profile), *(["--sync"] if sync else [])]
    command, env = script_command(name, GUIPROBE, "bench.guiprobe", arguments)
    work = profile.parent / f"probe-{'sync' if sync else 'show'}"
    work.mkdir(exist_ok=True)
    sample = run_timed(command, cwd=work, env=env, timeout=900)
    try:
        figures = dict(json.loads((work / "stdout").read_text().strip().splitlines()[-1]))
    except (IndexError, ValueError):
        return {"available": False, "reason": f"the probe failed: {output_tail(work)}"}
    figures.update(cpu_seconds=sample.cpu_seconds, peak_rss_mb=sample.peak_rss_mb)
    return with_origin(name, figures)


def with_origin(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """``popgui_from`` (the probe's ``popgui.__file__``) said short, and checked: a probe
    meant to time build ``name``'s installed popgui that imported another is reported."""
    origin = figures.get("popgui_from")
    if not origin:
        return figures
    path = Path(origin)
    script = installed_popgui(name)
    venv = script.parent.parent if script is not None and name in _probe_python else None
    if venv is not None and path.is_relative_to(venv):
        figures["popgui_from"] = f"installed ({path.relative_to(venv.parent)})"
    elif path.is_relative_to(REPO):
        figures["popgui_from"] = f"the checkout ({path.relative_to(REPO)})"
    if venv is not None and not path.is_relative_to(venv):
        figures["warning"] = f"the probe imported {origin}, not the popgui installed in {venv}"
    return figures


def one_run(name: str, home: Path, run: int) -> dict[str, Any]:
    """Show the folder in a fresh copy of the profile, then sync it; the figures of both."""
    profile = fresh_profile(home)
    figures = run_probe(name, profile, sync=False)
    figures["shown_cpu_seconds"] = figures.pop("cpu_seconds", None)
    figures["shown_peak_rss_mb"] = figures.pop("peak_rss_mb", None)
    if figures.get("available"):
        synced = run_probe(name, profile, sync=True)
        kept = ("stall", "sync", "warning")
        figures.update({k: v for k, v in synced.items() if k.startswith(kept)})
        figures["sync_cpu_seconds"] = synced.get("cpu_seconds")
        figures["sync_peak_rss_mb"] = synced.get("peak_rss_mb")
    profile.rename(home / f"run-{run}")
    return figures


def gui_figures(
    names: Sequence[str], port: int, user: str, rows: int, runs: int, workroot: Path
) -> dict[str, list[dict[str, Any]]]:
    """Each build's figures, run by run: time to show a ``rows``-message folder; the longest
    stall and the CPU time while syncing ``user``."""
    results: dict[str, list[dict[str, Any]]] = {}
    homes: dict[str, Path] = {}
    for name in names:
        log(f"[gui] building {name}'s profile ({rows:,} rows)")
        home = workroot / f"gui-{name}"
        shutil.rmtree(home, ignore_errors=True)  # a --workdir used before
        home.mkdir(parents=True)
        error = build_profile(name, home, port, user, rows)
        if error is None:
            homes[name], results[name] = home, []
        else:
            results[name] = [{"available": False, "reason": error}]
    for run in range(runs):
        for name in rotated(list(homes), run):
            figures = one_run(name, homes[name], run)
            figures["rows"] = rows
            results[name].append(figures)
            log(f"[gui] run {run + 1} {name:<13} {short(figures)}")
    return results


def short(figures: dict[str, Any]) -> str:
    if not figures.get("available"):
        return f"not available: {figures.get('reason')}"
    parts = [
        f"{key.removesuffix('_seconds')} {figures[key] * 1000:.0f} ms"
        for key in ("shown_seconds", "stall_seconds", "sync_seconds")
        if isinstance(figures.get(key), float)
    ]
    return ", ".join(parts)
