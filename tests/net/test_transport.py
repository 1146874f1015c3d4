"""Transport tests against a tiny threaded TLS/clear server on the loopback interface.

Certificates come from the shared ``test_pki`` fixture (tests/support/certs.py).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from popgui.checks import normalize_fingerprint
from popgui.errors import CancelledError, CertificateError, ConfigError, NetworkError
from popgui.net.cancel import CancelToken
from popgui.net.certificates import certificate_fingerprint
from popgui.net.transport import TLSSettings, Transport, make_tls_context
from tests.support.certs import TestPKI

Handler = Callable[[socket.socket], None]
BANNER = b"+OK ready\r\n"


# --------------------------------------------------------------------------------------------
# The test server


class Server:
    """Accepts connections on a loopback port; each runs ``handler`` in its own thread.

    With ``context`` the connection is wrapped in TLS (implicit TLS) before the handler runs.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        context: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.bind((host, 0))
        self._listener.listen(8)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._handler = handler
        self._context = context
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._serve, daemon=True)
        self._accepter.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            if self._context is not None:
                conn = self._context.wrap_socket(conn, server_side=True)
            self._handler(conn)
        except (OSError, ValueError):
            pass  # the client refused our certificate, hung up, or was cancelled
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._accepter.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


def echo(conn: socket.socket) -> None:
    """Send a banner, then echo everything until the client closes."""
    conn.sendall(BANNER)
    while data := conn.recv(65536):
        conn.sendall(data)


def silent(conn: socket.socket) -> None:
    """Say nothing; wait for the client to hang up."""
    while conn.recv(65536):
        pass


def hang_up(conn: socket.socket) -> None:
    conn.sendall(BANNER)


def starttls_handler(context: ssl.SSLContext) -> Handler:
    """A POP3-like STLS: banner, "STLS" → "+OK", then TLS and echo."""

    def handle(conn: socket.socket) -> None:
        conn.sendall(BANNER)
        line = b""
        while not line.endswith(b"\r\n"):
            chunk = conn.recv(1)
            if not chunk:
                return
            line += chunk
        if line != b"STLS\r\n":
            conn.sendall(b"-ERR no\r\n")
            return
        conn.sendall(b"+OK begin TLS\r\n")
        with context.wrap_socket(conn, server_side=True) as secure:
            echo(secure)

    return handle


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(handler: Handler, **options: object) -> Server:
        server = Server(handler, **options)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def pki(test_pki: TestPKI) -> TestPKI:
    return test_pki


def ca(pki: TestPKI) -> TLSSettings:
    return TLSSettings(ca_file=str(pki.ca_cert))


def has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def recv_exactly(transport: Transport, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = transport.recv()
        assert chunk, "unexpected end of stream"
        data += chunk
    return data


# --------------------------------------------------------------------------------------------
# Clear text and implicit TLS


def test_plain_connect_send_recv(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    with Transport.connect("127.0.0.1", server.port, security="none", timeout=5) as transport:
        assert not transport.is_tls
        assert transport.peer_certificate_info() is None
        assert recv_exactly(transport, len(BANNER)) == BANNER
        transport.send(b"NOOP\r\n")
        assert recv_exactly(transport, 6) == b"NOOP\r\n"
    assert transport.closed


def test_recv_returns_empty_bytes_when_the_server_closes(serve: Callable[..., Server]) -> None:
    server = serve(hang_up)
    with Transport.connect("127.0.0.1", server.port, security="none", timeout=5) as transport:
        assert recv_exactly(transport, len(BANNER)) == BANNER
        assert transport.recv() == b""


def test_large_transfer_both_ways(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    payload = bytes(range(256)) * 8192  # 2 MiB: more than any socket buffer
    with Transport.connect("127.0.0.1", server.port, security="none", timeout=5) as transport:
        recv_exactly(transport, len(BANNER))
        sender = threading.Thread(target=transport.send, args=(payload,))
        sender.start()
        assert recv_exactly(transport, len(payload)) == payload
        sender.join(5)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_implicit_tls_trusting_the_ca_file(
    serve: Callable[..., Server], pki: TestPKI, host: str
) -> None:
    server = serve(echo, context=server_context(pki.server_cert, pki.server_key))
    with Transport.connect(host, server.port, security="tls", timeout=5, tls=ca(pki)) as t:
        assert t.is_tls
        assert recv_exactly(t, len(BANNER)) == BANNER
        t.send(b"hello\r\n")
        assert recv_exactly(t, 7) == b"hello\r\n"
        info = t.peer_certificate_info()
    assert info is not None
    assert info.protocol in {"TLSv1.2", "TLSv1.3"}
    assert info.cipher
    assert info.subject == "CN=localhost"
    assert info.issuer == "CN=popgui test CA"
    assert info.fingerprint == pki.fingerprint(pki.server_cert)
    assert info.not_before and info.not_after and info.not_after.endswith("UTC")
    assert "IP Address:127.0.0.1" in info.certificate.subject_alt_names
    assert not info.verified_by_pin


def test_unknown_authority_is_a_certificate_error_with_details(
    serve: Callable[..., Server], pki: TestPKI
) -> None:
    server = serve(echo, context=server_context(pki.server_cert, pki.server_key))
    with pytest.raises(CertificateError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5)
    error = caught.value
    message = str(error)
    assert "certificate" in message
    assert f"127.0.0.1:{server.port}" in message
    assert "authority" in message
    assert error.fingerprint == pki.fingerprint(pki.server_cert)
    assert error.subject == "CN=localhost"
    assert error.issuer == "CN=popgui test CA"
    assert error.not_before is not None and error.not_after is not None
    assert error.pinned_fingerprint is None


@pytest.mark.parametrize(("host", "kind"), [("localhost", "name"), ("127.0.0.1", "address")])
def test_certificate_for_another_host_is_refused(
    serve: Callable[..., Server], pki: TestPKI, host: str, kind: str
) -> None:
    server = serve(echo, context=server_context(pki.wrong_host_cert, pki.wrong_host_key))
    with pytest.raises(CertificateError) as caught:
        Transport.connect(host, server.port, security="tls", timeout=5, tls=ca(pki))
    message = str(caught.value)
    assert f"issued for another {kind}, not {host}" in message
    assert "other.example.net" in message
    assert caught.value.fingerprint == pki.fingerprint(pki.wrong_host_cert)


def test_expired_certificate_is_refused(serve: Callable[..., Server], pki: TestPKI) -> None:
    server = serve(echo, context=server_context(pki.expired_cert, pki.expired_key))
    with pytest.raises(CertificateError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5, tls=ca(pki))
    assert "certificate" in str(caught.value)
    assert "expired on 2021-01-01 00:00:00 UTC" in str(caught.value)
    assert caught.value.not_after == "2021-01-01 00:00:00 UTC"
    assert caught.value.not_before == "2020-01-01 00:00:00 UTC"


def test_self_signed_refused_then_trusted_by_its_fingerprint(
    serve: Callable[..., Server], pki: TestPKI
) -> None:
    server = serve(echo, context=server_context(pki.self_signed_cert, pki.self_signed_key))
    with pytest.raises(CertificateError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5)
    assert "self-signed" in str(caught.value)
    pin = caught.value.fingerprint
    assert pin == pki.fingerprint(pki.self_signed_cert)

    # "Trust this certificate": any spelling of the fingerprint works.
    assert pin is not None
    for spelling in (pin, pin.replace(":", "").upper()):
        tls = TLSSettings(fingerprint=spelling)
        with Transport.connect("127.0.0.1", server.port, security="tls", timeout=5, tls=tls) as t:
            assert recv_exactly(t, len(BANNER)) == BANNER
            info = t.peer_certificate_info()
            assert info is not None and info.verified_by_pin
            assert info.fingerprint == pin
            assert info.subject == "CN=localhost"


def test_a_pin_replaces_the_host_name_check(serve: Callable[..., Server], pki: TestPKI) -> None:
    server = serve(echo, context=server_context(pki.wrong_host_cert, pki.wrong_host_key))
    tls = TLSSettings(fingerprint=pki.fingerprint(pki.wrong_host_cert))
    with Transport.connect("127.0.0.1", server.port, security="tls", timeout=5, tls=tls) as t:
        assert recv_exactly(t, len(BANNER)) == BANNER


def test_pin_mismatch_names_both_fingerprints(serve: Callable[..., Server], pki: TestPKI) -> None:
    server = serve(echo, context=server_context(pki.server_cert, pki.server_key))
    pinned = pki.fingerprint(pki.self_signed_cert)
    presented = pki.fingerprint(pki.server_cert)
    tls = TLSSettings(ca_file=str(pki.ca_cert), fingerprint=pinned)
    with pytest.raises(CertificateError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5, tls=tls)
    message = str(caught.value)
    assert "certificate" in message and "changed" in message
    assert pinned in message and presented in message
    assert caught.value.pinned_fingerprint == pinned
    assert caught.value.fingerprint == presented
    assert caught.value.subject == "CN=localhost"


def test_tls_1_1_only_server_is_refused(serve: Callable[..., Server], pki: TestPKI) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1_1 is deprecated
        context = server_context(pki.server_cert, pki.server_key)
        context.minimum_version = ssl.TLSVersion.TLSv1_1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        old_client = ssl.create_default_context(cafile=str(pki.ca_cert))
        old_client.minimum_version = ssl.TLSVersion.TLSv1_1
        old_client.maximum_version = ssl.TLSVersion.TLSv1_1
        old_client.set_ciphers("DEFAULT:@SECLEVEL=0")
    server = serve(echo, context=context)
    # The server really speaks TLS 1.1 (so the refusal below is popgui's own).
    try:
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
            old_client.wrap_socket(raw, server_hostname="localhost") as old,
        ):
            assert old.version() == "TLSv1.1"
    except ssl.SSLError as exc:
        pytest.skip(f"this OpenSSL cannot speak TLS 1.1 at all: {exc}")

    with pytest.raises(NetworkError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5, tls=ca(pki))
    assert not isinstance(caught.value, CertificateError)
    assert "TLS 1.2" in str(caught.value)


def test_tls_to_a_clear_text_port_says_so(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    with pytest.raises(NetworkError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=5)
    assert not isinstance(caught.value, CertificateError)
    assert f"127.0.0.1:{server.port}" in str(caught.value)
    assert "security setting" in str(caught.value)


# --------------------------------------------------------------------------------------------
# STARTTLS


def stls(transport: Transport) -> None:
    assert recv_exactly(transport, len(BANNER)) == BANNER
    transport.send(b"STLS\r\n")
    assert recv_exactly(transport, len(b"+OK begin TLS\r\n")) == b"+OK begin TLS\r\n"


def test_start_tls(serve: Callable[..., Server], pki: TestPKI) -> None:
    server = serve(starttls_handler(server_context(pki.server_cert, pki.server_key)))
    with Transport.connect(
        "localhost", server.port, security="starttls", timeout=5, tls=ca(pki)
    ) as transport:
        assert not transport.is_tls
        stls(transport)
        transport.start_tls()
        assert transport.is_tls
        assert recv_exactly(transport, len(BANNER)) == BANNER
        transport.send(b"CAPA\r\n")
        assert recv_exactly(transport, 6) == b"CAPA\r\n"


def test_start_tls_refused_certificate_with_and_without_prelude(
    serve: Callable[..., Server], pki: TestPKI
) -> None:
    server = serve(starttls_handler(server_context(pki.server_cert, pki.server_key)))
    for prelude, expected in ((stls, pki.fingerprint(pki.server_cert)), (None, None)):
        transport = Transport.connect("127.0.0.1", server.port, security="starttls", timeout=5)
        stls(transport)
        with pytest.raises(CertificateError) as caught:
            transport.start_tls("127.0.0.1", prelude=prelude)
        assert "certificate" in str(caught.value) and "authority" in str(caught.value)
        assert caught.value.fingerprint == expected
        assert transport.closed


# --------------------------------------------------------------------------------------------
# Addresses and failures


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_ipv6_loopback(serve: Callable[..., Server], pki: TestPKI) -> None:
    server = serve(echo, context=server_context(pki.server_cert, pki.server_key), host="::1")
    for host in ("::1", "[::1]"):
        with Transport.connect(host, server.port, security="tls", timeout=5, tls=ca(pki)) as t:
            assert recv_exactly(t, len(BANNER)) == BANNER
    silent_server = serve(silent, host="::1")
    t = Transport.connect("::1", silent_server.port, security="none", timeout=0.2)
    with t, pytest.raises(NetworkError) as caught:
        t.recv()
    assert f"[::1]:{silent_server.port}" in str(caught.value)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def test_connection_refused_wording(closed_port: int) -> None:
    with pytest.raises(NetworkError) as caught:
        Transport.connect("127.0.0.1", closed_port, security="tls", timeout=5)
    assert str(caught.value) == f"could not connect to 127.0.0.1:{closed_port}: connection refused"


def test_unknown_host_wording() -> None:
    with pytest.raises(NetworkError) as caught:
        Transport.connect("no-such-host.invalid", 995, security="tls", timeout=5)
    assert str(caught.value).startswith("could not connect to no-such-host.invalid:995: ")
    assert "host name" in str(caught.value)


def test_read_timeout_wording(serve: Callable[..., Server]) -> None:
    server = serve(silent)
    with Transport.connect("127.0.0.1", server.port, security="none", timeout=0.3) as t:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            t.recv()
        assert time.monotonic() - started < 3
    expected = f"the server at 127.0.0.1:{server.port} did not answer within 0.3 seconds"
    assert str(caught.value) == expected


def test_handshake_timeout_wording(serve: Callable[..., Server]) -> None:
    server = serve(silent)
    with pytest.raises(NetworkError) as caught:
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=0.3)
    assert "did not answer within 0.3 seconds" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"host": "", "port": 110}, "server name"),
        ({"host": "a b", "port": 110}, "server name"),
        ({"host": "localhost", "port": 0}, "port"),
        ({"host": "localhost", "port": 70000}, "port"),
        ({"host": "localhost", "port": 110, "security": "ssl"}, "security"),
        ({"host": "localhost", "port": 110, "timeout": 0}, "timeout"),
    ],
)
def test_bad_settings_are_config_errors(kwargs: dict[str, object], word: str) -> None:
    arguments: dict[str, object] = {"security": "none", "timeout": 5, **kwargs}
    with pytest.raises(ConfigError, match=word):
        Transport.connect(**arguments)  # type: ignore[arg-type]


def test_unreadable_ca_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CA certificate file"):
        make_tls_context(str(tmp_path / "missing.pem"))
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    with pytest.raises(ConfigError, match="CA certificate file"):
        make_tls_context(str(empty))


def test_tls_context_is_strict() -> None:
    context = make_tls_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_io_after_close(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    transport = Transport.connect("127.0.0.1", server.port, security="none", timeout=5)
    transport.close()
    transport.close()  # idempotent
    with pytest.raises(NetworkError, match="is closed"):
        transport.recv()
    with pytest.raises(NetworkError, match="is closed"):
        transport.send(b"x")


# --------------------------------------------------------------------------------------------
# Cancel


@pytest.mark.parametrize("secure", [False, True], ids=["clear", "tls"])
def test_cancel_unblocks_a_blocked_recv(
    serve: Callable[..., Server], pki: TestPKI, secure: bool
) -> None:
    context = server_context(pki.server_cert, pki.server_key) if secure else None
    server = serve(silent, context=context)
    token = CancelToken()
    transport = Transport.connect(
        "127.0.0.1",
        server.port,
        security="tls" if secure else "none",
        timeout=30,
        tls=ca(pki),
        cancel=token,
    )
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            transport.recv()
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.2)
    assert reader.is_alive(), "recv should be blocked"
    started = time.monotonic()
    token.cancel()
    reader.join(CANCEL_BOUND)
    assert not reader.is_alive(), "cancel did not unblock recv"
    assert time.monotonic() - started < CANCEL_BOUND  # not the 30-s read timeout
    assert len(outcome) == 1 and isinstance(outcome[0], CancelledError), outcome
    assert transport.closed
    with pytest.raises(CancelledError):
        transport.send(b"QUIT\r\n")


#: Cancel must end a wait that would otherwise last the 30-s timeout; half of it is a bound
#: that a loaded machine ten times slower still meets, and a cancel that fails does not.
CANCEL_BOUND = 15.0


def cancel_soon(token: CancelToken, delay: float = 0.2) -> threading.Timer:
    timer = threading.Timer(delay, token.cancel)
    timer.start()
    return timer


def test_cancel_unblocks_a_tls_handshake(serve: Callable[..., Server]) -> None:
    server = serve(silent)  # accepts, never answers the ClientHello
    token = CancelToken()
    cancel_soon(token)
    started = time.monotonic()
    with pytest.raises(CancelledError):
        Transport.connect("127.0.0.1", server.port, security="tls", timeout=30, cancel=token)
    assert time.monotonic() - started < CANCEL_BOUND


def test_cancel_unblocks_a_blocked_send(serve: Callable[..., Server]) -> None:
    done = threading.Event()

    def never_reads(conn: socket.socket) -> None:
        done.wait(60)  # longer than the client's timeout: only the cancel can end the send

    server = serve(never_reads)
    token = CancelToken()
    with Transport.connect(
        "127.0.0.1", server.port, security="none", timeout=30, cancel=token
    ) as transport:
        cancel_soon(token)
        started = time.monotonic()
        with pytest.raises(CancelledError):
            transport.send(b"x" * 256 * 1024 * 1024)  # far more than the socket buffers hold
        assert time.monotonic() - started < CANCEL_BOUND
    done.set()


def test_cancelled_before_connecting(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        Transport.connect("127.0.0.1", server.port, security="none", timeout=5, cancel=token)


def test_close_unregisters_from_the_token(serve: Callable[..., Server]) -> None:
    server = serve(echo)
    token = CancelToken()
    for _ in range(3):
        with Transport.connect(
            "127.0.0.1", server.port, security="none", timeout=5, cancel=token
        ) as transport:
            recv_exactly(transport, len(BANNER))
    assert not token._callbacks


def test_cancel_token_callbacks() -> None:
    token = CancelToken()
    calls: list[str] = []
    token.add_callback(lambda: calls.append("a"))
    remove_b = token.add_callback(lambda: calls.append("b"))

    def failing() -> None:
        raise RuntimeError("boom")

    token.add_callback(failing)
    token.add_callback(lambda: calls.append("c"))
    remove_b()
    remove_b()  # idempotent
    assert not token.cancelled
    token.raise_if_cancelled()
    token.cancel()
    token.cancel()  # runs the callbacks once only
    assert calls == ["a", "c"]
    assert token.cancelled
    with pytest.raises(CancelledError, match="cancelled"):
        token.raise_if_cancelled()
    token.add_callback(lambda: calls.append("late"))  # runs at once
    assert calls == ["a", "c", "late"]
    assert token.wait(0)


# --------------------------------------------------------------------------------------------
# Fingerprints


@given(st.binary(min_size=1, max_size=64))
def test_fingerprint_spellings_normalise_to_one(der: bytes) -> None:
    canonical = certificate_fingerprint(der)
    bare = canonical.replace(":", "")
    for spelling in (canonical, canonical.upper(), bare, bare.upper(),
                     f"sha256 Fingerprint={canonical.upper()}", f"  {canonical}\n"):  # fmt: skip
        assert normalize_fingerprint(spelling) == canonical
        assert TLSSettings(fingerprint=spelling).fingerprint == canonical


@pytest.mark.parametrize("bad", ["abc", "zz" * 32, "ab:" * 31 + "ab:cd", "00" * 20])
def test_malformed_fingerprint_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="fingerprint"):
        TLSSettings(fingerprint=bad)


def test_empty_settings_mean_unset() -> None:
    assert TLSSettings(ca_file="", fingerprint="  ") == TLSSettings()
