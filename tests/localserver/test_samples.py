"""The demo's sample messages: deterministic, varied, well-formed, CRLF."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import itertools
import re
from email.message import EmailMessage

import pytest

from popgui.localserver import sample_messages
from popgui.localserver.samples import tiny_pdf, tiny_png

NOW = dt.datetime(2024, 6, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def samples() -> list[bytes]:
    return sample_messages(now=NOW)


@pytest.fixture(scope="module")
def parsed(samples: list[bytes]) -> list[EmailMessage]:
    out = []
    for raw in samples:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


def test_deterministic(samples: list[bytes]) -> None:
    assert sample_messages(now=NOW) == samples
    assert sample_messages(5, now=NOW) == samples[:5]
    assert sample_messages(0, now=NOW) == []
    more = sample_messages(len(samples) + 40, now=NOW)
    assert more[: len(samples)] == samples and len(more) == len(samples) + 40
    assert len(set(more)) == len(more)
    with pytest.raises(ValueError):
        sample_messages(-1)


def test_crlf_only_and_ascii_headers(samples: list[bytes]) -> None:
    for raw in samples:
        assert raw.endswith(b"\r\n")
        assert b"\n" not in raw.replace(b"\r\n", b"")
        assert b"\r" not in raw.replace(b"\r\n", b"")
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii()  # non-ASCII headers are RFC 2047 encoded


def test_headers_and_reserved_domains(samples: list[bytes], parsed: list[EmailMessage]) -> None:
    message_ids = set()
    for raw, message in zip(samples, parsed, strict=True):
        for name in ("From", "To", "Subject", "Date", "Message-ID"):
            assert message[name], name
        message_ids.add(message["Message-ID"])
        for domain in re.findall(rb"@([A-Za-z0-9.-]+)", raw):
            assert re.search(rb"(^|\.)example\.(com|org|net)$", domain), domain
        date = message["Date"].datetime
        assert NOW - dt.timedelta(days=15) <= date <= NOW
    assert len(message_ids) == len(parsed)


def test_french_messages(parsed: list[EmailMessage], samples: list[bytes]) -> None:
    french = [m for m in parsed if "Réunion" in m["Subject"] or "Sortie à" in m["Subject"]]
    assert len(french) == 2
    assert any(b"=?utf-8?" in raw for raw in samples)
    for message in french:
        assert message["Content-Transfer-Encoding"] == "quoted-printable"
        assert message.get_content_charset() == "utf-8"
        text = message.get_content()
        assert "à" in text or "é" in text


def test_newsletter_and_attachments(parsed: list[EmailMessage]) -> None:
    alternative = [m for m in parsed if m.get_content_type() == "multipart/alternative"]
    assert alternative
    html = alternative[0].get_body(("html",))
    assert html is not None and "<h1" in html.get_content()
    attachments = {
        part.get_filename(): part.get_content()
        for message in parsed
        for part in message.iter_attachments()
    }
    assert attachments["sunset.png"] == tiny_png()
    assert attachments["INV-0042.pdf"].startswith(b"%PDF-1.4")
    assert "Planning meeting" in attachments["meeting-notes.txt"]
    assert attachments["facture-2024-117.pdf"].endswith(b"%%EOF\n")


def test_long_thread(parsed: list[EmailMessage]) -> None:
    thread = [m for m in parsed if "Team trip to the lakes" in m["Subject"]]
    assert len(thread) >= 11
    for previous, reply in itertools.pairwise(thread):
        assert reply["In-Reply-To"] == previous["Message-ID"]
        assert reply["References"].split()[-1] == previous["Message-ID"]
        assert reply["Date"].datetime > previous["Date"].datetime


def test_dot_lines_long_line_and_empty_body(samples: list[bytes]) -> None:
    lines = [line for raw in samples for line in raw.split(b"\r\n")]
    assert b"." in lines  # a lone dot: would end a POP3 reply if not stuffed
    assert any(line.startswith(b".") and line != b"." for line in lines)
    assert max(len(line) for line in lines) > 4096
    assert any(raw.endswith(b"\r\n\r\n") for raw in samples)  # empty body


def test_tiny_files() -> None:
    png = tiny_png(4, 3)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    pdf = tiny_pdf("Hello (world)")
    assert b"(Hello \\(world\\)) Tj" in pdf
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n")
