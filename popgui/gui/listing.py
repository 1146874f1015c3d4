"""What the message list shows, and reading it: free of Qt, so any thread can use it.

The local mail thread (``mailtasks``) reads the message list's pages with these, the index
reader thread (``indexreader``) and the start-up read (``startup``) read ahead with them, each
on a SQLite connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from popgui.errors import PopguiError

if TYPE_CHECKING:
    from popgui.store.localmail import MessageRow, SortKey

__all__ = [
    "FIND_PAGES",
    "PAGE_SIZE",
    "ListChangedError",
    "ListContents",
    "ListQuery",
    "MailSource",
    "find_message",
    "message_ids",
    "read_list",
]

PAGE_SIZE = 200
#: How many pages from the top are searched for the open message after new mail landed.
FIND_PAGES = 10


class MailSource(Protocol):
    """What the message and folder models need from ``popgui.store.localmail.LocalMail``."""

    def count(self, account: str, folder: str, filter_text: str = "") -> int: ...

    def page(
        self,
        account: str,
        folder: str,
        *,
        sort: SortKey = "date",
        descending: bool = True,
        filter_text: str = "",
        offset: int = 0,
        limit: int = 200,
    ) -> list[MessageRow]: ...


@dataclass(frozen=True)
class ListQuery:
    """What the message list shows, enough to read it again in another thread."""

    account: str
    folder: str
    filter_text: str
    sort: SortKey
    descending: bool

    def page(self, source: MailSource, number: int) -> list[MessageRow]:
        return source.page(
            self.account, self.folder, sort=self.sort, descending=self.descending,
            filter_text=self.filter_text, offset=number * PAGE_SIZE, limit=PAGE_SIZE,
        )  # fmt: skip


@dataclass(frozen=True)
class ListContents:
    """A folder's row count and its first pages, read ahead for :class:`MessageTableModel`.

    ``kept_row`` is the row of the message asked for by :func:`read_list` (-1: not found in
    the first :data:`FIND_PAGES` pages, or none asked for).
    """

    count: int
    pages: dict[int, list[MessageRow]]
    kept_row: int = -1


def read_list(
    source: MailSource,
    query: ListQuery,
    keep_id: int | None = None,
    pages: Collection[int] = (),
) -> ListContents:
    """Count the folder; read its first page, ``pages``, and pages until ``keep_id`` is found.

    Runs in the index reader thread and in the start-up read.
    """
    count = source.count(query.account, query.folder, query.filter_text)
    page_count = -(-count // PAGE_SIZE)
    loaded: dict[int, list[MessageRow]] = {}

    def page(number: int) -> list[MessageRow]:
        if number not in loaded:
            loaded[number] = query.page(source, number)
        return loaded[number]

    kept_row = -1 if keep_id is None else find_message(page, keep_id, min(FIND_PAGES, page_count))
    for number in sorted({0, *pages}):
        if number < page_count:
            page(number)
    return ListContents(count, loaded, kept_row)


def find_message(page: Callable[[int], list[MessageRow]], message_id: int, pages: int) -> int:
    """The row of ``message_id`` in the first ``pages`` pages given by ``page``, or -1."""
    for number in range(pages):
        for offset, message in enumerate(page(number)):
            if message.id == message_id:
                return number * PAGE_SIZE + offset
    return -1


class ListChangedError(PopguiError):
    """The list changed between a selection and the action on it; nothing was done."""


def message_ids(
    source: MailSource, query: ListQuery, rows: Collection[int], shown_count: int
) -> list[int]:
    """The ids of the messages at ``rows`` of ``query``, each page needed read once.

    Runs in the local mail thread, for selected rows whose page the list has not read. Tasks
    queued before it (a move, new mail) may have changed the list the person saw with
    ``shown_count`` rows: then the rows would name other messages than those selected, so
    ListChangedError is raised before anything is done.
    """
    if source.count(query.account, query.folder, query.filter_text) != shown_count:
        raise ListChangedError(
            "The message list changed before the action could run, so nothing was done: "
            "select the messages again"
        )
    pages: dict[int, list[MessageRow]] = {}
    ids: list[int] = []
    for row in sorted(rows):
        number, offset = divmod(row, PAGE_SIZE)
        if number not in pages:
            pages[number] = query.page(source, number)
        if offset < len(pages[number]):
            ids.append(pages[number][offset].id)
    return ids
