"""The terminal progress bars of ``popgui sync`` (rich), one per account.

Shown only on a terminal: nothing of it with --json or when stderr is not a TTY.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from popgui.sync.progress import Progress


class ProgressDisplay:
    """A no-op display; :func:`make_progress_display` returns the real one on a terminal."""

    def __enter__(self) -> ProgressDisplay:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def update(self, progress: Progress) -> None:
        return None


class RichProgressDisplay(ProgressDisplay):
    """One bar per account: the bar follows bytes when the size is known, else messages."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self._bars = RichProgress(
            TextColumn("{task.fields[account]:<14} {task.fields[phase]:>16}"),
            BarColumn(),
            TextColumn("{task.fields[amount]:>9} {task.fields[rate]:>11}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._tasks: dict[str, Any] = {}
        self._started: dict[str, float] = {}

    def __enter__(self) -> ProgressDisplay:
        self._bars.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._bars.stop()

    def _task(self, account: str) -> Any:
        task = self._tasks.get(account)
        if task is None:
            task = self._bars.add_task(
                "", total=None, account=account, phase="", amount="", rate=""
            )
            self._tasks[account] = task
            self._started[account] = time.monotonic()
        return task

    def update(self, progress: Progress) -> None:
        task = self._task(progress.account)
        if progress.phase == "done":
            total = self._bars.tasks[task].total or 1
            self._bars.update(task, phase="done", total=total, completed=total, rate="")
            return
        if progress.phase != "downloading":
            self._bars.update(task, phase=progress.phase)
            return
        by_bytes = progress.bytes_total > 0
        elapsed = max(time.monotonic() - self._started[progress.account], 1e-3)
        self._bars.update(
            task,
            phase=f"{progress.messages_done}/{progress.messages_total} msgs",
            completed=progress.bytes_done if by_bytes else progress.messages_done,
            total=(progress.bytes_total if by_bytes else progress.messages_total) or None,
            amount=human_size(progress.bytes_done),
            rate=human_size(int(progress.bytes_done / elapsed)) + "/s",
        )


def human_size(size: float) -> str:
    """``532 B``, ``12 KB``, ``3.1 MB``: the window's units (powers of 1024, KB whole, one
    decimal above), so a size reads the same here and there (popgui/gui/i18n.py, no Qt here)."""
    if size < 1024:
        return f"{int(size)} B"
    value = size / 1024
    if value < 1024:
        return f"{value:.0f} KB"
    value /= 1024
    if value < 1024:
        return f"{value:.1f} MB"
    return f"{value / 1024:.1f} GB"


def make_progress_display(*, enabled: bool) -> ProgressDisplay:
    return RichProgressDisplay() if enabled else ProgressDisplay()
