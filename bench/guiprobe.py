"""GUI figures, measured offscreen in a fresh process: ``python -m bench.guiprobe PROFILE``.

- *shown*: from this process's first line (before Qt is imported) until a visible item view
  whose model is the message table has rows, with ``popgui.gui.app.run_window(profile)``
  opening the profile's first account (whose INBOX the harness filled with rows);
- *stall* (``--sync``): once shown, the window's ``EngineController`` syncs every account
  while a 1 ms timer ticks on the GUI thread; the longest gap between two ticks is the
  longest time the event loop could not answer the user.

Prints one JSON object, with ``popgui_from``: the ``popgui`` package this process imported
(installed, or the checkout's: bench/gui.py runs it either way). When ``popgui.gui.app`` does
not exist yet, or exposes nothing this probe can drive, it says so (``"available": false``)
instead of failing.

What it uses of popgui: ``popgui.gui.app.run_window``, ``popgui.profile.Profile``, the
window's ``EngineController`` (found by class name) and its ``sync(accounts)`` and
``finished`` signal, and ``popgui.accounts.settings.load_settings`` for the accounts to sync.
A build where one of these moved gets a note in the figures (``reason`` or ``stall_note``)
rather than a crash, so the harness can still time the other build.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402  (the clock starts before any import)
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

SHOW_TIMEOUT_MS = 30_000
SYNC_TIMEOUT_MS = 600_000


def unavailable(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def message_view_rows(widget: Any) -> int:
    """Rows in the visible message table under ``widget`` (0 while it is not there)."""
    from PySide6.QtWidgets import QAbstractItemView

    best = 0
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisible():
            continue
        if "Message" in type(model).__name__ or model.rowCount() >= 100:
            best = max(best, model.rowCount())
    return best


def profile_accounts(profile_dir: Path) -> list[Any]:
    """The accounts of the profile, as the window's ``EngineController.sync`` takes them."""
    from popgui.accounts.settings import load_settings
    from popgui.profile import Profile

    return list(load_settings(Profile(profile_dir).settings_file).accounts)


class Watcher:
    """Polls the event loop from inside it: when the folder shows, then the sync's stalls."""

    def __init__(self, app: Any, sync: bool) -> None:
        from PySide6.QtCore import QTimer

        self.app = app
        self.sync = sync
        self.figures: dict[str, Any] = {"available": True}
        self.called = 0.0
        self.last_tick = 0.0
        self.syncing = False
        self.sync_started = 0.0
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.tick)
        QTimer.singleShot(SHOW_TIMEOUT_MS if not sync else SYNC_TIMEOUT_MS, self.give_up)

    def start(self) -> None:
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        if self.syncing:
            gap = now - self.last_tick
            self.figures["stall_seconds"] = max(self.figures.get("stall_seconds", 0.0), gap)
        self.last_tick = now
        if "shown_seconds" not in self.figures:
            self.check_shown(now)

    def check_shown(self, now: float) -> None:
        for window in self.app.topLevelWidgets():
            rows = message_view_rows(window) if window.isVisible() else 0
            if rows:
                self.figures.update(
                    shown_seconds=now - START,
                    rows_loaded=rows,
                    run_window_to_shown_seconds=now - self.called,
                )
                self.start_sync(window) if self.sync else self.finish()
                return

    def start_sync(self, window: Any) -> None:
        controllers = [
            c for c in window.findChildren(object) if type(c).__name__ == "EngineController"
        ]
        if not controllers:
            self.figures["stall_note"] = "no EngineController in the window"
            self.finish()
            return
        try:
            accounts = profile_accounts(Path(os.environ["BENCH_PROFILE"]))
        except Exception as error:  # moved or changed in this build
            self.figures["stall_note"] = f"no accounts to sync: {type(error).__name__}: {error}"
            self.finish()
            return
        controllers[0].finished.connect(lambda job: self.finish())
        # The clock starts when the sync is asked for: the probe's own look-ups above (every
        # child of the window wrapped for Python, the settings read) are not the window's work.
        self.syncing = True
        self.sync_started = self.last_tick = time.perf_counter()
        controllers[0].sync(accounts)

    def finish(self) -> None:
        if self.syncing:
            self.figures["sync_seconds"] = time.perf_counter() - self.sync_started
        self.syncing = False
        self.timer.stop()
        self.app.closeAllWindows()
        self.app.quit()

    def give_up(self) -> None:
        self.figures.setdefault("note", "timed out")
        self.finish()


def probe(profile_dir: Path, sync: bool) -> dict[str, Any]:
    if importlib.util.find_spec("popgui.gui.app") is None:
        return unavailable("popgui/gui/app.py does not exist yet")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["BENCH_PROFILE"] = str(profile_dir)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["popgui"])
    try:
        from popgui.gui.app import run_window
        from popgui.profile import Profile
    except Exception as error:  # the window is work in progress
        return unavailable(f"popgui.gui.app does not import: {type(error).__name__}: {error}")
    watcher = Watcher(app, sync)
    QTimer.singleShot(0, watcher.start)
    watcher.called = time.perf_counter()
    try:
        run_window(Profile(profile_dir))
    except SystemExit:
        pass
    except Exception as error:
        return unavailable(f"run_window failed: {type(error).__name__}: {error}")
    return watcher.figures


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.guiprobe")
    parser.add_argument("profile", type=Path)
    parser.add_argument("--sync", action="store_true", help="also sync and measure stalls")
    args = parser.parse_args()
    figures = probe(args.profile, args.sync)
    popgui = sys.modules.get("popgui")  # imported by find_spec("popgui.gui.app") at least
    figures["popgui_from"] = getattr(popgui, "__file__", None)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
