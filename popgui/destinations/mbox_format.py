"""One message as it goes into an mbox file, in the mboxrd form (RFC 4155 and the "mboxrd"
variant that mutt, Dovecot and Python's :mod:`mailbox` read):

- a separator line ``From SENDER DATE``: SENDER is the Return-Path address, else the From
  address, else ``MAILER-DAEMON``; DATE is when popgui downloaded the message, in UTC, in
  ``asctime`` form (RFC 4155: the time the message was received; the Date header stays in the
  message for readers that sort by it);
- the message with LF line ends, each line matching ``^>*From `` given one more ``>``, so that
  reading undoes exactly that and gets the body back byte for byte (modulo line ends);
- a final line end if the message lacks one, then a blank line, so that the next ``From ``
  starts a line.

Everything is a stream of chunks: a big message is never held in memory whole.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import BinaryIO

__all__ = ["CHUNK", "mbox_entry", "separator_line"]

#: How much of a spool file is read at a time.
CHUNK = 256 * 1024
#: The header block is looked for in this many bytes at most (a header bigger than this is not
#: read for the sender: the separator then says MAILER-DAEMON).
HEADER_LIMIT = 256 * 1024
_QUOTE = re.compile(rb"^(>*From )", re.MULTILINE)
_ADDRESS = re.compile(r"[!-~]+")  # printable ASCII without space: one word of the From_ line
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def separator_line(header: bytes, downloaded_at: float) -> bytes:
    """The ``From SENDER DATE`` line (with its LF) for a message whose header block is
    *header*."""
    parsed = BytesHeaderParser(policy=compat32).parsebytes(header)
    sender = ""
    for name in ("Return-Path", "From"):
        value = parsed.get(name)
        if value is None:
            continue
        sender = parseaddr(str(value))[1].strip()
        if sender or (name == "Return-Path" and "<>" in str(value)):
            break  # Return-Path: <> is a bounce: MAILER-DAEMON, not the From address
    if not _ADDRESS.fullmatch(sender):
        sender = "MAILER-DAEMON"
    date = time.asctime(time.gmtime(downloaded_at))  # English names whatever the locale
    return f"From {sender} {date}\n".encode("ascii")


def mbox_entry(file: BinaryIO, downloaded_at: float) -> Iterator[bytes]:
    """The bytes to append for the message in *file* (read from its start), in chunks."""
    file.seek(0)
    head = b""
    while len(head) < HEADER_LIMIT and not _HEADER_END.search(head):
        data = file.read(CHUNK)
        if not data:
            break
        head += data
    found = _HEADER_END.search(head)
    header = head[: found.end()] if found else (head if len(head) < HEADER_LIMIT else b"")
    yield separator_line(header, downloaded_at)
    yield from _quoted(head, file)


def _quoted(first: bytes, file: BinaryIO) -> Iterator[bytes]:
    """The message (*first*, then the rest of *file*) with LF line ends and mboxrd quoting,
    followed by the blank line that ends an mbox message."""
    carry = first  # bytes not yet sent: they begin at a line start when at_start
    at_start = True
    last = b"\n"  # the last byte sent (the separator line ended with LF)
    eof = False
    while True:
        if not eof and (len(carry) < CHUNK or b"\n" not in carry):
            data = file.read(CHUNK)
            eof = not data
            carry += data
        cut = carry.rfind(b"\n") + 1
        if cut:
            lines, carry = carry[:cut], carry[cut:]
            out = _convert_lines(lines, at_start)
            at_start = True
            yield out
            last = out[-1:]
        elif len(carry) >= CHUNK or eof:
            # A long line (or the end without a final LF): send what is decided, keep a CR
            # that may pair with an LF in the next chunk, and the '>' run of a line start.
            keep = _undecided(carry, at_start, final=eof)
            out = _convert_piece(carry[: len(carry) - keep], at_start)
            if out:
                yield out
                last = out[-1:]
                at_start = False
            carry = carry[len(carry) - keep :]
        if eof and not carry:
            break
    yield b"\n\n" if last != b"\n" else b"\n"


def _convert_lines(lines: bytes, at_start: bool) -> bytes:
    """Whole lines (ending with LF): CRLF to LF, then mboxrd quoting. When not *at_start*,
    the first line is the end of a line begun earlier, never quoted."""
    lines = lines.replace(b"\r\n", b"\n")
    if at_start:
        return _QUOTE.sub(rb">\1", lines)
    split = lines.index(b"\n") + 1
    return lines[:split] + _QUOTE.sub(rb">\1", lines[split:])


def _convert_piece(piece: bytes, at_start: bool) -> bytes:
    """The beginning of a line (no LF in it): quoted if it starts a line with ``>*From ``."""
    if at_start and _QUOTE.match(piece):
        return b">" + piece
    return piece


def _undecided(carry: bytes, at_start: bool, *, final: bool) -> int:
    """How many trailing bytes of *carry* (no LF in it) cannot be sent yet."""
    if final:
        return 0
    if at_start and len(carry.lstrip(b">")) < len(b"From "):
        return len(carry)  # only '>'s so far: whether to quote is not known yet
    return 1 if carry.endswith(b"\r") else 0
