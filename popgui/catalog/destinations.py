"""Sentences about where an account's mail goes (:mod:`popgui.destinations`): an IMAP
mailbox, an LMTP server, a program (MDA), an mbox file."""

from __future__ import annotations

from popgui.catalog import Message

# -- reading --deliver ------------------------------------------------------------------------
CONTROL_CHARACTERS = Message(
    "destinations.control-characters", "The destination contains a line break or a NUL character"
)
UNKNOWN_SCHEME = Message(
    "destinations.unknown-scheme",
    "{text} is not a destination popgui knows: it starts with one of {schemes}",
)
IMAP_NO_USER = Message(
    "destinations.imap-no-user",
    "{text} names no user: write imap://USER@HOST/FOLDER (or imaps://…)",
)
NO_HOST = Message("destinations.no-host", "{text} names no server")
BAD_PORT = Message("destinations.bad-port", "{port} is not a port number (1 to 65535)")
LMTP_SOCKET_NOT_ABSOLUTE = Message(
    "destinations.lmtp-socket-not-absolute",
    "The LMTP socket {path} must be a full path (lmtp:/run/dovecot/lmtp)",
)
MDA_EMPTY = Message("destinations.mda-empty", "mda: needs a command (mda:/usr/bin/procmail)")
MBOX_EMPTY = Message("destinations.mbox-empty", "mbox: needs a file (mbox:~/mail/inbox.mbox)")

# -- what a person reads of a destination ------------------------------------------------------
IMAP_FOLDER_ON = Message("destinations.imap-folder-on", "{folder} on {host}")
LMTP_AT = Message("destinations.lmtp-at", "the LMTP server {place}")
PROGRAM = Message("destinations.program", "the program {command}")
MBOX_FILE = Message("destinations.mbox-file", "the mbox file {path}")

# -- the deliver_* settings -------------------------------------------------------------------
ONLY_FOR = Message("destinations.only-for", "{setting} is only for a destination {kinds}")
POP2_DELIVER = Message(
    "destinations.pop2-deliver",
    "A POP2 account delivers into its Maildir only: POP2 gives no message ids to deliver "
    "elsewhere exactly once",
)
ADOPT_WITH_DELIVER = Message(
    "destinations.adopt-with-deliver",
    "adopt looks for the mail in the account's Maildir: it cannot go with a destination elsewhere",
)
PASSWORD_COMMAND_EMPTY = Message(
    "destinations.password-command-empty",
    "The destination's password comes from a command, but no command is given",
)
PASSWORD_COMMAND_UNUSED = Message(
    "destinations.password-command-unused",
    "deliver_password_command is set but the destination's password does not come from a command",
)
BAD_RECIPIENT = Message(
    "destinations.bad-recipient", "{value} is not a mail address for the LMTP recipient"
)
TIMEOUT_RANGE = Message(
    "destinations.timeout-range",
    "The program's time limit must be between 1 and {high} seconds, not {value}",
)

# -- signing in to a destination --------------------------------------------------------------
PASSWORD_UNAVAILABLE = Message(
    "destinations.password-unavailable",
    "The destination's password could not be found: {reason}",
)
OAUTH_NO_PASSWORD = Message(
    "destinations.oauth-no-password",
    "A destination that signs in with OAuth2 keeps its tokens in the keyring: it takes no "
    "password command or file",
)
SIGN_IN_REQUIRED = Message(
    "destinations.sign-in-required",
    "Sign in to the destination first: popgui account login {account} --deliver (or Sign in "
    "in the account's settings)",
)
SIGN_IN_FAILED = Message(
    "destinations.sign-in-failed", "Signing in to the destination failed: {reason}"
)
