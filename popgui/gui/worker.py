"""The engine worker: every network, keyring and disk-heavy job runs off the GUI thread.

:class:`EngineController` lives on the GUI thread. It owns one :class:`~PySide6.QtCore.QThread`
and one :class:`EngineWorker` moved to it, and queues jobs to the worker through a queued
signal. Results come back as small frozen records through signals, so widgets are only
ever touched on the GUI thread.

Scheduling: the worker runs **one job at a time, in the order asked** (one thread, one queue).
So two jobs of one account never overlap, a preview never meets the POP3 maildrop lock of our
own sync, and a slow account delays the next one rather than competing with it for bandwidth.
Asking to sync an account whose sync is already queued or running does nothing (the first sync
will report). Other kinds of job are always queued.

Cancel: each busy account has a :class:`~popgui.net.cancel.CancelToken`; cancelling it closes
the account's socket, so a blocked read returns at once. Keyring look-ups and password commands
cannot be interrupted, so they run in a short-lived daemon helper thread that the worker stops
waiting for on cancel: cancel and :meth:`EngineController.shutdown` are always prompt.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Literal, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from popgui.accounts.secrets import PasswordNotStoredError, SecretStore
from popgui.accounts.settings import Account
from popgui.catalog import Sentence
from popgui.catalog.report import NO_PASSWORD
from popgui.errors import ConfigError, CredentialsError, PopguiError
from popgui.gui.wording import describe
from popgui.net.cancel import CancelToken
from popgui.profile import Profile
from popgui.sync.progress import Progress, SyncResult

if TYPE_CHECKING:
    from popgui.net.session import ConnectOptions
    from popgui.oauth.account import OAuthSecret
    from popgui.sync.diagnose import ConnectionReport
    from popgui.sync.preview import PreviewItem

__all__ = [
    "AccountProgress",
    "EngineController",
    "EngineWorker",
    "JobFinished",
    "JobKind",
    "PopguiBugError",
]

_log = logging.getLogger(__name__)

JobKind = Literal["sync", "download", "delete", "preview", "top", "test", "password", "sign-in"]

#: At most this many progress signals per second and account (the last one always arrives).
PROGRESS_PER_SECOND = 5
#: At most this many ``delivered`` signals per second and account while mail lands.
DELIVERED_PER_SECOND = 2
#: The transfer rate is measured over this many seconds.
RATE_WINDOW = 3.0

_T = TypeVar("_T")


@dataclass(frozen=True)
class AccountProgress:
    """Where one account's job stands; ``rate`` is in bytes per second."""

    account: str
    phase: str
    messages_done: int
    messages_total: int
    bytes_done: int
    bytes_total: int
    rate: float


@dataclass(frozen=True)
class JobFinished:
    """A job's outcome. ``error`` is None when it succeeded.

    ``result`` by kind: sync/download/delete a :class:`~popgui.sync.progress.SyncResult`
    (also when it failed), preview a list of :class:`~popgui.sync.preview.PreviewItem`, top
    ``bytes``, test a ``ConnectionReport`` (its ``error`` is copied here), password: None
    after ``store_password``, a ``bool`` after ``forget_password`` (False: nothing was stored).
    """

    account: str
    kind: JobKind
    result: object
    error: PopguiError | None


class PopguiBugError(PopguiError):
    """A job failed with an exception popgui did not expect: a bug, logged with its traceback."""


# -- what runs in the worker thread ------------------------------------------------------------


@dataclass(frozen=True)
class JobContext:
    """What a job function gets, in the worker thread."""

    account: Account
    profile: Profile
    token: CancelToken
    secret_store: Callable[[], SecretStore]
    progress: Callable[[Progress], None]

    def secret(self) -> str:
        """The account's password, from the keyring or its command (interruptible by cancel);
        none for Kerberos: the ticket in the person's credential cache signs in."""
        if self.account.auth == "gssapi":
            return ""  # no keyring is asked: no prompt, no "no password stored"
        store = self.secret_store()
        if self.account.auth == "oauth2":  # an access token, renewed first if it is due
            from popgui.oauth.account import OAuthSecret

            return call_cancellable(OAuthSecret(self.account, store), self.token, "sign-in")
        return call_cancellable(partial(store.get_password, self.account), self.token, "keyring")

    def sync_secret(self) -> Callable[[], str]:
        """What a sync is given: for an ``oauth2`` account, a token the engine may renew once
        when the mail server refuses it (a revoked sign-in then says to sign in again)."""
        if self.account.auth != "oauth2":
            return self.secret
        from popgui.oauth.account import OAuthSecret

        return _CancellableOAuthSecret(OAuthSecret(self.account, self.secret_store()), self.token)

    def options(self) -> ConnectOptions:
        from popgui.net.session import ConnectOptions

        return ConnectOptions(cancel=self.token)


JobAction = Callable[[JobContext], tuple[object, PopguiError | None]]


@dataclass
class _CancellableOAuthSecret:
    """:class:`~popgui.oauth.account.OAuthSecret` whose provider requests Stop interrupts."""

    secret: OAuthSecret
    token: CancelToken

    def __call__(self) -> str:
        return call_cancellable(self.secret, self.token, "sign-in")

    def renew(self) -> str:
        return call_cancellable(self.secret.renew, self.token, "sign-in")

    def refused_after_renewal(self, error: CredentialsError) -> CredentialsError:
        from popgui.oauth.errors import SignInRequiredError

        # The engine also passes here what renew() raised: a dead sign-in stays what it is
        # (the window offers "Sign in again…" for it), not "refused although renewed".
        if isinstance(error, SignInRequiredError):
            return error
        return self.secret.refused_after_renewal(error)


@dataclass(frozen=True)
class _Job:
    id: int
    account: Account
    kind: JobKind
    token: CancelToken
    action: JobAction


def call_cancellable(func: Callable[[], _T], token: CancelToken, what: str) -> _T:
    """``func()`` in a daemon helper thread; CancelledError as soon as ``token`` is cancelled.

    For calls that cannot be interrupted (a keyring waiting for its unlock dialog, a password
    command): the helper is left to finish on its own and its result is dropped.
    """
    token.raise_if_cancelled()
    outcome: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as error:  # handed over to the waiting thread
            outcome["error"] = error
        finally:
            done.set()

    remove = token.add_callback(done.set)
    try:
        threading.Thread(target=target, name=f"popgui-{what}", daemon=True).start()
        done.wait()
    finally:
        remove()
    token.raise_if_cancelled()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


# The engine (network, protocols, TLS) is imported by the first job, in the worker thread: the
# window does not need it to show, and importing it with the window made the start noticeably
# slower (compiling, where no bytecode is cached). The first sync pays it instead, off the GUI
# thread; compiling holds the interpreter lock, so the GUI thread's work at a sync's start is
# kept small (see StatusProgress.entry_height).


def sync_account(
    account: Account,
    secret: Callable[[], str],
    profile: Profile,
    *,
    options: ConnectOptions,
    progress: Callable[[Progress], None],
    accept_new_uidls: bool = False,
) -> SyncResult:
    """:func:`popgui.sync.engine.sync_account`, imported when first called."""
    from popgui.sync.engine import sync_account as engine_sync_account

    return engine_sync_account(
        account,
        secret,
        profile,
        options=options,
        progress=progress,
        accept_new_uidls=accept_new_uidls,
    )


def preview_account(
    account: Account, secret: str, profile: Profile, *, options: ConnectOptions
) -> list[PreviewItem]:
    """:func:`popgui.sync.preview.preview_account`, imported when first called."""
    from popgui.sync.preview import preview_account as engine_preview_account

    return engine_preview_account(account, secret, profile, options=options)


def _sync_job(
    ctx: JobContext, *, accept_new_uidls: bool = False
) -> tuple[object, PopguiError | None]:
    result = sync_account(
        ctx.account,
        ctx.sync_secret(),  # looked up by the engine before it connects
        ctx.profile,
        options=ctx.options(),
        progress=ctx.progress,
        accept_new_uidls=accept_new_uidls,
    )
    return result, result.error


def _preview_job(ctx: JobContext) -> tuple[object, PopguiError | None]:
    return preview_account(ctx.account, ctx.secret(), ctx.profile, options=ctx.options()), None


def _top_job(uid: str, lines: int, ctx: JobContext) -> tuple[object, PopguiError | None]:
    from popgui.sync import selective  # written alongside the window: imported when used

    data = selective.top_lines(
        ctx.account, ctx.secret(), ctx.profile, uid, lines, options=ctx.options()
    )
    return data, None


def _download_job(uids: frozenset[str], ctx: JobContext) -> tuple[object, PopguiError | None]:
    from popgui.sync import selective

    result = selective.download_selected(
        ctx.account, ctx.secret(), ctx.profile, uids, options=ctx.options(), progress=ctx.progress
    )
    return result, result.error


def _delete_job(uids: frozenset[str], ctx: JobContext) -> tuple[object, PopguiError | None]:
    from popgui.sync import selective

    result = selective.delete_on_server(
        ctx.account, ctx.secret(), ctx.profile, uids, options=ctx.options()
    )
    return result, result.error


def _test_job(
    password: str | None, typed: tuple[str | None, str | None], ctx: JobContext
) -> tuple[object, PopguiError | None]:
    from popgui.net.session import ConnectOptions
    from popgui.sync import diagnose

    timeout = getattr(diagnose, "DEFAULT_TEST_TIMEOUT", 20.0)  # a test gives up sooner
    proxy_password, passphrase = typed
    options = ConnectOptions(
        timeout=timeout,
        cancel=ctx.token,
        proxy_password=proxy_password,
        client_key_passphrase=passphrase,
    )
    failed: PopguiError | None = None
    if password is None and (
        ctx.account.password_source == "command" or ctx.account.auth == "oauth2"
    ):
        try:
            password = ctx.secret()  # testing the account tests its password command too
        except (CredentialsError, ConfigError) as error:
            failed = error
    report = diagnose.test_connection(ctx.account, password, options=options)
    if failed is not None:
        report = _with_command_failure(report, failed)
    return report, getattr(report, "error", None)


def _with_command_failure(report: ConnectionReport, error: PopguiError) -> ConnectionReport:
    """The report, saying why the login was not tried: the password command failed."""
    from popgui.oauth.errors import SignInRequiredError

    if isinstance(error, SignInRequiredError):
        note = QCoreApplication.translate(
            "EngineWorker", "The login was not tried: the account is not signed in (or its "
            "sign-in expired). Press Sign in… first."
        )  # fmt: skip
    else:
        note = QCoreApplication.translate(
            "EngineWorker", "The login was not tried: {reason}"
        ).format(reason=describe(error))
    kept = [n for n in report.notes if not (isinstance(n, Sentence) and n.message is NO_PASSWORD)]
    return replace(report, notes=(*kept, note))


def _password_job(password: str, ctx: JobContext) -> tuple[object, PopguiError | None]:
    store = ctx.secret_store()
    call_cancellable(partial(store.store_password, ctx.account, password), ctx.token, "keyring")
    return None, None


def _move_password_job(previous: Account, ctx: JobContext) -> tuple[object, PopguiError | None]:
    store = ctx.secret_store()
    try:
        password = call_cancellable(partial(store.get_password, previous), ctx.token, "keyring")
    except PasswordNotStoredError:
        return False, None
    call_cancellable(partial(store.store_password, ctx.account, password), ctx.token, "keyring")
    call_cancellable(partial(store.delete_password, previous), ctx.token, "keyring")
    return True, None


def _move_sign_in_job(previous: Account, ctx: JobContext) -> tuple[object, PopguiError | None]:
    """The token record follows an account to its new keyring key (name, user or host)."""
    from popgui.oauth.tokenstore import TokenStore

    store = TokenStore(ctx.secret_store())
    record = call_cancellable(partial(store.load, previous), ctx.token, "keyring")
    if record is None:
        return False, None
    call_cancellable(partial(store.save, ctx.account, record), ctx.token, "keyring")
    call_cancellable(partial(store.delete, previous), ctx.token, "keyring")
    return True, None


def _forget_sign_in_job(ctx: JobContext) -> tuple[object, PopguiError | None]:
    from popgui.oauth.tokenstore import TokenStore

    tokens = TokenStore(ctx.secret_store())
    return call_cancellable(partial(tokens.delete, ctx.account), ctx.token, "keyring"), None


def _forget_password_job(ctx: JobContext) -> tuple[object, PopguiError | None]:
    """The account's keyring password (for an OAuth2 account: its client secret, and its
    sign-in's tokens too)."""
    store = ctx.secret_store()
    removed = call_cancellable(partial(store.delete_password, ctx.account), ctx.token, "keyring")
    if ctx.account.auth == "oauth2":
        from popgui.oauth.tokenstore import TokenStore

        tokens = TokenStore(store)
        signed_in = call_cancellable(partial(tokens.delete, ctx.account), ctx.token, "keyring")
        removed = removed or signed_in
    return removed, None


def _result_for_failure(kind: JobKind, account: str, error: PopguiError) -> object:
    """A failed sync/download/delete still carries a SyncResult, so readers need no None check."""
    if kind in ("sync", "download", "delete"):
        return SyncResult(account, error=error)
    return None


class _RateMeter:
    """Bytes per second over the last few seconds."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, now: float, bytes_done: int) -> float:
        if self._samples and bytes_done < self._samples[-1][1]:
            self._samples.clear()  # a new phase counts from zero
        self._samples.append((now, bytes_done))
        while len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW:
            self._samples.popleft()
        start, start_bytes = self._samples[0]
        return (bytes_done - start_bytes) / (now - start) if now > start else 0.0


class EngineWorker(QObject):
    """Runs jobs, one at a time, in the worker thread.

    Signals:
        progressed(int, object): a job's raw :class:`AccountProgress` (the controller throttles).
        done(int, object): a job's :class:`JobFinished`.
    """

    progressed = Signal(int, object)
    done = Signal(int, object)

    def __init__(self, profile: Profile, secret_store: Callable[[], SecretStore]) -> None:
        super().__init__()
        self._profile = profile
        self._secret_store = secret_store

    @Slot(object)
    def run(self, job: _Job) -> None:
        self.done.emit(job.id, self._execute(job))

    def _execute(self, job: _Job) -> JobFinished:
        name = job.account.name
        try:
            job.token.raise_if_cancelled()
            result, error = job.action(self._context(job))
        except PopguiError as caught:
            return JobFinished(name, job.kind, _result_for_failure(job.kind, name, caught), caught)
        except Exception as exc:  # a bug must not kill the worker thread
            _log.exception("the %s job of account %r failed unexpectedly", job.kind, name)
            bug = PopguiBugError(
                f"this is a popgui bug: the {job.kind} job of account {name!r} failed with "
                f"{type(exc).__name__}: {exc}; please report it with the log"
            )
            return JobFinished(name, job.kind, _result_for_failure(job.kind, name, bug), bug)
        return JobFinished(name, job.kind, result, error)

    def _context(self, job: _Job) -> JobContext:
        meter = _RateMeter()

        def progress(report: Progress) -> None:
            rate = meter.update(time.monotonic(), report.bytes_done)
            self.progressed.emit(job.id, _account_progress(job.account.name, report, rate))

        return JobContext(job.account, self._profile, job.token, self._secret_store, progress)


def _account_progress(account: str, report: Progress, rate: float) -> AccountProgress:
    return AccountProgress(
        account=account,
        phase=report.phase,
        messages_done=report.messages_done,
        messages_total=report.messages_total,
        bytes_done=report.bytes_done,
        bytes_total=report.bytes_total,
        rate=rate,
    )


# -- the GUI side -------------------------------------------------------------------------------


class _Throttle(QObject):
    """Passes values on at most once per interval; the latest held-back value follows later."""

    def __init__(self, interval: float, send: Callable[[object], None], parent: QObject) -> None:
        super().__init__(parent)
        self._interval = interval
        self._send = send
        self._last = float("-inf")
        self._pending: tuple[object] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._send_when_due)

    def offer(self, value: object) -> None:
        self._pending = (value,)
        if not self._timer.isActive():
            self._send_when_due()

    def flush(self) -> None:
        """Send the held-back value now, if there is one (a job's last report)."""
        self._timer.stop()
        if self._pending is not None:
            self._emit(self._pending[0])

    def _send_when_due(self) -> None:
        wait = self._last + self._interval - time.monotonic()
        if wait > 0:
            self._timer.start(max(1, math.ceil(wait * 1000)))
        elif self._pending is not None:
            self._emit(self._pending[0])

    def discard(self) -> None:
        self._timer.stop()
        self._pending = None

    def _emit(self, value: object) -> None:
        self._pending = None
        self._last = time.monotonic()
        self._send(value)


class _AccountThrottles:
    def __init__(self, controller: EngineController, account: str) -> None:
        self.progress = _Throttle(1 / PROGRESS_PER_SECOND, controller.progress.emit, controller)
        self.delivered = _Throttle(
            1 / DELIVERED_PER_SECOND, lambda _v: controller.delivered.emit(account), controller
        )


_ABANDONED: list[tuple[QThread, EngineWorker]] = []


class EngineController(QObject):
    """Runs engine jobs in a worker thread and reports back on the GUI thread.

    Signals:
        progress(object): an :class:`AccountProgress`, at most PROGRESS_PER_SECOND per account; the
            last one of a job always arrives (before its ``finished``).
        finished(object): a :class:`JobFinished`, once per job asked for.
        delivered(str): new mail of this account is in the index: refresh the views (about
            twice a second while mail lands, and once when a sync or download has delivered).
        busyChanged(str, bool): the account has queued or running jobs / has none left.

    ``secret_store`` builds the :class:`SecretStore` used in the worker (tests pass a fake).
    """

    progress = Signal(object)
    finished = Signal(object)
    delivered = Signal(str)
    busyChanged = Signal(str, bool)
    _submit = Signal(object)

    def __init__(
        self,
        profile: Profile,
        parent: QObject | None = None,
        *,
        secret_store: Callable[[], SecretStore] | None = None,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._busy: Counter[str] = Counter()
        self._tokens: dict[str, CancelToken] = {}
        self._throttles: dict[str, _AccountThrottles] = {}
        self._done_seen: dict[int, int] = {}
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("popgui-engine")
        self._worker = EngineWorker(profile, secret_store or (lambda: SecretStore(profile=profile)))
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def profile(self) -> Profile:
        return self._profile

    @property
    def worker_thread(self) -> QThread:
        """The worker thread (for tests and diagnostics)."""
        return self._thread

    # -- jobs -----------------------------------------------------------------------------------

    def sync(self, accounts: Sequence[Account], *, accept_new_uidls: bool = False) -> None:
        """Get Mail for each account; one already syncing (or queued to) is left alone.

        ``accept_new_uidls``: the person confirmed that the server renumbered its mail
        (see :class:`~popgui.errors.MigrationSuspectedError`).
        """
        job = partial(_sync_job, accept_new_uidls=True) if accept_new_uidls else _sync_job
        for account in accounts:
            if self._sync_pending(account.name):
                _log.debug("a sync of %r is already queued or running", account.name)
                continue
            self._enqueue(account, "sync", job)

    def _sync_pending(self, name: str) -> bool:
        return any(j.kind == "sync" and j.account.name == name for j in self._jobs.values())

    def preview(self, account: Account) -> None:
        """List what waits on the server; result: list[PreviewItem]."""
        self._enqueue(account, "preview", _preview_job)

    def top(self, account: Account, uid: str, lines: int = 20) -> None:
        """The headers and first ``lines`` body lines of one message; result: bytes."""
        self._enqueue(account, "top", partial(_top_job, uid, lines))

    def download(self, account: Account, uids: Collection[str]) -> None:
        self._enqueue(account, "download", partial(_download_job, frozenset(uids)))

    def delete_on_server(self, account: Account, uids: Collection[str]) -> None:
        self._enqueue(account, "delete", partial(_delete_job, frozenset(uids)))

    def test_connection(
        self,
        account: Account,
        password: str | None,
        *,
        proxy_password: str | None = None,
        client_key_passphrase: str | None = None,
    ) -> None:
        """Check the settings; result: a ConnectionReport.

        ``password`` is used as is. None: an account with a password command runs it (here, in
        the worker) and tries the login; otherwise the report says the login was not tried.
        ``proxy_password``, ``client_key_passphrase``: typed and not stored yet (None: looked up).
        """
        typed = (proxy_password, client_key_passphrase)
        self._enqueue(account, "test", partial(_test_job, password, typed))

    def store_password(self, account: Account, password: str) -> None:
        self._enqueue(account, "password", partial(_password_job, password))

    def move_password(self, previous: Account, account: Account) -> None:
        """Store ``previous``'s keyring password under ``account``'s key, then remove it from
        the old one (an edit changed the account's name, user or host).

        Result: True when a password was moved, False when none was stored.
        """
        self._enqueue(account, "password", partial(_move_password_job, previous))

    def move_sign_in(self, previous: Account, account: Account) -> None:
        """Move ``previous``'s OAuth2 tokens to ``account``'s keyring key (kind ``sign-in``;
        result: True when tokens were moved)."""
        self._enqueue(account, "sign-in", partial(_move_sign_in_job, previous))

    def forget_sign_in(self, account: Account) -> None:
        """Remove the account's OAuth2 tokens from the keyring, and nothing else (kind
        ``sign-in``; result: True when tokens were removed)."""
        self._enqueue(account, "sign-in", _forget_sign_in_job)

    def forget_password(self, account: Account) -> None:
        """Remove the account's password from the keyring (the account is being removed).

        Result: True when a password was removed, False when none was stored. Asked for any
        account, whatever its ``password_source``: the caller decides whether to ask.
        """
        self._enqueue(account, "password", _forget_password_job)

    def cancel(self, account_name: str | None = None) -> None:
        """Stop the account's running and queued jobs (None: every account's)."""
        names = list(self._tokens) if account_name is None else [account_name]
        for name in names:
            token = self._tokens.pop(name, None)
            if token is not None:
                token.cancel()

    def is_busy(self, account_name: str) -> bool:
        return self._busy[account_name] > 0

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel everything, stop the worker thread and wait for it, at most ``timeout_ms``."""
        if self._closed:
            return
        self._closed = True
        self.cancel(None)
        for throttles in self._throttles.values():
            throttles.progress.discard()
            throttles.delivered.discard()
        self._thread.quit()
        if not self._thread.wait(max(0, timeout_ms)):
            _abandon(self._thread, self._worker)

    # -- bookkeeping ----------------------------------------------------------------------------

    def _enqueue(self, account: Account, kind: JobKind, action: JobAction) -> None:
        if self._closed:
            _log.warning("ignoring a %s job for %r: the engine is shut down", kind, account.name)
            return
        token = self._tokens.setdefault(account.name, CancelToken())
        job = _Job(next(self._ids), account, kind, token, action)
        self._jobs[job.id] = job
        self._busy[account.name] += 1
        if self._busy[account.name] == 1:
            self.busyChanged.emit(account.name, True)
        self._submit.emit(job)

    def _throttles_for(self, account: str) -> _AccountThrottles:
        if account not in self._throttles:
            self._throttles[account] = _AccountThrottles(self, account)
        return self._throttles[account]

    @Slot(int, object)
    def _on_progress(self, job_id: int, report: AccountProgress) -> None:
        job = self._jobs.get(job_id)
        if job is None or self._closed:
            return
        throttles = self._throttles_for(job.account.name)
        throttles.progress.offer(report)
        if report.messages_done > self._done_seen.get(job_id, 0):
            self._done_seen[job_id] = report.messages_done
            throttles.delivered.offer(None)

    @Slot(int, object)
    def _on_done(self, job_id: int, finished: JobFinished) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        self._done_seen.pop(job_id, None)
        name = job.account.name
        throttles = self._throttles_for(name)
        throttles.progress.flush()
        throttles.delivered.discard()
        if _delivered_something(finished):
            self.delivered.emit(name)
        self.finished.emit(finished)
        self._busy[name] -= 1
        if self._busy[name] <= 0:
            del self._busy[name]
            if self._tokens.get(name) is job.token:
                del self._tokens[name]
            self.busyChanged.emit(name, False)


def _delivered_something(finished: JobFinished) -> bool:
    result = finished.result
    return isinstance(result, SyncResult) and (result.downloaded + result.recovered) > 0


def _abandon(thread: QThread, worker: EngineWorker) -> None:
    """Keep a worker thread that did not stop in time alive (never terminate() it).

    Deleting a running QThread aborts the process, so it is kept referenced here and waited
    for once more when the interpreter exits.
    """
    _log.warning("the engine thread did not stop in time; leaving it to finish on its own")
    _ABANDONED.append((thread, worker))


@atexit.register
def _wait_for_abandoned() -> None:
    for thread, _worker in _ABANDONED:
        thread.wait(30_000)
