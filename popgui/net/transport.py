"""A blocking TCP/TLS connection for the POP3 and POP2 clients.

One :class:`Transport` is one connection. It is used from a single worker thread (or the command
line), except :meth:`Transport.close`, which any thread may call at any time: the cancel token
calls it to wake a read blocked in the kernel.

Security
    ``"tls"`` wraps the socket right after connecting (implicit TLS, port 995 for POP3).
    ``"starttls"`` connects in clear; the client sends STLS and then calls
    :meth:`Transport.start_tls`. ``"none"`` never encrypts.

Certificates
    By default the certificate chain is checked against the system store (plus an optional CA
    file) and must name the host (RFC 7817). With a fingerprint pin the chain is *not* checked:
    the SHA-256 of the presented certificate must equal the pin, which is how a user trusts a
    self-signed certificate. TLS 1.2 is the minimum in both cases. A refused certificate raises
    :class:`~popgui.errors.CertificateError` carrying the presented certificate's details, so a
    front end can offer "Trust this certificate" (which stores :attr:`CertificateError.fingerprint`
    as the pin).

Errors
    Everything that goes wrong on the network raises :class:`~popgui.errors.NetworkError` (or its
    subclass ``CertificateError``) with a sentence naming the host and port. Once the cancel token
    fired, every failure it caused is a :class:`~popgui.errors.CancelledError` instead.

Timeout
    The timeout bounds connecting, the handshake and every write. For reading it is a
    *progress* bound, not a per-read one: after each command popgui sends, the server may keep
    it waiting at most ``timeout`` seconds in total (time spent in :meth:`Transport.recv`, not
    time popgui spends writing to disk) before it either delivers :data:`PROGRESS_BYTES`
    octets or the client sends its next command, which starts a new allowance. A silent server
    is given up after ``timeout`` seconds, as before; a server trickling one byte every
    ``timeout - 1`` seconds is given up after about ``timeout`` seconds of waiting instead of
    never. The slowest transfer accepted is thus ``PROGRESS_BYTES`` per ``timeout`` seconds
    (273 octets/s at the default 60 s). There is deliberately no deadline for a whole session:
    a large mailbox on a slow link may rightly take hours.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeGuard

from popgui.errors import (
    CancelledError,
    CertificateError,
    ConfigError,
    LocalProtocolError,
    NetworkError,
    PopguiError,
)
from popgui.net.cancel import CancelToken
from popgui.net.dial import (
    check_host,
    connect,
    open_socket,
    os_reason,
    seconds,
    shutdown,
    where,
)

if TYPE_CHECKING:
    import ssl

__all__ = [
    "DEFAULT_RECV_SIZE",
    "PROGRESS_BYTES",
    "CertificateInfo",
    "PeerCertificateInfo",
    "Security",
    "TLSSettings",
    "Trace",
    "Transport",
    "certificate_fingerprint",
    "decode_certificate",
    "make_tls_context",
    "normalize_fingerprint",
]

Security = Literal["tls", "starttls", "none"]

#: Debug hook: called with ("C", bytes sent) and ("S", bytes received). The caller masks secrets.
Trace = Callable[[str, bytes], None]

DEFAULT_RECV_SIZE: Final = 262_144

#: Octets the server must deliver per ``timeout`` seconds of waiting (see the module doc).
PROGRESS_BYTES: Final = 16_384

_SECURITIES: Final = ("tls", "starttls", "none")


# --------------------------------------------------------------------------------------------
# Settings and certificates


def normalize_fingerprint(text: str) -> str:
    """Return a SHA-256 fingerprint as lowercase hex pairs joined by colons.

    Accepts upper or lower case, with or without colons or spaces, and the output of
    ``openssl x509 -fingerprint -sha256`` ("sha256 Fingerprint=AB:CD:..."). Raises ConfigError
    for anything that is not 32 bytes of hex.
    """
    value = text.strip()
    if "=" in value:
        value = value.rsplit("=", 1)[1]
    value = re.sub(r"^sha-?256:?", "", value.strip(), flags=re.IGNORECASE)
    digits = re.sub(r"[\s:]", "", value).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise ConfigError(
            "the certificate fingerprint must be a SHA-256 fingerprint: 64 hexadecimal digits, "
            "optionally in pairs separated by colons"
        )
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, in the form :func:`normalize_fingerprint` returns."""
    import hashlib  # certificates only: a plain-text session need not load OpenSSL's libcrypto

    digest = hashlib.sha256(der).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 64, 2))


@dataclass(frozen=True)
class TLSSettings:
    """How to trust the server: an extra CA file, or a pinned certificate fingerprint.

    Empty strings mean "not set". The fingerprint is normalised (lowercase, colons) on creation;
    a malformed one raises ConfigError.
    """

    ca_file: str | None = None
    fingerprint: str | None = None

    def __post_init__(self) -> None:
        if not self.ca_file:
            object.__setattr__(self, "ca_file", None)
        if self.fingerprint is None or not self.fingerprint.strip():
            object.__setattr__(self, "fingerprint", None)
        else:
            object.__setattr__(self, "fingerprint", normalize_fingerprint(self.fingerprint))


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to decide whether to trust a certificate. Dates are UTC."""

    fingerprint: str
    subject: str | None
    issuer: str | None
    not_before: str | None
    not_after: str | None
    subject_alt_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeerCertificateInfo:
    """The negotiated TLS parameters and the server's certificate, for "Test connection"."""

    protocol: str
    cipher: str
    certificate: CertificateInfo
    verified_by_pin: bool

    @property
    def subject(self) -> str | None:
        return self.certificate.subject

    @property
    def issuer(self) -> str | None:
        return self.certificate.issuer

    @property
    def not_before(self) -> str | None:
        return self.certificate.not_before

    @property
    def not_after(self) -> str | None:
        return self.certificate.not_after

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint


def decode_certificate(der: bytes) -> CertificateInfo:
    """Describe a DER certificate; unreadable fields are None (the fingerprint never is)."""
    fields = _decode_der_certificate(der)
    alt_names = tuple(
        f"{kind}:{value}"
        for kind, value in fields.get("subjectAltName", ())
        if isinstance(kind, str) and isinstance(value, str)
    )
    return CertificateInfo(
        fingerprint=certificate_fingerprint(der),
        subject=_format_name(fields.get("subject")),
        issuer=_format_name(fields.get("issuer")),
        not_before=_format_time(fields.get("notBefore")),
        not_after=_format_time(fields.get("notAfter")),
        subject_alt_names=alt_names,
    )


def _decode_der_certificate(der: bytes) -> dict[str, Any]:
    """Parse a certificate that was *not* verified; returns the ``getpeercert()`` dict, or {}.

    The standard library has no public parser for this: ``getpeercert()`` returns {} when the
    certificate was not verified (pinned, or a failed verification). CPython's private
    ``_ssl._test_decode_cert(path)``, which its own test suite uses, reads a PEM *file* and
    returns the same dict as ``getpeercert()``. popgui does not depend on the ``cryptography``
    package, so this is the one place that uses the private function; if a Python lacks it, the
    details degrade to the fingerprint alone.
    """
    import _ssl
    import ssl
    import tempfile

    decode = getattr(_ssl, "_test_decode_cert", None)
    if decode is None:
        return {}
    handle, path = tempfile.mkstemp(prefix="popgui-cert-", suffix=".pem")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as pem_file:
            pem_file.write(ssl.DER_cert_to_PEM_cert(der))
        fields = decode(path)
    except (OSError, ValueError):  # ssl.SSLError is an OSError
        return {}
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return fields if isinstance(fields, dict) else {}


_SHORT_NAMES: Final = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "stateOrProvinceName": "ST",
    "localityName": "L",
    "domainComponent": "DC",
}


def _format_name(rdns: Any) -> str | None:
    """("((('commonName', 'x'),), ...)" → "CN=x, O=y"."""
    if not isinstance(rdns, tuple) or not rdns:
        return None
    parts = []
    for rdn in rdns:
        parts.append("+".join(f"{_SHORT_NAMES.get(key, key)}={value}" for key, value in rdn))
    return ", ".join(parts)


def _format_time(value: Any) -> str | None:
    """OpenSSL's "Jan  5 09:00:00 2030 GMT" → "2030-01-05 09:00:00 UTC"."""
    if not isinstance(value, str):
        return None
    import datetime
    import ssl

    try:
        seconds = ssl.cert_time_to_seconds(value)
    except ValueError:
        return value
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def make_tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A client context that verifies the chain and the host name, TLS 1.2 or newer.

    Trusts the system store, plus ``ca_file`` (PEM) when given; an unreadable file raises
    ConfigError.
    """
    import ssl

    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the CA certificate file {ca_file} could not be read: {_os_reason(exc)}"
            ) from exc
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _unverified_context() -> ssl.SSLContext:
    """For a pinned certificate (checked by fingerprint afterwards) or to fetch one for details."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# --------------------------------------------------------------------------------------------
# The transport


def _nothing() -> None:
    pass


class Transport:
    """One blocking connection; see the module docstring.

    Build it with :meth:`connect`. The constructor takes an already connected socket (tests, or a
    socket made elsewhere) and never does I/O.
    """

    def __init__(
        self,
        sock: socket.socket,
        host: str,
        port: int,
        *,
        timeout: float,
        tls: TLSSettings | None = None,
        cancel: CancelToken | None = None,
        trace: Trace | None = None,
    ) -> None:
        self._sock = sock
        self._host = host
        self._port = port
        self._timeout = timeout
        self._tls = tls if tls is not None else TLSSettings()
        self._cancel = cancel
        self._trace = trace
        self._where = where(host, port)
        self._lock = threading.Lock()
        self._closed = False
        self._busy = 0  # I/O calls in progress; the socket is only closed when none is
        self._pinned = False
        self._waited = 0.0  # seconds spent in recv since the last progress (see the module doc)
        self._window_bytes = 0  # octets received since the last progress
        sock.settimeout(timeout)
        self._remove_cancel: Callable[[], None] = _nothing
        if cancel is not None:
            self._remove_cancel = cancel.add_callback(self.close)

    # ---- opening

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        *,
        security: Security,
        timeout: float,
        tls: TLSSettings | None = None,
        cancel: CancelToken | None = None,
        trace: Trace | None = None,
    ) -> Transport:
        """Connect to ``host:port`` (a name, an IPv4 or an IPv6 literal) and, for ``"tls"``,
        complete the TLS handshake.

        ``timeout`` (seconds) bounds the connection and every later read, write and handshake.
        Raises ConfigError for a malformed host, port, timeout or security value, NetworkError /
        CertificateError when the connection fails, CancelledError when ``cancel`` fires.
        """
        _check_security(security)
        host, sock = connect(host, port, timeout, cancel)
        return cls.over(
            sock,
            host,
            port,
            security=security,
            timeout=timeout,
            tls=tls,
            cancel=cancel,
            trace=trace,
        )

    @classmethod
    def over(
        cls,
        sock: socket.socket,
        host: str,
        port: int,
        *,
        security: Security,
        timeout: float,
        tls: TLSSettings | None = None,
        cancel: CancelToken | None = None,
        trace: Trace | None = None,
    ) -> Transport:
        """The second half of :meth:`connect`, for a socket that
        :func:`popgui.net.dial.connect` connected to ``host:port``: for ``"tls"``, the
        handshake. The new Transport owns ``sock``; on failure it is closed."""
        try:
            _check_security(security)
            transport = cls(sock, host, port, timeout=timeout, tls=tls, cancel=cancel, trace=trace)
        except BaseException:
            sock.close()
            raise
        try:
            if security == "tls":
                transport._handshake(host, prelude=None, immediate=True)
            if cancel is not None:
                cancel.raise_if_cancelled()
        except BaseException:
            transport.close()
            raise
        return transport

    def start_tls(
        self,
        host: str | None = None,
        *,
        prelude: Callable[[Transport], None] | None = None,
    ) -> None:
        """Encrypt the existing connection (after the server accepted STLS).

        ``host`` is the name the certificate must carry (default: the host connected to). The
        verification rules are those of :meth:`connect`. When the certificate is refused, the
        error can only describe the presented certificate if popgui can see it again, which needs
        a second connection brought to the same point: ``prelude`` receives a fresh clear-text
        Transport to the same server and must do what precedes the handshake (read the greeting,
        send STLS, read +OK). Without it the CertificateError gives the reason but no details.
        """
        if self.is_tls:
            raise LocalProtocolError("the connection is already encrypted")
        self._handshake(check_host(host) if host else self._host, prelude, immediate=False)

    # ---- I/O

    def send(self, data: bytes) -> None:
        """Send all of ``data``; a dropped connection or a stalled server raises NetworkError."""
        with self._io() as sock:
            if self._trace is not None:
                self._trace("C", data)
            self._progress()  # a new command: the server's allowance starts again
            try:
                self._fit_timeout(sock, self._timeout)
                sock.sendall(data)
            except TimeoutError as exc:
                raise self._failure(
                    f"the server at {self._where} did not accept data within "
                    f"{seconds(self._timeout)}"
                ) from exc
            except (OSError, ValueError) as exc:
                raise self._failure(
                    f"connection lost while sending to {self._where}: {_os_reason(exc)}"
                ) from exc

    def recv(self, max_bytes: int = DEFAULT_RECV_SIZE) -> bytes:
        """Up to ``max_bytes`` bytes as soon as some arrive; b"" when the server closed.

        A server that keeps popgui waiting beyond its allowance (see the module doc), or a
        reset, raises NetworkError.
        """
        with self._io() as sock:
            data = self._recv_within_allowance(sock, max_bytes)
        self._window_bytes += len(data)
        if self._window_bytes >= PROGRESS_BYTES:
            self._progress()
        if not data and self._closed:
            # close() (cancel) shut the socket down under our feet: that is not the server's EOF.
            raise self._closed_error()
        if data and self._trace is not None:
            self._trace("S", data)
        return data

    def _recv_within_allowance(self, sock: socket.socket, max_bytes: int) -> bytes:
        """One recv, waiting at most what is left of the server's allowance."""
        while True:
            budget = self._timeout - self._waited
            if budget <= 0:
                raise self._failure(self._too_slow())
            started = time.monotonic()
            try:
                self._fit_timeout(sock, budget)
                return sock.recv(max_bytes)
            except TimeoutError:
                continue  # the socket's timeout may be a little shorter than the budget
            except (OSError, ValueError) as exc:
                raise self._failure(
                    f"connection lost while receiving from {self._where}: {_os_reason(exc)}"
                ) from exc
            finally:
                self._waited += time.monotonic() - started

    def _fit_timeout(self, sock: socket.socket, allowance: float) -> None:
        """Make the socket wait at most *allowance* seconds, and not much less.

        ``settimeout`` releases the interpreter lock and must take it back (other threads
        write files meanwhile): called twice per recv it cost the delivering thread a third of
        a second per 89 MB. The timeout is reset only when it falls outside
        [allowance - slack, allowance]; a recv that times out early is simply repeated.
        """
        slack = self._timeout / 20
        current = sock.gettimeout()
        if current is not None and allowance - slack <= current <= allowance:
            return
        sock.settimeout(allowance - slack / 2 if allowance > slack else allowance)

    def _progress(self) -> None:
        """The server delivered, or has a new command to answer: a fresh allowance."""
        self._waited = 0.0
        self._window_bytes = 0

    def _too_slow(self) -> str:
        if self._window_bytes == 0:
            return f"the server at {self._where} did not answer within {seconds(self._timeout)}"
        return (
            f"the server at {self._where} is sending too slowly: {self._window_bytes} octets in "
            f"{seconds(self._timeout)} of waiting, popgui needs {PROGRESS_BYTES}"
        )

    def close(self) -> None:
        """Close the connection; idempotent, and safe from any thread.

        A thread blocked in :meth:`recv`/:meth:`send` is woken by ``shutdown`` and raises
        (CancelledError when the cancel token fired); the descriptor itself is closed by the
        last thread to leave its I/O call, so it is never closed under a running system call.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sock = self._sock
            idle = self._busy == 0
        self._remove_cancel()
        shutdown(sock)
        if idle:
            sock.close()

    # ---- information

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._port

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def is_tls(self) -> bool:
        return _is_tls_socket(self._sock)

    def peer_certificate_info(self) -> PeerCertificateInfo | None:
        """Protocol, cipher and certificate of an encrypted connection; None in clear text."""
        with self._io() as sock:
            if not _is_tls_socket(sock):
                return None
            der = sock.getpeercert(binary_form=True)
            protocol = sock.version() or "unknown"
            cipher = sock.cipher()
        if der is None:
            return None
        return PeerCertificateInfo(
            protocol=protocol,
            cipher=cipher[0] if cipher else "unknown",
            certificate=decode_certificate(der),
            verified_by_pin=self._pinned,
        )

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("tls" if self.is_tls else "clear")
        return f"<Transport {self._where} {state}>"

    # ---- internals

    @contextlib.contextmanager
    def _io(self) -> Iterator[socket.socket]:
        with self._lock:
            if self._closed:
                raise self._closed_error()
            self._busy += 1
            sock = self._sock
        try:
            yield sock
        finally:
            with self._lock:
                self._busy -= 1
                release = self._closed and self._busy == 0
            if release:
                sock.close()

    def _closed_error(self) -> PopguiError:
        if self._cancel is not None and self._cancel.cancelled:
            return CancelledError("cancelled")
        return NetworkError(f"the connection to {self._where} is closed")

    def _failure(self, message: str) -> PopguiError:
        """The error for a failed I/O call: our own close (cancel) wins over what it caused."""
        if self._closed:
            return self._closed_error()
        return NetworkError(message)

    def _handshake(
        self,
        server_name: str,
        prelude: Callable[[Transport], None] | None,
        *,
        immediate: bool,
    ) -> None:
        import ssl

        pin = self._tls.fingerprint
        context = _unverified_context() if pin else make_tls_context(self._tls.ca_file)
        with self._lock:
            if self._closed:
                raise self._closed_error()
            # No I/O yet: the handshake runs below under _io(), so close() can interrupt it.
            self._sock = context.wrap_socket(
                self._sock, server_hostname=server_name, do_handshake_on_connect=False
            )
        der: bytes | None = None
        cert_error: ssl.SSLCertVerificationError | None = None
        try:
            with self._io() as sock:
                assert isinstance(sock, ssl.SSLSocket)
                try:
                    sock.do_handshake()
                    der = sock.getpeercert(binary_form=True)
                except ssl.SSLCertVerificationError as exc:
                    cert_error = exc
                except TimeoutError as exc:
                    raise self._failure(
                        f"the server at {self._where} did not answer within "
                        f"{seconds(self._timeout)}"
                    ) from exc
                except ssl.SSLError as exc:
                    raise self._failure(
                        f"could not establish a secure connection with {self._where}: "
                        f"{_tls_failure_reason(exc)}"
                    ) from exc
                except (OSError, ValueError) as exc:
                    raise self._failure(
                        f"connection lost during the TLS handshake with {self._where}: "
                        f"{_os_reason(exc)}"
                    ) from exc
        except BaseException:
            self.close()
            raise
        if cert_error is not None:
            self.close()
            presented = self._fetch_certificate(server_name, prelude, immediate=immediate)
            if self._cancel is not None and self._cancel.cancelled:
                raise CancelledError("cancelled") from cert_error
            raise _verification_error(cert_error, self._where, server_name, presented)
        if pin:
            self._check_pin(pin, der)
            self._pinned = True

    def _check_pin(self, pin: str, der: bytes | None) -> None:
        if der is None:
            self.close()
            raise CertificateError(
                f"the server at {self._where} presented no certificate", pinned_fingerprint=pin
            )
        presented = decode_certificate(der)
        if presented.fingerprint == pin:
            return
        self.close()
        raise CertificateError(
            f"the certificate of {self._where} has changed since you chose to trust it. "
            "Someone may be intercepting the connection, or the server has a new certificate. "
            f"Trusted fingerprint: {pin}. Presented fingerprint: {presented.fingerprint}.",
            **_details(presented),
            pinned_fingerprint=pin,
        )

    def _fetch_certificate(
        self,
        server_name: str,
        prelude: Callable[[Transport], None] | None,
        *,
        immediate: bool,
    ) -> CertificateInfo | None:
        """Connect again without verification only to see the certificate that was refused."""
        if (not immediate and prelude is None) or (
            self._cancel is not None and self._cancel.cancelled
        ):
            return None
        import ssl

        try:
            sock = open_socket(self._host, self._port, self._timeout, self._cancel)
            with Transport(
                sock, self._host, self._port, timeout=self._timeout, cancel=self._cancel
            ) as probe:
                if prelude is not None:
                    prelude(probe)
                with probe._lock:
                    probe._sock = _unverified_context().wrap_socket(
                        probe._sock, server_hostname=server_name, do_handshake_on_connect=False
                    )
                with probe._io() as probe_sock:
                    assert isinstance(probe_sock, ssl.SSLSocket)
                    probe_sock.do_handshake()
                    der = probe_sock.getpeercert(binary_form=True)
        except (PopguiError, OSError, ValueError):
            return None
        return decode_certificate(der) if der else None


# --------------------------------------------------------------------------------------------
# Helpers


def _is_tls_socket(sock: socket.socket) -> TypeGuard[ssl.SSLSocket]:
    loaded = sys.modules.get("ssl")  # not imported yet: no socket can be a TLS one
    return loaded is not None and isinstance(sock, loaded.SSLSocket)


def _check_security(security: str) -> None:
    if security not in _SECURITIES:
        raise ConfigError(f"unknown security setting {security!r}: use tls, starttls or none")


def _os_reason(exc: BaseException) -> str:
    ssl = sys.modules.get("ssl")  # not imported: no TLS, no TLS error
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    return os_reason(exc)


_OLD_PROTOCOL: Final = frozenset(
    {"UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE"}
)
_NOT_TLS: Final = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"})
_NO_COMMON_CIPHER: Final = frozenset(
    {"SSLV3_ALERT_HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE"}
)


def _tls_failure_reason(exc: ssl.SSLError) -> str:
    import ssl

    reason = exc.reason or ""
    if reason in _OLD_PROTOCOL:
        return "the server does not offer TLS 1.2 or newer, which popgui requires"
    if reason in _NOT_TLS:
        return (
            "the server did not answer in TLS; check the port and the security setting "
            "(POP3 uses implicit TLS on port 995 and STARTTLS on port 110)"
        )
    if reason in _NO_COMMON_CIPHER:
        return "the server and popgui have no encryption method in common"
    if isinstance(exc, ssl.SSLEOFError) or reason == "UNEXPECTED_EOF_WHILE_READING":
        return "the server closed the connection during the TLS handshake"
    return f"TLS error ({reason or exc})"


# OpenSSL's X509_V_ERR_* codes, as found in SSLCertVerificationError.verify_code.
_X509_NOT_YET_VALID: Final = 9
_X509_EXPIRED: Final = 10
_X509_SELF_SIGNED: Final = 18
_X509_SELF_SIGNED_IN_CHAIN: Final = 19
_X509_UNKNOWN_ISSUER: Final = frozenset({2, 20, 21})
_X509_REVOKED: Final = 23
_X509_WRONG_PURPOSE: Final = frozenset({24, 26})
_X509_HOST_MISMATCH: Final = 62
_X509_IP_MISMATCH: Final = 64


def _verification_reason(
    exc: ssl.SSLCertVerificationError, server_name: str, cert: CertificateInfo | None
) -> str:
    code = exc.verify_code
    if code == _X509_EXPIRED:
        when = f" on {cert.not_after}" if cert and cert.not_after else ""
        return f"it expired{when}"
    if code == _X509_NOT_YET_VALID:
        when = f" before {cert.not_before}" if cert and cert.not_before else " yet"
        return f"it is not valid{when}"
    if code == _X509_SELF_SIGNED:
        return "it is self-signed, so no known authority vouches for it"
    if code == _X509_SELF_SIGNED_IN_CHAIN:
        return "it was issued by an authority this computer does not trust"
    if code in _X509_UNKNOWN_ISSUER:
        return "it was issued by an authority this computer does not know"
    if code in (_X509_HOST_MISMATCH, _X509_IP_MISMATCH):
        kind = "address" if code == _X509_IP_MISMATCH else "name"
        names = ""
        if cert and cert.subject_alt_names:
            listed = ", ".join(name.split(":", 1)[1] for name in cert.subject_alt_names)
            names = f" (it is valid for {listed})"
        return f"it was issued for another {kind}, not {server_name}{names}"
    if code == _X509_REVOKED:
        return "it has been revoked"
    if code in _X509_WRONG_PURPOSE:
        return "it is not meant to identify a server"
    return f"it could not be verified ({exc.verify_message or exc.reason or exc})"


def _verification_error(
    exc: ssl.SSLCertVerificationError,
    where: str,
    server_name: str,
    cert: CertificateInfo | None,
) -> CertificateError:
    reason = _verification_reason(exc, server_name, cert)
    error = CertificateError(
        f"the certificate of {where} is not trusted: {reason}",
        **(_details(cert) if cert else {}),
    )
    error.__cause__ = exc
    return error


def _details(cert: CertificateInfo) -> dict[str, str | None]:
    return {
        "fingerprint": cert.fingerprint,
        "subject": cert.subject,
        "issuer": cert.issuer,
        "not_before": cert.not_before,
        "not_after": cert.not_after,
    }
