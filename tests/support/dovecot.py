"""A private Dovecot POP3 server for tests (see ../shared/ref/real-services-in-tests.md).

``DovecotServer(directory, pki)`` writes a configuration under ``directory`` and runs
``dovecot -F -c CONFIG`` with its own ``base_dir``, ``state_dir`` and log file there, listening
on 127.0.0.1 only:

- ``plain_port``: POP3 in clear text, offering STLS (the test PKI's server certificate);
- ``tls_port``: POP3 over implicit TLS with the same certificate;
- ``imap_port`` (STARTTLS offered) and ``imaps_port``: IMAP on the same mailboxes, and
  ``lmtp_port``: LMTP in clear text delivering into them (the destinations of
  ``--deliver``). ``imap_capability`` replaces what IMAP announces (Dovecot's
  ``imap_capability`` setting), e.g. to hide UIDPLUS or LITERAL+.

Users live in passwd-files (one per user) with ``{PLAIN}`` passwords, which is what lets
Dovecot offer APOP (the greeting carries the timestamp) and CRAM-MD5/SCRAM next to PLAIN and
LOGIN. The auth
penalty (growing delays after a failed login from the same address) and the per-failure delay
are switched off so that one wrong-password test cannot slow down the next ones.

Mail processes refuse to run as root, so when the tests run as root every mailbox belongs to
the unprivileged system user ``popgui-test``, created with ``useradd -r`` if it is missing.
Run as an ordinary user, Dovecot runs every process as that user instead. Either way the
mail user must be able to reach ``directory``: the ``dovecot`` fixture uses a fresh
``/tmp/popgui-dovecot-*`` directory for that reason (pytest's own temporary directories are
private to their owner).

Messages are delivered by dropping files into ``Maildir/new`` (through ``tmp``), which Dovecot
serves at once.

``DovecotServer(directory, pki, oauth2_introspection_url=URL)`` also offers XOAUTH2 and
OAUTHBEARER, checked by Dovecot's ``oauth2`` passdb, which asks URL about each token
(``introspection_mode = auth``; tests/support/oauth_introspection.py answers). The passwd-file
passdb then serves only the password mechanisms, so a password never passes for a token.

``DovecotServer(directory, pki, client_ca=PATH)`` requires a TLS client certificate issued by
the CA in PATH (``ssl_verify_client_cert``, ``auth_ssl_require_client_cert``; no CRL is asked
for, the test CA has none). A client may still connect and read the greeting without one in
clear text; logging in needs the certificate.

``DovecotServer(directory, pki, kerberos=DovecotKerberos(keytab, krb5_conf))`` also offers
GSSAPI (Kerberos 5, tests/support/kerberos.py): the keytab holds ``pop/HOST`` for the
``hostname`` Dovecot accepts (``auth_gssapi_hostname``, "localhost" by default), KRB5_CONFIG
and a replay-cache directory of its own reach the auth process through ``import_environment``
(Dovecot clears its children's environment), and ``auth_username_format = %Ln`` turns the
ticket's ``alice@REALM`` into the user ``alice``. The password mechanisms stay as they are.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.certs import TestPKI

MAIL_USER = "popgui-test"
INTERNAL_USER = "dovecot"  # the package's default_internal_user
AUTH_MECHANISMS = "plain login cram-md5 apop scram-sha-1 scram-sha-256"
OAUTH_MECHANISMS = "xoauth2 oauthbearer"

_PASSWD_PASSDB = """\
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}/%u
}}"""

# With OAuth2 each passdb is limited to its mechanisms: a passwd-file passdb asked about an
# XOAUTH2 login would compare the token with the user's password.
_OAUTH_PASSDBS = """\
passdb {{
  driver = oauth2
  mechanisms = {oauth_mechanisms}
  args = {oauth_conf}
}}
passdb {{
  driver = passwd-file
  mechanisms = {mechanisms}
  args = scheme=PLAIN username_format=%u {passwd}/%u
}}"""

# introspection_mode = auth: Dovecot sends the token as "Authorization: Bearer" in a GET;
# the SASL user must equal the answer's "username" (the default attribute is "email").
_OAUTH_CONF = """\
introspection_mode = auth
introspection_url = {url}
client_id = popgui-tests
client_secret = not-a-secret
username_attribute = username
active_attribute = active
active_value = true
scope = mail
"""

_CONFIG = """\
# Written by tests/support/dovecot.py: a private POP3 server for popgui's tests.
protocols = pop3 imap lmtp
listen = 127.0.0.1
base_dir = {base_dir}
state_dir = {state_dir}
log_path = {log}
info_log_path = {log}
debug_log_path = {log}
instance_name = popgui-test-{port}
shutdown_clients = yes
{process_users}
first_valid_uid = 1
first_valid_gid = 1

ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
{client_certificates}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
auth_verbose = yes

{passdbs}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={users}/%u
}}
mail_location = maildir:{users}/%u/Maildir

service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {port}
  }}
  inet_listener pop3s {{
    port = {tls_port}
    ssl = yes
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
{imap_capability}
{kerberos}
"""

_CLIENT_CERTIFICATES = """\
ssl_ca = <{ca}
ssl_verify_client_cert = yes
auth_ssl_require_client_cert = yes
ssl_require_crl = no
"""


# Dovecot's default import_environment, plus what its Kerberos library needs.
_KERBEROS = """\
import_environment = {environment}
auth_krb5_keytab = {keytab}
auth_gssapi_hostname = "{hostname}"
auth_username_format = %Ln
"""


@dataclass(frozen=True)
class DovecotKerberos:
    """What Dovecot needs to accept Kerberos (GSSAPI) logins."""

    keytab: Path  #: holds pop/HOSTNAME@REALM, readable by the auth process (root:dovecot 0640)
    krb5_conf: Path  #: the realm's krb5.conf (never /etc/krb5.conf)
    rcache_dir: Path | None = None  #: the replay cache's directory; None: one in the server's
    hostname: str = "localhost"  #: auth_gssapi_hostname: the HOST of the pop/HOST it accepts


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or cannot run here (the fixture turns this into a skip)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_mail_user() -> pwd.struct_passwd:
    """The account that owns the Maildirs: ``popgui-test`` as root, else the current user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(MAIL_USER)
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        raise DovecotUnavailable(f"cannot create the system user {MAIL_USER}: no useradd")
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", "--user-group", MAIL_USER],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return pwd.getpwnam(MAIL_USER)


def _group_alive(pgid: int) -> bool:
    """True while a process of the group is running (zombies waiting to be reaped don't count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


@dataclass(frozen=True)
class MailUser:
    """A POP3 user on the test server."""

    name: str
    password: str
    maildir: Path


class DovecotServer:
    """One private Dovecot instance. ``start()`` then use the ports; ``stop()`` at the end."""

    def __init__(
        self,
        directory: Path,
        pki: TestPKI,
        *,
        oauth2_introspection_url: str | None = None,
        imap_capability: str | None = None,
        client_ca: Path | None = None,
        kerberos: DovecotKerberos | None = None,
    ) -> None:
        self.directory = directory.resolve()
        #: With Kerberos settings, GSSAPI is offered next to the password mechanisms.
        self.kerberos = kerberos
        #: The CA whose client certificates are required to log in (None: none is asked).
        self.client_ca = client_ca
        #: What IMAP announces instead of Dovecot's own list (None: Dovecot's own).
        self.imap_capability = imap_capability
        #: With an introspection URL, XOAUTH2 and OAUTHBEARER are offered too, and Dovecot's
        #: oauth2 passdb asks that URL about each token (tests/support/oauth_introspection.py).
        self.oauth2_introspection_url = oauth2_introspection_url
        self.pki = pki
        self.config = self.directory / "dovecot.conf"
        self.base_dir = self.directory / "run"
        self.state_dir = self.directory / "state"
        self.users_dir = self.directory / "users"
        # One passwd-file per user: Dovecot re-reads a changed passwd-file at most once a
        # second, so a user added to a shared file could not log in at once.
        self.passwd_dir = self.directory / "passwd.d"
        self.log_file = self.directory / "dovecot.log"
        self.plain_port = 0
        self.tls_port = 0
        self.imap_port = 0
        self.imaps_port = 0
        self.lmtp_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._uid = self._gid = -1  # the mail user's, known once started
        self._serial = itertools.count()
        binary = shutil.which("dovecot") or (
            "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
        )
        if binary is None:
            raise DovecotUnavailable(
                "Dovecot is not installed (apt-get install dovecot-core dovecot-pop3d "
                "dovecot-imapd dovecot-lmtpd)"
            )
        self.binary = binary
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        self.doveadm = doveadm

    # -- life cycle -------------------------------------------------------------------------

    def start(self, *, timeout: float = 20.0) -> None:
        """Write the configuration, start Dovecot and wait until both ports answer."""
        account = ensure_mail_user()
        self._uid, self._gid = account.pw_uid, account.pw_gid
        for path in (self.directory, self.users_dir):
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o755)
        self._check_reachable()
        self.state_dir.mkdir(exist_ok=True)
        self.passwd_dir.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:  # read by the auth process, which runs as dovecot's user
            os.chown(self.passwd_dir, pwd.getpwnam(INTERNAL_USER).pw_uid, 0)
        last_error = ""
        for _attempt in range(3):  # a free port can be taken by someone else in between
            self.plain_port, self.tls_port = free_port(), free_port()
            self.imap_port, self.imaps_port, self.lmtp_port = free_port(), free_port(), free_port()
            self._write_config()
            with contextlib.suppress(FileNotFoundError):  # stale socket: ref doc
                (self.base_dir / "anvil-auth-penalty").unlink()
            try:
                self._launch(timeout)
                return
            except DovecotUnavailable as error:
                last_error = str(error)
                if "in use" not in last_error:
                    raise
        raise DovecotUnavailable(last_error)

    def _check_reachable(self) -> None:
        if os.geteuid() != 0:
            return
        for parent in self.directory.parents:
            if not parent.stat().st_mode & 0o001:
                raise DovecotUnavailable(
                    f"{parent} is private to its owner: Dovecot's unprivileged processes cannot "
                    "reach the test server's files; use a directory like tempfile.mkdtemp()'s "
                    "made world-searchable (chmod 0755)"
                )

    def _write_config(self) -> None:
        if os.geteuid() == 0:
            process_users = ""  # the package's dovecot/dovenull users
        else:
            me = pwd.getpwuid(os.geteuid()).pw_name
            process_users = f"default_internal_user = {me}\ndefault_login_user = {me}"
        mechanisms, passdbs = self._auth_config()
        self.config.write_text(
            _CONFIG.format(
                base_dir=self.base_dir,
                state_dir=self.state_dir,
                log=self.log_file,
                process_users=process_users,
                cert=self.pki.server_cert,
                key=self.pki.server_key,
                client_certificates=(
                    "" if self.client_ca is None else _CLIENT_CERTIFICATES.format(ca=self.client_ca)
                ),
                mechanisms=mechanisms,
                passdbs=passdbs,
                uid=self._uid,
                gid=self._gid,
                users=self.users_dir,
                port=self.plain_port,
                tls_port=self.tls_port,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                lmtp_port=self.lmtp_port,
                imap_capability=(
                    ""
                    if self.imap_capability is None
                    else f"imap_capability = {self.imap_capability}"
                ),
                kerberos=self._kerberos_config(),
            ),
            "utf-8",
        )

    def _kerberos_config(self) -> str:
        kerberos = self.kerberos
        if kerberos is None:
            return ""
        rcache_dir = kerberos.rcache_dir or self.directory / "krb5-rcache"
        rcache_dir.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:  # the auth process (dovecot's user) writes the replay cache
            os.chown(rcache_dir, pwd.getpwnam(INTERNAL_USER).pw_uid, 0)
        environment = (
            "TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS "
            f"KRB5_CONFIG={kerberos.krb5_conf} KRB5RCACHEDIR={rcache_dir}"
        )
        return _KERBEROS.format(
            environment=environment,
            keytab=kerberos.keytab,
            hostname=kerberos.hostname,
        )

    def _auth_config(self) -> tuple[str, str]:
        """The auth_mechanisms line and the passdb blocks."""
        url = self.oauth2_introspection_url
        if url is None:
            mechanisms = AUTH_MECHANISMS if self.kerberos is None else f"{AUTH_MECHANISMS} gssapi"
            return mechanisms, _PASSWD_PASSDB.format(passwd=self.passwd_dir)
        oauth_conf = self.directory / "dovecot-oauth2.conf.ext"
        oauth_conf.write_text(_OAUTH_CONF.format(url=url), "utf-8")
        oauth_conf.chmod(0o644)  # read by the auth process; nothing secret in it
        passdbs = _OAUTH_PASSDBS.format(
            oauth_mechanisms=OAUTH_MECHANISMS,
            oauth_conf=oauth_conf,
            mechanisms=AUTH_MECHANISMS,
            passwd=self.passwd_dir,
        )
        return f"{AUTH_MECHANISMS} {OAUTH_MECHANISMS}", passdbs

    def _launch(self, timeout: float) -> None:
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        output = self.directory / "dovecot.out"
        # Redirect every standard stream to a file: the daemon keeps inherited descriptors,
        # and a caller reading a pipe from it would wait forever for end-of-file.
        with open(os.devnull, "rb") as devnull, open(output, "ab") as out:
            self._process = subprocess.Popen(
                [self.binary, "-F", "-c", str(self.config)],
                stdin=devnull, stdout=out, stderr=out, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                problem = output.read_text("utf-8", "replace") + self._log_since(log_offset)
                raise DovecotUnavailable(f"Dovecot exited at start:\n{problem}")
            if all(self._answers(port) for port in self.ports):
                return
            time.sleep(0.05)
        self.stop()
        raise DovecotUnavailable(f"Dovecot did not answer within {timeout} s:\n{self.log_text()}")

    @property
    def lmtp_socket(self) -> Path:
        """LMTP on a Unix socket (the listener Dovecot's defaults give the lmtp service; the
        TCP one offers STARTTLS with the test certificate)."""
        return self.base_dir / "lmtp"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.plain_port, self.tls_port, self.imap_port, self.imaps_port, self.lmtp_port)

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self, *, timeout: float = 20.0) -> None:
        """``doveadm stop``, then wait for the master (and so its children) to exit."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            subprocess.run(
                [self.doveadm, "-c", str(self.config), "stop"],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False,
            )  # fmt: skip
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout)
        # The children run in the master's process group: give them a moment to finish
        # (the log process flushes), then make sure none outlives the server.
        deadline = time.monotonic() + 5
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- users and mail -----------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> Path:
        """Add a POP3 user with an empty Maildir; returns the Maildir's path."""
        if any(c in name + password for c in ":\n\r\0") or "/" in name or name.startswith("."):
            raise ValueError("user names and passwords may not contain ':', '/', CR, LF or NUL")
        passwd = self.passwd_dir / name
        passwd.write_text(f"{name}:{{PLAIN}}{password}\n", "utf-8")
        if os.geteuid() == 0:
            os.chown(passwd, pwd.getpwnam(INTERNAL_USER).pw_uid, 0)
        home = self.users_dir / name
        maildir = home / "Maildir"
        for path in (home, maildir, maildir / "cur", maildir / "new", maildir / "tmp"):
            path.mkdir(mode=0o700)
            os.chown(path, self._uid, self._gid)
        return maildir

    def maildir(self, user: str) -> Path:
        return self.users_dir / user / "Maildir"

    def deliver(self, user: str, content: bytes) -> Path:
        """Drop one message into the user's ``Maildir/new`` (written in ``tmp``, then renamed)."""
        maildir = self.maildir(user)
        name = f"{time.time_ns()}.P{os.getpid()}Q{next(self._serial)}.popgui-test"
        temporary = maildir / "tmp" / name
        with temporary.open("xb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chown(temporary, self._uid, self._gid)
        final = maildir / "new" / name
        os.rename(temporary, final)
        return final

    def server_messages(self, user: str) -> list[bytes]:
        """The messages now in the user's mailbox (``new`` and ``cur``), oldest delivery first."""
        maildir = self.maildir(user)
        files = [*maildir.joinpath("new").iterdir(), *maildir.joinpath("cur").iterdir()]
        files.sort(key=lambda path: path.name.split(":", 1)[0])
        return [path.read_bytes() for path in files]

    def reset_uidlist(self, user: str) -> None:
        """Forget the UIDs Dovecot gave: every message gets a new UIDL (a server migration)."""
        maildir = self.maildir(user)
        for path in maildir.glob("dovecot*"):
            if path.name == "dovecot-uidlist" or path.name.startswith("dovecot.index"):
                path.unlink()

    def set_uidl_format(self, user: str, uidl_format: str | None) -> None:
        """Serve *user*'s Maildir with this ``pop3_uidl_format`` from the next login on
        (None: the configuration's default, ``%08Xu%08Xv``); nothing in the Maildir changes.

        Switching between a format built from Dovecot's own numbering (``%u``, ``%v``) and one
        built from the file names (``%f``) renumbers every message for real, and switching
        back restores the old UIDLs: Dovecot computes UIDLs at each session from the format
        (``pop3_save_uidl`` is off, so its index keeps none). The format reaches the user as a
        ``userdb_`` extra field of its passwd-file line.
        """
        passwd = self.passwd_dir / user
        before = passwd.stat()
        name, password = passwd.read_text("utf-8").splitlines()[0].split(":")[:2]
        extra = ""
        if uidl_format is not None:  # "%" is Dovecot's variable sign in extra fields
            extra = "::::::userdb_pop3_uidl_format=" + uidl_format.replace("%", "%%")
        passwd.write_text(f"{name}:{password}{extra}\n", "utf-8")
        # The auth process looks at the file again only when its mtime (in seconds) or size
        # changed, and at most once per second: move the mtime on by a second, and wait for
        # the next second to begin.
        later = int(before.st_mtime) + 1
        os.utime(passwd, (later, later))
        time.sleep(1.05 - time.time() % 1)

    # -- inspection --------------------------------------------------------------------------

    def log_text(self) -> str:
        """Everything Dovecot logged so far (logins show ``method=APOP`` and the like)."""
        return self._log_since(0)

    def _log_since(self, offset: int) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


@contextlib.contextmanager
def private_dovecot(
    pki: TestPKI,
    *,
    oauth2_introspection_url: str | None = None,
    imap_capability: str | None = None,
    client_ca: Path | None = None,
    kerberos: DovecotKerberos | None = None,
) -> Iterator[DovecotServer]:
    """A started Dovecot of its own in a fresh directory, stopped and removed afterwards; the
    test skips (a failure in CI) where Dovecot cannot run.

    Not pytest's tmp_path: its directories are private to their owner, and Dovecot's
    unprivileged processes must reach the passwd file and the Maildirs.
    """
    import pytest

    directory = Path(tempfile.mkdtemp(prefix="popgui-dovecot-"))
    directory.chmod(0o755)
    try:
        try:
            server = DovecotServer(
                directory,
                pki,
                oauth2_introspection_url=oauth2_introspection_url,
                imap_capability=imap_capability,
                client_ca=client_ca,
                kerberos=kerberos,
            )
            server.start()
        except DovecotUnavailable as error:
            pytest.skip(str(error))
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
