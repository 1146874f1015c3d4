"""The clients under test, each driven as a user would drive it: a command in a subprocess.

Every client downloads into a Maildir of its own (``WORK/maildir``) and keeps mail on the
server; a fresh ``WORK`` directory means a clean state (no UIDL memory, empty Maildir).

Fairness notes (also in docs/performance.md):

- everyone logs in with USER/PASS over plain TCP (popgui is told ``--auth user``);
- mpop delivers to the Maildir itself and fsyncs each message; popgui fsyncs each file and
  the directory once per batch; the poplib loop fsyncs each file;
- fetchmail cannot write a Maildir: it hands each message to an MDA. The cheapest honest
  one is a shell line, ``cat`` into ``tmp/`` then ``mv`` into ``new/`` (three processes
  per message, no fsync); getmail6 writes the Maildir itself.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

POPGUI_SCRIPT = Path(sys.executable).parent / "popgui"


@dataclass(frozen=True)
class Job:
    """One client run: where the server is and the run's private directory."""

    host: str
    port: int
    user: str
    password: str
    work: Path
    resync: bool = False

    @property
    def maildir(self) -> Path:
        return self.work / "maildir"


def make_maildir(path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)


def stored_messages(maildir: Path) -> int:
    """How many messages a Maildir holds (``new`` and ``cur``)."""
    return sum(len(os.listdir(maildir / sub)) for sub in ("new", "cur"))


def write_private(path: Path, text: str) -> None:
    """A configuration file holding a password: mode 0600, as mpop and fetchmail insist."""
    path.write_text(text, "utf-8")
    path.chmod(0o600)


#: The two popgui builds a run can compare: the checkout this bench belongs to, and a baseline
#: source tree given with ``--baseline-tree`` (see bench/install.py).
POPGUI = "popgui"
POPGUI_BEFORE = "popgui-before"

#: The ``popgui`` script each build's timed runs use, by client name (see bench/install.py).
#: Absent for ``popgui``: the checkout's; absent for ``popgui-before``: not measured.
_installed_popgui: dict[str, Path] = {}


def use_installed_popgui(script: Path | None, name: str = POPGUI) -> None:
    if script is None:
        _installed_popgui.pop(name, None)
    else:
        _installed_popgui[name] = script


def installed_popgui(name: str) -> Path | None:
    return _installed_popgui.get(name)


def popgui_command(name: str = POPGUI) -> list[str]:
    """The ``popgui`` script the bench installed for ``name``; for the checkout's build, else
    the interpreter's script (not a pyenv shim), else ``python -m popgui``."""
    script = _installed_popgui.get(name)
    if script is not None:
        return [str(script)]
    if name != POPGUI:
        raise LookupError(f"{name} is not installed")
    if POPGUI_SCRIPT.exists():
        return [str(POPGUI_SCRIPT)]
    return [sys.executable, "-m", "popgui"]


class Client:
    """A client: what it needs installed, how to set it up, how to run it."""

    name: ClassVar[str]
    binary: ClassVar[str | None] = None
    ok_codes: ClassVar[frozenset[int]] = frozenset({0})
    writes_mail: ClassVar[bool] = True

    def missing(self) -> str | None:
        """Why this client cannot run here, or None."""
        if self.binary is not None and shutil.which(self.binary) is None:
            return f"{self.name}: `{self.binary}` is not installed (apt-get install {self.binary})"
        return None

    def prepare(self, job: Job) -> None:
        make_maildir(job.maildir)

    def command(self, job: Job) -> list[str]:
        raise NotImplementedError

    def env(self, job: Job) -> dict[str, str]:
        env = dict(os.environ, HOME=str(job.work), LC_ALL="C.UTF-8")
        env.pop("POPGUI_PROFILE", None)
        return env


class Popgui(Client):
    """The checkout's popgui."""

    name = POPGUI

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        password_command = shlex.join(["printf", "%s", job.password])
        add = [
            *popgui_command(self.name),
            "--profile",
            str(job.work / "profile"),
            "account",
            "add",
            "bench",
            "--host",
            job.host,
            "--port",
            str(job.port),
            "--security",
            "none",
            "--auth",
            "user",
            "--user",
            job.user,
            "--password-command",
            password_command,
            "--maildir",
            str(job.maildir),
            "--keep",
        ]
        done = subprocess.run(add, capture_output=True, text=True, env=self.env(job), check=False)
        if done.returncode != 0:
            raise RuntimeError(f"popgui account add failed: {done.stderr.strip()}")

    def command(self, job: Job) -> list[str]:
        return [*popgui_command(self.name), "--profile", str(job.work / "profile"), "sync"]


class PopguiBefore(Popgui):
    """popgui built from the ``--baseline-tree`` checkout, driven exactly like the checkout's."""

    name = POPGUI_BEFORE

    def missing(self) -> str | None:
        if installed_popgui(self.name) is None:
            return f"{self.name}: no --baseline-tree was given, or it did not install"
        return None


class Mpop(Client):
    name = "mpop"
    binary = "mpop"

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        write_private(
            job.work / "mpoprc",
            f"defaults\ntls off\nauth user\n\naccount bench\nhost {job.host}\n"
            f"port {job.port}\nuser {job.user}\npassword {job.password}\n"
            f"delivery maildir {job.maildir}\nkeep on\nonly_new on\n"
            f"uidls_file {job.work / 'mpop-uidls'}\n",
        )

    def command(self, job: Job) -> list[str]:
        return ["mpop", f"--file={job.work / 'mpoprc'}", "--quiet", "bench"]


class Fetchmail(Client):
    name = "fetchmail"
    binary = "fetchmail"
    ok_codes = frozenset({0, 1})  # 1: "no mail", the answer of a no-op re-sync

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        mda = f"t={job.maildir}/tmp/fm.$$; cat > $t && mv $t {job.maildir}/new/"
        write_private(
            job.work / "fetchmailrc",
            "set no syslog\nset no bouncemail\n"
            f"poll {job.host} protocol pop3 port {job.port} uidl auth password\n"
            f'  user "{job.user}" there with password "{job.password}"\n'
            f"  keep sslproto '' mda \"{mda}\"\n",
        )

    def command(self, job: Job) -> list[str]:
        return [
            "fetchmail",
            "--fetchmailrc",
            str(job.work / "fetchmailrc"),
            "--nodetach",
            "--idfile",
            str(job.work / "fetchids"),
            "--pidfile",
            str(job.work / "fetchmail.pid"),
            "--silent",
        ]

    def env(self, job: Job) -> dict[str, str]:
        return dict(super().env(job), FETCHMAILHOME=str(job.work))


class Getmail(Client):
    """getmail6 refuses to deliver as root: then it delivers as the mail user (its ``user``)."""

    name = "getmail6"
    binary = "getmail"

    def prepare(self, job: Job) -> None:
        super().prepare(job)
        (job.work / "getmail").mkdir(exist_ok=True)
        write_private(job.work / "getmailrc", self.rc(job) + delivery_user(job.maildir))

    @staticmethod
    def rc(job: Job) -> str:
        return (
            f"[retriever]\ntype = SimplePOP3Retriever\nserver = {job.host}\nport = {job.port}\n"
            f"username = {job.user}\npassword = {job.password}\n\n"
            "[options]\nverbose = 0\nread_all = false\ndelete = false\n"
            "message_log_syslog = false\n\n"
            f"[destination]\ntype = Maildir\npath = {job.maildir}/\n"
        )

    def command(self, job: Job) -> list[str]:
        return [
            "getmail",
            f"--getmaildir={job.work / 'getmail'}",
            f"--rcfile={job.work / 'getmailrc'}",
        ]


class Poplib(Client):
    name = "poplib"

    def command(self, job: Job) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bench.baselines",
            "poplib",
            "--host",
            job.host,
            "--port",
            str(job.port),
            "--user",
            job.user,
            "--password",
            job.password,
            "--maildir",
            str(job.maildir),
            "--state",
            str(job.work / "poplib-uidls"),
        ]

    def env(self, job: Job) -> dict[str, str]:
        return with_repo_path(super().env(job))


class Raw(Client):
    """The floor: pipelined RETRs, nothing written (a re-sync: one bare UIDL)."""

    name = "raw"
    writes_mail = False

    def command(self, job: Job) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "bench.baselines",
            "raw",
            "--host",
            job.host,
            "--port",
            str(job.port),
            "--user",
            job.user,
            "--password",
            job.password,
        ]
        return [*command, "--list-only"] if job.resync else command

    def env(self, job: Job) -> dict[str, str]:
        return with_repo_path(super().env(job))


def delivery_user(maildir: Path) -> str:
    """As root: a ``user =`` line for getmail's destination, the Maildir given to that user."""
    if os.geteuid() != 0:
        return ""
    from tests.support.dovecot import ensure_mail_user

    account = ensure_mail_user()
    for path in (maildir, *(maildir / sub for sub in ("cur", "new", "tmp"))):
        os.chown(path, account.pw_uid, account.pw_gid)
    return f"user = {account.pw_name}\n"


def with_repo_path(env: dict[str, str]) -> dict[str, str]:
    from bench import REPO

    return dict(env, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))


ALL_CLIENTS: tuple[Client, ...] = (
    Popgui(),
    PopguiBefore(),
    Mpop(),
    Fetchmail(),
    Getmail(),
    Poplib(),
    Raw(),
)
CLIENT_NAMES = tuple(client.name for client in ALL_CLIENTS)
