"""Deterministic benchmark mail, written straight into a Dovecot user's ``Maildir/new``.

Two kinds of message, both with French headers (RFC 2047 encoded words) and 8-bit UTF-8
text, and lines that need dot-stuffing on the wire ("." alone, ".." and CSS-like ".class"):

- *mixed*: text/plain + text/html alternatives; one in four carries a base64 attachment of
  1 KB to 236 KB, so 2,000 of them weigh about 90 MB, like a real inbox;
- *small*: a short plain-text note of 1 to 3 KB (many-messages scenarios).

A *huge* message (one attachment of hundreds of MB) is streamed to disk line by line, never
held in memory. Messages are stored with LF line ends, as Maildir wants; Dovecot sends CRLF.
"""

from __future__ import annotations

import base64
import os
import random
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Defined there: that script runs without bench on its path.
from bench.guifill import encoded_word

WORDS = [
    "été",
    "très",
    "déjà",
    "français",
    "réunion",
    "ça",
    "où",
    "garçon",
    "œuvre",
    "Noël",
    "façade",
    "crème",
    "brûlée",
    "élève",
    "forêt",
    "hôpital",
    "à",
    "bientôt",
    "merci",
    "beaucoup",
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "pour",
    "avec",
    "dans",
    "sur",
    "courriel",
    "message",
    "rendez-vous",
    "demain",
    "matin",
    "soir",
    "équipe",
    "projet",
    "budget",
    "réponse",
    "pièce",
    "jointe",
    "Mémoire",
    "Québec",
    "Genève",
    "Besançon",
    "Orléans",
    "naïf",
    "Zoë",
    "cœur",
    "maïs",
    "dégât",
    "fenêtre",
    "ambiguë",
]
NAMES = ("François Lefèvre", "Hélène Dupré", "Chloé Bérubé", "Jérôme Gaëtan", "Amélie Noël")
SUBJECTS = (
    "Réunion d'équipe",
    "Compte rendu de la séance",
    "Re: Budget prévisionnel",
    "Invitation : soirée de Noël",
    "Fwd: Pièce jointe à vérifier",
)
BOUNDARY_MIXED = "=_mixed_b3nch"
BOUNDARY_ALT = "=_alt_b3nch"
RAW_LINE = 57  # bytes of binary per 76-character base64 line

Generator = Callable[[int, random.Random], bytes]


@dataclass(frozen=True)
class CorpusInfo:
    """What was written: how many messages and how many bytes (LF line ends)."""

    count: int
    size: int


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def headers(index: int, rng: random.Random) -> list[str]:
    name = rng.choice(NAMES)
    subject = f"{rng.choice(SUBJECTS)} n° {index}"
    return [
        f"Return-Path: <expediteur{index}@example.fr>",
        "Received: from mx.example.fr (mx.example.fr [192.0.2.7])\n"
        f"\tby mail.example.org with ESMTPS id b{index:06d}; Tue, 1 Sep 2026 10:00:00 +0200",
        f"From: {encoded_word(name)} <expediteur{index}@example.fr>",
        f"To: {encoded_word('Zoë Martin')} <vous@example.org>",
        f"Subject: {encoded_word(subject)}",
        f"Date: Tue, {1 + index % 28:02d} Sep 2026 {index % 24:02d}:{index % 60:02d}:00 +0200",
        f"Message-ID: <b{index}.{rng.randrange(10**9)}@example.fr>",
        "MIME-Version: 1.0",
        "X-Mailer: bench corpus 1.0",
    ]


def text_lines(index: int, rng: random.Random, count: int) -> list[str]:
    """Plain text with the lines POP3 must dot-stuff."""
    lines = [sentence(rng, rng.randrange(4, 14)) for _ in range(count)]
    lines[1:1] = [".", ".une ligne qui commence par un point", "..deux points", f"Réf. {index}"]
    return lines


def html_lines(rng: random.Random, paragraphs: int) -> list[str]:
    body = [f"<p>{sentence(rng, rng.randrange(8, 30))}</p>" for _ in range(paragraphs)]
    style = ["<style>", ".titre { color: #336; }", ".pied { font-size: small; }", "</style>"]
    return ["<html><head>", *style, "</head><body>", *body, "</body></html>"]


def attachment_lines(rng: random.Random, raw_size: int) -> list[str]:
    blob = base64.encodebytes(rng.randbytes(raw_size)).decode("ascii").rstrip("\n")
    return [
        f"--{BOUNDARY_MIXED}",
        'Content-Type: application/pdf; name="=?utf-8?q?compte_rendu_=C3=A9t=C3=A9.pdf?="',
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename*=utf-8''compte%20rendu%20%C3%A9t%C3%A9.pdf",
        "",
        blob,
    ]


def alternative_lines(index: int, rng: random.Random) -> list[str]:
    return [
        f'Content-Type: multipart/alternative; boundary="{BOUNDARY_ALT}"',
        "",
        f"--{BOUNDARY_ALT}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        *text_lines(index, rng, rng.randrange(5, 40)),
        f"--{BOUNDARY_ALT}",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        *html_lines(rng, rng.randrange(3, 30)),
        f"--{BOUNDARY_ALT}--",
    ]


def mixed_message(index: int, rng: random.Random) -> bytes:
    """Headers, a text/html alternative, and for one in four an attachment."""
    lines = headers(index, rng)
    if rng.random() < 0.25:
        lines += [f'Content-Type: multipart/mixed; boundary="{BOUNDARY_MIXED}"', ""]
        lines += [f"--{BOUNDARY_MIXED}", *alternative_lines(index, rng)]
        lines += attachment_lines(rng, rng.randrange(1_000, 236_000))
        lines.append(f"--{BOUNDARY_MIXED}--")
    else:
        lines += alternative_lines(index, rng)
    return ("\n".join(lines) + "\n").encode("utf-8")


def small_message(index: int, rng: random.Random) -> bytes:
    """A short French note of one to three kilobytes."""
    lines = [
        *headers(index, rng),
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        *text_lines(index, rng, rng.randrange(6, 30)),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


GENERATORS: dict[str, Generator] = {"mixed": mixed_message, "small": small_message}


def messages(kind: str, count: int, seed: int = 2026) -> Iterator[bytes]:
    """``count`` messages of ``kind``, the same bytes on every machine for a given seed."""
    rng = random.Random(f"{kind}-{seed}")
    generate = GENERATORS[kind]
    for index in range(count):
        yield generate(index, rng)


class MaildirWriter:
    """Drops files into ``new/`` of a Maildir owned by ``uid``/``gid`` (tmp, then rename)."""

    def __init__(self, maildir: Path, uid: int, gid: int) -> None:
        self.maildir = maildir
        self.uid, self.gid = uid, gid
        self._host = socket.gethostname().replace("/", "_").replace(":", "_")
        self._serial = 0

    def _names(self) -> tuple[Path, Path]:
        self._serial += 1
        name = f"1788000000.B{self._serial:07d}.{self._host}"
        return self.maildir / "tmp" / name, self.maildir / "new" / name

    def _publish(self, temporary: Path, final: Path) -> None:
        os.chown(temporary, self.uid, self.gid)
        os.rename(temporary, final)

    def write(self, content: bytes) -> None:
        temporary, final = self._names()
        temporary.write_bytes(content)
        self._publish(temporary, final)

    def write_stream(self, chunks: Iterator[bytes]) -> int:
        temporary, final = self._names()
        size = 0
        with temporary.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        self._publish(temporary, final)
        return size


def fill(writer: MaildirWriter, kind: str, count: int) -> CorpusInfo:
    size = 0
    for content in messages(kind, count):
        writer.write(content)
        size += len(content)
    return CorpusInfo(count, size)


def huge_chunks(size: int, seed: int = 300) -> Iterator[bytes]:
    """One message of about ``size`` bytes: headers, a dot-stuffed note, a base64 blob."""
    rng = random.Random(seed)
    head = [
        *headers(0, rng),
        f'Content-Type: multipart/mixed; boundary="{BOUNDARY_MIXED}"',
        "",
        f"--{BOUNDARY_MIXED}",
        "Content-Type: text/plain; charset=utf-8",
        "",
        *text_lines(0, rng, 10),
        *attachment_lines(rng, 0)[:-1],
    ]
    yield ("\n".join(head) + "\n").encode("utf-8")
    lines_per_chunk = 16_384
    chunk_raw = RAW_LINE * lines_per_chunk
    remaining = max(size * 57 // 77, chunk_raw)  # base64 with LF: 77 bytes per 57 raw
    while remaining > 0:
        raw = rng.randbytes(min(chunk_raw, remaining))
        remaining -= len(raw)
        yield base64.encodebytes(raw)
    yield f"--{BOUNDARY_MIXED}--\n".encode("ascii")


def fill_huge(writer: MaildirWriter, size: int) -> CorpusInfo:
    return CorpusInfo(1, writer.write_stream(huge_chunks(size)))
