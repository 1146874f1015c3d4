"""The translation context of the main window's text, for the controllers that show it.

The window's strings were translated under the context ``MainWindow`` before its controllers
were split out of it; the controllers keep that context, so the translations stay where they
are. lupdate files ``MainWindow.tr(...)`` under ``MainWindow`` (plural when ``n`` is given),
and :class:`~popgui.gui.i18n.Context` translates with the class's name at run time. This is
not the window class (that is :class:`popgui.gui.mainwindow.MainWindow`), only its name.
"""

from __future__ import annotations

from popgui.gui.i18n import Context

__all__ = ["MainWindow"]


class MainWindow(Context):
    """``MainWindow.tr(text)``: ``text`` in the main window's translation context."""
