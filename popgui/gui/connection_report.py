"""What "Test connection" found, as HTML for the account dialog's report pane.

:func:`render_report` writes a :class:`~popgui.sync.diagnose.ConnectionReport` section by
section (outcome, server, encryption, capabilities, login methods, login, notes); every value
that came from the server is escaped. The engine's sentences (notes, errors, the security
setting in words) are shown in the window's language through :mod:`popgui.gui.wording`.
:func:`error_html` is the pane when the test gave no report at all. The window's own text
stays in the ``AccountDialog`` translation context, where it was first written (the French
translation is filed under that name).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from popgui.errors import CertificateError, CredentialsError, KeyringUnavailableError, PopguiError
from popgui.gui.certificate_dialog import wrap_fingerprint
from popgui.gui.wording import as_sentence, describe, say, translate_message
from popgui.net.kerberos import KerberosRefusedError

if TYPE_CHECKING:
    from popgui.net.certificates import CertificateInfo
    from popgui.sync.diagnose import ConnectionReport

__all__ = ["describe_error", "error_html", "render_report"]

# For the module's functions (lupdate reads ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate

_GOOD = "color:#188038"
_BAD = "color:#b3261e"


def describe_error(error: PopguiError) -> str:
    """describe(), minus its command-line hints: the dialog has its own buttons and fields.

    In the window's language, like :func:`popgui.gui.wording.describe`.
    """
    if isinstance(error, CertificateError | KerberosRefusedError):  # no app password here
        return as_sentence(error.render(translate_message))
    if isinstance(error, CredentialsError) and not isinstance(error, KeyringUnavailableError):
        return (
            as_sentence(error.render(translate_message))
            + " "
            + translate(
                "AccountDialog",
                "Some providers (Gmail, Yahoo) want an app password here, "
                "Microsoft an OAuth2 token.",
            )
        )
    return describe(error)


def error_html(text: str, error: PopguiError | None) -> str:
    """The pane for a test that ended without a report: a title and ``text``."""
    title = (
        translate("AccountDialog", "Certificate not trusted")
        if isinstance(error, CertificateError)
        else translate("AccountDialog", "Test failed")
    )
    return f"<p style='{_BAD}'><b>{title}</b></p><p>{html.escape(text)}</p>"


def render_report(report: ConnectionReport) -> str:
    """A ConnectionReport as HTML for the report pane (every value escaped)."""
    sections = (
        _outcome(report),
        _server(report),
        _encryption(report),
        _capabilities(report),
        _login_methods(report),
        _login(report),
        _notes(report),
    )
    return "".join(sections)


def _row(label: str, value: str | None, *, mono: bool = False) -> str:
    if not value:
        return ""
    shown = html.escape(value).replace("\n", "<br>")
    if mono:
        shown = f"<span style='font-family:monospace'>{shown}</span>"
    cell = "<td style='padding-right:10px' valign='top'>"
    return f"<tr>{cell}<i>{label}</i></td><td>{shown}</td></tr>"


def _section(title: str, body: str) -> str:
    return f"<h4>{title}</h4>{body}"


def _outcome(report: ConnectionReport) -> str:
    error = report.error
    if error is None and report.login_ok:
        ok = translate("AccountDialog", "Connected and logged in.")
        return f"<p style='{_GOOD}'><b>{ok}</b></p>"
    if error is None:
        ok = translate("AccountDialog", "Connected.")
        untried = translate("AccountDialog", "The login was not tried.")
        return f"<p style='{_GOOD}'><b>{ok}</b> {untried}</p>"
    title = (
        translate("AccountDialog", "Certificate not trusted:")
        if isinstance(error, CertificateError)
        else translate("AccountDialog", "Problem:")
    )
    return f"<p style='{_BAD}'><b>{title}</b> {html.escape(describe_error(error))}</p>"


def _server(report: ConnectionReport) -> str:
    rows = (
        _row(translate("AccountDialog", "Server"), report.address),
        _row(translate("AccountDialog", "Protocol"), report.protocol.upper()),
        _row(translate("AccountDialog", "Security"), say(report.security)),
        _row(translate("AccountDialog", "Greeting"), report.greeting),
    )
    return "<table style='margin-top:6px'>" + "".join(rows) + "</table>"


def _encryption(report: ConnectionReport) -> str:
    cert = report.certificate
    if not report.tls_version and cert is None:
        return ""
    rows = [
        _row("TLS", report.tls_version),
        _row(translate("AccountDialog", "Cipher"), report.cipher),
    ]
    if cert is not None:
        rows += _certificate_rows(cert, pinned=report.certificate_pinned)
    title = translate("AccountDialog", "Encryption")
    return _section(title, "<table>" + "".join(rows) + "</table>")


def _certificate_rows(cert: CertificateInfo, *, pinned: bool) -> list[str]:
    validity = " – ".join(v for v in (cert.not_before, cert.not_after) if v)
    rows = [
        _row(translate("AccountDialog", "Issued to"), cert.subject),
        _row(translate("AccountDialog", "Issued by"), cert.issuer),
        _row(translate("AccountDialog", "Valid"), validity),
        _row("SHA-256", wrap_fingerprint(cert.fingerprint, per_line=8), mono=True),
    ]
    if pinned:
        rows.append(
            _row(
                translate("AccountDialog", "Trusted"),
                translate("AccountDialog", "by its pinned fingerprint"),
            )
        )
    return rows


def _capabilities(report: ConnectionReport) -> str:
    if not report.capabilities:
        return ""
    lines = "<br>".join(html.escape(line) for line in report.capabilities)
    title = translate("AccountDialog", "Capabilities (CAPA)")
    return _section(title, f"<p style='font-family:monospace'>{lines}</p>")


def _login_methods(report: ConnectionReport) -> str:
    if not report.auth_methods:
        return ""
    methods = html.escape(", ".join(report.auth_methods))
    auto = report.auto_method
    extra = (
        "<br>"
        + translate("AccountDialog", "Automatic would use {method}.").format(
            method=f"<b>{html.escape(auto)}</b>"
        )
        if auto
        else ""
    )
    title = translate("AccountDialog", "Login methods offered")
    return _section(title, f"<p>{methods}{extra}</p>")


def _login(report: ConnectionReport) -> str:
    login, method = report.login_ok, report.login_method
    if login is None:
        return ""
    if login and method:
        text = translate("AccountDialog", "Succeeded with {method}.").format(
            method=html.escape(method)
        )
    elif login:
        text = translate("AccountDialog", "Succeeded.")
    else:
        refused = translate("AccountDialog", "Refused.")
        text = f"<span style='{_BAD}'>{refused}</span>"
    return _section(translate("AccountDialog", "Login"), f"<p>{text}</p>")


def _notes(report: ConnectionReport) -> str:
    if not report.notes:
        return ""
    # A note may be a part of a sentence ("signed in with Kerberos as …"): each is one here.
    items = "".join(f"<li>{html.escape(as_sentence(say(note)))}</li>" for note in report.notes)
    title = translate("AccountDialog", "Notes")
    return _section(title, f"<ul style='margin-left:-20px'>{items}</ul>")
