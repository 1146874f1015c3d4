"""The engine's entry point: sync one account, safely, and say what happened.

It knows nothing of Qt or terminals: a front end passes a progress callback and a cancel
token, and reads the returned :class:`SyncResult`. Every failure a person can meet comes back
as a typed :class:`~popgui.errors.PopguiError` in ``result.error``; only programming errors
propagate.
"""

from __future__ import annotations

from popgui.accounts.settings import Account
from popgui.errors import PopguiError
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.lock import AccountLock
from popgui.store.maildir import Maildir
from popgui.sync.context import SyncContext
from popgui.sync.pop2sync import sync_pop2
from popgui.sync.pop3sync import sync_pop3
from popgui.sync.progress import ProgressCallback, SyncResult, ignore_progress
from popgui.sync.session import ConnectOptions


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
    result = SyncResult(account.name)
    own_database = database is None
    try:
        with AccountLock(profile.path, account.name):
            db = database or Database(profile.database_file)
            try:
                _run(account, secret, profile, db, options or ConnectOptions(), progress, result)
            finally:
                if own_database:
                    db.close()
    except PopguiError as error:
        result.error = error
    return result


def _run(
    account: Account,
    secret: str,
    profile: Profile,
    database: Database,
    options: ConnectOptions,
    progress: ProgressCallback,
    result: SyncResult,
) -> None:
    maildir = Maildir(account.maildir_path(profile))
    maildir.clean_own_tmp()
    ctx = SyncContext(account, secret, maildir, database, options, progress, result)
    if account.protocol == "pop2":
        sync_pop2(ctx)
    else:
        sync_pop3(ctx)
