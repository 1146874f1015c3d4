"""Progress reports and results of a sync: small frozen values a front end can display.

The engine calls a plain callback; the Qt worker turns it into signals (throttled there),
the command line into a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from popgui.errors import PopguiError

Phase = Literal["connecting", "listing", "downloading", "deleting", "done"]


@dataclass(frozen=True)
class Progress:
    """Where one account's sync is: its phase and, while downloading, how far along."""

    account: str
    phase: Phase
    messages_done: int = 0
    messages_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0


ProgressCallback = Callable[[Progress], None]


def ignore_progress(_progress: Progress) -> None:
    """The default callback: scripts that want no progress pass nothing."""


@dataclass
class SyncResult:
    """What one account's sync did. ``error`` is None when it completed."""

    account: str
    downloaded: int = 0
    deleted: int = 0
    bytes: int = 0
    recovered: int = 0
    #: Messages the first sync left on the server by choice (--skip-existing, --since).
    left_on_server: int = 0
    #: Messages the first sync found already in the Maildir and adopted (--adopt).
    adopted: int = 0
    #: What the destination said (``--deliver``): where the mail went, how many messages
    #: it accepted, and those it asked to retry later or refused ("UIDL: reason"); those stay
    #: on the server.
    delivered_to: str | None = None
    forwarded: int = 0
    deferred: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: PopguiError | None = None
    #: Where a damaged database was kept when this run rebuilt it from the Maildir.
    database_set_aside: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def restart(self) -> None:
        """Forget the counts of an attempt that is being run again from the start."""
        self.downloaded = self.deleted = self.bytes = self.recovered = 0
        self.left_on_server = self.adopted = self.forwarded = 0
        self.deferred.clear()
        self.refused.clear()
        self.paths.clear()
        self.skipped.clear()
        self.error = None
