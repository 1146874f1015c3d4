from popgui.cli import run

run()
