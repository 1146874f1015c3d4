"""Each platform branch of the store, forced on Linux: the Windows lock (msvcrt), macOS's full
fsync (F_FULLFSYNC and SQLite's fullfsync pragmas), the Windows info separator ";", Windows
skipping the directory fsync."""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from popgui import durable
from popgui.errors import AccountBusyError
from popgui.store import names, oslock
from popgui.store.database import Database
from popgui.store.lock import AccountLock
from popgui.store.maildir import Maildir
from popgui.store.names import token_for
from tests.store import fake_msvcrt

MESSAGE = b"From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"


# --- the Windows lock -------------------------------------------------------------------------


@pytest.fixture
def windows_lock(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """oslock's Windows branch, with a stand-in msvcrt and no fcntl to fall back on."""
    fake = fake_msvcrt.make()
    monkeypatch.setattr(oslock, "WINDOWS", True)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # importing it now fails
    yield fake


def test_windows_lock_uses_msvcrt_locking_past_the_data(
    windows_lock: types.ModuleType, tmp_path: Path
) -> None:
    with AccountLock(tmp_path, "work") as lock:
        assert lock.locked
        assert lock.path.read_text().strip() == str(os.getpid()), "the pid stays readable"
        with pytest.raises(AccountBusyError, match=f"pid {os.getpid()}"):
            AccountLock(tmp_path, "work").acquire()
        with AccountLock(tmp_path, "home"):
            pass
    calls = windows_lock.calls  # type: ignore[attr-defined]
    assert calls[0] == (fake_msvcrt.LK_NBLCK, oslock.WINDOWS_LOCK_OFFSET, 1)
    assert (fake_msvcrt.LK_UNLCK, oslock.WINDOWS_LOCK_OFFSET, 1) in calls
    assert windows_lock.held == {}  # type: ignore[attr-defined]
    with AccountLock(tmp_path, "work"):  # free again
        pass


def test_windows_lock_waits_then_gives_up(windows_lock: types.ModuleType, tmp_path: Path) -> None:
    with AccountLock(tmp_path, "work"), pytest.raises(AccountBusyError):
        AccountLock(tmp_path, "work", wait=0.2).acquire()


def test_windows_lock_reports_other_failures(
    windows_lock: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int, mode: int, nbytes: int) -> None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    monkeypatch.setattr(windows_lock, "locking", broken)
    with pytest.raises(Exception, match="Could not lock"):
        AccountLock(tmp_path, "work").acquire()


def test_posix_lock_imports_no_msvcrt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(oslock, "WINDOWS", False)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    with AccountLock(tmp_path, "work"):
        pass


# --- macOS: the full fsync ---------------------------------------------------------------------

F_FULLFSYNC = 51  # macOS's value; Linux's fcntl module has no such name


@pytest.fixture
def macos(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """sys.platform says darwin; fcntl.fcntl records what it is asked (and does nothing)."""
    asked: list[tuple[int, int]] = []

    def fake_fcntl(fd: int, command: int, arg: int = 0) -> int:
        asked.append((fd, command))
        return 0

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", F_FULLFSYNC, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", fake_fcntl)
    return asked


def test_macos_delivery_asks_for_full_fsync_of_file_and_directory(
    macos: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain: list[int] = []
    monkeypatch.setattr(durable.os, "fsync", plain.append)
    md = Maildir(tmp_path / "Mail")
    with md.begin(token_for("a", "1")) as delivery:
        delivery.write(MESSAGE)
        delivery.finish()
    md.sync_new()
    assert len(macos) == 2, "the file, then new/"
    assert {command for _fd, command in macos} == {F_FULLFSYNC}
    assert plain == [], "F_FULLFSYNC worked: no plain fsync needed"


def test_macos_falls_back_to_fsync_when_full_fsync_is_refused(
    macos: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refused(fd: int, command: int, arg: int = 0) -> int:
        macos.append((fd, command))
        raise OSError(errno.ENOTSUP, os.strerror(errno.ENOTSUP))

    plain: list[int] = []
    monkeypatch.setattr(fcntl, "fcntl", refused)
    monkeypatch.setattr(durable.os, "fsync", plain.append)
    path = tmp_path / "f"
    with open(path, "wb") as file:
        file.write(b"x")
        file.flush()
        durable.fsync_file(file.fileno())
        assert macos == [(file.fileno(), F_FULLFSYNC)]
        assert plain == [file.fileno()]


def test_macos_database_sets_the_fullfsync_pragmas(
    macos: list[tuple[int, int]], tmp_path: Path
) -> None:
    with Database(tmp_path / "db.sqlite3") as db:
        assert db.conn.execute("PRAGMA fullfsync").fetchone()[0] == 1
        assert db.conn.execute("PRAGMA checkpoint_fullfsync").fetchone()[0] == 1


def test_elsewhere_no_full_fsync(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    asked: list[int] = []
    monkeypatch.setattr(fcntl, "fcntl", lambda fd, *_: asked.append(fd))
    with Database(tmp_path / "db.sqlite3") as db:
        assert db.conn.execute("PRAGMA fullfsync").fetchone()[0] == 0
    md = Maildir(tmp_path / "Mail")
    with md.begin(token_for("a", "1")) as delivery:
        delivery.write(MESSAGE)
        delivery.finish()
    md.sync_new()
    assert asked == []


# --- Windows: no directory fsync ---------------------------------------------------------------


def test_windows_skips_the_directory_fsync(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[object] = []
    monkeypatch.setattr(durable.os, "name", "nt")
    monkeypatch.setattr(durable.os, "open", lambda *args, **kwargs: opened.append(args))
    durable.fsync_directory(tmp_path)
    assert opened == [], "a directory cannot be opened there: nothing is tried"


def test_directory_fsync_ignores_file_systems_that_refuse_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def failing(code: int) -> object:
        def fsync(fd: int) -> None:
            raise OSError(code, os.strerror(code))

        return fsync

    monkeypatch.setattr(durable.os, "fsync", failing(errno.EINVAL))
    durable.fsync_directory(tmp_path)  # nothing more to do there
    monkeypatch.setattr(durable.os, "fsync", failing(errno.EIO))
    with pytest.raises(OSError):
        durable.fsync_directory(tmp_path)


# --- the info separator ----------------------------------------------------------------------


def test_separator_per_platform() -> None:
    assert names.separator_for("win32") == ";"
    assert names.separator_for("linux") == ":"
    assert names.separator_for("darwin") == ":"
    assert names.separator_for(sys.platform) == names.SEPARATOR


def test_windows_names_carry_no_colon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "SEPARATOR", ";")
    monkeypatch.setattr(names._Host, "second", -1)
    monkeypatch.setattr(names.socket, "gethostname", lambda: "a:b;c")
    name = names.unique_name(token_for("a", "1"))
    assert ":" not in name and ";" not in name
    flagged = names.with_flags(name, "SR")
    assert flagged == f"{name};2,RS"
    assert names.info_flags(flagged) == "RS"
    assert names.token_of(flagged) == token_for("a", "1")
    assert names.with_flags(flagged, "T") == f"{name};2,T"


def test_the_platform_separator_is_the_one_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_for("a", "1")
    base = f"1.M2P3Q4_{token}.host"
    monkeypatch.setattr(names, "SEPARATOR", ":")
    assert names.info_flags(f"{base}:2,S") == "S"
    assert names.info_flags(f"{base};2,S") == ""
    monkeypatch.setattr(names, "SEPARATOR", ";")
    assert names.info_flags(f"{base};2,S") == "S"
    assert names.token_of(f"{base};2,S") == token
