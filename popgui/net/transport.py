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
    :class:`~popgui.errors.CertificateError` carrying the presented certificate's details (read
    by :mod:`popgui.net.certificates`), so a front end can offer "Trust this certificate" (which
    stores :attr:`CertificateError.fingerprint` as the pin).

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
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Final, Literal

from popgui.catalog import Sentence
from popgui.catalog import certificates as certificate_says
from popgui.catalog import network as says
from popgui.checks import check_host, normalize_fingerprint
from popgui.errors import (
    CancelledError,
    CertificateError,
    ConfigError,
    LocalProtocolError,
    NetworkError,
    PopguiError,
)
from popgui.net.cancel import CancelToken
from popgui.net.certificates import (
    CertificateInfo,
    PeerCertificateInfo,
    certificate_fingerprint,
    certificate_refused,
    decode_certificate,
)
from popgui.net.clientcert import ClientCertificate, alert_error, load_client_certificate
from popgui.net.dial import (
    check_endpoint,
    connect,
    open_socket,
    os_reason,
    seconds,
    shutdown,
    where,
)

if TYPE_CHECKING:
    from popgui.net.proxy import Tunnel

__all__ = [
    "DEFAULT_RECV_SIZE",
    "PROGRESS_BYTES",
    "Security",
    "TLSSettings",
    "Trace",
    "Transport",
    "make_tls_context",
]

Security = Literal["tls", "starttls", "none"]

#: The POP3 and POP2 clients' debug hook: called with one line of the dialogue at a time,
#: "C: ..." for a command and "S: ..." for a reply, with passwords and tokens masked.
Trace = Callable[[str], None]

DEFAULT_RECV_SIZE: Final = 262_144

#: Octets the server must deliver per ``timeout`` seconds of waiting (see the module doc).
PROGRESS_BYTES: Final = 16_384

_SECURITIES: Final = ("tls", "starttls", "none")


# --------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class TLSSettings:
    """How to trust the server: an extra CA file, or a pinned certificate fingerprint; and the
    client certificate to show it, if any (:mod:`popgui.net.clientcert`).

    Empty strings mean "not set". The fingerprint is normalised (lowercase, colons) on creation;
    a malformed one raises ConfigError.
    """

    ca_file: str | None = None
    fingerprint: str | None = None
    client: ClientCertificate | None = None

    def __post_init__(self) -> None:
        if not self.ca_file:
            object.__setattr__(self, "ca_file", None)
        if self.fingerprint is None or not self.fingerprint.strip():
            object.__setattr__(self, "fingerprint", None)
        else:
            object.__setattr__(self, "fingerprint", normalize_fingerprint(self.fingerprint))


def make_tls_context(
    ca_file: str | None = None, client: ClientCertificate | None = None
) -> ssl.SSLContext:
    """A client context that verifies the chain and the host name, TLS 1.2 or newer.

    Trusts the system store, plus ``ca_file`` (PEM) when given; an unreadable file raises
    ConfigError. Shows the *client* certificate when the server asks for one (a file that
    cannot be used raises SettingError; an encrypted key's passphrase is asked for here).
    """

    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ValueError) as exc:
            reason = _os_reason(exc)
            raise ConfigError(says.CA_FILE_UNREADABLE(path=ca_file, reason=reason)) from exc
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    if client is not None:
        load_client_certificate(context, client)
    return context


def _unverified_context(client: ClientCertificate | None = None) -> ssl.SSLContext:
    """For a pinned certificate (checked by fingerprint afterwards) or to fetch one for details."""

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client is not None:
        load_client_certificate(context, client)
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
        tunnel: Tunnel | None = None,
    ) -> None:
        self._sock = sock
        self._tunnel = tunnel
        self._host = host
        self._port = port
        self._timeout = timeout
        self._tls = tls if tls is not None else TLSSettings()
        self._cancel = cancel
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
        tunnel: Tunnel | None = None,
    ) -> Transport:
        """Connect to ``host:port`` (a name, an IPv4 or an IPv6 literal) and, for ``"tls"``,
        complete the TLS handshake.

        ``timeout`` (seconds) bounds the connection and every later read, write and handshake.
        Raises ConfigError for a malformed host, port, timeout or security value, NetworkError /
        CertificateError when the connection fails, CancelledError when ``cancel`` fires.
        With a ``tunnel`` the connection goes through that proxy (:mod:`popgui.net.proxy`);
        TLS is still verified against ``host``, the mail server.
        """
        _check_security(security)
        host, sock = _dial(host, port, timeout, cancel, tunnel)
        try:
            transport = cls(
                sock, host, port, timeout=timeout, tls=tls, cancel=cancel, tunnel=tunnel
            )
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
            raise LocalProtocolError(says.ALREADY_ENCRYPTED())
        self._handshake(check_host(host) if host else self._host, prelude, immediate=False)

    # ---- I/O

    def send(self, data: bytes) -> None:
        """Send all of ``data``; a dropped connection or a stalled server raises NetworkError."""
        with self._io() as sock:
            self._progress()  # a new command: the server's allowance starts again
            try:
                self._fit_timeout(sock, self._timeout)
                sock.sendall(data)
            except TimeoutError as exc:
                stalled = says.SEND_STALLED(place=self._where, seconds=seconds(self._timeout))
                raise self._failure(stalled) from exc
            except (OSError, ValueError) as exc:
                lost = says.SEND_LOST(place=self._where, reason=_os_reason(exc))
                raise self._failure(lost) from exc

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
                # Under TLS 1.3 the server judges the client certificate after the handshake:
                # its alert comes with the first read (the greeting, or the reply to STLS).
                refused = alert_error(exc, self._where, self._tls.client)
                if refused is not None and not self._closed:
                    raise refused from exc
                lost = says.RECEIVE_LOST(place=self._where, reason=_os_reason(exc))
                raise self._failure(lost) from exc
            finally:
                self._waited += time.monotonic() - started

    def _fit_timeout(self, sock: socket.socket, allowance: float) -> None:
        """Make the socket wait at most *allowance* seconds, and not much less.

        ``settimeout`` releases the interpreter lock and must take it back while other threads
        write files, so it is not called before every recv: the timeout is reset only when it
        falls outside [allowance - slack, allowance]; a recv that times out early is simply
        repeated.
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

    def _too_slow(self) -> Sentence:
        if self._window_bytes == 0:
            return says.SILENT(place=self._where, seconds=seconds(self._timeout))
        return says.TOO_SLOW(
            place=self._where,
            received=self._window_bytes,
            seconds=seconds(self._timeout),
            needed=PROGRESS_BYTES,
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
        return isinstance(self._sock, ssl.SSLSocket)

    def peer_certificate_info(self) -> PeerCertificateInfo | None:
        """Protocol, cipher and certificate of an encrypted connection; None in clear text."""
        with self._io() as sock:
            if not isinstance(sock, ssl.SSLSocket):
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
            return CancelledError(says.CANCELLED())
        return NetworkError(says.CLOSED(place=self._where))

    def _failure(self, message: Sentence) -> PopguiError:
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

        pin, client = self._tls.fingerprint, self._tls.client
        if pin:
            context = _unverified_context(client)
        else:
            context = make_tls_context(self._tls.ca_file, client)
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
                    silent = says.SILENT(place=self._where, seconds=seconds(self._timeout))
                    raise self._failure(silent) from exc
                except ssl.SSLError as exc:
                    refused = alert_error(exc, self._where, self._tls.client)
                    if refused is not None and not self._closed:
                        raise refused from exc
                    reason = _tls_failure_reason(exc)
                    raise self._failure(says.TLS_FAILED(place=self._where, reason=reason)) from exc
                except (OSError, ValueError) as exc:
                    lost = says.TLS_LOST(place=self._where, reason=_os_reason(exc))
                    raise self._failure(lost) from exc
        except BaseException:
            self.close()
            raise
        if cert_error is not None:
            self.close()
            presented = self._fetch_certificate(server_name, prelude, immediate=immediate)
            if self._cancel is not None and self._cancel.cancelled:
                raise CancelledError(says.CANCELLED()) from cert_error
            raise certificate_refused(cert_error, self._where, server_name, presented)
        if pin:
            self._check_pin(pin, der)
            self._pinned = True

    def _check_pin(self, pin: str, der: bytes | None) -> None:
        if der is None:
            self.close()
            raise CertificateError(
                certificate_says.NO_CERTIFICATE(place=self._where), pinned_fingerprint=pin
            )
        if certificate_fingerprint(der) == pin:
            return
        presented = decode_certificate(der)
        self.close()
        changed = certificate_says.CHANGED(
            changed=certificate_says.CHANGED_SHORT(place=self._where),
            pinned=pin,
            presented=presented.fingerprint,
        )
        raise CertificateError(
            changed,
            **presented.details(),
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

        try:
            if self._tunnel is not None:
                sock = self._tunnel.open(self._host, self._port, self._timeout, self._cancel)
            else:
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


def _dial(
    host: str, port: int, timeout: float, cancel: CancelToken | None, tunnel: Tunnel | None
) -> tuple[str, socket.socket]:
    """The checked host and a socket to it, directly or through the tunnel's proxy."""
    if tunnel is None:
        return connect(host, port, timeout, cancel)
    host = check_endpoint(host, port, timeout)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return host, tunnel.open(host, port, timeout, cancel)


def _check_security(security: str) -> None:
    if security not in _SECURITIES:
        raise ConfigError(says.UNKNOWN_SECURITY(security=repr(security)))


def _os_reason(exc: BaseException) -> str | Sentence:
    if isinstance(exc, ssl.SSLError):
        return says.TLS_ERROR(detail=exc.reason or str(exc))
    return os_reason(exc)


_OLD_PROTOCOL: Final = frozenset(
    {"UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE"}
)
_NOT_TLS: Final = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"})
_NO_COMMON_CIPHER: Final = frozenset(
    {"SSLV3_ALERT_HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE"}
)


def _tls_failure_reason(exc: ssl.SSLError) -> Sentence:
    reason = exc.reason or ""
    if reason in _OLD_PROTOCOL:
        return says.TLS_TOO_OLD()
    if reason in _NOT_TLS:
        return says.NOT_TLS()
    if reason in _NO_COMMON_CIPHER:
        return says.NO_COMMON_CIPHER()
    if isinstance(exc, ssl.SSLEOFError) or reason == "UNEXPECTED_EOF_WHILE_READING":
        return says.TLS_CLOSED()
    return says.TLS_ERROR(detail=reason or str(exc))
