"""popgui's data files, found through :mod:`importlib.resources` wherever popgui runs from.

- ``icons/hicolor/scalable/apps/popgui.svg``: the application icon's master, and
  ``icons/hicolor/<n>x<n>/apps/popgui.png`` rendered from it by ``packaging/render_icons.py``;
- ``translations/*.qm``: the compiled translations (their sources are
  ``resources/translations/*.ts`` at the top of the repository).

They ship inside the package (wheel and PyInstaller bundle alike), so nothing depends on
the current directory or on a source checkout. This module imports nothing heavy (no Qt).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["APP_ICON_SIZES", "app_icon_png", "app_icon_svg", "resource_root"]

#: the pixel sizes of the application icon shipped as PNG
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def resource_root() -> Traversable:
    """This package's data folder (a real folder, or an entry in a zip archive)."""
    return files(__name__)


def app_icon_png(size: int) -> Traversable:
    """The application icon at ``size`` × ``size`` pixels (one of :data:`APP_ICON_SIZES`)."""
    return resource_root() / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "popgui.png"


def app_icon_svg() -> Traversable:
    """The application icon's scalable master."""
    return resource_root() / "icons" / "hicolor" / "scalable" / "apps" / "popgui.svg"
