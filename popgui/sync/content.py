"""Content identity for servers without UIDL (POP2 always, some old POP3 servers).

Such a server gives a message no stable name, so popgui recognises it by what it is: the
SHA-256 of its bytes. Recognising a kept message means downloading it again at every sync;
the copy is then dropped, never stored twice.
"""

from __future__ import annotations

import hashlib

from popgui.sync.context import SyncContext
from popgui.sync.delivery import BatchedDelivery
from popgui.sync.recovery import record_existing

CONTENT_PREFIX = "sha256:"


class ContentIdentityWriter:
    """Streams a message to ``tmp/`` while hashing it, then keeps it or drops the copy."""

    def __init__(self, ctx: SyncContext, delivery: BatchedDelivery) -> None:
        self._ctx = ctx
        self._delivery = delivery
        self._known = ctx.database.delivered_uid_set(ctx.key)
        self._on_disk = ctx.maildir.tokens()
        self._hash = hashlib.sha256()

    def start(self) -> None:
        self._ctx.check_cancel()
        self._hash = hashlib.sha256()
        self._delivery.begin(None)

    def data(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self._delivery.write(chunk)

    def end(self) -> tuple[str, bool]:
        """The message's identity, and True when it was new and is now delivered."""
        uid = CONTENT_PREFIX + self._hash.hexdigest()
        token = self._ctx.token(uid)
        if uid in self._known or (
            token in self._on_disk and record_existing(self._ctx, uid, token, self._delivery)
        ):
            self._delivery.abort_current()
            self._known.add(uid)
            return uid, False
        record = self._delivery.finish(uid, token)
        self._known.add(uid)
        self._ctx.result.downloaded += 1
        self._ctx.result.bytes += record.size
        self._ctx.result.paths.append(record.path)
        return uid, True
