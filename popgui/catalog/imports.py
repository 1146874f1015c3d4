"""Sentences about importing another mail client's state (``popgui account import-state``,
:mod:`popgui.accounts.stateformats`)."""

from __future__ import annotations

from popgui.catalog import Message

# -- what each kind of file looks like: the {expected} of NOT_OF_KIND -------------------------
MPOP_EXPECTED = Message(
    "imports.mpop-expected",
    "an mpop UIDLs file: comment lines starting with #, then lists opened by lines "
    '" COUNT HOST USER"',
)
FETCHMAIL_EXPECTED = Message(
    "imports.fetchmail-expected", 'a fetchmail .fetchids file: lines "USER@HOST UIDL"'
)
GETMAIL_EXPECTED = Message(
    "imports.getmail-expected",
    'a getmail file named oldmail-HOST-PORT-USER, with lines "UIDL", a NUL, a time',
)
THUNDERBIRD_EXPECTED = Message(
    "imports.thunderbird-expected",
    'a Thunderbird popstate.dat: the line "# POP3 State File", then "*HOST USER" lines '
    'and "FLAG UIDL TIME" lines',
)

# -- refusals ----------------------------------------------------------------------------------
NOT_OF_KIND = Message("imports.not-of-kind", "{path} is not {expected}; nothing was imported")
NO_ENTRY = Message(
    "imports.no-entry",
    "{path} has no entry for {user} at {host}; it has: {entries}; nothing was imported",
)
NO_ENTRIES_AT_ALL = Message("imports.no-entries-at-all", "none")
MORE_ENTRIES = Message("imports.more-entries", "{entries} and {count} more", plural=True)
LIST_CUT_SHORT = Message(
    "imports.list-cut-short",
    "{path} is cut short or damaged: its list for {user} at {host} announces {announced} "
    "UIDLs but holds {found}; nothing was imported",
)
TOO_MANY = Message(
    "imports.too-many",
    "{path} holds more than {limit} UIDLs for {user} at {host}, more than any mailbox popgui "
    "can take in one import; nothing was imported",
)
CANNOT_READ = Message("imports.cannot-read", "Could not read {path}: {reason}")
NO_SUCH_FILE = Message("imports.no-such-file", "there is no file {path}")
