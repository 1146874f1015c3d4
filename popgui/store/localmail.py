"""Local actions on delivered mail: folders, the message list, read/unread, move, Trash.

INBOX is the account's Maildir top level; Trash and the user's folders are Maildir++
subfolders (``.Trash``, ``.Work``, ``.Work.Projects``). Every action moves files first, fsyncs
the directories it touched, then updates the SQLite index in one transaction; a crash in
between leaves files the index does not describe, which :meth:`LocalMail.rescan` repairs.

Never downloading a message twice: a moved message keeps its file name, hence its delivery
token, and the root Maildir's :meth:`~popgui.store.maildir.Maildir.tokens` lists subfolders
too, so a sync killed before its commit still recognises mail the user has since filed away.
Normally the ``delivered`` table is what prevents a second download, and deleting locally never
touches it (it only sets ``locally_deleted_at``). The one file no name can vouch for any more is
one deleted for good before any run recorded it; its token goes to ``discarded_tokens``.

One :class:`LocalMail` per thread: it uses the caller's :class:`Database`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Literal

from popgui.accounts.settings import Account
from popgui.catalog import store as says
from popgui.durable import write_atomically
from popgui.errors import ConfigError, DeliveryError
from popgui.profile import Profile
from popgui.store.database import (
    Database,
    IndexedMessage,
    IndexLocation,
    MessageRow,
    PageQuery,
    index_fields,
)
from popgui.store.maildir import (
    Maildir,
    disk_error,
    move_message,
    sync_dir,
    validate_folder_name,
)
from popgui.store.names import info_flags, token_of, with_flags

__all__ = [
    "INBOX",
    "TRASH",
    "FolderInfo",
    "LocalMail",
    "MessageRow",
    "SortKey",
    "Trashed",
]

#: The index's name for the account's Maildir top level.
INBOX = "INBOX"
#: The Maildir++ folder deleted mail goes to; deleting from there is for good.
TRASH = "Trash"
_RESERVED = frozenset({INBOX.casefold(), TRASH.casefold()})

SortKey = Literal["from", "subject", "date", "size", "read"]
Special = Literal["inbox", "trash", ""]


@dataclass(frozen=True)
class FolderInfo:
    """A local folder as the window lists it: its name, how it is shown, its counts."""

    name: str
    display_name: str
    total: int
    unread: int
    special: Special


@dataclass(frozen=True)
class Trashed:
    """What :meth:`LocalMail.trash` did: ``moved`` (message id, the folder it was in) went to
    Trash, where :meth:`LocalMail.untrash` can bring them back; ``deleted`` were deleted for
    good (they were in Trash already)."""

    moved: tuple[tuple[int, str], ...]
    deleted: int


class LocalMail:
    """What the window does to delivered mail, keeping the index in step with the files."""

    def __init__(self, profile: Profile, database: Database) -> None:
        self._profile = profile
        self._db = database

    # --- folders ------------------------------------------------------------------------

    def folders(self, account: Account) -> list[FolderInfo]:
        """INBOX first, Trash (created when missing), then the user's folders by name."""
        root = self._root(account)
        if not (_folder_path(root, TRASH) / "cur").is_dir():
            root.folder(TRASH)
        counts = self._db.folder_counts(account.name)

        def info(name: str, display: str, special: Special) -> FolderInfo:
            total, unread = counts.get(name, (0, 0))
            return FolderInfo(name, display, total, unread, special)

        users = [name for name in root.list_folders() if name != TRASH]
        return [
            info(INBOX, "Inbox", "inbox"),
            info(TRASH, "Trash", "trash"),
            *(info(name, name.replace(".", "/"), "") for name in users),
        ]

    def create_folder(self, account: Account, name: str) -> None:
        root = self._root(account)
        _check_user_folder(name)
        if _folder_path(root, name).exists():
            raise ConfigError(says.FOLDER_EXISTS(name=repr(name)))
        root.folder(name)
        sync_dir(root.path)

    def rename_folder(self, account: Account, old: str, new: str) -> None:
        """Rename a folder and its subfolders (Maildir++ keeps them flat: ``.Old.Sub``)."""
        root = self._root(account)
        family = self._existing_family(root, old)
        _check_user_folder(new)
        renames = {name: new + name[len(old) :] for name in family}
        for target in renames.values():
            if _folder_path(root, target).exists():
                raise ConfigError(says.FOLDER_EXISTS(name=repr(target)))
        for name, target in renames.items():
            _rename_dir(_folder_path(root, name), _folder_path(root, target))
        sync_dir(root.path)
        for name, target in renames.items():
            self._reindex_folder(account.name, root, name, target)

    def delete_folder(self, account: Account, name: str) -> None:
        """Move the folder's messages to Trash, then remove the folder."""
        root = self._root(account)
        if len(self._existing_family(root, name)) > 1:
            raise ConfigError(says.HAS_SUBFOLDERS(name=repr(name)))
        self._rescan_folders(account.name, root, [name])
        self.trash(loc.id for loc in self._db.folder_locations(account.name, name))
        _remove_empty_folder(_folder_path(root, name))
        sync_dir(root.path)

    def _existing_family(self, root: Maildir, name: str) -> list[str]:
        """*name* and its subfolders; refuses INBOX, Trash and folders that do not exist."""
        _check_user_folder(name)
        existing = root.list_folders()
        if name not in existing:
            raise ConfigError(says.NO_FOLDER(name=repr(name)))
        return [name, *(f for f in existing if f.startswith(name + "."))]

    def _reindex_folder(self, account: str, root: Maildir, old: str, new: str) -> None:
        old_dir, new_dir = _folder_path(root, old), _folder_path(root, new)
        moved = [
            replace(loc, folder=new, path=str(new_dir / rel))
            for loc in self._db.folder_locations(account, old)
            if (rel := _relative(Path(loc.path), old_dir)) is not None
        ]
        self._db.relocate(moved)

    # --- the message list ---------------------------------------------------------------

    def count(self, account: str, folder: str, filter_text: str = "") -> int:
        return self._db.count_matching(account, folder, filter_text)

    def page(
        self,
        account: str,
        folder: str,
        *,
        sort: SortKey = "date",
        descending: bool = True,
        filter_text: str = "",
        offset: int = 0,
        limit: int = 200,
    ) -> list[MessageRow]:
        query = PageQuery(account, folder, sort, descending, filter_text, offset, limit)
        return self._db.message_page(query)

    def downloaded_uids(self, account: str) -> set[str]:
        """The UIDLs of ``account``'s messages already on this computer (for On server)."""
        return self._db.delivered_uid_set(account)

    def message(self, message_id: int) -> MessageRow | None:
        return self._db.message_row(message_id)

    # --- actions on messages ------------------------------------------------------------

    def set_read(self, message_ids: Iterable[int], read: bool) -> None:
        """Set or clear the Maildir "S" flag; a message read from ``new/`` moves to ``cur/``."""
        changes = []
        for loc in self._db.locations(message_ids):
            source = Path(loc.path)
            in_new = source.parent.name == "new"
            flags = set("" if in_new else info_flags(source.name))
            flags = flags | {"S"} if read else flags - {"S"}
            if in_new and not read:
                continue  # unread already, and new/ holds no flags
            name = with_flags(source.name, "".join(flags))
            target = source.parent.parent / "cur" / name
            if target != source:
                changes.append((loc, _moved(loc, loc.folder, target)))
        self._move_files(changes)

    def move(self, message_ids: Iterable[int], folder: str) -> None:
        """Move messages into *folder*'s ``cur/``, keeping their names (and tokens) and flags."""
        changes = []
        for loc in self._db.locations(message_ids):
            if loc.folder == folder:
                continue
            source = Path(loc.path)
            target_dir = _target_folder(_root_path(loc), folder) / "cur"
            name = source.name if source.parent.name == "cur" else with_flags(source.name, "")
            changes.append((loc, _moved(loc, folder, target_dir / name)))
        self._move_files(changes)
        self._note_trash_moves([old for old, _new in changes], folder)

    def trash(self, message_ids: Iterable[int]) -> Trashed:
        """Move messages to Trash; those already there are deleted for good."""
        locations = self._db.locations(message_ids)
        moved = tuple((loc.id, loc.folder) for loc in locations if loc.folder != TRASH)
        doomed = [loc for loc in locations if loc.folder == TRASH]
        self.move([message_id for message_id, _folder in moved], TRASH)
        self._delete_for_good(doomed)
        return Trashed(moved, len(doomed))

    def untrash(self, moved: Iterable[tuple[int, str]]) -> int:
        """Move messages back from Trash to the folders they were in (``Trashed.moved``).

        Only those still in Trash are moved (one moved elsewhere since stays there); returns
        how many. A message keeps its id, name and flags, as with any move.
        """
        origins = dict(moved)
        by_folder: dict[str, list[int]] = {}
        for loc in self._db.locations(origins):
            if loc.folder == TRASH:
                by_folder.setdefault(origins[loc.id], []).append(loc.id)
        for folder, ids in by_folder.items():
            self.move(ids, folder)
        return sum(len(ids) for ids in by_folder.values())

    def split_elsewhere(self, message_ids: Iterable[int]) -> tuple[list[int], list[int]]:
        """``(files here, delivered elsewhere)``: a message delivered to a destination
        (``--deliver``) has no file to mark, move or trash, only its line in the index."""
        here: list[int] = []
        elsewhere: list[int] = []
        for message_id in message_ids:
            row = self._db.message_row(message_id)
            if row is not None:
                (elsewhere if row.elsewhere else here).append(message_id)
        return here, elsewhere

    def forget(self, message_ids: Iterable[int]) -> None:
        """Drop the lines of messages delivered elsewhere (they stay where they went, and stay
        recorded as downloaded: they are not downloaded again)."""
        _here, elsewhere = self.split_elsewhere(message_ids)
        self._db.unindex(elsewhere)

    def save_eml(self, message_id: int, destination: Path) -> None:
        """Copy the stored message to *destination*, atomically (temp file, fsync, rename)."""
        row = self._db.message_row(message_id)
        if row is None:
            raise ConfigError(says.NO_MESSAGE(id=message_id))
        _atomic_copy(Path(row.path), Path(destination))

    def rescan(self, account: Account) -> int:
        """Index files the index lacks and drop rows whose file vanished; returns how many."""
        root = self._root(account)
        folders = [INBOX, *root.list_folders()]
        return self._rescan_folders(account.name, root, folders, everything=True)

    # --- helpers ------------------------------------------------------------------------

    def _root(self, account: Account) -> Maildir:
        return Maildir(account.maildir_path(self._profile))

    def _move_files(self, changes: list[tuple[IndexLocation, IndexLocation]]) -> None:
        """Rename each file, fsync the directories touched, then update the index once.

        Files that vanished meanwhile lose their rows. The index is updated for whatever
        was moved even when a later move fails.
        """
        done: list[IndexLocation] = []
        vanished: list[int] = []
        touched: set[Path] = set()
        try:
            for old, new in changes:
                source, target = Path(old.path), Path(new.path)
                if not source.exists():
                    vanished.append(old.id)
                    continue
                move_message(source, target)
                touched |= {source.parent, target.parent}
                done.append(new)
        finally:
            for directory in sorted(touched):
                sync_dir(directory)
            self._db.relocate(done)
            self._db.unindex(vanished)

    def _note_trash_moves(self, moved: list[IndexLocation], folder: str) -> None:
        """Into Trash: "deleted locally" (the server may delete it); out of Trash: undone."""
        if folder == TRASH:
            for account, tokens in _tokens_by_account(moved).items():
                self._db.mark_locally_deleted(account, tokens)
            return
        restored = [loc for loc in moved if loc.folder == TRASH]
        for account, tokens in _tokens_by_account(restored).items():
            self._db.clear_locally_deleted(account, tokens)

    def _delete_for_good(self, locations: list[IndexLocation]) -> None:
        """Remove files from Trash. A token no delivered row vouches for is kept first."""
        for account, tokens in _tokens_by_account(locations).items():
            self._db.record_deleted_for_good(account, tokens)
        touched: set[Path] = set()
        try:
            for loc in locations:
                with contextlib.suppress(FileNotFoundError):
                    _unlink(Path(loc.path))
                touched.add(Path(loc.path).parent)
        finally:
            for directory in sorted(touched):
                sync_dir(directory)
            self._db.unindex(loc.id for loc in locations if not Path(loc.path).exists())

    def _rescan_folders(
        self, account: str, root: Maildir, folders: list[str], *, everything: bool = False
    ) -> int:
        """Rescan *folders*; rows elsewhere are checked too when *everything* is true."""
        indexed = self._db.indexed_paths(account, str(root.path) + os.sep)
        present = dict(_files_in(root, folders))
        vanished = [
            loc.id
            for path, loc in indexed.items()
            if loc.account == account
            and path not in present
            and (everything or loc.folder in folders)
            and not os.path.exists(path)
        ]
        self._db.unindex(vanished)
        missing = [(path, folder) for path, folder in present.items() if path not in indexed]
        return len(vanished) + self._index_files(account, missing)

    def _index_files(self, account: str, files: list[tuple[str, str]]) -> int:
        by_folder: dict[str, list[IndexedMessage]] = {}
        for path, folder in files:
            name = os.path.basename(path)
            try:
                fields = index_fields(Path(path))
            except DeliveryError:  # gone or unreadable meanwhile: the next rescan sees it
                continue
            token = token_of(name)
            uid = self._db.uid_for_token(account, token) if token else ""
            message = IndexedMessage(path, fields, token, uid, info_flags(name))
            by_folder.setdefault(folder, []).append(message)
        for folder, messages in by_folder.items():
            self._db.index_messages(account, folder, messages)
        return sum(len(m) for m in by_folder.values())


# --- module helpers ---------------------------------------------------------------------


def _check_user_folder(name: str) -> None:
    """A name the user may create, rename or delete: not INBOX/Trash, a valid Maildir++ name."""
    if name.casefold() in _RESERVED:
        raise ConfigError(says.SPECIAL_FOLDER(name=repr(name)))
    validate_folder_name(name)


def _folder_path(root: Maildir, folder: str) -> Path:
    return root.path if folder == INBOX else root.path / f".{folder}"


def _root_path(loc: IndexLocation) -> Path:
    """The account's Maildir top level, from where an indexed message lies."""
    folder_dir = Path(loc.path).parent.parent
    return folder_dir if loc.folder == INBOX else folder_dir.parent


def _target_folder(root_path: Path, folder: str) -> Path:
    """The directory of an existing folder (Trash is created on demand)."""
    if folder == INBOX:
        return root_path
    if folder == TRASH:
        return Maildir(root_path).folder(TRASH).path
    validate_folder_name(folder)
    path = root_path / f".{folder}"
    if not (path / "cur").is_dir():
        raise ConfigError(says.NO_FOLDER(name=repr(folder)))
    return path


def _moved(loc: IndexLocation, folder: str, target: Path) -> IndexLocation:
    flags = info_flags(target.name) if target.parent.name == "cur" else ""
    return replace(loc, folder=folder, path=str(target), flags=flags)


def _relative(path: Path, directory: Path) -> Path | None:
    try:
        return path.relative_to(directory)
    except ValueError:
        return None


def _tokens_by_account(locations: Iterable[IndexLocation]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for loc in locations:
        if loc.token:
            found.setdefault(loc.account, []).append(loc.token)
    return found


def _files_in(root: Maildir, folders: list[str]) -> Iterator[tuple[str, str]]:
    """(path, folder) of every message file in ``new/`` and ``cur/`` of *folders*."""
    for folder in folders:
        for sub in ("new", "cur"):
            directory = _folder_path(root, folder) / sub
            try:
                with os.scandir(directory) as entries:
                    names = [e.name for e in entries if not e.name.startswith(".")]
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise disk_error(says.LIST_FOLDER(), directory, exc) from exc
            for name in names:
                yield str(directory / name), folder


def _rename_dir(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        raise disk_error(says.RENAME_FOLDER(), source, exc) from exc


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise disk_error(says.DELETE_MESSAGE(), path, exc) from exc


def _remove_empty_folder(path: Path) -> None:
    """Remove a Maildir folder whose ``new/`` and ``cur/`` are empty (rmdir checks that)."""
    for sub in ("new", "cur"):
        if any(name[:1] != "." for name in os.listdir(path / sub)):
            raise DeliveryError(says.FOLDER_NOT_EMPTY(path=path))
    try:
        for sub in ("new", "cur"):
            os.rmdir(path / sub)
        shutil.rmtree(path)  # tmp/ and metadata files (maildirfolder, other clients' caches)
    except OSError as exc:
        raise disk_error(says.REMOVE_FOLDER(), path, exc) from exc


def _atomic_copy(source: Path, destination: Path) -> None:
    def copy(out: BinaryIO) -> None:
        with open(source, "rb") as data:
            shutil.copyfileobj(data, out, 256 * 1024)

    try:
        write_atomically(destination, copy)
    except OSError as exc:
        raise disk_error(says.SAVE_MESSAGE_TO(), destination, exc) from exc
