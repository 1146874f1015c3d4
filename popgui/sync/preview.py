"""What waits on the server, without downloading it: ``TOP n 0`` for each message.

POP2 has no TOP; asking for a preview of a POP2 account is refused with a plain explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from popgui.accounts.settings import Account
from popgui.catalog import sync as says
from popgui.errors import ConfigError, ServerError
from popgui.net.pop3client import POP3Client
from popgui.net.session import ConnectOptions, open_pop3
from popgui.profile import Profile
from popgui.store.database import Database
from popgui.store.headerindex import summarize


@dataclass(frozen=True)
class PreviewItem:
    number: int
    uid: str | None
    size: int
    sender: str
    subject: str
    date: datetime | None
    downloaded: bool
    excerpt: str = ""


def preview_account(
    account: Account,
    secret: str,
    profile: Profile,
    *,
    lines: int = 0,
    options: ConnectOptions | None = None,
) -> list[PreviewItem]:
    """List the server's messages with their headers (and ``lines`` body lines)."""
    if account.protocol == "pop2":
        raise ConfigError(says.NO_POP2_PREVIEW())
    client = open_pop3(account, secret, options or ConnectOptions())
    try:
        items = _collect(account, profile, client, lines)
        client.quit()
    finally:
        client.close()
    return items


def _collect(
    account: Account, profile: Profile, client: POP3Client, lines: int
) -> list[PreviewItem]:
    sizes = client.list_sizes()
    uids = client.uidl() or {}
    refused: set[int] = set()

    def skip(number: int, _error: ServerError) -> None:
        refused.add(number)

    tops = client.top_many(sorted(sizes), lines, on_refused=skip)
    if refused and len(refused) == len(sizes):
        raise ConfigError(says.NO_TOP())
    downloaded = _downloaded_uids(account, profile)
    return [
        _item(
            number,
            uids.get(number),
            sizes[number],
            tops.get(number, b""),
            downloaded,
            lines,
        )
        for number in sorted(sizes)
    ]


def _downloaded_uids(account: Account, profile: Profile) -> set[str]:
    database = Database(profile.database_file)
    try:
        return database.delivered_uid_set(account.name)
    finally:
        database.close()


def _item(
    number: int, uid: str | None, size: int, data: bytes, downloaded: set[str], lines: int
) -> PreviewItem:
    summary = summarize(data)  # the header index's own decoder: both show the same text
    return PreviewItem(
        number=number,
        uid=uid,
        size=size,
        sender=summary.from_addr,
        subject=summary.subject,
        date=summary.sent_at(),
        downloaded=uid is not None and uid in downloaded,
        excerpt=_excerpt(data) if lines else "",
    )


def _excerpt(data: bytes) -> str:
    """The body lines TOP sent, as text (raw transfer encoding, decoded as UTF-8 leniently)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        position = data.find(separator)
        if position >= 0:
            return data[position + len(separator) :].decode("utf-8", "replace").rstrip()
    return ""


__all__ = ["PreviewItem", "preview_account"]
