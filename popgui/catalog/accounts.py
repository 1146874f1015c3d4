"""Sentences about account settings and the settings file (:mod:`popgui.accounts.settings`,
:mod:`popgui.accounts.oauth_settings`, :mod:`popgui.checks`).

A sentence about one setting names it as ``{setting}``: the command line shows the setting's
name in the settings file (``password_command``), the window its label in words ("the
password command"), so translate ``{setting}`` as the subject of the sentence.
"""

from __future__ import annotations

from popgui.catalog import Message

# -- what a value is, in "must be text, not {kind}" -------------------------------------------
KIND_NULL = Message("accounts.kind-null", "null")
KIND_BOOLEAN = Message("accounts.kind-boolean", "true/false")
KIND_NUMBER = Message("accounts.kind-number", "a number")
KIND_TEXT = Message("accounts.kind-text", "text")
KIND_LIST = Message("accounts.kind-list", "a list")
KIND_OBJECT = Message("accounts.kind-object", "an object")

# -- any setting --------------------------------------------------------------------------------
MUST_BE_TEXT = Message("accounts.must-be-text", "{setting} must be text, not {kind}")
CONTROL_CHARACTER = Message(
    "accounts.control-character",
    "{setting} contains a control character (line break, tab, NUL...): remove it",
)
TOO_LONG = Message("accounts.too-long", "{setting} is too long (over {limit} characters)")
NOT_WHOLE_NUMBER = Message(
    "accounts.not-whole-number", "{setting} must be a whole number, not {kind}"
)
NOT_A_CHOICE = Message("accounts.not-a-choice", "{setting} must be one of {choices}, not {value}")
NOT_TRUE_OR_FALSE = Message(
    "accounts.not-true-or-false", "{setting} must be true or false, not {kind}"
)
EMPTY_USE_DEFAULT = Message(
    "accounts.empty-use-default", "{setting} is empty: leave it out to use the default"
)
MISSING = Message("accounts.missing", "{setting} is missing")
NULL = Message("accounts.null", "{setting} may not be null")

# -- the name, the server, the user ------------------------------------------------------------
NAME_EMPTY = Message("accounts.name-empty", "{setting} is empty: give the account a name")
NAME_SPACES = Message("accounts.name-spaces", "{setting} starts or ends with a space")
NAME_SLASH = Message(
    "accounts.name-slash",
    "{setting} may not contain '/' or '\\' (it names the account's folder)",
)
NAME_DOT = Message(
    "accounts.name-dot", "{setting} may not start with '.' (it names the account's folder)"
)
NAME_TAKEN = Message("accounts.name-taken", "there is already an account named {name}")
NO_SUCH_ACCOUNT = Message("accounts.no-such-account", "there is no account named {name}")
HOST_EMPTY = Message(
    "accounts.host-empty", "{setting} is empty: give the POP server name, e.g. pop.example.org"
)
HOST_NOT_IPV6 = Message(
    "accounts.host-not-ipv6",
    "{setting} {host} is not a valid host name or IPv6 address (give the port in the port setting)",
)
HOST_INVALID = Message("accounts.host-invalid", "{setting} {host} is not a valid host name")
HOST_BAD_CHARACTERS = Message(
    "accounts.host-bad-characters",
    "{setting} {host} is not a valid host name (a server name has letters, digits, '-' "
    "and '.'; no spaces, slashes or port numbers)",
)
HOST_ALL_DIGITS = Message(
    "accounts.host-all-digits", "{setting} {host} is neither a host name nor an IP address"
)
USER_EMPTY = Message("accounts.user-empty", "{setting} is empty: give the user name for the server")
PORT_RANGE = Message("accounts.port-range", "{setting} must be between 1 and 65535, not {port}")
PORT_NOT_NUMBER = Message("accounts.port-not-number", "{setting} must be a number from 1 to 65535")
FINGERPRINT_FORM = Message(
    "accounts.fingerprint-form",
    "{setting} must be a SHA-256 fingerprint: 64 hexadecimal digits, "
    "with or without a colon between each pair",
)

# -- what to do with the mail, how often ---------------------------------------------------------
DAYS_NEEDED = Message("accounts.days-needed", "{setting} is needed with policy delete-after-days")
DAYS_TOO_FEW = Message("accounts.days-too-few", "{setting} must be 1 or more, not {days}")
DAYS_UNUSED = Message(
    "accounts.days-unused", "{setting} is only used with policy delete-after-days"
)
INTERVAL_RANGE = Message(
    "accounts.interval-range",
    "{setting} must be between {low} and {high} (a day), not {minutes}",
)

# -- what the first sync downloads (first_sync, first_sync_since) -------------------------------
FIRST_SYNC_SINCE_UNUSED = Message(
    "accounts.first-sync-since-unused", "{setting} is only used with first_sync new or since"
)
FIRST_SYNC_DAY = Message(
    "accounts.first-sync-day",
    "{setting} must be a day written YYYY-MM-DD (for example 2024-01-31), not {value}",
)
FIRST_SYNC_MOMENT = Message(
    "accounts.first-sync-moment",
    "{setting} must be a moment in ISO 8601 with its time zone "
    "(for example 2024-01-31T09:30:00+00:00), not {value}",
)
POP2_FIRST_SYNC = Message(
    "accounts.pop2-first-sync",
    "{setting} {choice} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, "
    "so popgui cannot tell which messages to leave on the server (use all)",
)

POP2_ADOPT = Message(
    "accounts.pop2-adopt",
    "{setting} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui "
    "cannot recognise the messages already in the Maildir",
)
ADOPT_WITH_FIRST_SYNC = Message(
    "accounts.adopt-with-first-sync",
    "{setting} goes only with first_sync all, not {choice}: adopting recognises what is on the "
    "server in the Maildir and downloads the rest",
)

# -- the same, on the command line (popgui account add --skip-existing / --since) ---------------
SINCE_FORM = Message(
    "accounts.since-form",
    "--since must be a day written YYYY-MM-DD (for example 2024-01-31), not {value}",
)
POP2_FIRST_SYNC_FLAG = Message(
    "accounts.pop2-first-sync-flag",
    "{flag} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui "
    "cannot tell which messages to leave on the server",
)
POP2_ADOPT_FLAG = Message(
    "accounts.pop2-adopt-flag",
    "--adopt is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui "
    "cannot recognise the messages already in the Maildir",
)
ADOPT_NEEDS_MAILDIR = Message(
    "accounts.adopt-needs-maildir",
    "--adopt needs --maildir: the folder where the other program stored this mail",
)
ADOPT_NOT_A_MAILDIR = Message(
    "accounts.adopt-not-a-maildir",
    "--adopt: {path} is not a Maildir (a folder with cur and new folders in it); give with "
    "--maildir the Maildir where the other program stored this mail",
)
WILL_ADOPT = Message(
    "accounts.will-adopt",
    "its first sync recognises the mail already in {path} and downloads only the rest",
)
ADOPTION_DONE = Message("accounts.adoption-done", "done: the mail found in the Maildir was adopted")
WILL_SKIP_EXISTING = Message(
    "accounts.will-skip-existing",
    "its first sync leaves the mail already on the server there and downloads only what "
    "arrives from now on",
)
WILL_START_SINCE = Message(
    "accounts.will-start-since",
    "its first sync downloads only mail dated {day} or later; older mail stays on the server",
)
FIRST_SYNC_DONE = Message(
    "accounts.first-sync-done",
    "done: {count} message(s) left on the server",
    plural=True,
)
FIRST_SYNC_PENDING = Message("accounts.first-sync-pending", "not done yet: at the next sync")

# -- the password, the protocol -----------------------------------------------------------------
COMMAND_EMPTY = Message(
    "accounts.command-empty", "{setting} is empty: name the command that prints it"
)
COMMAND_UNUSED = Message(
    "accounts.command-unused", "{setting} is only used with password_source command"
)
KERBEROS_NO_PASSWORD = Message(
    "accounts.kerberos-no-password",
    "an account that signs in with Kerberos (auth gssapi) uses your ticket and has no "
    "password: leave out the password command and password file",
)
POP2_AUTH = Message("accounts.pop2-auth", "{setting} {auth} is not possible with POP2 (use auto)")
POP2_STARTTLS = Message(
    "accounts.pop2-starttls", "{setting} starttls is not possible with POP2 (use tls or none)"
)
REMOTE_FOLDER_EMPTY = Message(
    "accounts.remote-folder-empty", "{setting} is empty: leave it out for the default mailbox"
)
REMOTE_FOLDER_UNUSED = Message(
    "accounts.remote-folder-unused", "{setting} is only used with POP2 (POP3 has no folders)"
)
PASSWORD_IN_SETTINGS = Message(
    "accounts.password-in-settings",
    "a password is in the settings; passwords belong in the system keyring "
    "or come from password_command: remove it",
)
UNKNOWN_SETTING = Message("accounts.unknown-setting", "unknown setting {name}")

# -- signing in with OAuth2 (the oauth_* settings) -----------------------------------------------
OAUTH_ONLY = Message("accounts.oauth-only", "{setting} is only used with auth oauth2")
OAUTH_NO_COMMAND = Message(
    "accounts.oauth-no-command",
    "auth oauth2 keeps its sign-in in the system keyring and takes no password "
    "command; for an access token printed by a command, use auth xoauth2",
)
OAUTH_PROVIDER_NEEDED = Message(
    "accounts.oauth-provider-needed", "{setting} is needed with auth oauth2 ({providers})"
)
OAUTH_EMPTY = Message(
    "accounts.oauth-empty", "{setting} is empty: leave it out to use the provider's"
)
ISSUER_CUSTOM_ONLY = Message(
    "accounts.issuer-custom-only", "{setting} is only used with oauth_provider custom"
)
ISSUER_NEEDED = Message(
    "accounts.issuer-needed",
    "{setting} is needed with oauth_provider custom: the address whose "
    "/.well-known/openid-configuration describes the provider",
)
ISSUER_NOT_HTTPS = Message(
    "accounts.issuer-not-https",
    "{setting} must be an https:// address (http:// only on this machine), not {issuer}",
)
TENANT_MICROSOFT_ONLY = Message(
    "accounts.tenant-microsoft-only", "{setting} is only used with oauth_provider microsoft"
)
TENANT_FORM = Message(
    "accounts.tenant-form",
    "{setting} must be common, consumers, organizations, a directory id or a "
    "domain name, not {tenant}",
)

# -- the settings file ----------------------------------------------------------------------------
FILE_NOT_OBJECT = Message(
    "accounts.file-not-object", "the file must hold a JSON object, not {kind}"
)
ACCOUNTS_NOT_LIST = Message("accounts.accounts-not-list", "accounts must be a list, not {kind}")
ITEM_NOT_OBJECT = Message("accounts.item-not-object", "it must be a JSON object, not {kind}")
IN_ACCOUNT = Message("accounts.in-account", "account {position}: {error}")
IN_NAMED_ACCOUNT = Message("accounts.in-named-account", "account {position} ({name}): {error}")
VERSION_NOT_NUMBER = Message(
    "accounts.version-not-number", "version must be a whole number, not {version}"
)
TOO_NEW = Message(
    "accounts.too-new",
    "it was written by a newer popgui (settings version {version}; this popgui "
    "understands up to {supported}): upgrade popgui or use another profile",
)
CANNOT_READ = Message("accounts.cannot-read", "cannot read the settings file {path}: {reason}")
NOT_UTF8 = Message("accounts.not-utf8", "the settings file {path} is not UTF-8 text (byte {byte})")
NOT_JSON = Message(
    "accounts.not-json",
    "the settings file {path} is not valid JSON: {detail} at line {line} column {column}",
)
TOO_DEEP = Message("accounts.too-deep", "the settings file {path} is nested too deeply")
FILE_WRONG = Message("accounts.file-wrong", "the settings file {path} is wrong: {error}")
CANNOT_SAVE = Message("accounts.cannot-save", "could not save the settings to {path}: {reason}")
