"""Disk trouble against the real ``popgui sync``: a full disk, an unwritable Maildir, a damaged
database (the scenarios live in bench/torture/disk.py, which the torture harness repeats).

Full disk: a 1 MB tmpfs holding the profile when this process may mount one (root), and
RLIMIT_FSIZE everywhere. Unwritable Maildir: root ignores permission bits, so the variants are
what does fail for root: a read-only bind mount (EROFS), ``chattr +i`` (EPERM) and a file where
the Maildir should be. Each expects a clear error, exit 1, no DELE and a whole database; the run
after the trouble completes with every message stored exactly once.

A damaged database (garbage, truncated, zeroed header) is set aside as
``popgui.sqlite3.corrupt-<time>`` and rebuilt from the tokens in the Maildir's file names:
nothing stored is fetched again, the header index is whole, and the rebuild run deletes nothing
on the server; the run after it applies the delete policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.torture import disk

pytestmark = pytest.mark.slow


def check(outcome: disk.DiskOutcome) -> None:
    assert not outcome.problems, (
        f"{outcome.scenario}: {outcome.problems}\n"
        f"failing run: {outcome.failing_stderr}\nfinal run: {outcome.final_stderr}"
    )


@pytest.mark.parametrize("policy", ["keep", "delete"])
def test_full_disk_rlimit_fsize(tmp_path: Path, policy: disk.Policy) -> None:
    outcome = disk.full_disk(tmp_path, "fsize", policy=policy, seed=1)
    check(outcome)
    assert "larger than allowed" in outcome.failing_stderr


def test_full_disk_tmpfs(tmp_path: Path) -> None:
    if not disk.tmpfs_available():
        pytest.skip("cannot mount a tmpfs here (needs root); RLIMIT_FSIZE covers a full disk")
    outcome = disk.full_disk(tmp_path, "tmpfs", policy="delete", seed=2)
    check(outcome)
    assert "the disk is full" in outcome.failing_stderr
    assert "nothing was deleted on the server" in outcome.failing_stderr


@pytest.mark.parametrize("method", ["ro-bind", "immutable", "file"])
def test_unwritable_maildir(tmp_path: Path, method: disk.UnwritableMethod) -> None:
    if method == "ro-bind" and not disk.bind_mount_available():
        pytest.skip("cannot make a read-only bind mount here (needs root)")
    if method == "immutable" and not disk.immutable_available(tmp_path):
        pytest.skip("chattr +i does not work here (needs root and ext2/3/4, xfs, btrfs...)")
    outcome = disk.unwritable_maildir(tmp_path, method, policy="delete", seed=3)
    check(outcome)
    expected = {
        "ro-bind": "read-only",
        "immutable": "not permitted",
        "file": "not a folder is in the way",
    }[method]
    assert expected in outcome.failing_stderr


@pytest.mark.parametrize("damage", ["garbage", "truncate", "header"])
@pytest.mark.parametrize("policy", ["keep", "delete"])
def test_damaged_database_is_rebuilt_from_the_maildir(
    tmp_path: Path, damage: disk.Damage, policy: disk.Policy
) -> None:
    outcome = disk.corrupt_database(tmp_path, damage, policy=policy, seed=4)
    check(outcome)
    assert "kept as" in outcome.failing_stderr
