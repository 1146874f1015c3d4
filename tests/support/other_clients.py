"""Other POP3 clients from Debian (mpop, fetchmail, getmail6), run for real against the test
Dovecot so that their state files are the ones they really write (``account import-state``).

Each keeps the mail on the server and delivers into a Maildir of its own, returns the state
file it wrote, and fails the test with its output if it did not succeed. Their files live in a
folder under the Dovecot's own directory: getmail6 refuses to deliver as root and delivers as
the mail user, who must reach the Maildir.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.dovecot import DovecotServer, MailUser, ensure_mail_user


def client_folder(dovecot: DovecotServer, user: MailUser, client: str) -> Path:
    """A fresh folder for one client's files, with an empty Maildir in it."""
    folder = dovecot.directory / f"{client}-{user.name}"
    for sub in ("cur", "new", "tmp"):
        (folder / "Maildir" / sub).mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    return folder


def _write_private(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    path.chmod(0o600)  # all three refuse a readable file holding a password


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise AssertionError(f"{command[0]} is not installed (apt-get install {command[0]})")
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert done.returncode == 0, (command[0], done.returncode, done.stdout, done.stderr)


def run_mpop(dovecot: DovecotServer, user: MailUser) -> Path:
    """mpop with ``keep on`` and ``only_new on``; returns its ``uidls_file``."""
    folder = client_folder(dovecot, user, "mpop")
    rc = folder / "mpoprc"
    _write_private(
        rc,
        f"defaults\ntls off\nauth user\n\naccount test\nhost 127.0.0.1\n"
        f"port {dovecot.plain_port}\nuser {user.name}\npassword {user.password}\n"
        f"delivery maildir {folder / 'Maildir'}\nkeep on\nonly_new on\n"
        f"uidls_file {folder / 'mpop-uidls'}\n",
    )
    _run(["mpop", f"--file={rc}", "--quiet", "test"])
    return folder / "mpop-uidls"


def run_fetchmail(dovecot: DovecotServer, user: MailUser) -> Path:
    """fetchmail with ``keep`` and ``uidl``, an mda writing into a Maildir; its ``.fetchids``."""
    folder = client_folder(dovecot, user, "fetchmail")
    maildir = folder / "Maildir"
    mda = f"t={maildir}/tmp/fm.$$; cat > $t && mv $t {maildir}/new/"
    rc = folder / "fetchmailrc"
    _write_private(
        rc,
        "set no syslog\nset no bouncemail\n"
        f"poll 127.0.0.1 protocol pop3 port {dovecot.plain_port} uidl auth password\n"
        f'  user "{user.name}" there with password "{user.password}"\n'
        f"  keep sslproto '' mda \"{mda}\"\n",
    )
    ids = folder / ".fetchids"
    _run(
        ["fetchmail", "--fetchmailrc", str(rc), "--nodetach", "--silent", "--idfile", str(ids),
         "--pidfile", str(folder / "fetchmail.pid")],
        env={"FETCHMAILHOME": str(folder)},
    )  # fmt: skip
    return ids


def run_getmail(dovecot: DovecotServer, user: MailUser) -> Path:
    """getmail6 with ``delete = false``; returns its ``oldmail-HOST-PORT-USER`` file."""
    folder = client_folder(dovecot, user, "getmail")
    maildir = folder / "Maildir"
    getmail_dir = folder / "getmail"
    getmail_dir.mkdir(exist_ok=True)
    as_user = ""
    if os.geteuid() == 0:  # getmail6 will not deliver as root: as the mail user, then
        account = ensure_mail_user()
        for path in (maildir, *(maildir / sub for sub in ("cur", "new", "tmp"))):
            os.chown(path, account.pw_uid, account.pw_gid)
        as_user = f"user = {account.pw_name}\n"
    rc = folder / "getmailrc"
    _write_private(
        rc,
        f"[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\n"
        f"port = {dovecot.plain_port}\nusername = {user.name}\npassword = {user.password}\n\n"
        "[options]\nverbose = 0\nread_all = false\ndelete = false\n"
        "message_log_syslog = false\n\n"
        f"[destination]\ntype = Maildir\npath = {maildir}/\n{as_user}",
    )
    _run(["getmail", f"--getmaildir={getmail_dir}", f"--rcfile={rc}"])
    return getmail_dir / f"oldmail-127.0.0.1-{dovecot.plain_port}-{user.name}"


def stored_count(dovecot: DovecotServer, user: MailUser, client: str) -> int:
    """How many messages the client delivered into its Maildir."""
    maildir = dovecot.directory / f"{client}-{user.name}" / "Maildir"
    return sum(1 for sub in ("new", "cur") for _ in (maildir / sub).iterdir())
