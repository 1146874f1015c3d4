"""The index reader: the queries behind "new mail arrived", run off the GUI thread.

While a sync delivers, the window refreshes about twice a second: the folders' total and unread
counts, the open folder's row count and its first page. In a large folder the two counts (a
GROUP BY and a COUNT over the folder's index, slower still while the sync competes for the CPU)
froze the window for as long as they took on the GUI thread. Here they run in a thread of their
own, on a connection of its own (SQLite lets other Python threads run while it counts), and the
GUI thread only shows the results.

At most one refresh runs at a time; asking again meanwhile replaces the waiting request, so a
burst of deliveries costs one more refresh, not one per delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from popgui.accounts.settings import Account
from popgui.errors import PopguiError
from popgui.gui.listing import ListContents, ListQuery, read_list
from popgui.gui.mailthread import (
    MailOpener,
    MailWorker,
    start_worker_thread,
    wait_for_worker_thread,
)
from popgui.profile import Profile

if TYPE_CHECKING:
    from popgui.store.localmail import FolderInfo, LocalMail

__all__ = ["IndexReader", "RefreshRequest", "Refreshed", "open_profile_mail"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshRequest:
    """What to read again: the account's folders, and ``query``'s rows unless it is None.

    ``keep_id``: the open message, whose row is looked for in the first pages.
    ``generations``: the folder and message models' generations when asked; a result is
    stale (dropped by the window) when the models changed meanwhile.
    ``pages``: pages to read besides the first (those on screen).
    """

    account: Account
    query: ListQuery | None
    keep_id: int | None = None
    generations: tuple[int, int] = (0, 0)
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Refreshed:
    """What the reader thread read for a :class:`RefreshRequest` (or why it could not)."""

    request: RefreshRequest
    folders: list[FolderInfo]
    contents: ListContents | None
    error: PopguiError | None = None


def open_profile_mail(profile: Profile) -> MailOpener:
    """The default opener: a Database on the profile's index, opened in the reader thread."""

    def opener() -> tuple[LocalMail, Callable[[], None]]:
        from popgui.store.database import Database
        from popgui.store.localmail import LocalMail

        database = Database(profile.database_file)
        return LocalMail(profile, database), database.close

    return opener


class _ReaderWorker(MailWorker):
    """Lives in the reader thread: one LocalMail (SQLite connections stay in their thread)."""

    @Slot(object)
    def run(self, request: RefreshRequest) -> None:
        self.done.emit(self._read(request))

    def _read(self, request: RefreshRequest) -> Refreshed:
        try:
            mail = self.open_mail()
            folders = mail.folders(request.account)
            contents = None
            if request.query is not None:
                contents = read_list(mail, request.query, request.keep_id, request.pages)
        except PopguiError as error:
            return Refreshed(request, [], None, error)
        except Exception as error:  # a bug must not kill the thread: the window reads itself
            _log.exception("reading the index in the background failed")
            words = QCoreApplication.translate(
                "IndexReader", "the mail index could not be read (a popgui bug): {error}"
            )
            bug = PopguiError(words.format(error=f"{type(error).__name__}: {error}"))
            return Refreshed(request, [], None, bug)
        return Refreshed(request, folders, contents)


class IndexReader(QObject):
    """Reads folder counts and list contents in a thread; results come back on ``ready``.

    Signals:
        ready(object): a :class:`Refreshed`, on the GUI thread, once per request run.
    """

    ready = Signal(object)
    _submit = Signal(object)

    def __init__(
        self, profile: Profile, parent: QObject | None = None, *, opener: MailOpener | None = None
    ) -> None:
        super().__init__(parent)
        self._opener = opener or open_profile_mail(profile)
        self._thread: QThread | None = None
        self._worker: _ReaderWorker | None = None
        self._running = False
        self._waiting: RefreshRequest | None = None
        self._closed = False

    def request(self, request: RefreshRequest) -> None:
        """Read again; while a read runs, the latest request waits for it."""
        if self._closed:
            return
        if self._running:
            self._waiting = request
            return
        self._start(request)

    def is_busy(self) -> bool:
        """Whether a request runs or waits (for tests)."""
        return self._running or self._waiting is not None

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the thread (a running query finishes first) and close its connection."""
        if self._closed:
            return
        self._closed = True
        self._waiting = None
        if self._thread is not None:
            self._thread.quit()
            wait_for_worker_thread(self._thread, self._worker, timeout_ms, "index reader")

    def _start(self, request: RefreshRequest) -> None:
        if self._thread is None:
            self._launch()
        self._running = True
        self._submit.emit(request)

    def _launch(self) -> None:
        worker = self._worker = _ReaderWorker(self._opener)
        self._thread = start_worker_thread(
            "popgui-index-reader", worker, worker.run, self._submit, self._finished
        )

    @Slot(object)
    def _finished(self, refreshed: Refreshed) -> None:
        self._running = False
        if self._closed:
            return
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._start(waiting)
        self.ready.emit(refreshed)
