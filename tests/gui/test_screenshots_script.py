"""docs/screenshots/make_screenshots.py runs and writes the README's five screenshots."""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "screenshots" / "make_screenshots.py"
NAMES = {
    "main-window.png",
    "on-server.png",
    "account-dialog.png",
    "certificate-dialog.png",
    "error-bar.png",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_script() -> ModuleType:
    """The script as a module (importing it runs nothing and imports no Qt)."""
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE and header[12:16] == b"IHDR", f"{path} is no PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_script_writes_five_screenshots(tmp_path: Path) -> None:
    output = tmp_path / "shots"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)  # the script chooses offscreen by itself
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(output)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "qt:" not in done.stderr, done.stderr  # no Qt warning while making them
    sizes = load_script().SIZES
    assert set(sizes) == NAMES
    assert {path.name for path in output.iterdir()} == NAMES
    for name in sorted(NAMES):
        path = output / name
        assert path.stat().st_size > 10_000, f"{name} looks empty"
        assert png_size(path) == sizes[name], name
    assert sizes["main-window.png"] == (1200, 760)
