"""A screenshot of the main window with a message open, for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.models import COL_SUBJECT

#: Where the picture goes: $POPGUI_SCREENSHOT when a person wants it kept, else tmp_path.
SCREENSHOT_VARIABLE = "POPGUI_SCREENSHOT"


def _row_with_subject(window: Any, text: str) -> int:
    model = window.message_model
    for row in range(model.rowCount()):
        if text in model.index(row, COL_SUBJECT).data():
            return row
    raise AssertionError(f"no message about {text!r}")


def test_screenshot_with_a_message_open(
    qtbot: QtBot, delivered: list[Account], open_window: Callable[..., Any], tmp_path: Path
) -> None:
    screenshot = Path(os.environ.get(SCREENSHOT_VARIABLE) or tmp_path / "popgui-main.png")
    window = open_window()
    window.resize(1280, 800)
    row = _row_with_subject(window, "Invoice INV-0042")
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(row)
    qtbot.wait(50)
    assert window.grab().save(str(screenshot))
    assert screenshot.stat().st_size > 10_000
