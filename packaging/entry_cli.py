"""PyInstaller's entry point for `popgui`: the command line, or the window without a command."""

from popgui.cli import run

run()
