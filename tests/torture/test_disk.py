"""Disk trouble against the real ``popgui sync``: a full disk, an unwritable Maildir, a damaged
database (the scenarios live in bench/torture/disk.py, which the torture harness repeats).

Full disk: RLIMIT_FSIZE everywhere, and a 1 MB tmpfs holding the profile. Unwritable Maildir:
root ignores permission bits, so the variants are what does fail for root: a read-only bind
mount (EROFS), ``chattr +i`` (EPERM) and a file where the Maildir should be. Each expects a
clear error, exit 1, no DELE and a whole database; the run after the trouble completes with
every message stored exactly once.

The tmpfs and bind-mount variants run in a private mount namespace (``unshare --mount``, or
``unshare --mount --map-root-user`` without CAP_SYS_ADMIN), so they run for a user without
root too and a mount never outlives its test. ``chattr +i`` needs CAP_LINUX_IMMUTABLE in the
initial namespace (root, outside most containers) and a file system that takes it (ext4, xfs,
btrfs, tmpfs since Linux 6.0...): pytest's directory, else the system's temporary directory.
Where the machine cannot, these skip with the reason tests/skips.py allows in CI.

A damaged database (garbage, truncated, zeroed header) is set aside as
``popgui.sqlite3.corrupt-<time>`` and rebuilt from the tokens in the Maildir's file names:
nothing stored is fetched again, the header index is whole, and the rebuild run deletes nothing
on the server; the run after it applies the delete policy.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
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


# -- a private mount namespace ---------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
NAMESPACES = (["unshare", "--mount"], ["unshare", "--mount", "--map-root-user"])
IN_NAMESPACE = """
import dataclasses, json, sys
from pathlib import Path
from bench.torture import disk

scenario, workdir, method, policy, seed = sys.argv[1:]
outcome = getattr(disk, scenario)(Path(workdir), method, policy=policy, seed=int(seed))
print("OUTCOME", json.dumps(dataclasses.asdict(outcome)))
"""


@functools.cache
def mount_namespace() -> tuple[list[str] | None, str]:
    """The command prefix that runs a program where it may mount a tmpfs and bind mounts, or
    None and why not. "no mount namespace here" only when the kernel refused the namespace
    itself both ways (the reason tests/skips.py allows in CI), not when a mount failed."""
    if shutil.which("unshare") is None:
        return None, "unshare is not installed (apt-get install util-linux)"
    failures = []
    with tempfile.TemporaryDirectory() as probe:
        for prefix in NAMESPACES:
            script = f"mount -t tmpfs -o size=64k tmpfs {probe} && mount --bind {probe} {probe}"
            done = subprocess.run([*prefix, "sh", "-c", script], capture_output=True,
                                  text=True, timeout=30, check=False)  # fmt: skip
            if done.returncode == 0:
                return prefix, ""
            failures.append(f"{shlex.join(prefix)}: {done.stderr.strip()}")
    refused = all(re.search(r": unshare: (unshare|write) failed", f) for f in failures)
    what = "no mount namespace here" if refused else "cannot mount in a mount namespace"
    return None, f"{what} ({'; '.join(failures)})"


def in_mount_namespace(
    scenario: str, workdir: Path, method: str, policy: str, seed: int
) -> disk.DiskOutcome:
    """Run a scenario of bench/torture/disk.py in a private mount namespace."""
    prefix, why_not = mount_namespace()
    if prefix is None:
        pytest.skip(why_not)
    done = subprocess.run(
        [*prefix, sys.executable, "-c", IN_NAMESPACE, scenario, str(workdir), method, policy,
         str(seed)],
        cwd=REPO, capture_output=True, text=True, timeout=100, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("OUTCOME ")]
    assert done.returncode == 0 and lines, f"{shlex.join(prefix)}: {done.stderr}"
    return disk.DiskOutcome(**json.loads(lines[-1].removeprefix("OUTCOME ")))


# -- chattr +i ---------------------------------------------------------------------------------

CAP_LINUX_IMMUTABLE = 9


def has_capability(number: int) -> bool:
    """Whether this process holds capability *number* (``CapEff`` in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> number & 1)
    return False


def immutable_workdir(tmp_path: Path) -> Path:
    """A directory on a file system where ``chattr +i`` works: pytest's, else the system's
    temporary directory (a tmpfs before Linux 6.0 does not take it)."""
    if not has_capability(CAP_LINUX_IMMUTABLE):
        pytest.skip("this process lacks CAP_LINUX_IMMUTABLE, which chattr +i needs (run as root)")
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (apt-get install e2fsprogs)")
    candidates = [tmp_path, Path(tempfile.gettempdir())]
    for candidate in candidates:
        if disk.immutable_available(candidate):
            return Path(tempfile.mkdtemp(prefix="popgui-immutable-", dir=candidate))
    pytest.skip(f"chattr +i works on none of {[str(c) for c in candidates]}")


# -- the tests ---------------------------------------------------------------------------------


def test_full_disk_tmpfs(tmp_path: Path) -> None:
    outcome = in_mount_namespace("full_disk", tmp_path, "tmpfs", "delete", seed=2)
    check(outcome)
    assert "the disk is full" in outcome.failing_stderr
    assert "nothing was deleted on the server" in outcome.failing_stderr


@pytest.mark.parametrize("method", ["ro-bind", "immutable", "file"])
def test_unwritable_maildir(tmp_path: Path, method: disk.UnwritableMethod) -> None:
    if method == "ro-bind":
        outcome = in_mount_namespace("unwritable_maildir", tmp_path, method, "delete", seed=3)
    elif method == "immutable":
        workdir = immutable_workdir(tmp_path)
        try:
            outcome = disk.unwritable_maildir(workdir, method, policy="delete", seed=3)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    else:
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
