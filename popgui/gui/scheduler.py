"""Periodic Get Mail: one single-shot timer per account with a check interval.

The rules, in order:

* an account checks every ``check_interval_minutes`` (None or 0: only when asked);
* never sooner than the server's LOGIN-DELAY allows after the last login
  (``Database.account_state(name)`` with ``last_login`` and ``login_delay``, when the store
  provides it);
* after a temporary failure ([IN-USE], [LOGIN-DELAY], [SYS/TEMP], the network, a full disk,
  no Kerberos ticket yet) the next try backs off: 5, 10, 20, 40, then every 60 minutes, never
  more often than the interval;
* after a credentials or settings problem (a refused password, a locked keyring, an untrusted
  certificate, a suspected server migration, a Kerberos problem other than a missing ticket
  or an unreachable Kerberos server) checks stop until the account is edited or
  :meth:`CheckScheduler.resume` is called: a rejected password is never retried in a loop.

Every finished sync of an account, scheduled or asked for, sets its next check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from popgui.accounts.settings import Account
from popgui.destinations.base import DestinationLoginError
from popgui.errors import (
    CancelledError,
    CertificateError,
    ConfigError,
    CredentialsError,
    MigrationSuspectedError,
    PopguiError,
    ServerError,
)
from popgui.gui.worker import EngineController, JobFinished
from popgui.net.kerberos import KdcUnreachableError, KerberosError, KerberosTicketError
from popgui.net.proxy import ProxyLoginError

__all__ = ["CheckScheduler", "needs_attention", "read_login_window"]

_log = logging.getLogger(__name__)

MINUTE_MS = 60_000
BACKOFF_FIRST_MINUTES = 5
BACKOFF_MAX_MINUTES = 60
#: Seconds added to the LOGIN-DELAY window, for clocks that disagree a little.
LOGIN_DELAY_MARGIN = 1.0

#: ``(last_login, login_delay)`` for an account: epoch seconds and seconds, each possibly None.
LoginWindowReader = Callable[[str], tuple[float | None, float | None]]


def needs_attention(error: PopguiError) -> bool:
    """True for errors that retrying cannot fix: the user must act (never retry in a loop)."""
    if isinstance(error, ServerError):
        return error.is_credentials
    if isinstance(error, KerberosError):
        # No ticket, or an expired one: the desktop renews tickets, or the person runs kinit,
        # so later checks may work. The realm's server down: a network problem. Anything else
        # (the server's name, the clock, the realm) needs a change that retrying cannot make.
        return not isinstance(error, KerberosTicketError | KdcUnreachableError)
    # A destination refusing its login is a password to fix too (an IMAP server locks an
    # account that keeps trying a wrong one).
    return isinstance(
        error,
        CredentialsError
        | CertificateError
        | ConfigError
        | MigrationSuspectedError
        | DestinationLoginError
        | ProxyLoginError,  # the proxy's user or password: retrying it locks the user out
    )


def read_login_window(database_file: Path, account: str) -> tuple[float | None, float | None]:
    """The last login and LOGIN-DELAY the store recorded; (None, None) when it records none."""
    from popgui.store.database import Database  # the index is only opened when needed

    database = Database(database_file)
    try:
        state = database.account_state(account)
    finally:
        database.close()
    if state is None:
        return None, None
    last, delay = state.last_login, state.login_delay
    return (float(last) if last is not None else None, float(delay) if delay else None)


class CheckScheduler(QObject):
    """Runs Get Mail for each account at its interval, politely.

    ``settings_provider`` returns the current accounts (a ``Settings`` object will do); call
    :meth:`reload` after the settings change. ``minute_ms`` is how long a "minute" of
    interval is (tests make it short); LOGIN-DELAY is always real seconds. ``clock`` gives the
    time in epoch seconds (tests pass one they control; the timers still run in real time,
    armed for the time left by that clock).

    Signals:
        scheduleChanged(str): the account's :meth:`next_check` changed.
        suspended(str, object): checks of the account stopped after this error, which needs the
            user (wrong password...); they resume when the account is edited or resumed.
    """

    scheduleChanged = Signal(str)
    suspended = Signal(str, object)

    def __init__(
        self,
        controller: EngineController,
        settings_provider: Callable[[], Iterable[Account]],
        *,
        minute_ms: int = MINUTE_MS,
        login_window: LoginWindowReader | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._controller = controller
        self._settings = settings_provider
        self._minute_ms = minute_ms
        self._login_window = login_window or self._read_login_window
        self._accounts: dict[str, Account] = {}
        self._timers: dict[str, QTimer] = {}
        self._due: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._suspended: dict[str, PopguiError] = {}
        controller.finished.connect(self._job_finished)
        self.reload()

    # -- the public side ------------------------------------------------------------------------

    def next_check(self, account_name: str) -> datetime | None:
        """When the account is checked next (local time), or None: manual, suspended or busy."""
        due = self._due.get(account_name)
        return datetime.fromtimestamp(due) if due is not None else None

    def is_suspended(self, account_name: str) -> bool:
        return account_name in self._suspended

    def reload(self) -> None:
        """Follow the settings: new accounts, changed intervals, edited or removed accounts."""
        current = {account.name: account for account in self._settings()}
        for name in set(self._accounts) - set(current):
            self._forget(name)
        for name, account in current.items():
            previous = self._accounts.get(name)
            self._accounts[name] = account
            if previous != account:
                self._suspended.pop(name, None)  # an edit is the user acting on it
                self._failures.pop(name, None)
                self._schedule(name, self._interval(account))

    def resume(self, account_name: str) -> None:
        """Check again on schedule after a suspension (the password was fixed elsewhere)."""
        self._suspended.pop(account_name, None)
        self._failures.pop(account_name, None)
        account = self._accounts.get(account_name)
        if account is not None:
            self._schedule(account_name, self._interval(account))

    def stop(self) -> None:
        """Stop every timer (the window is closing)."""
        for name in list(self._timers):
            self._cancel_timer(name)

    # -- timers ---------------------------------------------------------------------------------

    @staticmethod
    def _interval(account: Account) -> int | None:
        minutes = account.check_interval_minutes
        return minutes if minutes is not None and minutes > 0 else None

    def _schedule(self, name: str, minutes: float | None) -> None:
        """Arm the account's timer ``minutes`` from now, or later if LOGIN-DELAY says so."""
        self._cancel_timer(name)
        if minutes is None or name in self._suspended:
            self.scheduleChanged.emit(name)
            return
        due = max(self._clock() + minutes * self._minute_ms / 1000, self._login_allowed_at(name))
        self._arm(name, due)

    def _arm(self, name: str, due: float) -> None:
        timer = self._timers.get(name)
        if timer is None:
            # One timer per account, named after it. No lambda: a connection that held this
            # scheduler could delete it from inside the timer's own destructor.
            timer = self._timers[name] = QTimer(self)
            timer.setSingleShot(True)
            timer.setObjectName(name)
            timer.timeout.connect(self._timer_fired)
        timer.start(max(0, round((due - self._clock()) * 1000)))
        self._due[name] = due
        self.scheduleChanged.emit(name)

    def _cancel_timer(self, name: str) -> None:
        timer = self._timers.get(name)
        if timer is not None:
            timer.stop()
        self._due.pop(name, None)

    def _forget(self, name: str) -> None:
        self._cancel_timer(name)
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.deleteLater()
        self._accounts.pop(name, None)
        self._failures.pop(name, None)
        self._suspended.pop(name, None)
        self.scheduleChanged.emit(name)

    @Slot()
    def _timer_fired(self) -> None:
        timer = self.sender()
        if isinstance(timer, QTimer):
            self._fire(timer.objectName())

    def _fire(self, name: str) -> None:
        self._cancel_timer(name)
        account = self._accounts.get(name)
        if account is None or self._interval(account) is None or name in self._suspended:
            return
        allowed = self._login_allowed_at(name)
        if allowed > self._clock():
            self._arm(name, allowed)  # LOGIN-DELAY: not yet
            return
        self.scheduleChanged.emit(name)
        self._controller.sync([account])

    def _login_allowed_at(self, name: str) -> float:
        try:
            last, delay = self._login_window(name)
        except (PopguiError, OSError) as error:
            _log.debug("no LOGIN-DELAY state for %r: %s", name, error)
            return 0.0
        if last is None or not delay:
            return 0.0
        return last + delay + LOGIN_DELAY_MARGIN

    def _read_login_window(self, name: str) -> tuple[float | None, float | None]:
        return read_login_window(self._controller.profile.database_file, name)

    # -- results --------------------------------------------------------------------------------

    @Slot(object)
    def _job_finished(self, finished: JobFinished) -> None:
        name = finished.account
        account = self._accounts.get(name)
        if finished.kind != "sync" or account is None:
            return
        error = finished.error
        if error is None or isinstance(error, CancelledError):
            self._failures.pop(name, None)
            self._suspended.pop(name, None)  # a manual sync that worked clears a suspension
            self._schedule(name, self._interval(account))
        elif needs_attention(error):
            self._suspended[name] = error
            self._cancel_timer(name)
            self.scheduleChanged.emit(name)
            self.suspended.emit(name, error)
        else:
            self._back_off(name, account)

    def _back_off(self, name: str, account: Account) -> None:
        interval = self._interval(account)
        if interval is None:
            return
        failures = self._failures[name] = self._failures.get(name, 0) + 1
        backoff = min(BACKOFF_FIRST_MINUTES * 2 ** (failures - 1), BACKOFF_MAX_MINUTES)
        self._schedule(name, max(interval, backoff))
