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

# -- IMAP -------------------------------------------------------------------------------------
# What the IMAP client (popgui/destinations/imapclient.py) says of a server's replies: the
# {reason} of the sentences further down, or an error of its own.
IMAP_MALFORMED = Message(
    "destinations.imap-malformed", "the IMAP server sent a reply popgui cannot read: {reply}"
)
IMAP_NOT_A_NUMBER = Message(
    "destinations.imap-not-a-number", "the IMAP server sent {value} where a number belongs"
)
IMAP_LINE_TOO_LONG = Message(
    "destinations.imap-line-too-long", "the IMAP server sent a reply longer than {limit} octets"
)
IMAP_NO_GREETING = Message(
    "destinations.imap-no-greeting", "the server did not greet as an IMAP server does: {reply}"
)
IMAP_BYE = Message("destinations.imap-bye", "{place} ended the IMAP session: {reply}")
IMAP_SERVER_CLOSED = Message(
    "destinations.imap-server-closed", "{place} closed the IMAP connection without a word"
)
IMAP_UNEXPECTED_CONTINUATION = Message(
    "destinations.imap-unexpected-continuation",
    "the IMAP server asked for more of a command that was complete",
)
IMAP_LITERAL_SIZE = Message(
    "destinations.imap-literal-size",
    "a message changed while it was being sent: {sent} octets instead of {size}",
)
IMAP_DATA_AFTER_STARTTLS = Message(
    "destinations.imap-data-after-starttls",
    "the IMAP server sent more data right after agreeing to STARTTLS, before encryption began; "
    "popgui stops there, as an attacker on the network could have added it",
)
# What a person reads of an IMAP destination ({where}: "INBOX on imap.example.com").
IMAP_CANNOT_DELIVER = Message(
    "destinations.imap-cannot-deliver", "Cannot deliver mail to {where}: {reason}"
)
IMAP_LOGIN_REFUSED = Message(
    "destinations.imap-login-refused",
    "{host} refused to sign in {user} to deliver mail (the server said {reply}): {check}",
)
IMAP_NO_TLS = Message(
    "destinations.imap-no-tls",
    "{host} does not offer STARTTLS, so the password of {user} would travel unencrypted: "
    "popgui did not send it. Use imaps://… if the server has it, or allow clear text "
    "(deliver_security none) only on a network you trust",
)
IMAP_PREAUTH_CLEAR = Message(
    "destinations.imap-preauth-clear",
    "{host} signed in before the connection could be encrypted (PREAUTH), so mail would "
    "travel unencrypted. Use imaps://…, or allow clear text (deliver_security none) only on "
    "a network you trust",
)
IMAP_NO_SIGN_IN = Message(
    "destinations.imap-no-sign-in",
    "{host} offers no way to sign in with a password here: it refuses LOGIN "
    "(LOGINDISABLED) and offers no AUTHENTICATE PLAIN (it offers {offered})",
)
IMAP_NO_OAUTH = Message(
    "destinations.imap-no-oauth",
    "{host} offers no OAuth2 sign-in (OAUTHBEARER or XOAUTH2); it offers {offered}",
)
IMAP_NOTHING_OFFERED = Message("destinations.imap-nothing-offered", "nothing")
IMAP_NO_FOLDER = Message(
    "destinations.imap-no-folder",
    "There is no folder {folder} on {host} (the server said {reply}). popgui does not create "
    "folders, so that a typing mistake cannot make one: create it in your mail program, or "
    "correct the folder in the destination",
)
IMAP_FOLDER_UNUSABLE = Message(
    "destinations.imap-folder-unusable",
    "The folder {folder} on {host} cannot take mail now (the server said {reply})",
)
IMAP_TRY_LATER = Message(
    "destinations.imap-try-later", "{host} asks to try again later (the server said {reply})"
)
IMAP_MESSAGE_REFUSED = Message(
    "destinations.imap-message-refused", "{host} refused the message (the server said {reply})"
)
IMAP_TOO_BIG = Message(
    "destinations.imap-too-big",
    "The message is {size} octets, more than the {limit} octets {host} accepts",
)
IMAP_BROKE = Message("destinations.imap-broke", "Delivery to {where} broke off: {reason}")
IMAP_NOT_UNDERSTOOD = Message(
    "destinations.imap-not-understood",
    "{host} did not understand popgui's {command} (the server said {reply})",
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
