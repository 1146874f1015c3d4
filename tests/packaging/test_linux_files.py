"""The Linux desktop integration: the menu entry, the AppStream metainfo, the icons and the
install script that puts them in the XDG locations."""

from __future__ import annotations

import configparser
import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from popgui import __version__
from popgui.resources import APP_ICON_SIZES, app_icon_png, app_icon_svg
from tests.packaging import ROOT, need_program

LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.popgui"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


# -- validators ----------------------------------------------------------------------------------


def test_desktop_entry_validates() -> None:
    validate = need_program("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates_pedantic() -> None:
    appstreamcli = need_program("appstreamcli", "appstream")
    result = subprocess.run(
        [appstreamcli, "validate", "--no-net", "--pedantic", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # no error and no warning, whatever the version (an older appstreamcli may report an
    # "info" for the <developer> element it does not know yet)
    assert not re.search(r"^[EW]: ", report, re.MULTILINE), report


# -- consistency -----------------------------------------------------------------------------


def test_one_id_everywhere() -> None:
    from popgui.gui.app import APP_ID as WINDOW_ID

    metainfo = ET.parse(METAINFO).getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert WINDOW_ID == APP_ID  # Wayland matches the window to the entry by this name
    entry = _desktop_entry(DESKTOP)
    assert entry["Exec"].split()[0] == "popgui"
    assert entry["Icon"] == "popgui"


def test_metainfo_release_and_screenshots() -> None:
    metainfo = ET.parse(METAINFO).getroot()
    releases = metainfo.findall("releases/release")
    assert releases and releases[0].get("version") == __version__
    assert releases[0].find("description") is not None
    images = metainfo.findall("screenshots/screenshot/image")
    assert images
    for image in images:
        url = (image.text or "").strip()
        match = re.fullmatch(r"https://\S+/v(\d[\w.]*)/(docs/screenshots/[\w-]+\.png)", url)
        assert match, f"not a stable screenshot address: {url}"
        assert match.group(1) == __version__, url
        local = ROOT / match.group(2)
        assert local.is_file(), f"{url} names {local}, which does not exist"
        width, height = _png_size(local.read_bytes())
        assert (image.get("width"), image.get("height")) == (str(width), str(height))


def test_packaged_icons_have_their_sizes() -> None:
    for size in APP_ICON_SIZES:
        assert _png_size(app_icon_png(size).read_bytes()) == (size, size)
    assert app_icon_svg().read_bytes().lstrip().startswith((b"<?xml", b"<svg"))


# -- install.sh ----------------------------------------------------------------------------------


def test_install_script_puts_files_in_xdg_locations(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    environment = dict(os.environ, PREFIX=str(prefix), POPGUI_EXEC="/opt/popgui app/popgui")
    script = LINUX / "install.sh"
    result = subprocess.run(
        ["bash", str(script)], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    share = prefix / "share"
    desktop = share / "applications" / DESKTOP.name
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for size in APP_ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "popgui.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "popgui.svg").is_file()
    assert (share / "man" / "man1" / "popgui.1").read_text().startswith(".TH POPGUI 1")
    entry = _desktop_entry(desktop)
    assert entry["Exec"] == '"/opt/popgui app/popgui"'

    uninstall = subprocess.run(
        ["bash", str(script), "--uninstall"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert uninstall.returncode == 0, uninstall.stderr
    left = [path for path in share.rglob("*") if path.is_file() and "popgui" in path.name]
    assert not left


def test_installed_desktop_entry_validates(tmp_path: Path) -> None:
    validate = need_program("desktop-file-validate", "desktop-file-utils")
    environment = dict(os.environ, PREFIX=str(tmp_path), POPGUI_EXEC="/usr/bin/popgui")
    subprocess.run(
        ["bash", str(LINUX / "install.sh")], env=environment, check=True, capture_output=True
    )
    installed = tmp_path / "share" / "applications" / DESKTOP.name
    result = subprocess.run([validate, str(installed)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.parametrize("name", ["popgui.ico", "popgui.icns"])
def test_platform_icons_exist(name: str) -> None:
    data = (ROOT / "packaging" / "icons" / name).read_bytes()
    assert data[:4] in (b"\0\0\1\0", b"icns")
