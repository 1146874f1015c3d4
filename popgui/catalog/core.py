"""Sentences of the core error types (:mod:`popgui.errors`)."""

from __future__ import annotations

from popgui.catalog import Message

SERVER_REFUSED = Message("core.server-refused", "the server refused: {reply}")
SERVER_REFUSED_COMMAND = Message(
    "core.server-refused-command", "the server refused {command}: {reply}"
)
#: A server's reply with its RFC 2449 response code: ``[IN-USE] mailbox locked``.
SERVER_REPLY_CODE = Message("core.server-reply-code", "[{code}] {text}")
NO_REASON = Message("core.no-reason", "no reason given")
