"""Sentences about passwords: the system keyring and password commands
(:mod:`popgui.accounts.secrets`, :mod:`popgui.oauth.tokenstore`)."""

from __future__ import annotations

from popgui.catalog import Message

ALTERNATIVES = Message(
    "keyring.alternatives",
    "Either give the account a password command (`--password-command`, e.g. "
    "`pass show mail/work`), or install and unlock a keyring: gnome-keyring or KWallet on "
    "Linux (a Secret Service provider on the session D-Bus). See "
    "https://pypi.org/project/keyring/ for the supported backends.",
)
UNAVAILABLE = Message(
    "keyring.unavailable",
    "no system keyring is available to store passwords. {alternatives}",
)
UNAVAILABLE_DETAIL = Message(
    "keyring.unavailable-detail",
    "no system keyring is available to store passwords ({detail}). {alternatives}",
)
LOCKED = Message(
    "keyring.locked",
    "the keyring is locked, so the password for account {account} cannot be used: unlock it "
    "(log in to the desktop, or open your keyring manager) and try again",
)
STORE_FAILED = Message(
    "keyring.store-failed",
    "the keyring could not store the password for account {account}: {detail}. {alternatives}",
)
READ_FAILED = Message(
    "keyring.read-failed",
    "the keyring could not read the password for account {account}: {detail}. {alternatives}",
)
DELETE_FAILED = Message(
    "keyring.delete-failed",
    "the keyring could not delete the password for account {account}: {detail}. {alternatives}",
)
NOT_STORED = Message(
    "keyring.not-stored",
    "no password stored for account {account} ({user} at {host}); run `popgui account add` "
    "again with `--password-stdin`, or enter the password in the account window",
)
NOT_KEYRING_ACCOUNT = Message(
    "keyring.not-keyring-account",
    "account {account} takes its password from its password command; "
    "nothing is stored in the keyring",
)

# -- a password's checks: {what} is one of the three below ---------------------------------------
PASSWORD_EMPTY = Message("keyring.password-empty", "{what} is empty")
PASSWORD_BAD_CHARACTER = Message(
    "keyring.password-bad-character",
    "{what} contains a line break or a NUL character, which POP cannot send",
)
THE_PASSWORD = Message("keyring.the-password", "the password")
STORED_PASSWORD = Message("keyring.stored-password", "the stored password for account {account}")
COMMAND_OUTPUT = Message("keyring.command-output", "the output of {command}")

# -- the password command: {command} is COMMAND_OF ------------------------------------------
COMMAND_OF = Message("keyring.command-of", "the password command of account {account}")
NO_COMMAND = Message("keyring.no-command", "account {account} has no password command")
COMMAND_NOT_STARTED = Message(
    "keyring.command-not-started", "{command} could not be started: {reason}"
)
COMMAND_TIMEOUT = Message(
    "keyring.command-timeout", "{command} did not finish within {seconds} seconds"
)
COMMAND_KILLED = Message("keyring.command-killed", "{command} was killed by signal {signal}")
COMMAND_FAILED = Message("keyring.command-failed", "{command} failed (exit status {status})")
#: A failed command's sentence followed by the end of its error output.
COMMAND_SAID = Message("keyring.command-said", "{error}: {output}")
COMMAND_NOT_UTF8 = Message(
    "keyring.command-not-utf8", "{command} printed something that is not UTF-8 text"
)
COMMAND_NOTHING = Message("keyring.command-nothing", "{command} printed nothing")
COMMAND_NOTHING_SAID = Message(
    "keyring.command-nothing-said", "{command} printed nothing; it said: {output}"
)

# -- an OAuth2 account's sign-in, kept in the keyring -------------------------------------------
SIGN_IN_LOCKED = Message(
    "keyring.sign-in-locked",
    "the keyring is locked, so the sign-in of account {account} cannot be used: unlock it "
    "(log in to the desktop, or open your keyring manager) and try again",
)
SIGN_IN_STORE_FAILED = Message(
    "keyring.sign-in-store-failed",
    "the keyring could not store the sign-in of account {account} ({detail})",
)
SIGN_IN_READ_FAILED = Message(
    "keyring.sign-in-read-failed",
    "the keyring could not read the sign-in of account {account} ({detail})",
)
SIGN_IN_DELETE_FAILED = Message(
    "keyring.sign-in-delete-failed",
    "the keyring could not delete the sign-in of account {account} ({detail})",
)

# -- the password file (password_source "file") -----------------------------------------------
THE_PASSWORD_FILE = Message(
    "keyring.the-password-file", "the password file of account {account} ({path})"
)
FILE_NO_PROFILE = Message(
    "keyring.file-no-profile", "account {account}: no profile to keep its password in"
)
FILE_NOT_WRITTEN = Message(
    "keyring.file-not-written",
    "the password of account {account} could not be written to {path}: {reason}",
)
FILE_READABLE_BY_OTHERS = Message(
    "keyring.file-readable-by-others",
    "{file} can be read by other users, so it is not used: make it readable only by you "
    "(chmod 600) or store the password again",
)
NOT_STORED_IN_FILE = Message(
    "keyring.not-stored-in-file",
    "no password stored for account {account} ({user} at {host}); enter it in the account "
    "window, or run `popgui account add` again with `--password-stdin --password-in-file`",
)
FILE_NOT_READ = Message("keyring.file-not-read", "{file} cannot be read: {reason}")
FILE_NOT_UTF8 = Message("keyring.file-not-utf8", "{file} does not hold UTF-8 text")
FILE_NOT_REMOVED = Message("keyring.file-not-removed", "{file} could not be removed: {reason}")
