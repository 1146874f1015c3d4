"""The window's guess of which program wrote a state file (the person can still change it)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from popgui.accounts.stateguess import SAMPLE, guess_kind

THUNDERBIRD = (
    b"# POP3 State File\n# This is a generated file!  Do not edit.\n\n"
    b"*pop.example.com ann\nk UID1 1700000000\n"
)
MPOP = b" 2 pop.example.com ann\n000001\n000002\n"
FETCHMAIL = b"ann@pop.example.com 000001\nann@pop.example.com 000002\n"
GETMAIL = b"000001\x001700000000.5\n000002\x001700000001\n"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("popstate.dat", b"", "thunderbird"),
        ("state-copy.dat", THUNDERBIRD, "thunderbird"),
        ("oldmail-pop.example.com-995-ann", b"", "getmail"),
        ("old-list", GETMAIL, "getmail"),
        (".fetchids", b"", "fetchmail"),
        ("ids", FETCHMAIL, "fetchmail"),
        ("ann_at_pop.example.com", MPOP, "mpop"),
        ("mpop_uidls", b"# a comment\n\n" + MPOP, "mpop"),
    ],
)
def test_each_kind_is_guessed_from_its_name_or_its_lines(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert guess_kind(path) == kind


@pytest.mark.parametrize(
    "content",
    [
        b"",
        random.Random(15).randbytes(4096),
        b"\0" * (SAMPLE * 2),
        b"Hello,\nthis is a letter.\n",
        b" 2 cut",
    ],
)
def test_garbage_is_no_guess(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "something"
    path.write_bytes(content)
    assert guess_kind(path) is None


def test_an_unreadable_path_is_no_guess(tmp_path: Path) -> None:
    assert guess_kind(tmp_path) is None
    assert guess_kind(tmp_path / "missing") is None
