"""One sync per account: busy across processes, released when the holder dies."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from popgui.errors import AccountBusyError, DeliveryError
from popgui.store.lock import AccountLock, lock_name

REPO = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from popgui.store.lock import AccountLock

    lock = AccountLock(Path(sys.argv[1]), sys.argv[2])
    lock.acquire()
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
    lock.release()
    print("released", flush=True)
    time.sleep(60)
    """
)


Holder = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Holder]:
    """Start another process holding the lock of account "work"; kill it afterwards."""
    procs: list[subprocess.Popen[str]] = []

    def start(hold: float) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(tmp_path), "work", str(hold)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        procs.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def test_lock_and_release(tmp_path: Path) -> None:
    lock = AccountLock(tmp_path, "work")
    with lock:
        assert lock.locked
        assert lock.path.parent == tmp_path / "locks"
        assert lock.path.read_text().strip() == str(os.getpid())
    assert not lock.locked
    with AccountLock(tmp_path, "work"):
        pass


def test_second_lock_in_the_same_process_is_busy(tmp_path: Path) -> None:
    with AccountLock(tmp_path, "work"), pytest.raises(AccountBusyError, match="work"):
        AccountLock(tmp_path, "work").acquire()


def test_different_accounts_do_not_block_each_other(tmp_path: Path) -> None:
    with AccountLock(tmp_path, "work"), AccountLock(tmp_path, "home"):
        pass


def test_busy_from_another_process_names_its_pid(holder: Holder, tmp_path: Path) -> None:
    proc = holder(hold=60)
    with pytest.raises(AccountBusyError) as info:
        AccountLock(tmp_path, "work").acquire()
    assert str(info.value) == (
        f"account 'work' is already being synchronised by another popgui (pid {proc.pid})"
    )


def test_kill_9_releases_the_lock(holder: Holder, tmp_path: Path) -> None:
    proc = holder(hold=60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with AccountLock(tmp_path, "work") as lock:
        assert lock.locked


def test_wait_retries_until_the_holder_finishes(holder: Holder, tmp_path: Path) -> None:
    holder(hold=0.3)
    start = time.monotonic()
    with AccountLock(tmp_path, "work", wait=10):
        assert time.monotonic() - start < 5


def test_wait_gives_up(holder: Holder, tmp_path: Path) -> None:
    holder(hold=60)
    start = time.monotonic()
    with pytest.raises(AccountBusyError):
        AccountLock(tmp_path, "work", wait=0.2).acquire()
    assert 0.2 <= time.monotonic() - start < 3


@pytest.mark.parametrize("account", ["a/b", "../../etc", "x" * 300, "", "ü ß", "a:b"])
def test_lock_names_are_safe_and_distinct(account: str) -> None:
    name = lock_name(account)
    assert "/" not in name and not name.startswith(".") and len(name) < 80
    assert name.endswith(".lock")
    assert lock_name(account + "!") != name
    # the digest part is hashlib's SHA-256 of the name, as every popgui version computes it
    assert name.endswith(f"-{hashlib.sha256(account.encode()).hexdigest()[:12]}.lock")


def test_lock_name_is_stable() -> None:
    # other popgui versions must agree on this name: changing it breaks mutual exclusion
    assert lock_name("work") == "work-00e13ed7af55.lock"
    assert lock_name("a/b") == "a_b-c14cddc033f6.lock"


def test_unwritable_profile_is_a_delivery_error(tmp_path: Path) -> None:
    (tmp_path / "locks").write_text("a file where the folder should be")
    with pytest.raises(DeliveryError, match="lock file"):
        AccountLock(tmp_path, "work").acquire()


def test_not_reentrant(tmp_path: Path) -> None:
    with AccountLock(tmp_path, "work") as lock, pytest.raises(RuntimeError):
        lock.acquire()
