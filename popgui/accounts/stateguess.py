"""Which program wrote a state file: a guess from its name and first lines, for the window's
file chooser (the person can change it; :func:`popgui.accounts.stateformats.read_state` still
refuses a file that is not of the kind chosen).

Only the first :data:`SAMPLE` bytes are read, so a big file or binary garbage costs little.
"""

from __future__ import annotations

import re
from pathlib import Path

from popgui.accounts.stateformats import Kind

#: How much of the file the guess looks at.
SAMPLE = 64 * 1024

_MPOP_HEADER = re.compile(rb" \d+ \S+ \S+")
_FETCHMAIL_LINE = re.compile(rb"[^\s@/]+@[^\s@/]+ [\x21-\x7e]+")


def guess_kind(path: Path) -> Kind | None:
    """mpop, fetchmail, getmail or thunderbird, or None when nothing tells (or unreadable)."""
    name = path.name
    if name == "popstate.dat":
        return "thunderbird"
    if name.startswith("oldmail-"):
        return "getmail"
    if name == ".fetchids":
        return "fetchmail"
    try:
        with path.open("rb") as file:
            sample = file.read(SAMPLE)
    except OSError:
        return None
    return _guess_from_lines(sample.split(b"\n")[:-1] if b"\n" in sample else [])


def _guess_from_lines(lines: list[bytes]) -> Kind | None:
    """Only whole lines count (the sample's last, cut short, is left out)."""
    lines = [line.removesuffix(b"\r") for line in lines]
    if lines and lines[0].startswith(b"# POP3 State File"):
        return "thunderbird"
    for line in lines:
        if _MPOP_HEADER.fullmatch(line):
            return "mpop"
        if line.startswith(b"#") or not line.strip():
            continue
        if _FETCHMAIL_LINE.fullmatch(line):
            return "fetchmail"
        if b"\0" in line and re.fullmatch(rb"[\x21-\x7e]+\0\d+(\.\d*)?", line):
            return "getmail"
    return None
