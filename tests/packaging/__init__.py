"""Packaging checks: the wheel, the Linux desktop files, the man page.

The validators these tests run (``desktop-file-validate``, ``appstreamcli``, ``man``) are
skipped where they are missing on a developer's machine, but not in CI (``CI=true``), where
.ci/run installs them: there a missing program fails the test, so a green CI means they ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def need_program(name: str, package: str) -> str:
    """The full path of ``name``; skips (fails in CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
            pytest.fail(f"CI=true: {reason}; .ci/run installs it", pytrace=False)
        pytest.skip(reason)
    return path
