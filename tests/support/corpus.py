"""Deterministic test mail of mixed sizes, stored with LF line ends (as in a Maildir)."""

from __future__ import annotations

import base64
import random


def mixed_message(index: int, rng: random.Random) -> bytes:
    """One message: headers, text with lines that need dot-stuffing, sometimes an attachment."""
    lines = [
        f"From: Sender {index} <sender{index}@example.org>",
        "To: you@example.com",
        f"Subject: =?utf-8?q?Message_n=C2=B0_{index}_=C3=A9t=C3=A9?=",
        f"Date: Tue, {1 + index % 28:02d} Sep 2026 10:{index % 60:02d}:00 +0200",
        f"Message-ID: <m{index}.{rng.randrange(10**9)}@example.org>",
        "MIME-Version: 1.0",
    ]
    body = [
        f"Line {n} of message {index}: {'x' * rng.randrange(0, 120)}"
        for n in range(rng.randrange(3, 60))
    ]
    body.insert(1, ".a line that starts with a dot")
    body.insert(2, "..two dots")
    body.insert(3, ".")
    if rng.random() < 0.3:
        blob = base64.encodebytes(rng.randbytes(rng.randrange(1_000, 300_000))).decode("ascii")
        lines += ['Content-Type: multipart/mixed; boundary="b"', ""]
        lines += ["--b", "Content-Type: text/plain; charset=utf-8", "", *body, "--b"]
        lines += [
            "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="data.bin"',
            "",
            blob.rstrip(),
            "--b--",
        ]
    else:
        lines += ["Content-Type: text/plain; charset=utf-8", "", *body]
    return ("\n".join(lines) + "\n").encode("utf-8")


def mixed_messages(count: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    return [mixed_message(index, rng) for index in range(count)]
