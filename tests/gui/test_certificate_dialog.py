"""The "trust this certificate?" dialog: plain words, the fingerprint, Cancel by default."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from popgui.catalog import Sentence
from popgui.catalog import certificates as says
from popgui.errors import CertificateError
from popgui.gui.certificate_dialog import (
    CertificateDialog,
    CertificateProblem,
    ask_trust_certificate,
    problem_of,
    wrap_fingerprint,
)

FINGERPRINT = ":".join(f"{i:02x}" for i in range(32))
OLD = ":".join("ab" for _ in range(32))


def certificate_error(message: str | Sentence, **extra: str | None) -> CertificateError:
    details: dict[str, str | None] = {
        "fingerprint": FINGERPRINT,
        "subject": "CN=mail.example.org",
        "issuer": "CN=Example Private CA, O=Example",
        "not_before": "2024-01-01 00:00:00 UTC",
        "not_after": "2026-01-01 00:00:00 UTC",
    }
    details.update(extra)
    return CertificateError(message, **details)


SELF_SIGNED = says.NOT_TRUSTED(place="mail.example.org:995", reason=says.SELF_SIGNED())


def refused(reason: Sentence) -> Sentence:
    return says.NOT_TRUSTED(place="h:995", reason=reason)


@pytest.mark.parametrize(
    ("message", "pinned", "problem"),
    [
        (refused(says.EXPIRED_ON(date="2021-01-01")), None, CertificateProblem.EXPIRED),
        (refused(says.EXPIRED()), None, CertificateProblem.EXPIRED),
        (refused(says.NOT_VALID_BEFORE(date="2030-01-01")), None,
         CertificateProblem.NOT_YET_VALID),
        (refused(says.NOT_VALID_YET()), None, CertificateProblem.NOT_YET_VALID),
        (refused(says.OTHER_NAME(server="h")), None, CertificateProblem.OTHER_NAME),
        (refused(says.OTHER_ADDRESS_LISTED(server="192.0.2.1", names="h")), None,
         CertificateProblem.OTHER_NAME),
        (SELF_SIGNED, None, CertificateProblem.UNKNOWN_AUTHORITY),
        (refused(says.UNKNOWN_AUTHORITY()), None, CertificateProblem.UNKNOWN_AUTHORITY),
        (says.CHANGED_SHORT(place="h:995"), OLD, CertificateProblem.CHANGED),
        (refused(says.REVOKED()), None, CertificateProblem.OTHER),
        (refused(says.NOT_VERIFIED(detail="it expired, says OpenSSL")), None,
         CertificateProblem.OTHER),
        ("a plain sentence saying the certificate expired", None, CertificateProblem.OTHER),
    ],
)  # fmt: skip
def test_problem_in_plain_words(
    message: str | Sentence, pinned: str | None, problem: object
) -> None:
    """From the reason the catalog sentence carries, never from the words it renders to."""
    assert problem_of(certificate_error(message, pinned_fingerprint=pinned)) is problem


def test_shows_details_and_fingerprint(qtbot: QtBot) -> None:
    dialog = CertificateDialog(certificate_error(SELF_SIGNED))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Untrusted certificate"
    assert "No known authority" in dialog.headline.text()
    assert "self-signed" in dialog.reason.text()
    assert dialog.fingerprint_label.text().replace("\n", "") == FINGERPRINT
    assert dialog.fingerprint_label.textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByMouse
    )
    assert dialog.fingerprint_label.font().fixedPitch() or dialog.fingerprint_label.font().family()
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.headline)))
    for part in ("CN=mail.example.org", "CN=Example Private CA", "2024-01-01", "2026-01-01"):
        assert part in texts
    assert dialog.pinned_label is None
    assert dialog.cancel_button.isDefault()
    assert not dialog.trust_button.isDefault()
    assert dialog.trust_button.text().replace("&", "") == "Trust this certificate"


def test_trust_button_accepts(qtbot: QtBot) -> None:
    dialog = CertificateDialog(certificate_error(SELF_SIGNED))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.fingerprint == FINGERPRINT


def test_enter_does_not_trust(qtbot: QtBot) -> None:
    dialog = CertificateDialog(certificate_error(SELF_SIGNED))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected


def _press_in_active_dialog(button: str) -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, CertificateDialog) and widget.isVisible():
            getattr(widget, button).click()


def test_ask_returns_true_on_trust(qtbot: QtBot) -> None:
    QTimer.singleShot(0, lambda: _press_in_active_dialog("trust_button"))
    assert ask_trust_certificate(None, certificate_error(SELF_SIGNED)) is True


def test_ask_returns_false_on_cancel(qtbot: QtBot) -> None:
    QTimer.singleShot(0, lambda: _press_in_active_dialog("cancel_button"))
    assert ask_trust_certificate(None, certificate_error(SELF_SIGNED)) is False


def test_changed_certificate_warns_and_shows_both(qtbot: QtBot) -> None:
    changed = says.CHANGED(
        changed=says.CHANGED_SHORT(place="h:995"), pinned=OLD, presented=FINGERPRINT
    )
    error = certificate_error(changed, pinned_fingerprint=OLD)
    dialog = CertificateDialog(error)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Certificate changed"
    assert "changed" in dialog.headline.text()
    assert "intercepting" in dialog.advice.text()
    # The sentence's first part only: the table below shows both fingerprints.
    assert dialog.reason.text() == (
        "The certificate of h:995 has changed since you chose to trust it."
    )
    assert dialog.pinned_label is not None
    assert dialog.pinned_label.text().replace("\n", "") == OLD
    assert dialog.fingerprint_label.text().replace("\n", "") == FINGERPRINT
    assert "new certificate" in dialog.trust_button.text().replace("&", "")
    assert dialog.cancel_button.isDefault()


def test_without_fingerprint_trust_is_impossible(qtbot: QtBot) -> None:
    dialog = CertificateDialog(certificate_error(SELF_SIGNED, fingerprint=None))
    qtbot.addWidget(dialog)
    assert not dialog.trust_button.isEnabled()


def test_wrap_fingerprint() -> None:
    wrapped = wrap_fingerprint(FINGERPRINT)
    assert wrapped.count("\n") == 1 and wrapped.replace("\n", "") == FINGERPRINT
    assert wrap_fingerprint("short") == "short"
