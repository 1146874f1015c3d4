"""Recording what another client downloaded (read by :mod:`popgui.accounts.stateformats`):
the one way the command line (``account import-state``) and the window both record it.

The UIDLs are recorded in one transaction, under the account's lock so that no sync of the
account runs meanwhile. Nothing else changes: no setting, no file, nothing on the server.
"""

from __future__ import annotations

from collections.abc import Iterable

from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.lock import AccountLock


def record_import(profile: Profile, account: str, kind: str, uids: Iterable[str]) -> int:
    """Record *uids* as downloaded by *kind* for *account*; how many were new."""
    with AccountLock(profile.path, account), Database(profile.database_file) as database:
        return database.record_imported(account, sorted(uids), kind)
