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
OAUTH_NO_PASSWORD = Message(
    "destinations.oauth-no-password",
    "A destination that signs in with OAuth2 keeps its tokens in the keyring: it takes no "
    "password command or file",
)
BAD_RECIPIENT = Message(
    "destinations.bad-recipient", "{value} is not a mail address for the LMTP recipient"
)
TIMEOUT_RANGE = Message(
    "destinations.timeout-range",
    "The program's time limit must be between 1 and {high} seconds, not {value}",
)

# -- mbox -------------------------------------------------------------------------------------
MBOX_IS_FOLDER = Message(
    "destinations.mbox-is-folder",
    "{path} is a folder: the mbox destination needs a file (mbox:{path}/inbox.mbox, say)",
)
MBOX_NOT_A_FILE = Message(
    "destinations.mbox-not-a-file",
    "{path} is not a regular file: popgui writes mail only into an mbox file",
)
MBOX_NOT_MBOX = Message(
    "destinations.mbox-not-mbox",
    '{path} is not an mbox file (it does not start with a "From " line): popgui leaves it as '
    "it is; name a new file or an existing mbox",
)
MBOX_CANNOT_OPEN = Message(
    "destinations.mbox-cannot-open", "Cannot open the mbox file {path}: {reason}"
)
MBOX_CANNOT_LOCK = Message(
    "destinations.mbox-cannot-lock",
    "Cannot lock the mbox file {path} (the lock file {lock}): {reason}",
)
MBOX_BUSY = Message(
    "destinations.mbox-busy",
    "{path} is being written by another program (waited {count} second(s)): try again when "
    "it has finished",
    plural=True,
)
MBOX_WRITE_FAILED = Message(
    "destinations.mbox-write-failed",
    "Could not write to the mbox file {path}: {reason}. The messages of this batch were taken "
    "out again and stay on the server",
)
MBOX_ROLLBACK_FAILED = Message(
    "destinations.mbox-rollback-failed",
    "Could not write to the mbox file {path} ({reason}), nor cut it back to {size} bytes "
    "({rollback}): the end of the file may hold a half message after byte {size}",
)
MBOX_MESSAGE_CHANGED = Message(
    "destinations.mbox-message-changed",
    "The downloaded message {uid} changed while it was written to {path}: the batch was taken "
    "out again",
)
MBOX_FILE_CHANGED = Message(
    "destinations.mbox-file-changed",
    "The mbox file {path} changed while popgui held its lock (it is {size} bytes, popgui "
    "expected {expected}): nothing was written",
)
MBOX_CANNOT_READ = Message(
    "destinations.mbox-cannot-read", "Cannot read the mbox file {path}: {reason}"
)
MBOX_DAMAGED = Message(
    "destinations.mbox-damaged",
    "The mbox file {path} holds a half-written message from an interrupted delivery at byte "
    "{offset}, and another program has written after it: popgui changed nothing. Remove the "
    'damaged part (from byte {offset} to the next line starting with "From ") with a mail '
    "program or an editor, then sync again",
)
MBOX_SPOOL_UNREADABLE = Message(
    "destinations.mbox-spool-unreadable",
    "Cannot read the downloaded message {uid} to write it to the mbox file: {reason}",
)
