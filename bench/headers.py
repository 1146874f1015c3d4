"""Micro benchmark of header indexing: ``python -m bench.headers [-n 2000] [--repeat 5]``.

Every downloaded message is indexed for the message list (popgui/store/headerindex.py). This
times it per message, old against new, on the benchmark's *small* and *mixed* corpora (the
heads a download keeps: the first 64 KB, LF line ends):

- old: the email-package code it replaced, as kept for reference in
  tests/store/test_headerindex.py (so importing this needs the test dependencies);
- new: :func:`popgui.store.database.header_fields`, which a download calls.

It prints the best of ``--repeat`` runs in microseconds per message, and what importing the
email package costs (the new path no longer does). No assertion on time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from bench.corpus import messages
from popgui.store.database import HEAD_BYTES, header_fields
from tests.store.test_headerindex import reference_fields

Head = tuple[bytes, int]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.headers")
    parser.add_argument("-n", type=int, default=2000, help="messages per corpus")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best one counts")
    return parser.parse_args()


def heads(kind: str, count: int) -> list[Head]:
    return [(content[:HEAD_BYTES], len(content)) for content in messages(kind, count)]


def best_us(index: Callable[[bytes, int], object], sample: Sequence[Head], repeat: int) -> float:
    """Microseconds per message of the fastest run (the others met a busy machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for head, size in sample:
            index(head, size)
        best = min(best, time.perf_counter() - start)
    return best / len(sample) * 1e6


def old(head: bytes, size: int) -> object:
    return reference_fields(head)


def email_import_ms() -> float:
    """Milliseconds to import what the old code needed, in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); import email.parser, email.header, email.utils;"
        " print((time.perf_counter() - t) * 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> int:
    args = parse()
    print(f"{'corpus':8} {'messages':>8} {'old µs':>8} {'new µs':>8} {'speed-up':>8}")
    for kind in ("small", "mixed"):
        sample = heads(kind, args.n)
        before = best_us(old, sample, args.repeat)
        after = best_us(header_fields, sample, args.repeat)
        print(f"{kind:8} {len(sample):8} {before:8.1f} {after:8.1f} {before / after:7.1f}x")
    print(f"importing the email package (old path only): {email_import_ms():.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
