#!/usr/bin/env python3
"""Render popgui's application icon from its SVG master.

The master is ``popgui/resources/icons/hicolor/scalable/apps/popgui.svg``, the one copy: inside
the package, so the wheel and the bundle carry it and ``importlib.resources`` finds it. Writes,
relative to the repository:

- ``popgui/resources/icons/hicolor/<n>x<n>/apps/popgui.png`` for every size in :data:`SIZES`,
  beside the master; the same tree is what ``packaging/linux/install.sh`` copies into
  ``share/icons/hicolor``;
- ``packaging/icons/popgui.ico`` (Windows) and ``packaging/icons/popgui.icns`` (macOS), the
  executable and application-bundle icons PyInstaller embeds. Both formats are written here
  from the PNG renderings (PNG-compressed entries), so no image library is needed.

The generated files are committed; run this again after changing the master::

    python packaging/render_icons.py

It needs only PySide6 (QtSvg) and renders offscreen, without a display.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
HICOLOR = ROOT / "popgui" / "resources" / "icons" / "hicolor"
MASTER = HICOLOR / "scalable" / "apps" / "popgui.svg"
PLATFORM_ICONS = ROOT / "packaging" / "icons"

#: the hicolor sizes shipped in the package (pixels)
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
#: Windows .ico entries (256 is stored as PNG, as Windows Vista and later read it)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS .icns entries: OSType → pixel size (the @2x types repeat sizes at double density)
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The master drawn at ``size`` × ``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file holding ``pngs`` (size → PNG data) as PNG-compressed entries."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        dimension = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file with one PNG entry per :data:`ICNS_TYPES` element."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        print(f"render_icons: cannot read {MASTER}", file=sys.stderr)
        return 1
    pngs: dict[int, bytes] = {}
    for size in sorted({*SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)}):
        pngs[size] = png_bytes(render(renderer, size))
    for size in SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / "popgui.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
        print(f"wrote {target.relative_to(ROOT)}")
    PLATFORM_ICONS.mkdir(parents=True, exist_ok=True)
    (PLATFORM_ICONS / "popgui.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (PLATFORM_ICONS / "popgui.icns").write_bytes(icns(pngs))
    print(f"wrote {(PLATFORM_ICONS / 'popgui.ico').relative_to(ROOT)} and popgui.icns")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
