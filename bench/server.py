"""The benchmark's Dovecot: tests/support/dovecot.py's private instance, one user per corpus.

Dovecot's own start-up and its first pass over a new mailbox (index and cache building, see
/work/shared/ref/real-services-in-tests.md) are never timed: the scenario runner calls
:meth:`BenchServer.list_once`, then reads the mailbox once with the raw pipelined reader,
before any client (``Runner.warm`` in bench/scenarios.py).
"""

from __future__ import annotations

import os
import poplib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bench  # noqa: F401  (puts the repository on sys.path for tests.support)
from bench.corpus import CorpusInfo, MaildirWriter
from tests.support.certs import make_test_pki
from tests.support.dovecot import DovecotServer, DovecotUnavailable

PASSWORD = "bench-secret"

__all__ = ["PASSWORD", "BenchServer", "DovecotUnavailable", "Mailbox"]


@dataclass(frozen=True)
class Mailbox:
    """A user on the server and what its mailbox holds."""

    user: str
    corpus: CorpusInfo


class BenchServer:
    """Start with :meth:`start`, add mailboxes, :meth:`stop` at the end (also on errors)."""

    def __init__(self) -> None:
        # Dovecot's unprivileged processes must reach the files: a world-searchable /tmp dir.
        self.directory = Path(tempfile.mkdtemp(prefix="popgui-bench-dovecot-"))
        self.directory.chmod(0o755)
        self.dovecot: DovecotServer | None = None
        self.ca_cert: Path | None = None

    @property
    def port(self) -> int:
        assert self.dovecot is not None
        return self.dovecot.plain_port

    def start(self) -> None:
        pki = make_test_pki(self.directory / "pki")
        #: The authority behind Dovecot's certificate (IMAP STARTTLS: bench/destinations.py).
        self.ca_cert = pki.ca_cert
        self.dovecot = DovecotServer(self.directory / "dovecot", pki)
        self.dovecot.start()

    def stop(self) -> None:
        if self.dovecot is not None:
            self.dovecot.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def add_mailbox(self, user: str, fill: Callable[[MaildirWriter], CorpusInfo]) -> Mailbox:
        """Create ``user`` and let ``fill`` write its messages straight into its Maildir."""
        assert self.dovecot is not None
        maildir = self.dovecot.add_user(user, PASSWORD)
        stat = os.stat(maildir)
        corpus = fill(MaildirWriter(maildir, stat.st_uid, stat.st_gid))
        return Mailbox(user, corpus)

    def list_once(self, user: str) -> int:
        """One UIDL + LIST pass (Dovecot indexes the mailbox); returns the message count."""
        client = poplib.POP3("127.0.0.1", self.port, timeout=600)
        try:
            client.user(user)
            client.pass_(PASSWORD)
            uids = client.uidl()[1]
            client.list()
            return len(uids)
        finally:
            client.quit()
