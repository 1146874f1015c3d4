"""PyInstaller's entry point for the windowed executable (``popguiw.exe``, ``popgui.app``)."""

from popgui.cli import gui_main

raise SystemExit(gui_main())
