"""The mboxrd form, chunk by chunk: whatever the chunk size (down to one byte, so that CRLF,
a run of '>' and "From " fall across chunk edges), the stream equals the whole-message
reference, and reading it back undoes exactly the quoting."""

from __future__ import annotations

import io
import random
import re

import pytest

from popgui.destinations import mbox_format
from popgui.destinations.mbox_format import mbox_entry, separator_line


def reference(body: bytes) -> bytes:
    """The mboxrd body, computed on the whole message at once."""
    text = re.sub(rb"(?m)^(>*From )", rb">\1", body.replace(b"\r\n", b"\n"))
    if text and not text.endswith(b"\n"):
        text += b"\n"
    return text + b"\n"


def stream(data: bytes) -> bytes:
    chunks = list(mbox_entry(io.BytesIO(data), 0.0))
    assert chunks[0].startswith(b"From ") and chunks[0].endswith(b"\n")
    return b"".join(chunks[1:])


PIECES = [b"From ", b">", b">>From x", b"\r\n", b"\n", b"\r", b"From", b"a", b" ", b"\xe9"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 16, 64])
def test_the_stream_equals_the_reference_for_any_chunk_size(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mbox_format, "CHUNK", chunk)
    rng = random.Random(chunk)
    for _ in range(300):
        body = b"".join(rng.choices(PIECES, k=rng.randrange(0, 40)))
        data = b"Subject: x\r\n\r\n" + body
        assert stream(data) == reference(data), data


def test_a_long_run_of_quotes_longer_than_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mbox_format, "CHUNK", 8)
    data = b"Subject: x\n\n" + b">" * 50 + b"From the deep\n" + b">" * 50 + b"not\n"
    assert stream(data) == reference(data)
    assert b"\n>" + b">" * 50 + b"From the deep\n" in stream(data)


def test_unquoting_gives_the_body_back() -> None:
    body = b"From a\r\n>From b\r\n>>>From c\r\nFrom\r\n>From\r\nx From y\r\n"
    written = stream(b"Subject: x\r\n\r\n" + body)
    assert (
        re.sub(rb"(?m)^>(>*From )", rb"\1", written)
        == b"Subject: x\n\n" + body.replace(b"\r\n", b"\n") + b"\n"
    )


@pytest.mark.parametrize(
    ("header", "sender"),
    [
        (b"Return-Path: <a@x.org>\nFrom: b@y.org\n\n", "a@x.org"),
        (b"Return-Path:\n <folded@x.org>\n\n", "folded@x.org"),
        (b"From: =?utf-8?q?Ann?= <ann@x.org>\n\n", "ann@x.org"),
        (b"Return-Path: <>\nFrom: b@y.org\n\n", "MAILER-DAEMON"),
        (b"From: undisclosed\n\n", "undisclosed"),
        (b"From: two words <>\n\n", "MAILER-DAEMON"),
        (b"From: <a b@x.org>\n\n", "MAILER-DAEMON"),
        (b"Subject: none\n\n", "MAILER-DAEMON"),
        (b"From: \xc3\xa9@x.org\n\n", "MAILER-DAEMON"),
    ],
)
def test_the_separator_line(header: bytes, sender: str) -> None:
    assert separator_line(header, 0.0) == f"From {sender} Thu Jan  1 00:00:00 1970\n".encode()


def test_a_header_without_end_within_the_limit_gives_mailer_daemon(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mbox_format, "HEADER_LIMIT", 64)
    monkeypatch.setattr(mbox_format, "CHUNK", 16)
    data = b"From: a@x.org\nX-Long: " + b"y" * 200 + b"\n\nbody\n"
    first = next(mbox_entry(io.BytesIO(data), 0.0))
    assert first.startswith(b"From MAILER-DAEMON ")
    assert stream(data) == reference(data)
