"""Icons: popgui's own application icon, and the desktop theme's action icons.

The application icon (window, tray, taskbar) is the one shipped in :mod:`popgui.resources`,
read through :mod:`importlib.resources` so that it is found in a wheel, an editable install
and a PyInstaller bundle alike. Action icons follow the desktop's icon theme where it has
the freedesktop name (``QIcon.fromTheme``: Get Mail is ``mail-receive``, Stop is
``process-stop``, On server is ``network-server``, Trash is ``user-trash``...) and fall back
to small built-in drawings otherwise: inline SVG, a few hundred bytes each, so the window
looks the same on a bare system (offscreen tests, Windows, macOS).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from popgui.resources import APP_ICON_SIZES, app_icon_png

_STROKE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{color}" '
    'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
)

#: name → (freedesktop theme name, SVG body, stroke colour). "app" is drawn only when the
#: packaged application icon cannot be read (a damaged installation).
_DRAWINGS: dict[str, tuple[str, str, str]] = {
    "app": (
        "",
        '<rect x="2.5" y="5" width="19" height="14" rx="2" fill="#e8f0fe"/>'
        '<path d="M3 6.5l9 6.5 9-6.5"/><circle cx="19" cy="6" r="3.2" fill="#d93025" '
        'stroke="#d93025"/>',
        "#1a73e8",
    ),
    "get-mail": (
        "mail-receive",
        '<path d="M12 3v10m-4-4l4 4 4-4"/><path d="M4 14v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4"/>',
        "#1a73e8",
    ),
    "stop": (
        "process-stop",
        '<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6m0-6l-6 6"/>',
        "#d93025",
    ),
    "delete": ("edit-delete", '<path d="M4 7h16M9 7V4h6v3m-8 0l1 13h8l1-13"/>', "#5f6368"),
    "mark-read": (
        "mail-mark-read",
        '<rect x="3" y="6" width="18" height="13" rx="2"/><path d="M7 12l3 3 6-6"/>',
        "#188038",
    ),
    "mark-unread": (
        "mail-mark-unread",
        '<rect x="3" y="6" width="18" height="13" rx="2"/><path d="M3.5 7l8.5 6 8.5-6"/>',
        "#1a73e8",
    ),
    "save": (
        "document-save-as",
        '<path d="M5 3h11l3 3v15H5z"/><path d="M8 3v5h7V3M8 21v-7h8v7"/>',
        "#5f6368",
    ),
    "attachment": (
        "mail-attachment",
        '<path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 '
        '0 1 4.7 4.7l-8.4 8.4a1.7 1.7 0 0 1-2.4-2.4l7.7-7.7"/>',
        "#5f6368",
    ),
    "inbox": (
        "mail-folder-inbox",
        '<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1 3h6l1-3h5"/>',
        "#1a73e8",
    ),
    "trash": (
        "user-trash",
        '<path d="M4 7h16M9 7V4h6v3m-8 0l1 13h8l1-13M10 11v6m4-6v6"/>',
        "#5f6368",
    ),
    "folder": (
        "folder",
        '<path d="M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z"/>',
        "#e8a317",
    ),
    "server": (
        "network-server",
        '<rect x="4" y="3" width="16" height="7" rx="1.5"/>'
        '<rect x="4" y="14" width="16" height="7" rx="1.5"/>'
        '<path d="M8 6.5h.01M8 17.5h.01"/>',
        "#5f6368",
    ),
    "account": (
        "user-identity",
        '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
        "#5f6368",
    ),
    "account-busy": ("view-refresh", '<path d="M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5"/>', "#1a73e8"),
    "account-error": (
        "dialog-warning",
        '<path d="M12 3l10 18H2z"/><path d="M12 10v5m0 3h.01"/>',
        "#d93025",
    ),
    "account-new": (
        "mail-unread",
        '<rect x="3" y="6" width="18" height="13" rx="2"/><path d="M3.5 7l8.5 6 8.5-6"/>',
        "#188038",
    ),
    "add": ("list-add", '<path d="M12 5v14M5 12h14"/>', "#5f6368"),
    "edit": ("document-edit", '<path d="M4 20h4L19 9l-4-4L4 16z"/>', "#5f6368"),
    "source": ("text-x-generic", '<path d="M8 8l-4 4 4 4m8-8l4 4-4 4"/>', "#5f6368"),
    # Delivered elsewhere (--deliver): an arrow to a bar, as "sent on".
    "delivered": ("mail-forward", '<path d="M4 12h12M11 7l5 5-5 5M20 5v14"/>', "#1a73e8"),
    "close": ("window-close", '<path d="M7 7l10 10M17 7L7 17"/>', "#5f6368"),
    "info": (
        "dialog-information",
        '<circle cx="12" cy="12" r="9"/><path d="M12 11v6m0-9h.01"/>',
        "#1a73e8",
    ),
}


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name`` (a key of the table above).

    ``"app"`` is popgui's application icon; the others are the theme's icon of that
    freedesktop name where the theme has one, our drawing otherwise.
    """
    theme, body, color = _DRAWINGS[name]
    if name == "app":
        packaged = app_icon()
        return packaged if not packaged.isNull() else _drawn(body, color)
    if theme:
        # the theme's icon when it has one, ours otherwise (drawn only when needed)
        return QIcon.fromTheme(theme) if QIcon.hasThemeIcon(theme) else _drawn(body, color)
    return _drawn(body, color)


def app_icon() -> QIcon:
    """popgui's application icon from the package's PNGs, every size (null if none reads).

    The bytes are read through :mod:`importlib.resources` (no file path is needed, so this
    works from a zip archive too) and each size is added, so Qt picks the crisp one for the
    title bar, the taskbar, the tray and high-density screens.
    """
    result = QIcon()
    for size in APP_ICON_SIZES:
        pixmap = QPixmap()
        try:
            data = app_icon_png(size).read_bytes()
        except OSError:
            continue
        if pixmap.loadFromData(data, "PNG"):
            result.addPixmap(pixmap)
    return result


def _drawn(body: str, color: str) -> QIcon:
    renderer = QSvgRenderer(QByteArray(_STROKE.format(color=color, body=body).encode("utf-8")))
    result = QIcon()
    for size in (16, 20, 24, 32, 48, 64):  # rendered per size: crisp, not a scaled bitmap
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result
