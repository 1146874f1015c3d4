"""A screenshot of the main window with a message open, for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.gui.models import COL_SUBJECT

SCREENSHOT = Path(os.environ.get("POPGUI_SCREENSHOT", "/tmp/popgui-main.png"))


def _row_with_subject(window: Any, text: str) -> int:
    model = window.message_model
    for row in range(model.rowCount()):
        if text in model.index(row, COL_SUBJECT).data():
            return row
    raise AssertionError(f"no message about {text!r}")


def test_screenshot_with_a_message_open(
    qtbot: QtBot, delivered: list[Account], open_window: Callable[..., Any]
) -> None:
    window = open_window()
    window.resize(1280, 800)
    row = _row_with_subject(window, "Invoice INV-0042")
    with qtbot.waitSignal(window.reader.shown, timeout=5000):
        window.message_table.selectRow(row)
    qtbot.wait(50)
    assert window.grab().save(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
