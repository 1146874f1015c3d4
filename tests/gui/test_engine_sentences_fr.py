"""The engine's own sentences in a French window: the Test connection report and the
certificate dialog show real reports from our local server in French, with no English
sentence of the catalog left in them, and stay English without a translator."""

from __future__ import annotations

import html
import ssl
import string
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from popgui.catalog import Sentence, english
from popgui.errors import CertificateError, PopguiError
from popgui.gui.certificate_dialog import CertificateDialog
from popgui.gui.connection_report import render_report
from popgui.localserver import LocalPOP3Server, ServerAccount
from popgui.net.session import ConnectOptions
from popgui.sync import diagnose
from popgui.sync.diagnose import ConnectionReport
from tests.support.certs import TestPKI

from .conftest import MAIL_PASSWORD, MAIL_USER, account_for, mailbox_of

FAST = ConnectOptions(timeout=5)
#: English words the reports carry in their sentences; the French window must not show them.
ENGLISH_PHRASES = (
    "not encrypted",
    "the login was not tried",
    "clear text",
    "waiting on the server",
    "is not trusted",
    "self-signed",
    "trust this exact certificate",
    "refused the login",
)


@pytest.fixture
def self_signed_server(test_pki: TestPKI) -> Iterator[LocalPOP3Server]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(test_pki.self_signed_cert, test_pki.self_signed_key)
    account = ServerAccount(MAIL_USER, MAIL_PASSWORD, mailbox_of([b"Subject: x\r\n\r\nx\r\n"]))
    with LocalPOP3Server([account], implicit_tls=context) as server:
        yield server


def _reports(pop3_server: LocalPOP3Server, tls_server: LocalPOP3Server) -> list[ConnectionReport]:
    plain = account_for("plain", pop3_server)
    tls = account_for("tls", tls_server, host="localhost", security="tls")
    return [
        diagnose.test_connection(plain, None, options=FAST),
        diagnose.test_connection(plain, MAIL_PASSWORD, options=FAST),
        diagnose.test_connection(plain, "wrong password", options=FAST),
        diagnose.test_connection(tls, MAIL_PASSWORD, options=FAST),
    ]


def _sentences(value: object) -> Iterator[Sentence]:
    """``value`` and the sentences nested in it."""
    if isinstance(value, PopguiError):
        value = value.sentence
    if isinstance(value, Sentence):
        yield value
        for field in value.values.values():
            yield from _sentences(field)


def _english_pieces(sentence: Sentence) -> list[str]:
    """The catalog's own English words of a sentence (between its fields), long enough to be
    unmistakable."""
    text = english(sentence.message, 2)
    pieces = (literal.strip(" .,:;()") for literal, *_ in string.Formatter().parse(text))
    return [piece for piece in pieces if len(piece) >= 12]


def _catalog_sentences(reports: list[ConnectionReport]) -> list[Sentence]:
    found: list[Sentence] = []
    for report in reports:
        for item in (*report.notes, report.error):
            found += _sentences(item)
    return found


def _assert_french(shown: str, sentences: list[Sentence]) -> None:
    lowered = shown.lower()
    for phrase in ENGLISH_PHRASES:
        assert phrase not in lowered, f"English {phrase!r} in: {shown}"
    for sentence in sentences:
        for piece in _english_pieces(sentence):
            assert piece.lower() not in lowered, f"{sentence.message.id}: {piece!r} in {shown}"


def test_the_connection_report_speaks_french(
    french: None, pop3_server: LocalPOP3Server, self_signed_server: LocalPOP3Server
) -> None:
    reports = _reports(pop3_server, self_signed_server)
    sentences = _catalog_sentences(reports)
    # Every note and every error of these reports is a catalog sentence (a server's own
    # words travel inside them as values).
    for report in reports:
        assert all(isinstance(note, Sentence) for note in report.notes), report.notes
        assert report.error is None or report.error.sentence is not None, report.error
    assert len({sentence.message.id for sentence in sentences}) >= 8
    shown = html.unescape(" ".join(render_report(report) for report in reports))
    _assert_french(shown, sentences)
    assert "n’est pas chiffrée" in shown
    assert "n’est pas reconnu" in shown


def test_the_certificate_dialog_speaks_french(
    qtbot: QtBot, french: None, self_signed_server: LocalPOP3Server
) -> None:
    tls = account_for("tls", self_signed_server, host="localhost", security="tls")
    error = diagnose.test_connection(tls, None, options=FAST).certificate_error
    assert isinstance(error, CertificateError)
    dialog = CertificateDialog(error)
    qtbot.addWidget(dialog)
    shown = " ".join((dialog.headline.text(), dialog.reason.text(), dialog.advice.text()))
    _assert_french(shown, list(_sentences(error)))
    assert dialog.reason.text().startswith("Le certificat de localhost:")
    assert "auto-signé" in dialog.reason.text()


def test_english_without_a_translator(
    qtbot: QtBot, pop3_server: LocalPOP3Server, self_signed_server: LocalPOP3Server
) -> None:
    reports = _reports(pop3_server, self_signed_server)
    shown = html.unescape(" ".join(render_report(report) for report in reports))
    assert "The connection is not encrypted" in shown
    assert "is not trusted: it is self-signed" in shown
    error = reports[-1].certificate_error
    assert error is not None
    dialog = CertificateDialog(error)
    qtbot.addWidget(dialog)
    assert dialog.reason.text() == (
        f"The certificate of localhost:{self_signed_server.port} is not trusted: it is "
        "self-signed, so no known authority vouches for it."
    )
