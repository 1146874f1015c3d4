"""What the window shows first, read while the window is still being built.

In a large folder, the folder pane's counts and the first folder's row count take SQLite a
while (a GROUP BY and a COUNT over the folder's index). Started in a thread before the window's
own modules are imported (which compiles them on the GUI thread, for longer than the counting
takes), they cost the start-up nothing: SQLite lets the importing thread run while it counts.

Only Qt-free modules are used here, all imported before the thread starts (so the two threads
never import the same module at once). The window's database is opened first, on the GUI
thread, so that a schema upgrade is over before the thread opens its own connection.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from popgui.accounts.settings import Account, load_settings
from popgui.errors import PopguiError
from popgui.gui.listing import ListContents, ListQuery, read_list
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.localmail import INBOX, FolderInfo, LocalMail, SortKey

__all__ = ["FIRST_QUERY_SORT", "FirstFolder", "StartupRead"]

_log = logging.getLogger(__name__)

#: The list's default order (newest first), which the first page is read in.
FIRST_QUERY_SORT: tuple[SortKey, bool] = ("date", True)
#: How long the window waits for the read before doing it itself (it is normally long done).
WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class FirstFolder:
    """The first account's folders, and its Inbox's rows in the default order."""

    account: Account
    folders: list[FolderInfo]
    query: ListQuery
    contents: ListContents


class StartupRead:
    """Reads the first account's folders and Inbox in a thread; :meth:`take` hands them over.

    ``database`` is the window's own connection, opened here (first, see the module's notes);
    the window takes it over with :meth:`take_database`.
    """

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._database: Database | None = Database(profile.database_file)
        self._result: FirstFolder | None = None
        self._thread = threading.Thread(target=self._run, name="popgui-startup-read", daemon=True)
        self._thread.start()

    @classmethod
    def begin(cls, profile: Profile) -> StartupRead | None:
        """Start reading, or None when there is nothing to read yet (a new profile)."""
        if not profile.database_file.exists():
            return None
        try:
            return cls(profile)
        except PopguiError:
            return None  # the window opens the database itself and says what is wrong

    def take_database(self) -> Database | None:
        """The window's connection (once; the caller closes it)."""
        database, self._database = self._database, None
        return database

    def take(self, account: str) -> FirstFolder | None:
        """What was read, if it is about ``account`` (once); waits for the thread to finish."""
        self._thread.join(WAIT_SECONDS)
        result, self._result = self._result, None
        if self._thread.is_alive() or result is None or result.account.name != account:
            return None
        return result

    def _run(self) -> None:
        try:
            self._result = read_first_folder(self._profile)
        except Exception:  # the window reads for itself (and shows what fails)
            _log.debug("the start-up read failed", exc_info=True)


def read_first_folder(profile: Profile) -> FirstFolder | None:
    """The first account's folders and Inbox contents, on a connection of its own."""
    accounts = load_settings(profile.settings_file).accounts
    if not accounts:
        return None
    account = accounts[0]
    sort, descending = FIRST_QUERY_SORT
    query = ListQuery(account.name, INBOX, "", sort, descending)
    database = Database(profile.database_file)
    try:
        mail = LocalMail(profile, database)
        return FirstFolder(account, mail.folders(account), query, read_list(mail, query))
    finally:
        database.close()
