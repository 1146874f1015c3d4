"""The engine's entry point: sync one account, safely, and say what happened.

It knows nothing of Qt or terminals: a front end passes a progress callback and a cancel
token, and reads the returned :class:`SyncResult`. Every failure a person can meet comes back
as a typed :class:`~popgui.errors.PopguiError` in ``result.error``; only programming errors
propagate.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from popgui.accounts.settings import Account
from popgui.errors import CancelledError, CredentialsError, DeliveryError, PopguiError
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database, DatabaseCorruptError, set_aside_corrupt
from popgui.store.localmail import LocalMail
from popgui.store.lock import AccountLock
from popgui.store.maildir import Maildir
from popgui.sync.context import SyncContext
from popgui.sync.forwarding import forwarding_to_destination, raise_refusals
from popgui.sync.pop3sync import sync_pop3
from popgui.sync.progress import ProgressCallback, SyncResult, ignore_progress

#: A piece of work run under the account lock with a ready :class:`SyncContext`.
Job = Callable[[SyncContext], None]

#: The account's password, or how to get it (a keyring lookup, a password command): fetched
#: under the account lock, before any connection opens. Its errors
#: (:class:`~popgui.errors.CredentialsError`, a cancel) end up in ``result.error``. A
#: :class:`RenewableSecret` (an OAuth2 access token, popgui.oauth.account.OAuthSecret) is
#: asked once for a new secret when the server refuses the first.
Secret = str | Callable[[], str]


@runtime_checkable
class RenewableSecret(Protocol):
    """A secret the engine may renew once when the server refuses it (an OAuth2 token)."""

    def __call__(self) -> str: ...

    def renew(self) -> str: ...

    def refused_after_renewal(self, error: CredentialsError) -> CredentialsError: ...


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
    )


def _sync(ctx: SyncContext) -> None:
    if ctx.account.protocol == "pop2":
        # POP2 is rare: a POP3 account's sync never loads its client and protocol core.
        from popgui.sync.pop2sync import sync_pop2

        sync_pop2(ctx)
    else:
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
) -> SyncResult:
    """Run ``job`` for ``account`` under its lock; failures come back in ``result.error``.

    Sync, "download selected" and "delete on the server" all go through here, so they share
    the lock, the Maildir clean-up and the durability path. A damaged database (ours, not a
    caller's) is set aside and rebuilt from the Maildir: see :func:`_rebuild_and_run`.
    ``secret`` given as a function is called under the lock, before the job connects: a
    failed lookup ends the run without opening a connection.
    """
    result = SyncResult(account.name)
    options = options or ConnectOptions()
    try:
        with AccountLock(profile.path, account.name):
            password = secret if isinstance(secret, str) else secret()
            what = _Job(account, password, profile, job, options, progress, accept_new_uidls)
            try:
                _run_locked(what, database, result)
            except CredentialsError:
                if not isinstance(secret, RenewableSecret):
                    raise
                _run_renewed(what, secret, database, result)
    except PopguiError as error:
        result.error = error
    return result


def _run_renewed(
    what: _Job, secret: RenewableSecret, database: Database | None, result: SyncResult
) -> None:
    """The server refused an access token (revoked, or clocks that disagree): renew it once
    and try once more; a dead sign-in raises from ``renew``, a second refusal is explained."""
    result.restart()
    renewed = secret.renew()  # outside the try: a dead sign-in is its own error
    try:
        _run_locked(replace(what, secret=renewed), database, result)
    except CredentialsError as error:
        raise secret.refused_after_renewal(error) from error


def _run_locked(what: _Job, database: Database | None, result: SyncResult) -> None:
    if database is not None:
        _attempt(what, database, result, rebuilt=False)
    else:
        _run_own_database(what, result)


def _run_own_database(what: _Job, result: SyncResult) -> None:
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
    kept = set_aside_corrupt(what.profile.database_file)
    result.restart()
    result.database_set_aside = str(kept)
    _attempt_with_new_connection(what, result, rebuilt=True)


def _attempt_with_new_connection(what: _Job, result: SyncResult, *, rebuilt: bool) -> None:
    db = Database(what.profile.database_file)
    try:
        _attempt(what, db, result, rebuilt=rebuilt)
    finally:
        db.close()


def _attempt(what: _Job, db: Database, result: SyncResult, *, rebuilt: bool) -> None:
    maildir = Maildir(what.account.maildir_path(what.profile))
    if rebuilt or what.accept_new_uidls or _index_first(what.account, db):
        # The header index, from the files. Accepting renumbered mail recognises it by this
        # index, which must then hold the files a killed run moved into new/ but never recorded;
        # so does adopting a Maildir (adoption.py): every file read once, before the sync.
        LocalMail(what.profile, db).rescan(what.account)
    ctx = SyncContext(
        what.account, what.secret, maildir, db, what.options, what.progress, result,
        accept_new_uidls=what.accept_new_uidls, rebuilding=rebuilt, profile=what.profile,
    )  # fmt: skip
    _run(ctx, what.work)


def _index_first(account: Account, db: Database) -> bool:
    """Whether the Maildir's files must be indexed first: a first sync (no state), or one of
    an account that adopts its Maildir and has not yet (``--adopt``, adoption.py)."""
    if not db.has_state(account.name):
        return True
    return account.adopt and not db.first_sync_done(account.name)


def _run(ctx: SyncContext, job: Job) -> None:
    try:
        with forwarding_to_destination(ctx):
            job(ctx)
        raise_refusals(ctx)
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
