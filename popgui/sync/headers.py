"""Decoding the few header fields a person looks at: From, Subject, Date.

Raw bytes stay raw everywhere else; decoding happens only for display, and a malformed header
degrades to its undecoded text instead of failing.
"""

from __future__ import annotations

import email.errors
import email.header
import email.parser
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HeaderSummary:
    sender: str
    subject: str
    date: datetime | None
    message_id: str


def decode_words(value: str | None) -> str:
    """Decode RFC 2047 encoded words; undecodable parts are kept as they are."""
    if not value:
        return ""
    try:
        decoded = str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        decoded = value
    return " ".join(decoded.split())


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def summarize_headers(data: bytes) -> HeaderSummary:
    """Summarise a header block (or a whole message: only its headers are read)."""
    end = data.find(b"\n\n")
    if end < 0:
        end = data.find(b"\r\n\r\n")
    block = data if end < 0 else data[: end + 2]
    message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(block)
    return HeaderSummary(
        sender=decode_words(_raw(message.get("From"))),
        subject=decode_words(_raw(message.get("Subject"))),
        date=parse_date(_raw(message.get("Date"))),
        message_id=_raw(message.get("Message-ID")).strip(),
    )


def _raw(value: object) -> str:
    """compat32 may hand back a Header object for 8-bit data; make it plain text."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        return str(value)
    return str(value)
