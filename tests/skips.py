"""The skips CI allows, each with the reason a CI machine may be unable to run the test.

With ``CI=true`` every other skip is a failure (the rule is in tests/conftest.py): a green CI
means every test ran, except the ones listed here, which the run prints in its summary. An
entry allows one test (an ``fnmatch`` pattern on its node id) to skip for one reason only (a
regular expression searched in the skip's reason): the IPv6 test may skip because the machine
has no ``::1``, not because a fixture broke.

Before adding an entry, try to make the test run in CI instead (install the program in .ci/run,
use a directory the test can write...). Add one only for what the CI machine itself may not
offer, and say what covers the behaviour meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase


@dataclass(frozen=True)
class AllowedSkip:
    test: str  #: ``fnmatch`` pattern on the node id, e.g. ``tests/net/test_x.py::test_y``
    reason: str  #: regular expression the skip's reason must contain
    why: str  #: why a CI machine may lack what the test needs, and what covers it meanwhile

    def allows(self, nodeid: str, reason: str) -> bool:
        return fnmatchcase(nodeid, self.test) and re.search(self.reason, reason) is not None


_NO_IPV6 = (
    "container networks often run without IPv6 (Docker's default); IPv4 loopback runs the same code"
)
_NO_MOUNTS = (
    "an unprivileged container may forbid mounts (no CAP_SYS_ADMIN, user namespaces blocked "
    "by seccomp)"
)

ALLOWED_IN_CI: tuple[AllowedSkip, ...] = (
    AllowedSkip("tests/net/test_transport.py::test_ipv6_loopback", r"no IPv6 loopback", _NO_IPV6),
    AllowedSkip(
        "tests/localserver/test_pop3server.py::test_ipv6_loopback",
        r"^(no IPv6 support|::1 not available)$",
        _NO_IPV6,
    ),
    AllowedSkip(
        "tests/torture/test_disk.py::test_full_disk_tmpfs",
        r"^no mount namespace here",
        f"{_NO_MOUNTS}; test_full_disk_rlimit_fsize covers a full disk",
    ),
    AllowedSkip(
        "tests/torture/test_disk.py::test_unwritable_maildir[[]ro-bind[]]",
        r"^no mount namespace here",
        f"{_NO_MOUNTS}; the [immutable] and [file] variants cover an unwritable Maildir",
    ),
    AllowedSkip(
        "tests/torture/test_disk.py::test_unwritable_maildir[[]immutable[]]",
        r"^this process lacks CAP_LINUX_IMMUTABLE",
        "containers drop CAP_LINUX_IMMUTABLE by default (Docker does); the [file] variant and "
        "tests/store/test_maildir.py (run as an unprivileged user) cover an unwritable Maildir",
    ),
)


def allowed_skip(nodeid: str, reason: str) -> AllowedSkip | None:
    """The entry that allows test *nodeid* to skip in CI for *reason*, if any."""
    return next((entry for entry in ALLOWED_IN_CI if entry.allows(nodeid, reason)), None)
