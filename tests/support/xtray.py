"""A real X11 desktop with a system tray, for the tray icon's tests: Xvfb and a tiny tray host.

The host is the freedesktop.org System Tray protocol's embedder side, in ctypes over libX11
(installed with Xvfb; no extra package): it owns the ``_NET_SYSTEM_TRAY_S0`` selection (which
is what Qt's ``QSystemTrayIcon.isSystemTrayAvailable()`` looks for on xcb), announces itself
with a MANAGER message, and docks every icon that asks (SYSTEM_TRAY_REQUEST_DOCK): reparents
its window into the tray, maps it and sends XEMBED_EMBEDDED_NOTIFY. It prints ``ready`` once
it owns the selection and ``dock <window id>`` for each icon docked, one line each.

Run as ``python -m tests.support.xtray`` with ``DISPLAY`` set; :func:`x11_desktop` starts both.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CLIENT_MESSAGE = 33
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
STRUCTURE_NOTIFY_MASK = 1 << 17
SYSTEM_TRAY_REQUEST_DOCK = 0
XEMBED_EMBEDDED_NOTIFY = 0
ICON_SIZE = 22


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("l", ctypes.c_long * 5),
    ]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


_ErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _libx11() -> ctypes.CDLL:
    x = ctypes.CDLL("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XRootWindow.restype = ctypes.c_ulong
    x.XRootWindow.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x.XCreateSimpleWindow.restype = ctypes.c_ulong
    int_, uint, ulong = ctypes.c_int, ctypes.c_uint, ctypes.c_ulong
    # display, parent, x, y, width, height, border width, border, background
    x.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ulong, int_, int_, uint, uint, uint,
                                      ulong, ulong]  # fmt: skip
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSetSelectionOwner.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
    ]
    x.XGetSelectionOwner.restype = ctypes.c_ulong
    x.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                             ctypes.c_void_p]  # fmt: skip
    x.XMapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XReparentWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int,
                                  ctypes.c_int]  # fmt: skip
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    x.XSetErrorHandler.argtypes = [_ErrorHandler]
    return x


def _client_message(window: int, kind: int, values: list[int]) -> _Event:
    event = _Event()
    event.xclient.type = CLIENT_MESSAGE
    event.xclient.window = window
    event.xclient.message_type = kind
    event.xclient.format = 32
    for index, value in enumerate(values):
        event.xclient.l[index] = value
    return event


def run_tray_host() -> None:
    """Own the system tray selection and dock icons until killed."""
    x = _libx11()
    ignore_errors = _ErrorHandler(lambda _display, _error: 0)  # an icon may vanish meanwhile
    x.XSetErrorHandler(ignore_errors)
    display = x.XOpenDisplay(None)
    if not display:
        sys.exit("xtray: cannot open the display")
    screen = x.XDefaultScreen(display)
    root = x.XRootWindow(display, screen)
    tray = x.XCreateSimpleWindow(display, root, 0, 0, 10 * ICON_SIZE, ICON_SIZE, 0, 0, 0)
    x.XMapWindow(display, tray)

    def atom(name: str) -> int:
        return int(x.XInternAtom(display, name.encode(), 0))

    selection = atom(f"_NET_SYSTEM_TRAY_S{screen}")
    opcode, xembed = atom("_NET_SYSTEM_TRAY_OPCODE"), atom("_XEMBED")
    x.XSetSelectionOwner(display, selection, tray, 0)
    if x.XGetSelectionOwner(display, selection) != tray:
        sys.exit("xtray: another tray owns the selection")
    announce = _client_message(root, atom("MANAGER"), [0, selection, tray, 0, 0])
    x.XSendEvent(display, root, 0, STRUCTURE_NOTIFY_MASK, ctypes.byref(announce))
    x.XFlush(display)
    print("ready", flush=True)
    docked = 0
    event = _Event()
    while True:
        x.XNextEvent(display, ctypes.byref(event))
        message = event.xclient
        if event.type != CLIENT_MESSAGE or message.message_type != opcode:
            continue
        if message.l[1] != SYSTEM_TRAY_REQUEST_DOCK:
            continue
        icon = message.l[2] & 0xFFFFFFFF
        x.XReparentWindow(display, icon, tray, docked * ICON_SIZE, 0)
        x.XMapWindow(display, icon)
        notify = _client_message(icon, xembed, [0, XEMBED_EMBEDDED_NOTIFY, 0, tray, 0])
        x.XSendEvent(display, icon, 0, 0, ctypes.byref(notify))
        x.XFlush(display)
        docked += 1
        print(f"dock {icon}", flush=True)


# -- the fixture's side -----------------------------------------------------------------------


@dataclass
class X11Desktop:
    display: str
    host_log: Path

    def docked(self) -> list[int]:
        """The windows the tray host docked so far."""
        lines = self.host_log.read_text().splitlines()
        return [int(line.split()[1]) for line in lines if line.startswith("dock ")]


class X11Unavailable(Exception):
    """Xvfb is not installed or would not start."""


def _wait_for_line(path: Path, wanted: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and wanted in path.read_text().splitlines():
            return
        if process.poll() is not None:
            raise X11Unavailable(f"{what} exited: {path.read_text() if path.exists() else ''}")
        time.sleep(0.05)
    raise X11Unavailable(f"{what} did not start within 30 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def x11_desktop(directory: Path, repo: Path) -> Iterator[X11Desktop]:
    """Xvfb on a free display with the tray host running; both stopped afterwards."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise X11Unavailable("Xvfb is not installed (apt-get install xvfb)")
    directory.mkdir(parents=True, exist_ok=True)
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise X11Unavailable("Xvfb did not start")
        display = f":{number}"
        log = directory / "xtray.log"
        env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(repo)}
        with log.open("w") as out:
            host = subprocess.Popen(
                [sys.executable, "-m", "tests.support.xtray"], stdout=out, stderr=out,
                env=env, cwd=repo,
            )  # fmt: skip
        try:
            _wait_for_line(log, "ready", host, "the tray host")
            yield X11Desktop(display, log)
        finally:
            _stop(host)
    finally:
        _stop(server)


if __name__ == "__main__":
    run_tray_host()
