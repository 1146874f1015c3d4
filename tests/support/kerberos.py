"""A private Kerberos 5 realm for tests: an MIT KDC on loopback (see
../shared/ref/oauth-and-kerberos-rigs.md, "Kerberos 5 (GSSAPI)").

``KerberosRealm(directory)`` writes a ``krb5.conf`` and a ``kdc.conf`` for the realm
``POPGUI.TEST`` under ``directory``, creates the database (``kdb5_util create -s``) and runs
``krb5kdc -n`` listening on one free port, TCP and UDP, on 127.0.0.1 only
(``kdc_listen``/``kdc_tcp_listen``: ``kdc_ports`` would bind every address). Host names are
taken as given (``dns_canonicalize_hostname = false``, ``rdns = false``) and ``localhost``
belongs to the realm, so a client connected to ``localhost`` asks for ``pop/localhost``.

- ``add_user(name, password)``: a user principal (``name@POPGUI.TEST``);
- ``add_service(host)``: the mail service ``pop/HOST`` (the service name for POP is ``pop``,
  never ``pop3``), its key written to ``keytab``, which Dovecot's auth process (user
  ``dovecot``) can read: ``root:dovecot 0640`` when the tests run as root;
- ``kinit(user, password, ccache)`` gets a ticket with the ``kinit`` command (password on
  stdin), ``acquire_with_password(...)`` the same through ``gssapi.raw``
  (``acquire_cred_with_password`` then ``store_cred_into``), ``expired_ticket(...)`` one that
  has already expired (a 1-second lifetime, then a wait);
- ``env(ccache)``: ``KRB5_CONFIG`` and ``KRB5CCNAME`` for a subprocess (``popgui``), and
  ``stopped()`` stops the KDC for the duration of a ``with`` block (an unreachable KDC).

Everything a client needs is in ``krb5.conf``; ``kdc.conf`` (``KRB5_KDC_PROFILE``) is read by
the KDC and ``kadmin.local`` only. ``/etc/krb5.conf`` is never used.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

REALM = "POPGUI.TEST"
SERVICE = "pop"  # RFC 1734's registered GSSAPI service name for POP
INTERNAL_USER = "dovecot"

_KRB5_CONF = """\
# Written by tests/support/kerberos.py: a private realm for popgui's tests.
[libdefaults]
 default_realm = {realm}
 dns_lookup_kdc = false
 dns_lookup_realm = false
 dns_canonicalize_hostname = false
 rdns = false
 udp_preference_limit = 1
 kdc_timeout = 1000
 max_retries = 1
 clockskew = {clockskew}
[realms]
 {realm} = {{
  kdc = 127.0.0.1:{port}
 }}
[domain_realm]
 localhost = {realm}
 127.0.0.1 = {realm}
"""

_KDC_CONF = """\
[kdcdefaults]
 kdc_listen = 127.0.0.1:{port}
 kdc_tcp_listen = 127.0.0.1:{port}
[realms]
 {realm} = {{
  database_name = {directory}/principal
  key_stash_file = {directory}/stash
  acl_file = {directory}/kadm5.acl
  max_life = 10h
  max_renewable_life = 1d
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }}
[logging]
 kdc = FILE:{directory}/kdc.log
"""

_PROGRAMS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit")


class KerberosUnavailable(RuntimeError):
    """The MIT Kerberos programs are missing or the KDC cannot run (a skip outside CI)."""


def _program(name: str) -> str:
    found = shutil.which(name) or next(
        (f"{d}/{name}" for d in ("/usr/sbin", "/usr/bin") if os.access(f"{d}/{name}", os.X_OK)),
        None,
    )
    if found is None:
        raise KerberosUnavailable(
            f"{name} is not installed (apt-get install krb5-kdc krb5-admin-server krb5-user)"
        )
    return found


def free_port() -> int:
    """A port on 127.0.0.1 free for both TCP and UDP right now (the KDC listens on both)."""
    for _attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise KerberosUnavailable("no port free for both TCP and UDP on 127.0.0.1")


class KerberosRealm:
    """One private KDC. ``start()``, then add principals and get tickets; ``stop()`` at the end."""

    def __init__(self, directory: Path, *, realm: str = REALM, clockskew: int = 300) -> None:
        self.directory = directory.resolve()
        self.realm = realm
        self.clockskew = clockskew
        self.krb5_conf = self.directory / "krb5.conf"
        self.kdc_conf = self.directory / "kdc.conf"
        self.keytab = self.directory / "pop.keytab"
        self.log_file = self.directory / "kdc.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._programs = {name: _program(name) for name in _PROGRAMS}

    # -- life cycle -------------------------------------------------------------------------

    def start(self, *, timeout: float = 10.0) -> None:
        """Write the configuration, create the database and start the KDC."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)  # Dovecot's auth process reads krb5.conf and the keytab
        if not self.port:
            self.port = free_port()
            self._write_config()
            (self.directory / "kadm5.acl").write_text("", "utf-8")
            self._run("kdb5_util", "-r", self.realm, "create", "-s", "-P", "master-key-not-secret")
        self._launch(timeout)

    def _write_config(self) -> None:
        self.krb5_conf.write_text(
            _KRB5_CONF.format(
                realm=self.realm,
                port=self.port,
                clockskew=self.clockskew,
            ),
            "utf-8",
        )
        self.krb5_conf.chmod(0o644)
        self.kdc_conf.write_text(
            _KDC_CONF.format(realm=self.realm, port=self.port, directory=self.directory), "utf-8"
        )

    def _launch(self, timeout: float) -> None:
        output = self.directory / "krb5kdc.out"
        with open(os.devnull, "rb") as devnull, open(output, "ab") as out:
            self._process = subprocess.Popen(
                [self._programs["krb5kdc"], "-n", "-r", self.realm],
                stdin=devnull, stdout=out, stderr=out, env=self._admin_env(),
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                raise KerberosUnavailable(
                    "krb5kdc exited at start:\n" + output.read_text("utf-8", "replace")
                )
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            time.sleep(0.02)
        self.stop()
        raise KerberosUnavailable(f"krb5kdc did not answer within {timeout} s")

    def stop(self) -> None:
        """Stop the KDC (the database stays: ``start()`` serves it again on the same port)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The KDC does not answer inside the block; it is back afterwards."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    # -- principals -------------------------------------------------------------------------

    def principal(self, name: str) -> str:
        return f"{name}@{self.realm}"

    def add_user(self, name: str, password: str, *, maxlife: str | None = None) -> str:
        """A user principal with this password; returns its full name (``alice@POPGUI.TEST``)."""
        options = ["-maxlife", maxlife] if maxlife else []
        self.kadmin(f"addprinc -pw {password} {' '.join(options)} {self.principal(name)}")
        return self.principal(name)

    def add_service(self, host: str) -> str:
        """The mail service ``pop/HOST``, its key added to :attr:`keytab`; returns its name."""
        name = f"{SERVICE}/{host}@{self.realm}"
        self.kadmin(f"addprinc -randkey {name}")
        self.kadmin(f"ktadd -k {self.keytab} {name}")
        self.keytab.chmod(0o640)
        if os.geteuid() == 0:  # Dovecot's auth process runs as its internal user
            with contextlib.suppress(KeyError):
                os.chown(self.keytab, 0, pwd.getpwnam(INTERNAL_USER).pw_gid)
        return name

    def kadmin(self, query: str) -> str:
        return self._run("kadmin.local", "-r", self.realm, "-q", query)

    # -- tickets ----------------------------------------------------------------------------

    def kinit(self, user: str, password: str, ccache: Path, *, lifetime: str | None = None) -> None:
        """A ticket-granting ticket for ``user`` in ``ccache``, with the ``kinit`` command."""
        options = ["-l", lifetime] if lifetime else []
        done = subprocess.run(
            [self._programs["kinit"], *options, self.principal(user)],
            input=password + "\n", capture_output=True, text=True, timeout=30, check=False,
            env={**os.environ, **self.env(ccache)},
        )  # fmt: skip
        if done.returncode != 0:
            raise KerberosUnavailable(f"kinit {user} failed: {done.stderr.strip()}")

    def acquire_with_password(
        self, user: str, password: str, ccache: Path, *, lifetime: int | None = None
    ) -> None:
        """The same as :meth:`kinit`, through ``gssapi.raw.acquire_cred_with_password`` and
        ``store_cred_into`` (needs the ``gssapi`` package). The library reads KRB5_CONFIG when
        first used in a process: the caller's environment must already name this realm's."""
        import gssapi.raw

        with self._environment(ccache):
            name = gssapi.raw.import_name(
                self.principal(user).encode(), gssapi.raw.NameType.kerberos_principal
            )
            acquired: Any = gssapi.raw.acquire_cred_with_password(
                name, password.encode(), lifetime=lifetime, usage="initiate"
            )
            gssapi.raw.store_cred_into(
                {b"ccache": f"FILE:{ccache}".encode()},
                acquired.creds,
                usage="initiate",
                overwrite=True,
                set_default=True,
            )

    def expired_ticket(self, user: str, password: str, ccache: Path) -> None:
        """A ticket for ``user`` in ``ccache`` that has already expired."""
        self.kinit(user, password, ccache, lifetime="1s")
        time.sleep(1.5)

    def env(self, ccache: Path) -> dict[str, str]:
        """The environment a Kerberos client of this realm needs, with ``ccache`` as its cache."""
        return {"KRB5_CONFIG": str(self.krb5_conf), "KRB5CCNAME": f"FILE:{ccache}"}

    @contextlib.contextmanager
    def _environment(self, ccache: Path) -> Iterator[None]:
        saved = {key: os.environ.get(key) for key in ("KRB5_CONFIG", "KRB5CCNAME")}
        os.environ.update(self.env(ccache))
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # -- helpers ----------------------------------------------------------------------------

    def _admin_env(self) -> Mapping[str, str]:
        return {
            **os.environ,
            "KRB5_CONFIG": str(self.krb5_conf),
            "KRB5_KDC_PROFILE": str(self.kdc_conf),
        }

    def _run(self, program: str, *args: str) -> str:
        done = subprocess.run(
            [self._programs[program], *args],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30, check=False,
            env=dict(self._admin_env()),
        )  # fmt: skip
        if done.returncode != 0:
            raise KerberosUnavailable(f"{program} {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def log_text(self) -> str:
        try:
            return self.log_file.read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""


@contextlib.contextmanager
def private_realm(*, clockskew: int = 300) -> Iterator[KerberosRealm]:
    """A started realm of its own in a fresh world-searchable directory (Dovecot's auth
    process reads its krb5.conf and keytab), stopped and removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="popgui-krb5-"))
    directory.chmod(0o755)
    try:
        realm = KerberosRealm(directory, clockskew=clockskew)
        realm.start()
        try:
            yield realm
        finally:
            realm.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
