"""The engine's entry point: sync one account, safely, and say what happened.

It knows nothing of Qt or terminals: a front end passes a progress callback and a cancel
token, and reads the returned :class:`SyncResult`. Every failure a person can meet comes back
as a typed :class:`~popgui.errors.PopguiError` in ``result.error``; only programming errors
propagate.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from popgui.accounts.settings import Account
from popgui.errors import CancelledError, DeliveryError, PopguiError
from popgui.profile import Profile
from popgui.store.lock import AccountLock
from popgui.sync.early import EarlyLogin
from popgui.sync.progress import ProgressCallback, SyncResult, ignore_progress
from popgui.sync.session import ConnectOptions

if TYPE_CHECKING:  # the storage side is imported under the lock, while the login runs
    from popgui.store.database import Database
    from popgui.sync.context import SyncContext

#: A piece of work run under the account lock with a ready :class:`SyncContext`.
Job = Callable[["SyncContext"], None]

#: The account's password, or how to get it (a keyring lookup, a password command): fetched
#: under the account lock while the connection opens (see early.py). Its errors
#: (:class:`~popgui.errors.CredentialsError`, a cancel) end up in ``result.error``.
Secret = str | Callable[[], str]


def sync_account(
    account: Account,
    secret: Secret,
    profile: Profile,
    *,
    options: ConnectOptions | None = None,
    progress: ProgressCallback = ignore_progress,
    database: Database | None = None,
    accept_new_uidls: bool = False,
) -> SyncResult:
    """Download what is new for ``account`` and apply its deletion policy.

    ``accept_new_uidls``: the user confirmed that the server renumbered its mail (see
    migration.py); without it, a suspected renumbering stops the sync with
    :class:`~popgui.errors.MigrationSuspectedError`.
    """
    return run_job(
        account,
        secret,
        profile,
        _sync,
        options=options,
        progress=progress,
        database=database,
        accept_new_uidls=accept_new_uidls,
        early_login=True,
    )


def _sync(ctx: SyncContext) -> None:
    if ctx.account.protocol == "pop2":
        from popgui.sync.pop2sync import sync_pop2  # rare: not imported for POP3 accounts

        sync_pop2(ctx)
    else:
        from popgui.sync.pop3sync import sync_pop3

        sync_pop3(ctx)


@dataclass(frozen=True)
class _Job:
    """What run_job was asked to do, passed along to each attempt."""

    account: Account
    secret: str
    profile: Profile
    work: Job
    options: ConnectOptions
    progress: ProgressCallback
    accept_new_uidls: bool
    early: EarlyLogin | None = None


def run_job(
    account: Account,
    secret: Secret,
    profile: Profile,
    job: Job,
    *,
    options: ConnectOptions | None = None,
    progress: ProgressCallback = ignore_progress,
    database: Database | None = None,
    accept_new_uidls: bool = False,
    early_login: bool = False,
) -> SyncResult:
    """Run ``job`` for ``account`` under its lock; failures come back in ``result.error``.

    Sync, "download selected" and "delete on the server" all go through here, so they share
    the lock, the Maildir clean-up and the durability path. A damaged database (ours, not a
    caller's) is set aside and rebuilt from the Maildir: see :func:`_rebuild_and_run`.
    ``early_login``: the job's first step is a POP3 session (``pop3sync.pop3_session``); it
    is logged in on a helper thread while the local side is prepared (see early.py).
    ``secret`` given as a function is called under the lock, while that login connects.
    """
    result = SyncResult(account.name)
    options = options or ConnectOptions()
    try:
        with AccountLock(profile.path, account.name):
            early = (
                EarlyLogin(account, options) if early_login and account.protocol == "pop3" else None
            )
            try:
                password = secret if isinstance(secret, str) else secret()  # while connecting
                if early is not None:
                    early.log_in(password)
                    early.wait_until_sent()  # the login first: see early.py
                what = _Job(
                    account, password, profile, job, options, progress, accept_new_uidls, early
                )
                _run_locked(what, database, result)
            finally:
                if early is not None:
                    early.close()
    except PopguiError as error:
        result.error = error
    return result


def _run_locked(what: _Job, database: Database | None, result: SyncResult) -> None:
    if database is not None:
        _attempt(what, database, result, rebuilt=False)
    else:
        _run_own_database(what, result)


def _run_own_database(what: _Job, result: SyncResult) -> None:
    from popgui.store.database import DatabaseCorruptError

    try:
        _attempt_with_new_connection(what, result, rebuilt=False)
    except DatabaseCorruptError:
        _rebuild_and_run(what, result)


def _rebuild_and_run(what: _Job, result: SyncResult) -> None:
    """Set the damaged file aside, start a fresh database and run the job once more.

    The fresh database is rebuilt by the ordinary reconciliation: every listed UIDL whose
    token is in a file name of the Maildir is recorded as delivered (nothing on disk is
    downloaded again), and the header index is rebuilt by a rescan. The safe rule for
    deletions: this run deletes nothing on the server at all (``SyncContext.rebuilding``);
    the next sync, on a database that is whole again, applies the account's policy.
    """
    from popgui.store.database import set_aside_corrupt

    kept = set_aside_corrupt(what.profile.database_file)
    result.restart()
    result.database_set_aside = str(kept)
    _attempt_with_new_connection(what, result, rebuilt=True)


def _attempt_with_new_connection(what: _Job, result: SyncResult, *, rebuilt: bool) -> None:
    from popgui.store.database import Database

    db = Database(what.profile.database_file)
    try:
        _attempt(what, db, result, rebuilt=rebuilt)
    finally:
        db.close()


def _attempt(what: _Job, db: Database, result: SyncResult, *, rebuilt: bool) -> None:
    from popgui.store.maildir import Maildir
    from popgui.sync.context import SyncContext

    maildir = Maildir(what.account.maildir_path(what.profile))
    maildir.clean_own_tmp()
    if rebuilt or not db.has_state(what.account.name):
        from popgui.store.localmail import LocalMail  # a first sync or a rebuild only

        LocalMail(what.profile, db).rescan(what.account)  # the header index, from the files
    ctx = SyncContext(
        what.account, what.secret, maildir, db, what.options, what.progress, result,
        accept_new_uidls=what.accept_new_uidls, rebuilding=rebuilt, early=what.early,
    )  # fmt: skip
    _run(ctx, what.work)


def _run(ctx: SyncContext, job: Job) -> None:
    from popgui.store.database import DatabaseCorruptError

    try:
        job(ctx)
    except CancelledError:
        raise  # the user's choice, not a state of the account
    except DatabaseCorruptError:
        raise  # nothing can be noted in a damaged file
    except PopguiError as error:
        _note_outcome(ctx.database, ctx.key, str(error))
        raise
    _note_outcome(ctx.database, ctx.key, None)


def _note_outcome(database: Database, account: str, error: str | None) -> None:
    """Remember how the last run ended (for the window); a full disk must not hide the error."""
    with contextlib.suppress(DeliveryError):
        database.record_error(account, error)
