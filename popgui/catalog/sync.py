"""Sentences about downloading, previewing and choosing mail (:mod:`popgui.sync`)."""

from __future__ import annotations

from popgui.catalog import Message

RENUMBERED = Message(
    "sync.renumbered",
    "the server seems to have renumbered its mail: {vanished} of the {previous} messages it "
    "listed last time are gone and {unknown} unknown ones appeared (a server migration or a "
    "restored backup?). Nothing was downloaded or deleted, so that the whole mailbox is not "
    "downloaded a second time",
)
LISTINGS_DISAGREE = Message(
    "sync.listings-disagree",
    "the server's UIDL and LIST disagree about which messages exist; "
    "popgui will not act on an ambiguous listing",
)
NO_POP2_PREVIEW = Message(
    "sync.no-pop2-preview",
    "POP2 servers cannot show a message without sending all of it (POP2 has no TOP), "
    "so there is no preview for this account",
)
NO_TOP = Message("sync.no-top", "this server does not support TOP, so it cannot show a preview")
NEGATIVE_LINES = Message("sync.negative-lines", "the number of lines to show cannot be negative")
GONE_FROM_SERVER = Message("sync.gone-from-server", "the message {uid} is no longer on the server")
POP2_CANNOT = Message(
    "sync.pop2-cannot",
    "popgui cannot {action} for a POP2 account: POP2 has no unique ids (UIDL) "
    "and no TOP, so a message cannot be chosen or previewed on the server",
)
NO_UIDL = Message(
    "sync.no-uidl",
    "this server does not support UIDL, so popgui cannot tell which message is which; "
    "use Get Mail to download everything instead",
)
# The {action} of POP2_CANNOT.
DOWNLOAD_CHOSEN = Message("sync.download-chosen", "download chosen messages")
DELETE_CHOSEN = Message("sync.delete-chosen", "delete chosen messages on the server")
SHOW_START = Message("sync.show-start", "show the start of a message")
# A part of the summary of a sync (popgui sync): the first sync's choice (firstsync.py).
LEFT_ON_SERVER = Message(
    "sync.left-on-server",
    "{count} older message(s) left on the server, as asked",
    plural=True,
)
# A part of the summary of a sync (popgui sync): what the first sync adopted (adoption.py).
ADOPTED = Message(
    "sync.adopted",
    "{count} message(s) already in the Maildir adopted",
    plural=True,
)
ADOPT_NEEDS_TOP = Message(
    "sync.adopt-needs-top",
    "this server does not send a message's headers alone (TOP), so popgui cannot recognise "
    "the mail already in the Maildir; nothing was downloaded. Add the account without --adopt "
    "(with --skip-existing to leave the mail already on the server there)",
)

# -- delivering to a destination (--deliver) ----------------------------------------------------
FORWARD_NEEDS_UIDL = Message(
    "sync.forward-needs-uidl",
    "This server gives its messages no unique ids (neither UIDL nor TOP): popgui can deliver "
    "its mail only into the account's Maildir",
)
FORWARD_ANSWERS_MISSING = Message(
    "sync.forward-answers-missing",
    "The destination did not answer for every message: nothing of this batch was recorded",
)
FORWARD_REFUSED = Message(
    "sync.forward-refused",
    "{destination} refused {count} message(s); they stay on the server. The first: {first}",
    plural=True,
)
