"""popgui's benchmark harness: ``python -m bench`` (see docs/performance.md).

It starts a private Dovecot on loopback (tests/support/dovecot.py), fills it with deterministic
corpora, and times popgui against mpop, fetchmail, getmail6, a poplib baseline and a raw
pipelined floor, each run in a fresh subprocess from a clean state.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# tests.support.dovecot is imported as a package of the repository (moved nowhere).
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
