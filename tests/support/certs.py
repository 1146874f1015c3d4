"""A throw-away public key infrastructure for TLS tests, made with the ``openssl`` command.

``make_test_pki(directory)`` writes:

- a test CA (``ca_cert``), the only thing a client must trust;
- ``server_cert``/``server_key``: signed by the CA for ``localhost``, ``127.0.0.1`` and ``::1``;
- ``wrong_host_cert``/``wrong_host_key``: signed by the CA, but for ``other.example.net`` only;
- ``expired_cert``/``expired_key``: signed by the CA for localhost, valid 2020-01-01..2021-01-01;
- ``self_signed_cert``/``self_signed_key``: a self-signed leaf for localhost (for pinning tests);
- ``client_cert``/``client_key``: a TLS client certificate (``clientAuth``) signed by the CA for
  :data:`CLIENT_NAME`; ``client_key_encrypted`` is the same key under the passphrase
  :data:`CLIENT_KEY_PASSPHRASE` (PKCS#8, AES-256); ``client_combined`` holds the certificate
  and the unencrypted key in one file;
- ``expired_client_cert``/``expired_client_key``: a client certificate of the CA that expired
  on 2021-01-01;
- ``other_ca_cert`` and ``other_client_cert``/``other_client_key``: a second CA, which no test
  server trusts, and a client certificate it issued.

Keys are P-256 (fast to make). Certificates carry the extensions strict verifiers ask for
(subject/authority key identifiers, key usage, extended key usage, subjectAltName), so
``ssl.VERIFY_X509_STRICT`` accepts them.

OpenSSL 3.0 (Debian 12) cannot back-date with ``openssl x509`` (``-not_before`` arrived in
3.4), so the expired certificate is issued with ``openssl ca -startdate/-enddate``, which any
OpenSSL 1.x/3.x has.
"""

from __future__ import annotations

import hashlib
import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

LOCALHOST_SAN = "DNS:localhost,IP:127.0.0.1,IP:::1"
WRONG_HOST_SAN = "DNS:other.example.net"
EXPIRED_START = "20200101000000Z"
EXPIRED_END = "20210101000000Z"

_LEAF_EXTENSIONS = """\
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = {san}
"""

_CLIENT_EXTENSIONS = """\
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""
CLIENT_NAME = "popgui test client"
CLIENT_KEY_PASSPHRASE = "correct horse battery staple"

_CA_CONFIG = """\
[ca]
default_ca = test_ca

[test_ca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[policy_any]
commonName = supplied
"""


def fingerprint(cert_path: Path) -> str:
    """SHA-256 of the DER form of the PEM certificate at ``cert_path``: ``"ab:cd:..."``."""
    der = ssl.PEM_cert_to_DER_cert(cert_path.read_text("ascii"))
    digest = hashlib.sha256(der).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


@dataclass(frozen=True)
class TestPKI:
    """Paths of the PEM files written by :func:`make_test_pki`."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    directory: Path
    ca_cert: Path
    server_cert: Path
    server_key: Path
    wrong_host_cert: Path
    wrong_host_key: Path
    expired_cert: Path
    expired_key: Path
    self_signed_cert: Path
    self_signed_key: Path
    client_cert: Path
    client_key: Path
    client_key_encrypted: Path
    client_combined: Path
    expired_client_cert: Path
    expired_client_key: Path
    other_ca_cert: Path
    other_client_cert: Path
    other_client_key: Path

    def fingerprint(self, cert_path: Path) -> str:
        return fingerprint(cert_path)

    def ca_fingerprint_sha256(self) -> str:
        return fingerprint(self.ca_cert)

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts only the test CA (host names are checked)."""
        return ssl.create_default_context(cafile=str(self.ca_cert))


def _openssl(*args: str | Path, cwd: Path) -> None:
    result = subprocess.run(
        ["openssl", *map(str, args)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"openssl {' '.join(map(str, args))} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )


_NEW_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def _csr(directory: Path, name: str, common_name: str) -> tuple[Path, Path]:
    key, csr = directory / f"{name}.key", directory / f"{name}.csr"
    _openssl("req", "-new", *_NEW_KEY, "-keyout", key, "-out", csr,
             "-subj", f"/CN={common_name}", cwd=directory)  # fmt: skip
    return key, csr


def _extfile(directory: Path, name: str, san: str | None) -> Path:
    """The leaf's extensions: a server's for *san*, a client's (``clientAuth``) for None."""
    path = directory / f"{name}.ext"
    text = _CLIENT_EXTENSIONS if san is None else _LEAF_EXTENSIONS.format(san=san)
    path.write_text(text, "ascii")
    return path


def _issue(
    directory: Path, name: str, common_name: str, san: str | None, *, ca: str = "ca"
) -> tuple[Path, Path]:
    """A leaf signed by the CA *ca* (its ``.pem``/``.key``), valid from now for 825 days;
    a client certificate when *san* is None."""
    key, csr = _csr(directory, name, common_name)
    cert = directory / f"{name}.pem"
    _openssl("x509", "-req", "-in", csr, "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-sha256", "-days", "825",
             "-extfile", _extfile(directory, name, san), "-extensions", "leaf",
             "-out", cert, cwd=directory)  # fmt: skip
    return cert, key


def _issue_expired(
    directory: Path, name: str, common_name: str = "localhost", san: str | None = LOCALHOST_SAN
) -> tuple[Path, Path]:
    """A leaf signed by the test CA whose validity ended on 2021-01-01."""
    key, csr = _csr(directory, name, common_name)
    (directory / "issued").mkdir(exist_ok=True)
    (directory / "index.txt").touch()
    if not (directory / "serial").exists():
        (directory / "serial").write_text("1000\n", "ascii")
    config = directory / "ca.cnf"
    config.write_text(_CA_CONFIG.format(dir=directory), "utf-8")
    cert = directory / f"{name}.pem"
    _openssl("ca", "-batch", "-config", config, "-notext",
             "-startdate", EXPIRED_START, "-enddate", EXPIRED_END,
             "-extfile", _extfile(directory, name, san), "-extensions", "leaf",
             "-in", csr, "-out", cert, cwd=directory)  # fmt: skip
    return cert, key


def _make_ca(directory: Path, name: str, common_name: str) -> Path:
    _openssl("req", "-x509", *_NEW_KEY, "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", "3650", "-sha256", "-subj", f"/CN={common_name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-addext", "subjectKeyIdentifier=hash", cwd=directory)  # fmt: skip
    return directory / f"{name}.pem"


def _client_files(directory: Path) -> dict[str, Path]:
    """The client certificates (see the module docstring)."""
    cert, key = _issue(directory, "client", CLIENT_NAME, None)
    encrypted = directory / "client-encrypted.key"
    _openssl("pkey", "-in", key, "-aes256", "-passout", f"pass:{CLIENT_KEY_PASSPHRASE}",
             "-out", encrypted, cwd=directory)  # fmt: skip
    combined = directory / "client-combined.pem"
    combined.write_text(cert.read_text("ascii") + key.read_text("ascii"), "ascii")
    expired_cert, expired_key = _issue_expired(directory, "expired-client", CLIENT_NAME, None)
    other_ca = _make_ca(directory, "other-ca", "popgui other CA")
    other_cert, other_key = _issue(directory, "other-client", CLIENT_NAME, None, ca="other-ca")
    return {
        "client_cert": cert, "client_key": key, "client_key_encrypted": encrypted,
        "client_combined": combined, "expired_client_cert": expired_cert,
        "expired_client_key": expired_key, "other_ca_cert": other_ca,
        "other_client_cert": other_cert, "other_client_key": other_key,
    }  # fmt: skip


def make_test_pki(directory: Path) -> TestPKI:
    """Create the CA and all certificates in ``directory`` (created if needed)."""
    if shutil.which("openssl") is None:
        raise RuntimeError("the openssl command is needed to make test certificates")
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    _make_ca(directory, "ca", "popgui test CA")
    server_cert, server_key = _issue(directory, "server", "localhost", LOCALHOST_SAN)
    wrong_cert, wrong_key = _issue(directory, "wrong-host", "other.example.net", WRONG_HOST_SAN)
    expired_cert, expired_key = _issue_expired(directory, "expired")
    _openssl("req", "-x509", *_NEW_KEY, "-keyout", "self-signed.key",
             "-out", "self-signed.pem", "-days", "825", "-sha256", "-subj", "/CN=localhost",
             "-addext", f"subjectAltName={LOCALHOST_SAN}",
             "-addext", "basicConstraints=critical,CA:FALSE",
             "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
             "-addext", "extendedKeyUsage=serverAuth", cwd=directory)  # fmt: skip
    clients = _client_files(directory)
    for key in directory.glob("*.key"):
        key.chmod(0o600)
    return TestPKI(
        directory=directory,
        ca_cert=directory / "ca.pem",
        server_cert=server_cert,
        server_key=server_key,
        wrong_host_cert=wrong_cert,
        wrong_host_key=wrong_key,
        expired_cert=expired_cert,
        expired_key=expired_key,
        self_signed_cert=directory / "self-signed.pem",
        self_signed_key=directory / "self-signed.key",
        **clients,
    )
