"""EngineController against the project's own local POP3 server, with pytest-qt."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.errors import CancelledError, CredentialsError
from popgui.gui import worker as worker_module
from popgui.gui.i18n import format_size
from popgui.gui.statusprogress import StatusProgress, describe_progress
from popgui.gui.worker import (
    PROGRESS_PER_SECOND,
    AccountProgress,
    EngineController,
    JobFinished,
    PopguiBugError,
)
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.localserver import sample_messages as _samples
from popgui.net.session import DEFAULT_TIMEOUT
from popgui.profile import Profile
from popgui.sync.progress import Progress, SyncResult

USER = "alice"
PASSWORD = "correct horse"


class FakeSecrets:
    """A SecretStore stand-in: a fixed password, an optional slow keyring."""

    def __init__(self, password: str = PASSWORD, delay: float = 0.0) -> None:
        self.password = password
        self.delay = delay
        self.stored: dict[str, str] = {}

    def __call__(self) -> FakeSecrets:
        return self

    def get_password(self, account: Account) -> str:
        time.sleep(self.delay)
        return self.password

    def store_password(self, account: Account, password: str) -> None:
        self.stored[account.name] = password


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def mailbox() -> ServerMailbox:
    return ServerMailbox(_samples(300))


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def server(mailbox: ServerMailbox, faults: Faults) -> Iterator[LocalPOP3Server]:
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, mailbox)], faults=faults) as running:
        yield running


@pytest.fixture
def account(server: LocalPOP3Server) -> Account:
    return Account(name="work", host=server.host, port=server.port, security="none", user=USER)


@pytest.fixture
def make_controller(qtbot: QtBot, profile: Profile) -> Iterator[Callable[..., EngineController]]:
    made: list[EngineController] = []

    def make(**kwargs: Any) -> EngineController:
        kwargs.setdefault("secret_store", FakeSecrets())
        controller = EngineController(profile, **kwargs)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown(5000)
        assert not controller.worker_thread.isRunning()


def run_job(
    qtbot: QtBot, controller: EngineController, start: Callable[[], None], timeout: int = 30_000
) -> JobFinished:
    with qtbot.waitSignal(controller.finished, timeout=timeout) as blocker:
        start()
    finished = blocker.args[0]
    assert isinstance(finished, JobFinished)
    return finished


def maildir_count(profile: Profile, account: Account) -> int:
    path = account.maildir_path(profile)
    return len(list((path / "new").iterdir())) + len(list((path / "cur").iterdir()))


def wait_for_mail(qtbot: QtBot, profile: Profile, account: Account, count: int) -> None:
    """Until *count* messages were received: written in tmp/ (a batch is linked into new/
    only once it is durable, so a stalled server can hold them there) or already in new/."""
    root = account.maildir_path(profile)

    def received() -> int:
        dirs = [root / sub for sub in ("new", "tmp") if (root / sub).is_dir()]
        return sum(len(list(d.iterdir())) for d in dirs)

    qtbot.waitUntil(lambda: received() >= count, timeout=30_000)


def test_sync_reports_throttled_progress_delivered_and_finished(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    profile: Profile,
) -> None:
    controller = make_controller()
    progress: list[AccountProgress] = []
    delivered: list[str] = []
    busy: list[tuple[str, bool]] = []
    controller.progress.connect(progress.append)
    controller.delivered.connect(delivered.append)
    controller.busyChanged.connect(lambda name, state: busy.append((name, state)))
    started = time.monotonic()
    finished = run_job(qtbot, controller, lambda: controller.sync([account]))
    elapsed = time.monotonic() - started

    assert finished.kind == "sync" and finished.error is None
    assert isinstance(finished.result, SyncResult) and finished.result.downloaded == 300
    assert maildir_count(profile, account) == 300
    # Throttled: at most 5 a second (+1 for the first, +1 for the final flush).
    assert 1 <= len(progress) <= elapsed * PROGRESS_PER_SECOND + 2
    assert progress[-1].phase == "done"
    assert delivered and delivered[-1] == "work"
    assert len(delivered) <= elapsed * 2 + 2
    assert busy == [("work", True), ("work", False)]
    assert not controller.is_busy("work")


def test_a_flood_of_progress_is_throttled_and_the_last_one_arrives(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An engine reporting every 0.5 ms, at least 2,000 times and until five reports reached
    the window: at most 5 signals a second get through, and the last one always does.

    The flood is counted, not timed, so a slow or loaded machine floods as much; the bound on
    the signals grows with the time the flood really took.
    """
    arrived: list[AccountProgress] = []

    def chatty(account: Account, _secret: str, _profile: Profile, *, progress: Callable[
            [Progress], None], **_kwargs: object) -> SyncResult:  # fmt: skip
        deadline = time.monotonic() + 60
        done = 0
        while done < 2000 or (len(arrived) < 5 and time.monotonic() < deadline):
            done += 1
            progress(Progress(account.name, "downloading", done, 10**6, done * 1000, 10**9))
            time.sleep(0.0005)
        return SyncResult(account.name, downloaded=done)

    monkeypatch.setattr(worker_module, "sync_account", chatty)
    controller = make_controller()
    delivered: list[str] = []
    controller.progress.connect(arrived.append)
    controller.delivered.connect(delivered.append)
    started = time.monotonic()
    finished = run_job(qtbot, controller, lambda: controller.sync([account]), timeout=120_000)
    elapsed = time.monotonic() - started
    sent = finished.result.downloaded  # type: ignore[attr-defined]
    assert sent >= 2000
    assert 5 <= len(arrived) <= elapsed * PROGRESS_PER_SECOND + 2  # five came during it
    assert arrived[-1].messages_done == sent  # the final one always arrives
    assert arrived[-1].rate > 0
    assert 2 <= len(delivered) <= elapsed * 2 + 2


def test_progress_carries_a_rate(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two download reports, the second sent once the first reached the window: the first
    has no rate yet, the second carries the bytes per second between them."""
    arrived: list[AccountProgress] = []
    first_arrived = threading.Event()
    sent_between: list[float] = []

    def engine(account: Account, _secret: str, _profile: Profile, *, progress: Callable[
            [Progress], None], **_kwargs: object) -> SyncResult:  # fmt: skip
        before = time.monotonic()
        progress(Progress(account.name, "downloading", 1, 2, 1000, 3000))
        assert first_arrived.wait(30), "the first report never reached the window"
        progress(Progress(account.name, "downloading", 2, 2, 3000, 3000))
        sent_between.append(time.monotonic() - before)
        return SyncResult(account.name, downloaded=2)

    def note(report: AccountProgress) -> None:
        arrived.append(report)
        first_arrived.set()

    monkeypatch.setattr(worker_module, "sync_account", engine)
    controller = make_controller()
    controller.progress.connect(note)
    finished = run_job(qtbot, controller, lambda: controller.sync([account]))
    assert finished.error is None
    assert [(p.phase, p.bytes_done) for p in arrived] == [("downloading", 1000),
                                                           ("downloading", 3000)]  # fmt: skip
    assert arrived[0].rate == 0.0  # one sample: no rate yet
    # The meter's two samples were taken within the engine's two calls: 2000 bytes in at most
    # that long, so at least this many bytes per second.
    assert arrived[1].rate >= 2000 / sent_between[0]


def test_wrong_password_is_a_credentials_error(
    qtbot: QtBot, make_controller: Callable[..., EngineController], account: Account
) -> None:
    controller = make_controller(secret_store=FakeSecrets("wrong"))
    finished = run_job(qtbot, controller, lambda: controller.sync([account]))
    assert isinstance(finished.error, CredentialsError)
    assert isinstance(finished.result, SyncResult) and finished.result.error is finished.error


@pytest.mark.parametrize("faults", [Faults(stall_on="RETR 40")])
def test_cancel_mid_sync(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    profile: Profile,
) -> None:
    controller = make_controller()
    controller.sync([account])
    wait_for_mail(qtbot, profile, account, 30)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.cancel("work")
    assert isinstance(blocker.args[0].error, CancelledError)
    qtbot.waitUntil(lambda: not controller.is_busy("work"), timeout=30_000)
    assert 30 <= maildir_count(profile, account) < 300
    assert not [t for t in threading.enumerate() if t.name.startswith("popgui-")]


@pytest.mark.parametrize("faults", [Faults(stall_on="RETR 40")])
def test_cancel_all_also_cancels_queued_jobs(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    profile: Profile,
) -> None:
    controller = make_controller()
    results: list[JobFinished] = []
    controller.finished.connect(results.append)
    controller.sync([account])
    controller.preview(account)
    wait_for_mail(qtbot, profile, account, 1)
    controller.cancel(None)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=30_000)
    assert [r.kind for r in results] == ["sync", "preview"]
    assert all(isinstance(r.error, CancelledError) for r in results)
    # A new job after a cancel gets a fresh token and runs.
    preview = run_job(qtbot, controller, lambda: controller.preview(account))
    assert preview.error is None


@pytest.mark.parametrize("faults", [Faults(stall_on="RETR 40")])
def test_shutdown_mid_sync_is_bounded(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    profile: Profile,
) -> None:
    """The server stalls mid-download: shutdown cancels and closes the socket, so the thread
    stops long before the read would time out (DEFAULT_TIMEOUT, 60 s) and within the bound
    given to shutdown, after which it would be abandoned still running."""
    controller = make_controller()
    controller.sync([account])
    wait_for_mail(qtbot, profile, account, 10)
    started = time.monotonic()
    controller.shutdown(30_000)
    assert not controller.worker_thread.isRunning()
    assert time.monotonic() - started < DEFAULT_TIMEOUT / 2


class BlockingKeyring:
    """A keyring that answers only when the test releases it (as one waiting for its unlock
    dialog), noting the thread that asked it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.waiting = False
        self.threads: list[threading.Thread] = []

    def __call__(self) -> BlockingKeyring:
        return self

    def get_password(self, _account: Account) -> str:
        self.threads.append(threading.current_thread())
        self.waiting = True
        self.entered.set()
        try:
            self.release.wait(60)
        finally:
            self.waiting = False
        return PASSWORD


@pytest.fixture
def keyring() -> Iterator[BlockingKeyring]:
    blocking = BlockingKeyring()
    yield blocking
    blocking.release.set()  # let a helper thread still waiting finish


def test_keyring_never_blocks_the_gui_thread(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    keyring: BlockingKeyring,
) -> None:
    """While the keyring makes the job wait, the GUI thread keeps running its timers.

    How long the GUI may stall during a sync is a figure for bench/ (the gui scenario's
    stall); here: it keeps ticking, and the keyring is asked on another thread.
    """
    controller = make_controller(secret_store=keyring)
    ticks_while_waiting: list[float] = []

    def tick() -> None:
        if keyring.waiting:
            ticks_while_waiting.append(time.monotonic())

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    controller.preview(account)
    qtbot.waitUntil(lambda: len(ticks_while_waiting) >= 20, timeout=30_000)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        keyring.release.set()
    timer.stop()
    finished = blocker.args[0]
    assert finished.error is None and len(finished.result) == 300
    assert keyring.threads and threading.main_thread() not in keyring.threads


def test_cancel_during_a_slow_keyring_is_prompt(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    keyring: BlockingKeyring,
) -> None:
    """Cancel does not wait for a keyring that has not answered: the job ends while the
    keyring still blocks (its helper thread is left to finish on its own)."""
    controller = make_controller(secret_store=keyring)
    controller.preview(account)
    assert keyring.entered.wait(30)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.cancel("work")
    assert isinstance(blocker.args[0].error, CancelledError)
    assert keyring.waiting and not keyring.release.is_set()  # finished before the keyring


def test_a_bug_in_a_job_is_reported_and_the_worker_survives(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> SyncResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(worker_module, "sync_account", broken)
    controller = make_controller()
    with caplog.at_level(logging.ERROR, logger="popgui.gui.worker"):
        finished = run_job(qtbot, controller, lambda: controller.sync([account]))
    assert isinstance(finished.error, PopguiBugError)
    assert "popgui bug" in str(finished.error) and "RuntimeError" in str(finished.error)
    assert any(record.exc_info for record in caplog.records)
    assert run_job(qtbot, controller, lambda: controller.preview(account)).error is None


def test_a_second_sync_of_a_busy_account_is_coalesced(
    qtbot: QtBot, make_controller: Callable[..., EngineController], account: Account
) -> None:
    controller = make_controller()
    results: list[JobFinished] = []
    controller.finished.connect(results.append)
    controller.sync([account])
    controller.sync([account])
    qtbot.waitUntil(lambda: not controller.is_busy("work"), timeout=30_000)
    assert [r.kind for r in results] == ["sync"]


def test_preview_and_password_jobs(
    qtbot: QtBot, make_controller: Callable[..., EngineController], account: Account
) -> None:
    secrets = FakeSecrets()
    controller = make_controller(secret_store=secrets)
    preview = run_job(qtbot, controller, lambda: controller.preview(account))
    assert preview.kind == "preview" and len(preview.result) == 300  # type: ignore[arg-type]
    stored = run_job(qtbot, controller, lambda: controller.store_password(account, "new"))
    assert stored.kind == "password" and stored.error is None
    assert secrets.stored == {"work": "new"}


# -- the status bar entries -------------------------------------------------------------------


def progress_of(phase: str, done: int = 0, total: int = 0, size: int = 0, rate: float = 0.0,
                account: str = "work") -> AccountProgress:  # fmt: skip
    return AccountProgress(account, phase, done, total, size, size * 3 if size else 0, rate)


def test_describe_progress_and_sizes() -> None:
    assert format_size(532) == "532 B"
    assert format_size(12 * 1024) == "12 KB"
    assert format_size(3.1 * 1024 * 1024) == "3.1 MB"
    text = describe_progress(progress_of("downloading", 12, 40, int(3.1 * 1024**2), 1.2 * 1024**2))
    assert text == "work: 12/40 messages · 3.1 MB · 1.2 MB/s"
    assert describe_progress(progress_of("connecting")) == "work: connecting…"


def test_status_progress_shows_busy_accounts_and_stops_them(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    account: Account,
) -> None:
    controller = make_controller()
    widget = StatusProgress(controller)
    qtbot.addWidget(widget)
    assert widget.isHidden()  # nothing to say while no account is busy
    widget.set_busy("home", True)
    widget.show_progress(progress_of("downloading", 2, 10, 2048, account="home"))
    assert not widget.isHidden()
    assert widget.entry_text("home") == "home: 2/10 messages · 2 KB"
    with qtbot.waitSignal(widget.stopRequested, timeout=1000) as blocker:
        widget.findChild(QToolButton).click()
    assert blocker.args == ["home"]
    widget.set_busy("home", False)
    assert widget.entry_text("home") is None and widget.isHidden()
    # Following a real sync: an entry while busy, none afterwards.
    seen: list[str | None] = []
    controller.progress.connect(lambda p: seen.append(widget.entry_text(p.account)))
    run_job(qtbot, controller, lambda: controller.sync([account]))
    assert any(text and text.startswith("work: ") for text in seen)
    assert widget.entry_text("work") is None


QUIT_MID_SYNC = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from popgui.accounts.settings import Account
from popgui.gui.worker import EngineController
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.localserver import sample_messages
from popgui.profile import Profile

class Secrets:
    def __call__(self): return self
    def get_password(self, account): return "pw"

app = QApplication(sys.argv)
box = ServerMailbox(sample_messages(50))
with LocalPOP3Server([ServerAccount("u", "pw", box)], faults=Faults(stall_on="RETR 20")) as server:
    controller = EngineController(Profile(Path(tempfile.mkdtemp()) / "p"), secret_store=Secrets())
    controller.sync([Account(name="work", host=server.host, port=server.port, security="none",
                             user="u")])
    QTimer.singleShot(500, app.quit)
    app.exec()
    print("running:", controller.worker_thread.isRunning())
"""


def test_quitting_the_app_mid_sync_stops_the_thread_cleanly(tmp_path: Path) -> None:
    """No "QThread: Destroyed while thread is still running", no abort, no hang."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", QUIT_MID_SYNC], capture_output=True, text=True, timeout=60,
        env=env, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "running: False" in done.stdout
    assert "Destroyed while thread" not in done.stderr


def test_the_engine_leaves_the_interpreter_settings_alone(
    make_controller: Callable[..., EngineController],
) -> None:
    """No process-wide tweak (such as a shorter GIL switch interval) comes with the window."""
    before = sys.getswitchinterval()
    make_controller()
    assert sys.getswitchinterval() == before
