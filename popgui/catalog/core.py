"""Sentences of the core error types (:mod:`popgui.errors`)."""

from __future__ import annotations

from popgui.catalog import Message

SERVER_REFUSED = Message("core.server-refused", "the server refused: {reply}")
SERVER_REFUSED_COMMAND = Message(
    "core.server-refused-command", "the server refused {command}: {reply}"
)
