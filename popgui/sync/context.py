"""Everything one account's sync needs, gathered once by the engine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from popgui.accounts.settings import Account
from popgui.destinations.base import Destination
from popgui.net.cancel import CancelToken
from popgui.net.session import ConnectOptions
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.maildir import Maildir
from popgui.store.names import token_for
from popgui.sync.progress import Phase, Progress, ProgressCallback, SyncResult

#: Progress callbacks during a download come at most this often (the GUI throttles again).
PROGRESS_INTERVAL = 0.1


@dataclass
class SyncContext:
    """Everything one run of a job needs: the account, its Maildir and database, the
    connection options, the progress callback and the result being filled in."""

    account: Account
    secret: str
    maildir: Maildir
    database: Database
    options: ConnectOptions
    progress: ProgressCallback
    result: SyncResult
    now: float = field(default_factory=lambda: time.time())  # looked up late: tests move the clock
    _last_report: float = 0.0
    #: The user accepted that the server renumbered its mail (see migration.py).
    accept_new_uidls: bool = False
    #: The database was damaged and is being rebuilt from the Maildir in this run: nothing
    #: is deleted on the server until a run on a whole database (see engine.py).
    rebuilding: bool = False
    #: Where the mail goes when not into the Maildir (``--deliver``), opened for the sync.
    destination: Destination | None = None
    #: The profile (settings, keyring lookups of a destination's password); None in tests
    #: that need neither.
    profile: Profile | None = None

    @property
    def cancel(self) -> CancelToken:
        return self.options.cancel or CancelToken()

    @property
    def key(self) -> str:
        """The account's identity in the database and in file-name tokens."""
        return self.account.name

    def token(self, uid: str) -> str:
        return token_for(self.key, uid)

    def check_cancel(self) -> None:
        if self.options.cancel is not None:
            self.options.cancel.raise_if_cancelled()

    def report(
        self,
        phase: Phase,
        messages_done: int = 0,
        messages_total: int = 0,
        bytes_done: int = 0,
        bytes_total: int = 0,
        *,
        force: bool = True,
    ) -> None:
        moment = time.monotonic()
        if not force and moment - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = moment
        self.progress(
            Progress(self.key, phase, messages_done, messages_total, bytes_done, bytes_total)
        )

    @property
    def deletes_locally_deleted(self) -> bool:
        """Whether mail the user deleted here is to be deleted on the server too."""
        return bool(getattr(self.account, "delete_when_deleted_locally", False))

    @property
    def may_delete(self) -> bool:
        """Whether this account ever deletes on the server during a sync."""
        return self.account.policy != "keep" or self.deletes_locally_deleted

    def deletable_uids(self, on_server: set[str]) -> set[str]:
        """Delivered UIDs the account's policy says to delete from the server now."""
        if self.rebuilding:
            return set()
        # What another client downloaded (import-state) popgui has no copy of: its policy
        # never deletes it on the server.
        doomed = self._policy_deletable(on_server) - self.database.imported_uid_set(self.key)
        if self.deletes_locally_deleted:
            doomed |= on_server & self.database.locally_deleted_uids(self.key)
        return doomed

    def _policy_deletable(self, on_server: set[str]) -> set[str]:
        policy = self.account.policy
        if policy == "keep":
            return set()
        if policy == "delete":
            return on_server & self.database.delivered_uid_set(self.key)
        delivered = self.database.delivered_uids(self.key)
        days = self.account.delete_after_days or 0
        cutoff = self.now - days * 86400
        return {
            uid for uid in on_server if uid in delivered and delivered[uid].delivered_at <= cutoff
        }
