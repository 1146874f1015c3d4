"""The "Trust this certificate?" dialog.

:func:`ask_trust_certificate` shows a refused server certificate in plain words (expired, made
for another name, from an unknown authority, or changed since the person trusted it), with its
subject, issuer, validity dates and SHA-256 fingerprint (selectable, monospace, so it can be
compared with what the server's administrator says). It returns True only when the person
presses "Trust this certificate"; Cancel is the default button, so Enter never trusts by
accident. The caller then stores :attr:`CertificateError.fingerprint` as the account's pin.

A *changed* pinned certificate (``error.pinned_fingerprint`` set) is the one case where an
attacker is the likely explanation: the wording warns strongly and both fingerprints are shown.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from popgui.catalog import Message, Sentence
from popgui.catalog import certificates as says
from popgui.errors import CertificateError
from popgui.gui.i18n import QT_TRANSLATE_NOOP
from popgui.gui.wording import say

__all__ = [
    "CertificateDialog",
    "CertificateProblem",
    "ask_trust_certificate",
    "main_sentence",
    "problem_of",
]


class CertificateProblem(enum.Enum):
    CHANGED = "changed"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    OTHER_NAME = "another name"
    UNKNOWN_AUTHORITY = "unknown authority"
    OTHER = "other"


#: The problem each reason of :data:`popgui.catalog.certificates.NOT_TRUSTED` stands for.
_PROBLEMS: dict[Message, CertificateProblem] = {
    says.EXPIRED: CertificateProblem.EXPIRED,
    says.EXPIRED_ON: CertificateProblem.EXPIRED,
    says.NOT_VALID_YET: CertificateProblem.NOT_YET_VALID,
    says.NOT_VALID_BEFORE: CertificateProblem.NOT_YET_VALID,
    says.OTHER_NAME: CertificateProblem.OTHER_NAME,
    says.OTHER_NAME_LISTED: CertificateProblem.OTHER_NAME,
    says.OTHER_ADDRESS: CertificateProblem.OTHER_NAME,
    says.OTHER_ADDRESS_LISTED: CertificateProblem.OTHER_NAME,
    says.SELF_SIGNED: CertificateProblem.UNKNOWN_AUTHORITY,
    says.UNTRUSTED_AUTHORITY: CertificateProblem.UNKNOWN_AUTHORITY,
    says.UNKNOWN_AUTHORITY: CertificateProblem.UNKNOWN_AUTHORITY,
}


def problem_of(error: CertificateError) -> CertificateProblem:
    """What is wrong, from the error's attributes and the reason its sentence gives.

    :mod:`popgui.net.certificates` gives each verification failure its own catalog reason;
    the pin check sets ``pinned_fingerprint``.
    """
    if error.pinned_fingerprint:
        return CertificateProblem.CHANGED
    sentence = error.sentence
    if sentence is None or sentence.message is not says.NOT_TRUSTED:
        return CertificateProblem.OTHER
    reason = sentence.values["reason"]
    if not isinstance(reason, Sentence):
        return CertificateProblem.OTHER
    return _PROBLEMS.get(reason.message, CertificateProblem.OTHER)


def main_sentence(error: CertificateError) -> str:
    """The error's sentence in the window's language; for a changed pin only its first part,
    as the dialog shows both fingerprints better in its table."""
    sentence = error.sentence
    if sentence is None:
        return str(error)
    if sentence.message is says.CHANGED:
        short = sentence.values["changed"]
        return say(short) if isinstance(short, Sentence) else str(short)
    return say(sentence)


_HEADLINES = {
    CertificateProblem.CHANGED: QT_TRANSLATE_NOOP(
        "CertificateDialog", "The server's certificate has changed"
    ),
    CertificateProblem.EXPIRED: QT_TRANSLATE_NOOP(
        "CertificateDialog", "The server's certificate has expired"
    ),
    CertificateProblem.NOT_YET_VALID: QT_TRANSLATE_NOOP(
        "CertificateDialog", "The server's certificate is not valid yet"
    ),
    CertificateProblem.OTHER_NAME: QT_TRANSLATE_NOOP(
        "CertificateDialog", "The certificate was made for another server name"
    ),
    CertificateProblem.UNKNOWN_AUTHORITY: QT_TRANSLATE_NOOP(
        "CertificateDialog", "No known authority vouches for this certificate"
    ),
    CertificateProblem.OTHER: QT_TRANSLATE_NOOP(
        "CertificateDialog", "The server's certificate could not be verified"
    ),
}

_ADVICE = {
    CertificateProblem.CHANGED: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "This is not the certificate you chose to trust for this server. Someone may be "
        "intercepting the connection to read your password and mail. Trust the new "
        "certificate only if the server's administrator told you it changed and its "
        "fingerprint matches the one they gave you.",
    ),
    CertificateProblem.EXPIRED: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "The server's administrator should renew it. Trusting it anyway keeps the connection "
        "encrypted, but popgui can no longer tell whether it really belongs to this server.",
    ),
    CertificateProblem.NOT_YET_VALID: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "Check this computer's date and time first. If they are right, the certificate was "
        "issued for a later date.",
    ),
    CertificateProblem.OTHER_NAME: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "You may have typed another name for the same server (the certificate lists the names "
        "it is valid for): using one of those names is better than trusting it.",
    ),
    CertificateProblem.UNKNOWN_AUTHORITY: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "Small or private servers often use a self-signed certificate. Trust it if you "
        "run this server or can compare the fingerprint with its administrator.",
    ),
    CertificateProblem.OTHER: QT_TRANSLATE_NOOP(
        "CertificateDialog",
        "Trust it only if you can compare the fingerprint with the server's administrator.",
    ),
}


def _fixed_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def wrap_fingerprint(fingerprint: str, *, per_line: int = 16) -> str:
    """Lines of ``per_line`` byte pairs: easier to compare than one 95-character line."""
    pairs = fingerprint.split(":")
    if len(pairs) != 32 or per_line < 1:
        return fingerprint
    lines = [":".join(pairs[i : i + per_line]) for i in range(0, 32, per_line)]
    return ":\n".join(lines)


def _selectable(text: str, *, monospace: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap and not monospace)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    if monospace:
        label.setFont(_fixed_font())
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


class CertificateDialog(QDialog):
    """Shows a refused certificate; accepted (``exec() == Accepted``) means "trust it"."""

    def __init__(self, error: CertificateError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.problem = problem_of(error)
        changed = self.problem is CertificateProblem.CHANGED
        self.setWindowTitle(
            self.tr("Certificate changed") if changed else self.tr("Untrusted certificate")
        )
        self.setObjectName("certificateDialog")
        icon = self._icon(changed)
        self._build_text()
        details = self._details(changed)
        self._build_buttons(changed)

        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(self.headline)
        text.addWidget(self.reason)
        text.addWidget(self.advice)
        text.addSpacing(6)
        text.addLayout(details)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        top.setSpacing(16)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
        self._set_widths()
        self.cancel_button.setFocus()

    def _icon(self, changed: bool) -> QLabel:
        icon = QLabel()
        kind = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if changed
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        icon.setPixmap(self.style().standardIcon(kind).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        return icon

    def _build_text(self) -> None:
        """The headline, the reason (the error's own sentence) and the advice."""
        self.headline = QLabel(
            QCoreApplication.translate("CertificateDialog", _HEADLINES[self.problem])
        )
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)

        self.reason = _selectable(_sentence(main_sentence(self.error)))
        self.advice = QLabel(QCoreApplication.translate("CertificateDialog", _ADVICE[self.problem]))
        self.advice.setWordWrap(True)

    def _details(self, changed: bool) -> QFormLayout:
        """Subject, issuer, validity and the fingerprint (both, when a pinned one changed)."""
        error = self.error
        details = QFormLayout()
        # Explicit spacing: a nested layout otherwise inherits the 16 pixels of ``top`` below,
        # which spreads the five detail rows far apart.
        details.setHorizontalSpacing(12)
        details.setVerticalSpacing(6)
        details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        details.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        unknown = self.tr("(unknown)")
        details.addRow(
            self.tr("Issued to:"),
            _selectable(error.subject or self.tr("(not shown by the server)")),
        )
        details.addRow(self.tr("Issued by:"), _selectable(error.issuer or unknown))
        details.addRow(self.tr("Valid from:"), _selectable(error.not_before or unknown, wrap=False))
        details.addRow(self.tr("Valid until:"), _selectable(error.not_after or unknown, wrap=False))
        presented = error.fingerprint or ""
        self.fingerprint_label = _selectable(wrap_fingerprint(presented) or unknown,
                                             monospace=True)  # fmt: skip
        self.fingerprint_label.setObjectName("presentedFingerprint")
        if changed:
            self.pinned_label: QLabel | None = _selectable(
                wrap_fingerprint(error.pinned_fingerprint or ""), monospace=True
            )
            self.pinned_label.setObjectName("pinnedFingerprint")
            details.addRow(self.tr("Trusted until now\n(SHA-256):"), self.pinned_label)
            details.addRow(self.tr("Presented now\n(SHA-256):"), self.fingerprint_label)
        else:
            self.pinned_label = None
            details.addRow(self.tr("Fingerprint\n(SHA-256):"), self.fingerprint_label)
        return details

    def _build_buttons(self, changed: bool) -> None:
        """Trust (only with a fingerprint to pin) and Cancel, the default: Enter never trusts."""
        self.buttons = QDialogButtonBox()
        self.trust_button = QPushButton(
            self.tr("&Trust the new certificate") if changed else self.tr("&Trust this certificate")
        )
        self.trust_button.setObjectName("trustButton")
        self.trust_button.setEnabled(bool(self.error.fingerprint))
        self.trust_button.setAutoDefault(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _set_widths(self) -> None:
        # Word-wrapped labels ask for height at their narrowest width: give them a realistic
        # one, or they reserve empty lines.
        for label in (self.headline, self.reason, self.advice):
            label.setMinimumWidth(520)
        for label in self.findChildren(QLabel):
            if label.wordWrap() and label.minimumWidth() == 0:
                label.setMinimumWidth(380)
        self.setMinimumWidth(640)

    @property
    def fingerprint(self) -> str | None:
        """The fingerprint to pin if the person trusts it."""
        return self.error.fingerprint


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def ask_trust_certificate(parent: QWidget | None, error: CertificateError) -> bool:
    """Show the dialog (modal); True when the person chose to trust the certificate."""
    dialog = CertificateDialog(error, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and bool(error.fingerprint)
    finally:
        dialog.deleteLater()
