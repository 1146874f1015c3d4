"""The ``deliver`` scenario: POP3 mail delivered elsewhere (``--deliver``), issue 16's bench.

The mixed corpus sits in a POP3 mailbox of the bench's Dovecot; each timed run delivers all
of it to a fresh user of the same Dovecot, over IMAP or LMTP:

- ``popgui-imap``: ``popgui sync`` with ``--deliver imap://…`` (APPENDs pipelined with
  LITERAL+, one connection);
- ``popgui-lmtp``: ``popgui sync`` with ``--deliver lmtp://…`` (one transaction per message);
- ``fetchmail-lmtp``: fetchmail with ``lmtp`` and ``smtphost``, the usual way to hand POP
  mail to a local Dovecot;
- ``imaplib``: the loop a script writes (bench/baselines.py): poplib RETR, imaplib APPEND,
  one round trip each.

Every client keeps the mail on the server and logs in to POP3 with USER/PASS in clear text
on 127.0.0.1; popgui speaks IMAP over STARTTLS (it refuses to send a password in clear
text when the server offers encryption), the imaplib loop in clear text, and LMTP is clear
text for everyone (a server on this computer). A run's ``maildir`` is a link to the
destination user's Maildir, so the runner's check (the right number of messages arrived)
counts what the destination holds.
"""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
import sys

from bench.clients import Client, Job, popgui_command, with_repo_path, write_private
from bench.server import PASSWORD, BenchServer

_serial = itertools.count()


class _Destination(Client):
    """A client whose mail goes to a fresh user of the bench's Dovecot."""

    def __init__(self, server: BenchServer) -> None:
        self.server = server
        self.target = ""

    def prepare(self, job: Job) -> None:
        assert self.server.dovecot is not None
        self.target = f"dest{os.getpid()}x{next(_serial)}"
        maildir = self.server.dovecot.add_user(self.target, PASSWORD)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        job.maildir.symlink_to(maildir, target_is_directory=True)

    @property
    def ports(self) -> tuple[int, int]:
        assert self.server.dovecot is not None
        return self.server.dovecot.imap_port, self.server.dovecot.lmtp_port


class PopguiDeliver(_Destination):
    via = ""

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        imap_port, lmtp_port = self.ports
        if self.via == "imap":
            deliver = [
                "--deliver", f"imap://{self.target}@127.0.0.1:{imap_port}/INBOX",
                "--deliver-ca-file", str(self.server.ca_cert),
                "--deliver-password-command", shlex.join(["printf", "%s", PASSWORD]),
            ]  # fmt: skip
        else:
            deliver = ["--deliver", f"lmtp://127.0.0.1:{lmtp_port}", "--deliver-to", self.target]
        add = [
            *popgui_command(), "--profile", str(job.work / "profile"), "account", "add", "bench",
            "--host", job.host, "--port", str(job.port), "--security", "none", "--auth", "user",
            "--user", job.user, "--password-command", shlex.join(["printf", "%s", job.password]),
            "--keep", *deliver,
        ]  # fmt: skip
        done = subprocess.run(add, capture_output=True, text=True, env=self.env(job), check=False)
        if done.returncode != 0:
            raise RuntimeError(f"popgui account add failed: {done.stderr.strip()}")

    def command(self, job: Job) -> list[str]:
        return [*popgui_command(), "--profile", str(job.work / "profile"), "sync"]


class PopguiImap(PopguiDeliver):
    name = "popgui-imap"
    via = "imap"


class PopguiLmtp(PopguiDeliver):
    name = "popgui-lmtp"
    via = "lmtp"


class FetchmailLmtp(_Destination):
    name = "fetchmail-lmtp"
    binary = "fetchmail"

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        _imap_port, lmtp_port = self.ports
        write_private(
            job.work / "fetchmailrc",
            "set no syslog\nset no bouncemail\n"
            f"poll {job.host} protocol pop3 port {job.port} uidl auth password\n"
            f'  user "{job.user}" there with password "{job.password}" is "{self.target}" here\n'
            f"  keep sslproto '' lmtp smtphost 127.0.0.1/{lmtp_port} "
            f'smtpname "{self.target}"\n',
        )

    def command(self, job: Job) -> list[str]:
        return [
            "fetchmail", "--fetchmailrc", str(job.work / "fetchmailrc"), "--nodetach",
            "--idfile", str(job.work / "fetchids"), "--pidfile", str(job.work / "fetchmail.pid"),
            "--silent",
        ]  # fmt: skip

    def env(self, job: Job) -> dict[str, str]:
        return dict(super().env(job), FETCHMAILHOME=str(job.work))


class ImaplibLoop(_Destination):
    name = "imaplib"

    def command(self, job: Job) -> list[str]:
        imap_port, _lmtp_port = self.ports
        return [
            sys.executable, "-m", "bench.baselines", "imaplib", "--host", job.host,
            "--port", str(job.port), "--user", job.user, "--password", job.password,
            "--imap-port", str(imap_port), "--imap-user", self.target,
        ]  # fmt: skip

    def env(self, job: Job) -> dict[str, str]:
        return with_repo_path(super().env(job))


def deliver_clients(server: BenchServer) -> list[Client]:
    """The clients of the ``deliver`` scenario, those whose program is installed."""
    clients: list[Client] = [
        PopguiImap(server),
        PopguiLmtp(server),
        FetchmailLmtp(server),
        ImaplibLoop(server),
    ]
    return [client for client in clients if client.missing() is None]
