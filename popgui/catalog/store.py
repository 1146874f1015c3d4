"""Sentences about the mail and the state kept on this computer (:mod:`popgui.store`,
:mod:`popgui.profile`)."""

from __future__ import annotations

from popgui.catalog import Message

# -- the disk refused: "Could not {action} {path}: {reason}" ----------------------------------
DISK_FAILED = Message("store.disk-failed", "Could not {action} {path}: {reason}")
MOVE_EXISTS = Message(
    "store.move-exists", "Could not move {source} to {target}: a message of that name exists"
)
READ_MESSAGE_FAILED = Message(
    "store.read-message-failed", "Could not read the message {path}: {reason}"
)
# The {action} of DISK_FAILED.
MOVE_MESSAGE = Message("store.move-message", "move the message")
MOVE_MESSAGE_INTO = Message("store.move-message-into", "move the message into")
FLUSH_FOLDER = Message("store.flush-folder", "flush the folder")
CREATE_FILE = Message("store.create-file", "create the file")
WRITE = Message("store.write", "write")
SAVE = Message("store.save", "save")
CREATE_MAIL_FOLDER = Message("store.create-mail-folder", "create the mail folder")
LIST_FOLDER = Message("store.list-folder", "list the folder")
REMOVE_TEMPORARY = Message("store.remove-temporary", "remove the temporary file")
RENAME_FOLDER = Message("store.rename-folder", "rename the folder")
DELETE_MESSAGE = Message("store.delete-message", "delete the message")
REMOVE_FOLDER = Message("store.remove-folder", "remove the folder")
SAVE_MESSAGE_TO = Message("store.save-message-to", "save the message to")
# The {reason} of DISK_FAILED and DATABASE_FAILED, where ours is plainer than the system's.
DISK_FULL = Message("store.disk-full", "the disk is full")
QUOTA_EXCEEDED = Message("store.quota-exceeded", "the disk quota is exceeded")
READ_ONLY_FILE_SYSTEM = Message("store.read-only-file-system", "the file system is read-only")
PERMISSION_DENIED = Message("store.permission-denied", "permission was denied")
NOT_PERMITTED = Message("store.not-permitted", "the operation is not permitted")
FILE_TOO_LARGE = Message("store.file-too-large", "the file is larger than allowed")
IO_ERROR = Message("store.io-error", "the disk reported an input/output error")
FOLDER_GONE = Message("store.folder-gone", "the folder no longer exists")
NOT_A_FOLDER = Message("store.not-a-folder", "a part of the path is not a folder")
FILE_IN_THE_WAY = Message("store.file-in-the-way", "a file that is not a folder is in the way")

# -- the mail database (:mod:`popgui.store.database`) ------------------------------------------
DATABASE_DAMAGED = Message(
    "store.database-damaged", "The mail database {path} is damaged or is not a popgui database."
)
DATABASE_FAILED = Message(
    "store.database-failed", "Could not {action} the mail database {path}: {reason}"
)
DATABASE_TOO_NEW = Message(
    "store.database-too-new",
    "The mail database {path} was written by a newer popgui (schema {version}, this version "
    "knows {known}); please upgrade.",
)
MOVE_ASIDE_FAILED = Message(
    "store.move-aside-failed", "Could not move the damaged mail database {path} aside: {reason}"
)
# The {action} of DATABASE_FAILED.
DATABASE_READ = Message("store.database-read", "read")
DATABASE_OPEN = Message("store.database-open", "open")
DATABASE_UPDATE = Message("store.database-update", "update")
DATABASE_UPGRADE = Message("store.database-upgrade", "upgrade")
DATABASE_UPDATE_INDEX = Message("store.database-update-index", "update the message index in")
DATABASE_RECORD_DELIVERED = Message(
    "store.database-record-delivered", "record delivered messages in"
)
DATABASE_RECORD_DELETIONS = Message("store.database-record-deletions", "record deletions in")
# The {reason} of DATABASE_FAILED (with DISK_FULL, IO_ERROR, PERMISSION_DENIED).
DATABASE_READ_ONLY = Message("store.database-read-only", "it is read-only")
LOCKED_BY_ANOTHER = Message("store.locked-by-another", "another program keeps it locked")
CANNOT_OPEN = Message("store.cannot-open", "the file cannot be opened")
NO_LARGE_FILES = Message("store.no-large-files", "the file system does not support large files")
OUT_OF_MEMORY = Message("store.out-of-memory", "the computer ran out of memory")

# -- folders and messages (:mod:`popgui.store.localmail`, :mod:`popgui.store.maildir`) ---------
FOLDER_EXISTS = Message("store.folder-exists", "a folder named {name} already exists")
HAS_SUBFOLDERS = Message(
    "store.has-subfolders", "the folder {name} has subfolders; delete them first"
)
NO_FOLDER = Message("store.no-folder", "there is no folder named {name}")
NO_MESSAGE = Message("store.no-message", "there is no message {id} (it may have been deleted)")
SPECIAL_FOLDER = Message(
    "store.special-folder", "{name} is a special folder; it cannot be created, renamed or deleted"
)
FOLDER_NOT_EMPTY = Message(
    "store.folder-not-empty", "The folder {path} still holds messages; it was not removed."
)
BAD_FOLDER_DOTS = Message(
    "store.bad-folder-dots", "{name} is not a valid folder name (empty part or leading dot)."
)
BAD_FOLDER_SLASH = Message(
    "store.bad-folder-slash", "{name} is not a valid folder name (it contains a slash)."
)
BAD_FOLDER_CONTROL = Message(
    "store.bad-folder-control",
    "{name} is not a valid folder name (it contains control characters).",
)

# -- the account lock (:mod:`popgui.store.lock`) ---------------------------------------------
LOCK_CREATE_FAILED = Message(
    "store.lock-create-failed", "Could not create the lock file {path}: {reason}"
)
LOCK_FAILED = Message("store.lock-failed", "Could not lock {path}: {reason}")
ACCOUNT_BUSY = Message(
    "store.account-busy", "account {account} is already being synchronised by another popgui"
)
ACCOUNT_BUSY_PID = Message(
    "store.account-busy-pid",
    "account {account} is already being synchronised by another popgui (pid {pid})",
)

# -- the profile (:mod:`popgui.profile`) -----------------------------------------------------
PROFILE_NUL = Message("store.profile-nul", "the profile directory name contains a NUL character")
PROFILE_CREATE_FAILED = Message(
    "store.profile-create-failed", "cannot create the profile directory {path}: {reason}"
)
PROFILE_NOT_A_DIRECTORY = Message(
    "store.profile-not-a-directory", "the profile path {path} is not a directory"
)
