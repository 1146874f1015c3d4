"""What to do about an error: the second sentence :func:`popgui.messages.describe` adds."""

from __future__ import annotations

from popgui.catalog import Message

#: An error's sentence followed by the hint (a language may join them differently).
WITH_HINT = Message("hints.with-hint", "{error}. {hint}")
TRUST_CERTIFICATE = Message(
    "hints.trust-certificate",
    "If you are sure this is your server, trust this exact certificate with "
    "--fingerprint {fingerprint}",
)
FIX_PASSWORD = Message(
    "hints.fix-password",
    "Fix the password with `popgui account add NAME ... --password-stdin --replace`",
)
TRY_LATER = Message("hints.try-later", "The server asks to try again later; nothing was lost")
NETWORK = Message(
    "hints.network", "Nothing was lost; the next sync carries on where this one stopped"
)
SERVER_MISBEHAVED = Message(
    "hints.server-misbehaved",
    "The server misbehaved; nothing that is not safely stored here was deleted on it, "
    "and the next sync will try again",
)
BUG = Message("hints.bug", "This is a popgui bug; please report it with the output of --debug")
DISK = Message(
    "hints.disk",
    "Free some disk space or fix the folder's permissions; nothing was deleted on the server",
)
