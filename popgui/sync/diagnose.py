"""The "Test connection" check: connect to a server step by step and report each stage.

:func:`test_connection` does what :func:`popgui.net.session.open_pop3` does (same transport,
same security rules: STARTTLS never falls back to clear text), but one stage at a time, so that
the report can say how far it got: the address and port, the TLS version, cipher and
certificate, the CAPA lines, the login methods offered (with notes on those popgui cannot or
will not use), which one ``auto`` would choose, and, when a secret is given, whether the login
succeeds. It then says QUIT: a test never reads, retrieves or deletes mail.

It never raises for a person's mistake (a wrong host, a refused certificate, a wrong password):
every :class:`~popgui.errors.PopguiError` ends the test and goes into
:attr:`ConnectionReport.error`, with whatever was learnt before it. A
:class:`~popgui.errors.CertificateError` keeps the presented certificate's details (also in
:attr:`ConnectionReport.certificate`) so the window can offer "Trust this certificate".

Like every network call it blocks: run it in the worker thread, never on the GUI thread.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, fields

from popgui.accounts.proxy_settings import parse_proxy
from popgui.accounts.settings import Account, validate_account
from popgui.catalog import Sentence
from popgui.catalog import clientcert as clientcert_says
from popgui.catalog import kerberos as kerberos_says
from popgui.catalog import proxy as proxy_says
from popgui.catalog import report as says
from popgui.errors import CertificateError, ConfigError, CredentialsError, PopguiError, ServerError
from popgui.net import kerberos
from popgui.net.certificates import CertificateInfo
from popgui.net.clientcert import client_certificate, has_expired, login_refused
from popgui.net.pop2client import POP2Client
from popgui.net.pop3client import SUPPORTED_SASL, Capabilities, POP3Client
from popgui.net.session import ConnectOptions, connect_transport
from popgui.net.transport import Transport
from popgui.protocol import sasl

__all__ = ["DEFAULT_TEST_TIMEOUT", "ConnectionReport", "test_connection"]

#: A test is interactive: give up sooner than a sync would.
DEFAULT_TEST_TIMEOUT = 20.0

_SECURITY_WORDS = {
    "tls": says.SECURITY_TLS,
    "starttls": says.SECURITY_STARTTLS,
    "none": says.SECURITY_NONE,
}


@dataclass(frozen=True)
class ConnectionReport:
    """What "Test connection" found. Fields that were not reached stay empty or None.

    ``security`` is the account's setting in words. ``tls_version``/``cipher``/``certificate``
    describe the encrypted connection (or, after a certificate refusal, the refused
    certificate). ``capabilities`` are the CAPA lines as the server sent them (after STLS
    when STARTTLS is used). ``auth_methods`` are the login methods the server offers: its SASL
    mechanisms, plus ``USER`` and ``APOP`` where possible (``HELO`` for POP2). ``notes`` are
    plain sentences for the person: catalog sentences (a front end may add its own, worded
    already). ``login_ok`` is None when no login was tried.
    ``auto_method`` is what ``auth = auto`` would use; ``login_method`` what the login used.
    ``client_certificate`` is the client certificate the account shows the server, once the
    encrypted connection stands (a note says its subject and expiry).
    """

    address: str
    security: str | Sentence
    tls_version: str | None
    cipher: str | None
    certificate: CertificateInfo | None
    capabilities: tuple[str, ...]
    auth_methods: tuple[str, ...]
    notes: tuple[str | Sentence, ...]
    login_ok: bool | None
    error: PopguiError | None
    protocol: str = "pop3"
    greeting: str | None = None
    certificate_pinned: bool = False
    auto_method: str | None = None
    login_method: str | None = None
    message_count: int | None = None
    client_certificate: CertificateInfo | None = None

    @property
    def ok(self) -> bool:
        """True when every stage that was tried worked."""
        return self.error is None and self.login_ok is not False

    @property
    def certificate_error(self) -> CertificateError | None:
        return self.error if isinstance(self.error, CertificateError) else None


@dataclass
class _Findings:
    """The report under construction (mutable while the test runs)."""

    address: str
    security: str | Sentence
    protocol: str
    tls_version: str | None = None
    cipher: str | None = None
    certificate: CertificateInfo | None = None
    certificate_pinned: bool = False
    greeting: str | None = None
    capabilities: tuple[str, ...] = ()
    auth_methods: tuple[str, ...] = ()
    notes: list[Sentence] = field(default_factory=list)
    login_ok: bool | None = None
    auto_method: str | None = None
    login_method: str | None = None
    message_count: int | None = None
    error: PopguiError | None = None
    client_certificate: CertificateInfo | None = None

    def note(self, text: Sentence) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def report(self) -> ConnectionReport:
        # Shallow, unlike dataclasses.asdict: the error and the certificate stay objects.
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        values["notes"] = tuple(self.notes)
        return ConnectionReport(**values)


def test_connection(
    account: Account, secret: str | None, *, options: ConnectOptions | None = None
) -> ConnectionReport:
    """Connect to ``account``'s server stage by stage and report; see the module docstring.

    ``secret`` None (or empty) tests everything except the login.
    """
    options = options if options is not None else ConnectOptions(timeout=DEFAULT_TEST_TIMEOUT)
    found = _Findings(
        address=_address(account),
        security=_security_words(account.security),
        protocol=account.protocol,
    )
    try:
        account = validate_account(account)
    except ConfigError as error:
        found.error = error
        return found.report()
    if account.security == "none":
        no_password = account.auth == "gssapi"  # a Kerberos ticket never crosses in clear
        found.note(says.NOT_ENCRYPTED_NO_PASSWORD() if no_password else says.NOT_ENCRYPTED())
    if account.proxy is not None:
        found.note(proxy_says.THROUGH(proxy=parse_proxy(account.proxy).describe()))
    try:
        if account.protocol == "pop2":
            _test_pop2(account, secret or None, options, found)
        else:
            _test_pop3(account, secret or None, options, found)
    except PopguiError as error:
        found.error = error
        _explain_failure(error, found)
    return found.report()


# -- POP3 ----------------------------------------------------------------------------------------


def _test_pop3(
    account: Account, secret: str | None, options: ConnectOptions, found: _Findings
) -> None:
    transport = _connect(account, options, found)
    client = POP3Client(transport, trace=options.trace)
    try:
        greeting = client.read_greeting()
        found.greeting = greeting.text
        capabilities = client.capa()
        if account.security == "starttls":
            _note_capabilities(capabilities, found)  # what the server said in clear text
            client.starttls(account.host)
            _record_tls(transport, account, found)
            capabilities = client.capabilities
        _note_capabilities(capabilities, found)
        _note_auth_methods(
            client, capabilities, greeting.timestamp, transport.is_tls, found,
            signs_in_with_ticket=account.auth == "gssapi",
        )  # fmt: skip
        if kerberos.MECHANISM in found.auth_methods:
            found.note(_kerberos_ticket_note(account.user))
        if account.auth == "gssapi":
            _login(client, account, "", found)  # the ticket signs in: there is no password
        elif secret is None:
            found.note(says.NO_PASSWORD())
        else:
            _login(client, account, secret, found)
        with contextlib.suppress(PopguiError):
            client.quit()
    finally:
        client.close()


def _connect(account: Account, options: ConnectOptions, found: _Findings) -> Transport:
    try:
        transport = connect_transport(account, options)
    except CertificateError as error:
        found.certificate = _certificate_from_error(error)
        raise
    if account.security == "tls":
        _record_tls(transport, account, found)
    return transport


def _record_tls(transport: Transport, account: Account, found: _Findings) -> None:
    info = transport.peer_certificate_info()
    if info is None:
        return
    _record_client_certificate(account, found)
    found.tls_version = info.protocol
    found.cipher = info.cipher
    found.certificate = info.certificate
    found.certificate_pinned = info.verified_by_pin
    if info.verified_by_pin:
        found.note(says.PINNED())


def _record_client_certificate(account: Account, found: _Findings) -> None:
    """Which client certificate went to the server (it was loaded: the connection stands)."""
    client = client_certificate(account)
    info = client.describe() if client is not None else None
    if info is None:
        return
    found.client_certificate = info
    until = info.not_after or "?"
    offered = clientcert_says.OFFERED_EXPIRED if has_expired(info) else clientcert_says.OFFERED
    found.note(offered(subject=info.subject or "?", issuer=info.issuer or "?", until=until))


def _note_capabilities(capabilities: Capabilities | None, found: _Findings) -> None:
    if capabilities is None:
        found.capabilities = ()
        found.note(says.NO_CAPA())
        return
    found.capabilities = tuple(" ".join((name, *args)) for name, args in capabilities.lines.items())
    delay = capabilities.login_delay
    if delay is not None and delay >= 60:
        found.note(says.LOGIN_DELAY(every=_every(delay)))


def _note_auth_methods(
    client: POP3Client,
    capabilities: Capabilities | None,
    timestamp: str | None,
    is_tls: bool,
    found: _Findings,
    *,
    signs_in_with_ticket: bool,
) -> None:
    offered = list(capabilities.sasl) if capabilities is not None else []
    if capabilities is None or capabilities.has("USER"):
        offered.append("USER")
    if timestamp:
        offered.append("APOP")
    found.auth_methods = tuple(offered)
    for name in offered:
        if name in ("USER", "APOP"):
            continue
        why = sasl.explain_unsupported(name)
        if why is not None:
            found.note(says.FULL_STOP(sentence=why))
        elif name not in SUPPORTED_SASL:
            found.note(says.UNKNOWN_METHOD(method=name))
    if "XOAUTH2" in offered or "OAUTHBEARER" in offered:
        found.note(says.OAUTH())
    clear_text = "USER" in offered or "PLAIN" in offered or "LOGIN" in offered
    if not is_tls and clear_text and not signs_in_with_ticket:
        found.note(says.CLEAR_TEXT())
    try:
        found.auto_method = client._choose_method("auto")  # the very rule login() applies
    except ConfigError as error:
        found.note(says.AUTO_CANNOT(error=error.sentence or str(error)))


def _login(client: POP3Client, account: Account, secret: str, found: _Findings) -> None:
    try:
        found.login_method = client.login(account.user, secret, account.auth)
    except CredentialsError as error:
        found.login_ok = False
        refused = login_refused(error, _address(account), client_certificate(account))
        if refused is not None:
            raise refused from error
        raise
    except ServerError:
        found.login_ok = False
        raise
    except (ConfigError, kerberos.KerberosError):
        found.login_ok = False  # the chosen method is not possible with this server, or
        raise  # Kerberos could not sign in (no ticket, wrong service...)
    found.login_ok = True
    if client.principal:
        found.note(kerberos_says.SIGNED_IN_AS(principal=client.principal))
    try:
        found.message_count = client.stat()[0]
    except PopguiError:
        return
    messages = says.MESSAGES(count=found.message_count)
    found.note(says.LOGGED_IN(method=found.login_method, messages=messages))


def _kerberos_ticket_note(user: str) -> Sentence:
    """What the server's GSSAPI means here: the ticket popgui would sign in with, if any."""
    try:
        summary = kerberos.ticket_summary(user)
    except kerberos.KerberosUnavailableError as error:
        return error.sentence or kerberos_says.NEEDS_TICKET_HERE()
    return kerberos_says.TICKET_NOTE(ticket=summary)


# -- POP2 ----------------------------------------------------------------------------------------


def _test_pop2(
    account: Account, secret: str | None, options: ConnectOptions, found: _Findings
) -> None:
    transport = _connect(account, options, found)
    client = POP2Client(transport, trace=options.trace)
    try:
        greeting = client.read_greeting()
        found.greeting = greeting.text
        found.auth_methods = ("HELO",)
        found.note(says.POP2_NO_CAPA())
        if secret is None:
            found.note(says.NO_PASSWORD())
            return  # POP2 offers nothing to say before HELO; closing is the polite end
        try:
            count = client.helo(account.user, secret)
        except (CredentialsError, ServerError):
            found.login_ok = False
            raise
        found.login_ok = True
        found.login_method = "HELO"
        if account.remote_folder:
            count = client.fold(account.remote_folder)
        found.message_count = count
        folder = account.remote_folder
        where = says.IN_FOLDER(folder=repr(folder)) if folder else says.IN_MAILBOX()
        found.note(says.POP2_LOGGED_IN(messages=says.MESSAGES(count=count), where=where))
        with contextlib.suppress(PopguiError):
            client.quit()
    finally:
        client.close()


# -- wording -------------------------------------------------------------------------------------


def _explain_failure(error: PopguiError, found: _Findings) -> None:
    if isinstance(error, CertificateError):
        if error.pinned_fingerprint:
            found.note(says.CERTIFICATE_DIFFERS())
        elif error.fingerprint:
            found.note(says.CAN_TRUST())
    elif isinstance(error, ServerError) and error.is_temporary:
        found.note(says.TRY_LATER())


def _certificate_from_error(error: CertificateError) -> CertificateInfo | None:
    if not error.fingerprint:
        return None
    return CertificateInfo(
        fingerprint=error.fingerprint,
        subject=error.subject,
        issuer=error.issuer,
        not_before=error.not_before,
        not_after=error.not_after,
    )


def _address(account: Account) -> str:
    host = account.host.strip("[]")
    try:
        port = account.effective_port
    except (TypeError, ValueError):
        port = 0
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _security_words(security: str) -> str | Sentence:
    words = _SECURITY_WORDS.get(security)
    return words() if words is not None else str(security)


def _every(seconds: int) -> Sentence:
    """How often LOGIN-DELAY lets one log in: in hours when whole, else in minutes."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return says.EVERY_HOUR() if hours == 1 else says.EVERY_HOURS(count=hours)
    minutes = round(seconds / 60)
    return says.EVERY_MINUTE() if minutes == 1 else says.EVERY_MINUTES(count=minutes)
