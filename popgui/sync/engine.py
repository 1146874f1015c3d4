"""The engine's entry point: sync one account, safely, and say what happened.

It knows nothing of Qt or terminals: a front end passes a progress callback and a cancel
token, and reads the returned :class:`SyncResult`. Every failure a person can meet comes back
as a typed :class:`~popgui.errors.PopguiError` in ``result.error``; only programming errors
propagate.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from popgui.accounts.settings import Account
from popgui.errors import CancelledError, DeliveryError, PopguiError
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.lock import AccountLock
from popgui.store.maildir import Maildir
from popgui.sync.context import SyncContext
from popgui.sync.pop2sync import sync_pop2
from popgui.sync.pop3sync import sync_pop3
from popgui.sync.progress import ProgressCallback, SyncResult, ignore_progress
from popgui.sync.session import ConnectOptions

#: A piece of work run under the account lock with a ready :class:`SyncContext`.
Job = Callable[[SyncContext], None]


def sync_account(
    account: Account,
    secret: str,
    profile: Profile,
    *,
    options: ConnectOptions | None = None,
    progress: ProgressCallback = ignore_progress,
    database: Database | None = None,
) -> SyncResult:
    """Download what is new for ``account`` and apply its deletion policy."""
    return run_job(
        account, secret, profile, _sync, options=options, progress=progress, database=database
    )


def _sync(ctx: SyncContext) -> None:
    if ctx.account.protocol == "pop2":
        sync_pop2(ctx)
    else:
        sync_pop3(ctx)


def run_job(
    account: Account,
    secret: str,
    profile: Profile,
    job: Job,
    *,
    options: ConnectOptions | None = None,
    progress: ProgressCallback = ignore_progress,
    database: Database | None = None,
) -> SyncResult:
    """Run ``job`` for ``account`` under its lock; failures come back in ``result.error``.

    Sync, "download selected" and "delete on the server" all go through here, so they share
    the lock, the Maildir clean-up and the durability path.
    """
    result = SyncResult(account.name)
    own_database = database is None
    try:
        with AccountLock(profile.path, account.name):
            db = database or Database(profile.database_file)
            try:
                maildir = Maildir(account.maildir_path(profile))
                maildir.clean_own_tmp()
                opts = options or ConnectOptions()
                _run(SyncContext(account, secret, maildir, db, opts, progress, result), job)
            finally:
                if own_database:
                    db.close()
    except PopguiError as error:
        result.error = error
    return result


def _run(ctx: SyncContext, job: Job) -> None:
    try:
        job(ctx)
    except CancelledError:
        raise  # the user's choice, not a state of the account
    except PopguiError as error:
        _note_outcome(ctx.database, ctx.key, str(error))
        raise
    _note_outcome(ctx.database, ctx.key, None)


def _note_outcome(database: Database, account: str, error: str | None) -> None:
    """Remember how the last run ended (for the window); a full disk must not hide the error."""
    with contextlib.suppress(DeliveryError):
        database.record_error(account, error)
