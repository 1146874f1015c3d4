"""popgui's one header decoder: what a person sees of a message, parsed straight from the
bytes of its header block. The header index (the message list) and the On-server preview
(popgui/sync/preview.py) both show what :func:`summarize` returns.

Every downloaded message is indexed, so this runs once per message of a large download, where
the ``email`` package (parser, ``decode_header``, ``parsedate_to_datetime``) was measured much
slower, and importing it costs more at start-up (docs/performance.md). This module reads only
the few fields it needs, in a few passes over bytes, and gives the same results as those
functions did (compat32 header parsing, RFC 2047 decoding, obsolete date forms), so an index
built before and one built after agree. tests/store/test_headerindex.py compares both on corpora
and on generated headers, and documents the few cases where the email package was wrong and this
module deliberately differs.

Raw 8-bit header text (no RFC 2047 encoding) is read as UTF-8, else as Windows-1252, what
such mailers nearly always meant. Nothing here raises on malformed input: a field that cannot
be decoded is shown raw, an unparsable date is None.
"""

from __future__ import annotations

import binascii
import re
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

__all__ = ["ATTACHMENT_SCAN_BYTES", "HeaderSummary", "header_block_end", "summarize"]

#: How far into a message the "Content-Disposition: attachment" line is looked for (the
#: first read of a stored message: the body of a multipart message starts within it).
ATTACHMENT_SCAN_BYTES = 64 * 1024

# "^" in multiline mode made the regex engine test every position: a literal "\n" lets it
# jump from line end to line end, much faster over a 64 KB head.
_ATTACHMENT = re.compile(rb"(?i)content-disposition:[ \t]*attachment")
_ATTACHMENT_LINE = re.compile(rb"(?i)\ncontent-disposition:[ \t]*attachment")
# A field line as the email parser's headerRE accepts it: printable ASCII but ":" up to a ":".
_FIELD_NAME = re.compile(rb"[\x21-\x39\x3b-\x7e]*:")
_WANTED = frozenset((b"from:", b"subject:", b"date:", b"message-id:", b"content-type:"))
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_SPACES_RE = re.compile(r"[ \t\r\n]+")
# email.header's ecre, so that the same text is taken for an encoded word.
_ENCODED_WORD = re.compile(r"=\?([^?]*?)\?([qQbB])\?(.*?)\?=")
_QP_ESCAPE = re.compile(rb"=[a-fA-F0-9]{2}")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class HeaderSummary(NamedTuple):
    """What is shown of one header block (a tuple: cheap to make for every message)."""

    from_addr: str
    subject: str
    #: The Date field as epoch seconds; None when missing or invalid.
    date: float | None
    message_id: str
    has_attachment: bool
    #: The Date field's zone, seconds east of UTC (0 when it names none), for showing the
    #: sender's own clock time (:meth:`sent_at`).
    zone: int = 0

    def sent_at(self) -> datetime | None:
        """The Date field as an aware datetime in the sender's zone; None without a date."""
        if self.date is None:
            return None
        return datetime.fromtimestamp(self.date, timezone(timedelta(seconds=self.zone)))


def header_block_end(data: bytes) -> int:
    """The offset just past the blank line ending the header block of *data*, or -1.

    The end of the first match of ``\\r?\\n\\r?\\n``, found with two ``find`` calls (which
    skip through bytes much faster than a regex).
    """
    lf = data.find(b"\n\n")
    crlf = data.find(b"\n\r\n", 0, lf + 2 if lf >= 0 else len(data))
    if crlf >= 0:
        return crlf + 3
    return lf + 2 if lf >= 0 else -1


def summarize(head: bytes) -> HeaderSummary:
    """The list fields of a message whose first bytes are *head*. Never raises."""
    end = header_block_end(head)
    fields = _raw_fields(head[:end] if end >= 0 else head)
    content_type = _display(fields.get(b"content-type:")).lower()
    seconds, zone = _epoch_seconds(_display(fields.get(b"date:")))
    return HeaderSummary(
        from_addr=_display(fields.get(b"from:")),
        subject=_display(fields.get(b"subject:")),
        date=seconds,
        message_id=_message_id(_display(fields.get(b"message-id:"))),
        has_attachment=content_type.startswith("multipart/mixed") or _has_attachment_line(head),
        zone=zone,
    )


def _has_attachment_line(head: bytes) -> bool:
    """Whether a line of the first 64 KB (the body too) says "Content-Disposition: attachment"."""
    return bool(
        _ATTACHMENT.match(head, 0, ATTACHMENT_SCAN_BYTES)
        or _ATTACHMENT_LINE.search(head, 0, ATTACHMENT_SCAN_BYTES)
    )


# --- splitting the block into fields (as email.feedparser with the compat32 policy) --------


def _raw_fields(block: bytes) -> dict[bytes, list[bytes]]:
    """Name ("subject:") → the lines of its first occurrence, for the wanted fields only.

    Lines end at CRLF, LF or a bare CR. The block ends at the first line that is neither a
    field nor a continuation (the blank line, or body text where the blank line is missing).
    A continuation line belongs to the field above; after a line the parser drops (an mbox
    "From " line, a line starting with ":") it is dropped too.
    """
    if b"\0" in block:
        block = block.replace(b"\0", b"")  # as before: NULs vanish, they do not end a line
    fields: dict[bytes, list[bytes]] = {}
    current: list[bytes] | None = None
    for line in block.splitlines(keepends=True):
        name = _FIELD_NAME.match(line)  # first: most lines are fields
        if name is not None:
            key = name.group().lower()
            current = None
            if key in _WANTED and key not in fields:
                current = fields[key] = [line[name.end() :].lstrip(b" \t")]
        elif line[0] in b" \t":
            if current is not None:
                current.append(line)
        elif line.startswith(b"From "):
            current = None
        else:
            break
    return fields


# --- display decoding ----------------------------------------------------------------------


def _display(lines: list[bytes] | None) -> str:
    """A field's value for display: 8-bit text, RFC 2047 words, unfolded, spaces collapsed."""
    if lines is None:
        return ""
    raw = b"".join(lines).rstrip(b"\r\n")
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:  # raw 8-bit headers that are not UTF-8 are mostly Windows-1252
        value = raw.decode("cp1252", "replace")
    if "\n" in value:
        value = _FOLD_RE.sub("", value)
    text = _decode_words(value) if "=?" in value else value
    if "\t" in text or "\r" in text or "\n" in text or "  " in text:
        text = _SPACES_RE.sub(" ", text)
    return text.strip()


def _decode_words(value: str) -> str:
    """*value* with its RFC 2047 encoded words decoded; unchanged when one is malformed."""
    words = _words(value)
    if words is None:
        return value
    try:
        return "".join([_decode_run(run, charset) for run, charset in _runs(words)])
    except Exception:  # a broken word or a codec that fails: show the raw text, never fail
        return value


def _words(value: str) -> list[tuple[str, str, str | None]] | None:
    """(text, encoding, charset) per piece: ("…", "", None) for plain text, else the encoded
    text, "q" or "b", and the charset name in lower case; None when there is no encoded word.

    As email.header.decode_header: line by line, each line's leading space dropped, and
    white space alone between two encoded words dropped (RFC 2047 §6.2).
    """
    words: list[tuple[str, str, str | None]] = []
    encoded = False
    for line in value.splitlines():
        parts = _split_words(line)
        parts[0] = parts[0].lstrip()
        encoded = encoded or len(parts) > 1
        for i in range(0, len(parts), 4):
            if parts[i]:
                words.append((parts[i], "", None))
            if i + 3 < len(parts):
                words.append((parts[i + 3], parts[i + 2].lower(), parts[i + 1].lower()))
    # decode_header looked for a word in the whole value first: one that only matches across
    # a line break (a vertical tab in the charset name) still sent it down this path.
    if not encoded and _search_word(value) is None:
        return None
    between = [
        n - 1
        for n in range(2, len(words))
        if words[n][1] and words[n - 2][1] and words[n - 1][0].isspace()
    ]
    for n in reversed(between):
        del words[n]
    return words


def _split_words(line: str) -> list[str]:
    """``_ENCODED_WORD.split(line)``, in linear time.

    A word ends at the first "?=" after its start. Where none follows, the regex tried every
    later "=?" to the end of the line: quadratic time, which a hostile header turns into a
    stalled sync. Stopping the scan at
    the last "?=" gives the same words, and every start reaching its text then matches.
    """
    last = line.rfind("?=")
    if last < 0:
        return [line]
    parts = _ENCODED_WORD.split(line[: last + 2])
    parts[-1] += line[last + 2 :]
    return parts


def _search_word(value: str) -> re.Match[str] | None:
    """``_ENCODED_WORD.search(value)``, in linear time (see :func:`_split_words`)."""
    last = value.rfind("?=")
    return _ENCODED_WORD.search(value, 0, last + 2) if last >= 0 else None


def _runs(words: list[tuple[str, str, str | None]]) -> list[tuple[str | bytes, str | None]]:
    """Consecutive pieces of one charset joined: plain text with a space (the pieces came
    from separate lines), encoded words without one (so a character split across two words
    decodes whole)."""
    runs: list[tuple[str | bytes, str | None]] = []
    for text, encoding, charset in words:
        if runs and runs[-1][1] == charset:
            last = runs[-1][0]
            if isinstance(last, str):
                runs[-1] = (last + " " + text, None)
            else:
                runs[-1] = (last + _unencode(text, encoding), charset)
        else:
            runs.append((_unencode(text, encoding) if encoding else text, charset))
    return runs


def _unencode(text: str, encoding: str) -> bytes:
    """The bytes of one encoded word. Stray non-ASCII characters are taken as email.header
    takes them (raw-unicode-escape), so a malformed word shows the same."""
    data = text.encode("raw-unicode-escape")
    if encoding == "q":
        return _QP_ESCAPE.sub(_unquote, data.replace(b"_", b" "))
    padding = len(text) % 4  # like email.header, forgive missing "=" padding
    if padding:
        data += b"==="[: 4 - padding]
    return binascii.a2b_base64(data) if data else b""


def _unquote(match: re.Match[bytes]) -> bytes:
    return bytes.fromhex(match.group()[1:].decode("ascii"))


def _decode_run(run: str | bytes, charset: str | None) -> str:
    if isinstance(run, str):
        return run
    if charset is None or charset == "unknown-8bit":
        return run.decode("raw-unicode-escape", "replace")
    try:
        return run.decode(charset, "replace")
    except LookupError:  # a charset Python does not know: show every byte as something
        return run.decode("latin-1")


def _message_id(value: str) -> str:
    match = _MESSAGE_ID.search(value)
    return match.group() if match else value.strip()


# --- the Date field (RFC 5322 and the obsolete forms email.utils accepts) -------------------

_MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
)
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DAY_NAMES = frozenset(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
# Zone names as hours and minutes (RFC 822's military zones are unreliable: only Z is kept).
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "AST": -400, "ADT": -300, "EST": -500}
_ZONES |= {"EDT": -400, "CST": -600, "CDT": -500, "MST": -700, "MDT": -600, "PST": -800}
_ZONES |= {"PDT": -700}
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DAY_SECONDS = 86_400
# What nearly every mailer writes, taken in one match; any other form goes the long way.
_COMMON_DATE = re.compile(
    r"(?:[A-Za-z]{3}, )?([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r" ([+-][0-9]{4})"
)
_DateFields = tuple[int, int, int, int, int, int, int]


def _epoch_seconds(value: str) -> tuple[float | None, int]:
    """The Date field as epoch seconds (no zone or "-0000" means UTC), None when invalid;
    and its zone offset in seconds (0 when invalid)."""
    common = _COMMON_DATE.fullmatch(value)
    fields = _common_date(common) if common else _any_date(value)
    seconds = None if fields is None else _timestamp(*fields)
    return (None, 0) if fields is None or seconds is None else (seconds, fields[-1])


def _common_date(match: re.Match[str]) -> _DateFields | None:
    day, month, year, hour, minute, second, zone = match.groups()
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    clock = (int(hour), int(minute), int(second))
    return _full_year(int(year)), month_number, int(day), *clock, _zone_offset(zone)


def _any_date(value: str) -> _DateFields | None:
    tokens = _date_tokens(value)
    return None if tokens is None else _date_numbers(*tokens)


def _timestamp(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int
) -> float | None:
    # Second 60 is a leap second (RFC 5322 §3.3); datetime refused it, timegm counts it on.
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second <= 60):
        return None
    if not -_DAY_SECONDS < offset < _DAY_SECONDS:  # datetime.timezone's limit
        return None
    try:
        days = date(year, month, day).toordinal() - _EPOCH_DAY
    except (ValueError, OverflowError):
        return None
    return float(days * _DAY_SECONDS + hour * 3600 + minute * 60 + second - offset)


def _date_tokens(value: str) -> tuple[str, str, str, str, str] | None:
    """Day, month, year, time, zone as written (not yet checked), in the order found."""
    data = value.split()
    if not data:
        return None
    if data[0].endswith(",") or data[0].lower() in _DAY_NAMES:
        del data[0]  # the day name (the space after its comma is optional)
    else:
        data[0] = data[0][data[0].rfind(",") + 1 :]
    if len(data) == 3:  # RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        dashed = data[0].split("-")
        if len(dashed) == 3:
            data = dashed + data[1:]
    if len(data) == 4:  # a zone glued to the time ("08:49:37+0100") or none at all
        sign = data[3].find("+")
        if sign == -1:
            sign = data[3].find("-")
        data[3:] = [data[3][:sign], data[3][sign:]] if sign > 0 else [data[3], ""]
    if len(data) < 5:
        return None
    day, month, year, clock, zone = data[:5]
    return day, month, year, clock, zone


def _date_numbers(day: str, month: str, year: str, clock: str, zone: str) -> _DateFields | None:
    """Year, month, day, hour, minute, second and zone offset (seconds), tolerating the
    swapped orders old mailers wrote (month first, year after the time, zone before year)."""
    if not (day and month and year):
        return None
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        day, month_number = month.lower(), _MONTHS.get(day.lower())
        if month_number is None:
            return None
    if year.find(":") > 0:
        year, clock = clock, year
    year = year.removesuffix(",")
    if not year:
        return None
    if not year[0].isdigit():
        year, zone = zone, year
    clock_parts = _clock(clock.removesuffix(","))
    if clock_parts is None:
        return None
    try:
        numbers = [int(text) for text in (year, day.removesuffix(","), *clock_parts)]
    except ValueError:
        return None
    numbers[0] = _full_year(numbers[0])
    year_n, day_n, hour, minute, second = numbers
    return year_n, month_number, day_n, hour, minute, second, _zone_offset(zone)


def _clock(clock: str) -> tuple[str, str, str] | None:
    """Hours, minutes, seconds ("0" if absent); "hh.mm.ss" from non-compliant mailers too."""
    parts = clock.split(":")
    if len(parts) == 1 and "." in clock:
        parts = clock.split(".")
    elif len(parts) not in (2, 3):
        return None
    if len(parts) == 2:
        return parts[0], parts[1], "0"
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return None


def _full_year(year: int) -> int:
    """Two-digit years as POSIX reads them: 69-99 → 19xx, 0-68 → 20xx."""
    if year < 100:
        return year + (1900 if year > 68 else 2000)
    return year


def _zone_offset(zone: str) -> int:
    """Seconds east of UTC; 0 for UTC, "-0000" and zones not understood."""
    zone = zone.upper()
    hhmm = _ZONES.get(zone)
    if hhmm is None:
        try:
            hhmm = int(zone)
        except ValueError:
            return 0
    sign = -1 if hhmm < 0 else 1
    hhmm = abs(hhmm)
    return sign * ((hhmm // 100) * 3600 + (hhmm % 100) * 60)
