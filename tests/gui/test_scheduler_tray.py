"""CheckScheduler (short "minutes") and TrayIcon, against the project's own POP3 server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from popgui.accounts.settings import Account
from popgui.errors import CredentialsError, NetworkError, ServerError
from popgui.gui.scheduler import LOGIN_DELAY_MARGIN, CheckScheduler, needs_attention
from popgui.gui.tray import TrayIcon, badge_icon, new_mail_text
from popgui.gui.worker import EngineController, JobFinished
from popgui.localserver import Faults, LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.localserver import sample_messages as _samples
from popgui.profile import Profile
from popgui.sync.progress import SyncResult

USER = "alice"
PASSWORD = "correct horse"
#: One "minute" of check interval, in milliseconds, for these tests.
MINUTE_MS = 100


class FakeSecrets:
    def __init__(self, password: str = PASSWORD) -> None:
        self.password = password

    def __call__(self) -> FakeSecrets:
        return self

    def get_password(self, account: Account) -> str:
        return self.password


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def server(faults: Faults) -> Iterator[LocalPOP3Server]:
    box = ServerMailbox(_samples(5))
    with LocalPOP3Server([ServerAccount(USER, PASSWORD, box)], faults=faults) as running:
        yield running


def account_for(server: LocalPOP3Server, minutes: int | None = 1) -> Account:
    return Account(name="work", host=server.host, port=server.port, security="none", user=USER,
                   check_interval_minutes=minutes)  # fmt: skip


@pytest.fixture
def make_controller(qtbot: QtBot, profile: Profile) -> Iterator[Callable[..., EngineController]]:
    made: list[EngineController] = []

    def make(password: str = PASSWORD) -> EngineController:
        controller = EngineController(profile, secret_store=FakeSecrets(password))
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown(5000)


class Clock:
    """The scheduler's clock, moved only by the test: due times are exact, however slow the
    machine. The scheduler's timers still run in real time, for the time left by this clock."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def at(self, seconds: float) -> datetime:
        """``seconds`` from now, as :meth:`CheckScheduler.next_check` says it."""
        return datetime.fromtimestamp(self.now + seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def record_syncs(controller: EngineController) -> list[JobFinished]:
    seen: list[JobFinished] = []

    def note(finished: JobFinished) -> None:
        if finished.kind == "sync":
            seen.append(finished)

    controller.finished.connect(note)
    return seen


def no_login_delay(_name: str) -> tuple[float | None, float | None]:
    return None, None


def minutes(count: int) -> float:
    """``count`` test "minutes", in seconds."""
    return count * MINUTE_MS / 1000


# -- the scheduler ------------------------------------------------------------------------------


def test_the_interval_runs_get_mail_and_sets_the_next_check(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    server: LocalPOP3Server,
    clock: Clock,
) -> None:
    controller = make_controller()
    syncs = record_syncs(controller)
    account = account_for(server)
    scheduler = CheckScheduler(controller, lambda: [account], minute_ms=MINUTE_MS,
                               login_window=no_login_delay, clock=clock)  # fmt: skip
    assert scheduler.next_check("work") == clock.at(minutes(1))
    qtbot.waitUntil(lambda: len(syncs) >= 1, timeout=30_000)
    assert syncs[0].error is None and syncs[0].result.downloaded == 5  # type: ignore[attr-defined]
    clock.now += 7
    qtbot.waitUntil(lambda: len(syncs) >= 2, timeout=30_000)  # and again, by itself
    assert syncs[1].error is None
    qtbot.waitUntil(lambda: scheduler.next_check("work") is not None, timeout=30_000)
    assert scheduler.next_check("work") == clock.at(minutes(1))  # from the last sync's end
    scheduler.stop()
    assert scheduler.next_check("work") is None


def test_manual_accounts_are_never_checked(
    qtbot: QtBot, make_controller: Callable[..., EngineController], server: LocalPOP3Server
) -> None:
    controller = make_controller()
    syncs = record_syncs(controller)
    accounts = [account_for(server, None), account_for(server, 0)]
    scheduler = CheckScheduler(controller, lambda: accounts[:1], minute_ms=MINUTE_MS,
                               login_window=no_login_delay)  # fmt: skip
    assert scheduler.next_check("work") is None
    qtbot.wait(4 * MINUTE_MS)  # a slow machine only makes a wrong check less likely here
    assert not syncs


def test_login_delay_is_respected(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    server: LocalPOP3Server,
    clock: Clock,
) -> None:
    """Never a login sooner than LOGIN-DELAY (plus a margin) after the last one: not at the
    start, not when the timer fires early by the clock, not after a sync."""
    controller = make_controller()
    syncs = record_syncs(controller)
    last_login = [clock.now]
    delay = 1.0

    def window(_name: str) -> tuple[float | None, float | None]:
        return last_login[0], delay

    controller.finished.connect(lambda _f: last_login.__setitem__(0, clock.now))
    scheduler = CheckScheduler(controller, lambda: [account_for(server)], minute_ms=MINUTE_MS,
                               login_window=window, clock=clock)  # fmt: skip
    allowed = last_login[0] + delay + LOGIN_DELAY_MARGIN
    assert scheduler.next_check("work") == datetime.fromtimestamp(allowed)
    # The timer fires while the clock still says "too soon": it waits again, no login.
    clock.now = allowed - 0.5
    with qtbot.waitSignal(scheduler.scheduleChanged, timeout=30_000):
        pass
    assert not syncs
    assert scheduler.next_check("work") == datetime.fromtimestamp(allowed)
    clock.now = allowed
    qtbot.waitUntil(lambda: len(syncs) == 1, timeout=30_000)
    qtbot.waitUntil(lambda: scheduler.next_check("work") is not None, timeout=30_000)
    # After that login, the next check waits for LOGIN-DELAY again, not one "minute".
    assert last_login[0] == allowed
    assert scheduler.next_check("work") == datetime.fromtimestamp(
        last_login[0] + delay + LOGIN_DELAY_MARGIN
    )
    scheduler.stop()


def test_the_login_delay_is_read_lazily_from_the_store(
    qtbot: QtBot, make_controller: Callable[..., EngineController], server: LocalPOP3Server
) -> None:
    controller = make_controller()
    scheduler = CheckScheduler(controller, lambda: [account_for(server)], minute_ms=MINUTE_MS)
    assert scheduler.next_check("work") is not None  # with or without Database.account_state
    scheduler.stop()


IN_USE = Faults(err_on_command={cmd: "[IN-USE] try later" for cmd in ("PASS", "AUTH", "APOP")})


@pytest.mark.parametrize("faults", [IN_USE])
def test_temporary_errors_back_off(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    server: LocalPOP3Server,
    clock: Clock,
) -> None:
    controller = make_controller()
    syncs = record_syncs(controller)
    scheduler = CheckScheduler(controller, lambda: [account_for(server)], minute_ms=MINUTE_MS,
                               login_window=no_login_delay, clock=clock)  # fmt: skip
    qtbot.waitUntil(lambda: len(syncs) == 1, timeout=30_000)
    error = syncs[0].error
    assert isinstance(error, ServerError) and error.is_temporary
    assert scheduler.next_check("work") == clock.at(minutes(5))  # not the 1-minute interval
    assert not scheduler.is_suspended("work")
    clock.now += 60
    qtbot.waitUntil(lambda: len(syncs) == 2, timeout=30_000)
    assert scheduler.next_check("work") == clock.at(minutes(10))  # doubled
    scheduler.stop()


def test_a_refused_password_stops_the_checks(
    qtbot: QtBot, make_controller: Callable[..., EngineController], server: LocalPOP3Server
) -> None:
    controller = make_controller(password="wrong")
    syncs = record_syncs(controller)
    account = account_for(server)
    scheduler = CheckScheduler(controller, lambda: [account], minute_ms=MINUTE_MS,
                               login_window=no_login_delay)  # fmt: skip
    with qtbot.waitSignal(scheduler.suspended, timeout=30_000) as blocker:
        pass
    assert blocker.args[0] == "work" and isinstance(blocker.args[1], CredentialsError)
    assert scheduler.is_suspended("work") and scheduler.next_check("work") is None
    qtbot.wait(10 * MINUTE_MS)
    assert len(syncs) == 1  # never retried in a loop
    scheduler.resume("work")
    assert scheduler.next_check("work") is not None
    qtbot.waitUntil(lambda: len(syncs) == 2, timeout=30_000)
    scheduler.stop()


def test_editing_or_removing_an_account_follows_the_settings(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    server: LocalPOP3Server,
    clock: Clock,
) -> None:
    controller = make_controller()
    accounts = [account_for(server, 30)]
    scheduler = CheckScheduler(controller, lambda: accounts, minute_ms=MINUTE_MS,
                               login_window=no_login_delay, clock=clock)  # fmt: skip
    assert scheduler.next_check("work") == clock.at(minutes(30))
    accounts[0] = account_for(server, 2)
    scheduler.reload()
    assert scheduler.next_check("work") == clock.at(minutes(2))
    accounts.clear()
    scheduler.reload()
    assert scheduler.next_check("work") is None


def test_needs_attention_tells_user_problems_from_passing_ones() -> None:
    assert needs_attention(CredentialsError("refused"))
    assert needs_attention(ServerError("no", code="AUTH"))
    assert not needs_attention(ServerError("busy", code="IN-USE"))
    assert not needs_attention(ServerError("wait", code="LOGIN-DELAY"))
    assert not needs_attention(NetworkError("down"))


# -- the tray -----------------------------------------------------------------------------------


def base_icon() -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#1a73e8"))
    return QIcon(pixmap)


def test_without_a_tray_nothing_happens(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    tray = TrayIcon.create(window, base_icon())
    assert (tray is None) == (not QSystemTrayIcon.isSystemTrayAvailable())


def test_badge_paints_the_count() -> None:
    plain = base_icon()
    image = badge_icon(plain, 3).pixmap(64, 64).toImage()
    assert image.pixelColor(QPoint(50, 50)).red() > 200  # the red disc
    assert image.pixelColor(QPoint(5, 5)) == QColor("#1a73e8")  # the icon itself
    assert badge_icon(plain, 0) is plain
    assert new_mail_text("work", 3) == "3 new messages in work"
    assert new_mail_text("home", 1) == "1 new message in home"


def test_tray_menu_notifications_and_window(
    qtbot: QtBot,
    make_controller: Callable[..., EngineController],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offscreen, where Qt has no tray: the icon's logic, with only the desktop notification
    faked (offscreen cannot show one). test_tray_x11.py runs all of it, notification included,
    on an X11 desktop with a real system tray."""
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    tray = TrayIcon(window, base_icon())
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "supportsMessages", lambda: True)
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *_: shown.append((title, text)))
    controller = make_controller()
    tray.attach(controller)
    controller.finished.emit(JobFinished("work", "sync", SyncResult("work", downloaded=3), None))
    assert shown == [("New mail", "3 new messages in work")]
    assert tray.new_count == 3
    with qtbot.waitSignal(tray.getMailRequested, timeout=1000):
        tray.get_mail_action.trigger()
    tray.toggle_action.trigger()
    assert not window.isVisible()
    tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible() and tray.new_count == 0
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        tray.quit_action.trigger()
