"""The wheel: built from a copy of the sources, it holds the icons, the translations and the
licenses, and once installed (not editable) it runs from any directory.

Building needs setuptools>=77 in the build environment; pip fetches it like any build (CI
installs popgui with pip first, the same way).
"""

from __future__ import annotations

import email.parser
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from popgui import __version__
from popgui.resources import APP_ICON_SIZES
from tests.packaging import ROOT

pytestmark = pytest.mark.slow

#: what the build reads: the package, the metadata and the files pyproject.toml names
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "packaging/THIRD-PARTY.md", "popgui")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """popgui's wheel, built by pip from a clean copy of the tree (no build/ left in it)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, source / name)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("popgui-*.whl")
    return built


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _dist_info(wheel: Path) -> str:
    return f"popgui-{__version__}.dist-info"


def test_wheel_holds_the_icons(wheel: Path) -> None:
    names = _names(wheel)
    hicolor = "popgui/resources/icons/hicolor"
    for size in APP_ICON_SIZES:
        assert f"{hicolor}/{size}x{size}/apps/popgui.png" in names
    assert f"{hicolor}/scalable/apps/popgui.svg" in names
    assert "popgui/resources/__init__.py" in names


def test_wheel_holds_every_compiled_translation(wheel: Path) -> None:
    names = _names(wheel)
    compiled = sorted((ROOT / "popgui" / "resources" / "translations").glob("*.qm"))
    for qm in compiled:
        assert f"popgui/resources/translations/{qm.name}" in names
    # the sources of the translations are for translators, not for the installed program
    assert not [name for name in names if name.endswith(".ts")]


def test_wheel_holds_only_popgui(wheel: Path) -> None:
    tops = {name.split("/", 1)[0] for name in _names(wheel)}
    assert tops == {"popgui", _dist_info(wheel)}
    # data folders are not mistaken for (namespace) packages
    assert not [name for name in _names(wheel) if "hicolor" in name and name.endswith(".py")]


def test_wheel_metadata_licenses_and_scripts(wheel: Path) -> None:
    info = _dist_info(wheel)
    names = _names(wheel)
    assert f"{info}/licenses/LICENSE" in names
    assert f"{info}/licenses/packaging/THIRD-PARTY.md" in names
    with zipfile.ZipFile(wheel) as archive:
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        license_text = archive.read(f"{info}/licenses/LICENSE").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert metadata["License-Expression"] == "GPL-3.0-or-later"
    assert set(metadata.get_all("License-File") or []) >= {"LICENSE", "packaging/THIRD-PARTY.md"}
    assert "GNU GENERAL PUBLIC LICENSE" in license_text and "Version 3" in license_text
    # `popgui`: a console script (the CLI); `popguiw`: a gui-script (no console on Windows)
    console = entry_points.split("[console_scripts]", 1)[1].split("[", 1)[0]
    gui = entry_points.split("[gui_scripts]", 1)[1].split("[", 1)[0]
    assert "popgui = popgui.cli:run" in console
    assert "popguiw = popgui.cli:gui_main" in gui


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the wheel installed, its dependencies seen from this one's.

    ``--system-site-packages`` would not do: when the tests run inside a virtual environment
    (as on Debian and Ubuntu, whose python3 refuses system-wide installs), it exposes the base
    interpreter's packages, not this environment's PySide6 and keyring. A ``.pth`` file naming
    this environment's site-packages does, and puts them after the venv's own: the wheel's
    popgui is the one imported, not this checkout (an editable install's hooks live in ``.pth``
    files of those folders, which Python only runs for its own site folders).
    """
    home = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(home)], check=True, timeout=120
    )
    python = _bin(home, "python")
    _see_this_environments_packages(python)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--force-reinstall", "--no-warn-script-location", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def _see_this_environments_packages(python: Path) -> None:
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    ours = [*site.getsitepackages(), site.getusersitepackages()]
    (Path(purelib) / "popgui-test-dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in ours if Path(folder).is_dir())
    )


def _bin(home: Path, name: str) -> Path:
    if sys.platform == "win32":
        return home / "Scripts" / f"{name}.exe"
    return home / "bin" / name


def _run(
    command: list[str], cwd: Path, profile: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "POPGUI_PROFILE"}
    }
    environment.update(POPGUI_PROFILE=str(profile), QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=60
    )


def test_installed_wheel_runs_from_any_directory(venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    profile = tmp_path / "profile"
    version = _run([str(_bin(venv, "popgui")), "--version"], elsewhere, profile)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"popgui {__version__}"
    accounts = _run([str(_bin(venv, "popgui")), "account", "list"], elsewhere, profile)
    assert accounts.returncode == 0, accounts.stderr
    assert "no accounts" in accounts.stdout.lower()
    assert _bin(venv, "popguiw").exists()


def test_installed_wheel_finds_its_icons(venv: Path, tmp_path: Path) -> None:
    """The window's icon comes from the installed package, not from this checkout."""
    script = (
        "import popgui, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from popgui.gui.icons import app_icon\n"
        "icon = app_icon()\n"
        "print(popgui.__file__)\n"
        "print(sorted(size.width() for size in icon.availableSizes()))\n"
    )
    result = _run([str(_bin(venv, "python")), "-c", script], tmp_path, tmp_path / "profile")
    assert result.returncode == 0, result.stderr
    location, sizes = result.stdout.strip().splitlines()[-2:]
    assert Path(location).resolve().is_relative_to(venv.resolve())
    assert sizes == str(sorted(APP_ICON_SIZES))
