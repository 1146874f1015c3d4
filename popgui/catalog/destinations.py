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

# -- LMTP ----------------------------------------------------------------------------------------
LMTP_UNAVAILABLE = Message(
    "destinations.lmtp-unavailable", "The LMTP server cannot take mail now: {reason}"
)
LMTP_CLOSED = Message(
    "destinations.lmtp-closed", "The LMTP server {place} closed the connection unexpectedly"
)
LMTP_MALFORMED = Message(
    "destinations.lmtp-malformed",
    "The LMTP server {place} sent a reply popgui cannot read: {line}",
)
LMTP_TOO_LONG = Message(
    "destinations.lmtp-too-long",
    "The LMTP server {place} sent a reply longer than {limit} octets, which LMTP does not allow",
)
LMTP_UNEXPECTED = Message(
    "destinations.lmtp-unexpected",
    "The LMTP server {place} answered {command} with {reply}, which LMTP does not allow",
)
LMTP_NOT_READY = Message(
    "destinations.lmtp-not-ready", "The LMTP server {place} does not take mail now: {reply}"
)
LMTP_CLOSING = Message(
    "destinations.lmtp-closing", "The LMTP server {place} is closing the connection: {reply}"
)
LMTP_COMMAND_REFUSED = Message(
    "destinations.lmtp-command-refused", "The LMTP server {place} refused {command}: {reply}"
)
LMTP_NO_STARTTLS = Message(
    "destinations.lmtp-no-starttls",
    "The LMTP server {place} does not offer STARTTLS: popgui sends mail to another computer in "
    "clear text only when the destination's security is set to none",
)
LMTP_TRY_LATER = Message(
    "destinations.lmtp-try-later", "The LMTP server {place} asks to try later: {reply}"
)
LMTP_REFUSED = Message(
    "destinations.lmtp-refused", "The LMTP server {place} refused the message: {reply}"
)

# -- a program (MDA) -----------------------------------------------------------------------------
MDA_BAD_COMMAND = Message(
    "destinations.mda-bad-command", "The command {command} cannot be read: {reason}"
)
MDA_NOT_FOUND = Message("destinations.mda-not-found", "The program {program} does not exist")
MDA_NOT_IN_PATH = Message(
    "destinations.mda-not-in-path",
    "The program {program} is not in any folder of PATH: write its full path",
)
MDA_NOT_EXECUTABLE = Message(
    "destinations.mda-not-executable",
    "The program {program} cannot be run: it is not an executable file",
)
MDA_START_FAILED = Message(
    "destinations.mda-start-failed", "The program {command} could not be started: {reason}"
)
MDA_TRY_LATER = Message(
    "destinations.mda-try-later",
    "The program {command} asks to try later (exit status 75): {stderr}",
)
MDA_FAILED = Message(
    "destinations.mda-failed", "The program {command} failed with exit status {status}: {stderr}"
)
MDA_KILLED = Message(
    "destinations.mda-killed", "The program {command} was ended by signal {signal}: {stderr}"
)
MDA_TIMED_OUT = Message(
    "destinations.mda-timed-out",
    "The program {command} took longer than {seconds} and was stopped",
)
MDA_NO_STDERR = Message("destinations.mda-no-stderr", "it wrote no error message")
