"""After "Trust this certificate" in the account dialog, the report says what is true now.

A local POP3 server with a self-signed certificate, the real engine worker and the real
certificate dialog: the red "not trusted" report must not stay once the certificate is trusted.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from popgui.gui.account_dialog import AccountDialog
from popgui.gui.certificate_dialog import CertificateDialog
from popgui.gui.worker import EngineController
from popgui.localserver import LocalPOP3Server, ServerAccount, ServerMailbox
from popgui.profile import Profile
from tests.support.certs import TestPKI
from tests.support.qt_modal import when_modal

TIMEOUT_MS = 20_000


def test_trusting_the_certificate_tests_again_and_the_red_report_goes(
    qtbot: QtBot, tmp_path: Path, test_pki: TestPKI
) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(test_pki.self_signed_cert, test_pki.self_signed_key)
    mailbox = ServerMailbox([b"Subject: hi\r\n\r\nhello\r\n"])
    account = ServerAccount("alice", "pw", mailbox)
    with LocalPOP3Server([account], implicit_tls=context) as server:
        controller = EngineController(Profile(tmp_path / "profile"))
        try:
            dialog = AccountDialog(controller, [])
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.keyClicks(dialog.name_edit, "local")
            qtbot.keyClicks(dialog.host_edit, "localhost")
            qtbot.keyClicks(dialog.port_edit, str(server.port))
            qtbot.keyClicks(dialog.user_edit, "alice")
            qtbot.keyClicks(dialog.password_edit, "pw")
            dialog.test_button.click()
            qtbot.waitUntil(dialog.trust_button.isVisible, timeout=TIMEOUT_MS)
            assert "not trusted" in dialog.report_view.toPlainText()
            seen: list[Any] = []
            when_modal(CertificateDialog, lambda d: d.trust_button.click(), seen)

            dialog.trust_button.click()  # returns once the certificate dialog is closed

            assert seen, "the certificate dialog did not open"
            assert dialog.fingerprint_edit.text() == test_pki.fingerprint(test_pki.self_signed_cert)
            qtbot.waitUntil(
                lambda: "Connected and logged in" in dialog.report_view.toPlainText(),
                timeout=TIMEOUT_MS,
            )
            assert "not trusted" not in dialog.report_view.toPlainText()
            assert not dialog.trust_button.isVisible()
        finally:
            controller.shutdown()
