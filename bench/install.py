"""popgui installed the way a user gets it, for the timed runs.

``pip install .`` into a fresh virtual environment: a regular (not editable) install whose
modules pip compiles to bytecode at install time, and none of the ``.pth`` start-up hooks the
development interpreter may carry (an editable-install finder, site customisations). Timing
the development checkout instead would bill popgui for compiling every module at each start
when ``PYTHONDONTWRITEBYTECODE`` is set, and for whatever those hooks import.

Only what the command-line sync needs is installed (``--no-deps``, plus platformdirs): Qt
and keyring are never imported on that path (the bench checks it for Qt). When the
environment cannot be built (no package index, say), the checkout's ``popgui`` is timed and
the report says so.

The window (bench/guiprobe.py) needs more: PySide6, keyring and rich. Installing PySide6 again
is slow and large, so the probe gets a second, empty venv (the command-line one stays exactly
as it is) whose site-packages holds one ``.pth`` file of plain directory lines: the command-line
venv's site-packages (the installed popgui, compiled by pip), then the directories where the
development interpreter finds the window's dependencies. Plain lines only append directories
to ``sys.path``, after the venv's own site-packages; none of the ``.pth`` files in those
directories runs (``site`` reads ``.pth`` files in site directories only), so neither the
editable-install finder of the development checkout nor any other start-up hook comes along,
as they would with ``venv --system-site-packages``.

A baseline tree (``--baseline-tree``: popgui before a change) is installed the same way into a
venv of its own, from a copy of the tree: setuptools builds in the source directory (``build/``,
``*.egg-info``), and the baseline checkout may be shared read-only with others.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from bench import REPO

__all__ = ["install_baseline", "install_gui_environment", "install_popgui"]

#: What the window imports besides popgui and the standard library (pyproject.toml's
#: dependencies; platformdirs comes with the command-line install).
GUI_DEPENDENCIES = ("PySide6", "shiboken6", "keyring", "rich")


def install_popgui(
    workroot: Path, source: Path = REPO, venv_name: str = "popgui-venv"
) -> tuple[Path | None, str]:
    """The ``popgui`` script installed from ``source``, or None; and a sentence for the report."""
    venv = workroot / venv_name
    python = venv / "bin" / "python"
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(source), "platformdirs"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return None, f"installing popgui from {source} failed ({reason})"
    return (
        venv / "bin" / "popgui",
        f"popgui from {source}{_commit(source)}, installed by `pip install` in a fresh venv",
    )


#: What a copy of the baseline tree leaves out: nothing pip needs, and build leftovers.
BASELINE_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "build", "*.egg-info", ".mypy_cache", ".ruff_cache"
)


def install_baseline(workroot: Path, tree: Path) -> tuple[Path | None, str]:
    """popgui installed from a copy of ``tree`` (see the module's notes), like the checkout's."""
    if not (tree / "pyproject.toml").is_file():
        return None, f"the baseline tree {tree} has no pyproject.toml"
    source = workroot / "popgui-before-src"
    shutil.rmtree(source, ignore_errors=True)  # a --workdir used before
    shutil.copytree(tree, source, ignore=BASELINE_IGNORED, symlinks=True)
    script, how = install_popgui(workroot, source, "popgui-before-venv")
    origin = f"{tree}{_commit(tree)}"
    if script is None:
        return None, f"{how}; copied from {origin}"
    return script, f"popgui from {origin}, installed by `pip install` (of a copy) in a fresh venv"


def _commit(tree: Path) -> str:
    """`` at <commit>`` when ``tree`` is a git checkout, with ``+changes`` if it has any."""
    head = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if head.returncode != 0:
        return ""
    status = subprocess.run(
        ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return f" at {head.stdout.strip()}" + (" +changes" if status.stdout.strip() else "")


def site_packages(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", scheme="venv", vars={"base": str(venv)}))


def dependency_directories() -> tuple[list[str], str | None]:
    """Where this interpreter finds the window's dependencies (in order, no repeats), or why
    it cannot."""
    directories: list[str] = []
    for name in GUI_DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return [], f"{name} is not installed"
        directory = str(Path(next(iter(spec.submodule_search_locations))).parent)
        if directory not in directories:
            directories.append(directory)
    return directories, None


def install_gui_environment(script: Path | None) -> tuple[Path | None, str]:
    """The python the GUI probe runs with (it imports the popgui installed next to
    ``script``), or None; and a sentence for the report."""
    if script is None:
        return None, "popgui could not be installed"
    directories, missing = dependency_directories()
    if missing:
        return None, missing
    installed = script.parent.parent
    venv = installed.with_name(installed.name + "-gui")
    step = [sys.executable, "-m", "venv", "--without-pip", str(venv)]
    done = subprocess.run(step, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return None, f"making its venv failed ({reason})"
    lines = [str(site_packages(installed)), *directories]
    (site_packages(venv) / "bench-popgui.pth").write_text("\n".join(lines) + "\n", "utf-8")
    return venv / "bin" / "python", (
        f"the window timed with that popgui; {', '.join(GUI_DEPENDENCIES)} from "
        f"{', '.join(directories)} (its .pth start-up hooks not run)"
    )
