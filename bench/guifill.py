"""Fill a profile's header index for the GUI figures: ``guifill.py PROFILE MAILDIR ACCOUNT ROWS``.

Writes ``ROWS`` small messages into ``MAILDIR/cur`` and indexes them in the profile's
database in one transaction, through the popgui this process imports. bench/gui.py runs it
with the python of the popgui build being measured (bench/install.py), so that a baseline
build writes its own database with its own code, whatever the checkout's storage looks like.
Like bench/guiprobe.py it needs only the standard library and popgui: it runs as a script
(``python -P``), with neither bench/ nor the checkout on ``sys.path``.

Uses popgui's storage API (``popgui.store.database``: ``Database.index_messages``,
``IndexedMessage``, ``IndexFields``) and ``popgui.profile.Profile`` for where the database
lives; a build where these moved fails here with the import error, which the report shows.
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path


def encoded_word(text: str) -> str:
    """RFC 2047 "B" encoding of UTF-8 text, as French mailers send it (bench/corpus.py too)."""
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def fill_index(profile: Path, maildir: Path, account: str, rows: int) -> None:
    """``rows`` small messages on disk and in the header index (one transaction)."""
    from popgui.profile import Profile
    from popgui.store.database import Database, IndexedMessage, IndexFields

    indexed = []
    for number in range(rows):
        path = maildir / "cur" / f"1788000000.G{number:07d}.bench:2,S"
        subject = f"Réunion n° {number}"
        path.write_bytes(
            f"From: {encoded_word('Hélène Dupré')} <h@example.fr>\nSubject: "
            f"{encoded_word(subject)}\nMessage-ID: <g{number}@example.fr>\n\nBonjour.\n".encode()
        )
        fields = IndexFields(
            from_addr="Hélène Dupré <h@example.fr>",
            subject=subject,
            date=1_788_000_000.0 + number,
            message_id=f"<g{number}@example.fr>",
            size=160,
        )
        indexed.append(IndexedMessage(str(path), fields, f"{number:032x}", f"G{number:07d}"))
    with Database(Profile(profile).database_file) as database:
        database.index_messages(account, "INBOX", indexed)


def main() -> int:
    parser = argparse.ArgumentParser(prog="guifill.py")
    parser.add_argument("profile", type=Path)
    parser.add_argument("maildir", type=Path)
    parser.add_argument("account")
    parser.add_argument("rows", type=int)
    args = parser.parse_args()
    fill_index(args.profile, args.maildir, args.account, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
