"""The reading pane: headers, the text, attachments, and the raw source on request.

Safety: mail is hostile input. Header values are shown as plain text (never as rich text, so
a subject cannot inject markup). HTML bodies go into a :class:`SafeTextBrowser`, which runs no
scripts (Qt's rich text has no script engine; script blocks are also stripped so their text
does not show) and loads nothing remote: its ``loadResource`` answers only ``cid:`` parts
embedded in the message and refuses everything else (http, https, ftp, file...), so opening a
message cannot tell a sender it was read.

Speed: the file is read and parsed with the ``email`` package on a worker thread, and the
text shown is capped, so a 10 MB message does not freeze the window.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QPoint,
    QRunnable,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices, QFontDatabase, QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from popgui.gui.i18n import QT_TRANSLATE_NOOP, format_datetime, format_size
from popgui.gui.icons import icon
from popgui.gui.wording import describe

if TYPE_CHECKING:
    from email.message import EmailMessage, Message

    from popgui.errors import PopguiError

#: Runs ``work`` elsewhere, then ``done(result)`` or ``failed(error)`` on the GUI thread
#: (:meth:`popgui.gui.mailtasks.MailTasks.file`).
FileRunner = Callable[
    [Callable[[], "str | None"], Callable[["str | None"], None], Callable[["PopguiError"], None]],
    None,
]

# The email package is imported when a message is first opened (on the parsing thread), not
# with the window: it would lengthen the start-up for a pane that shows nothing at first.

#: Read at most this much of a message file (the rest is not shown; Save As keeps it all).
MAX_READ_BYTES = 64 * 1024 * 1024
#: Show at most this many characters of a text body.
MAX_TEXT_CHARS = 500_000
#: View Source shows at most this many bytes.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: The reading pane is never shorter than this many lines of text.
MIN_HEIGHT_LINES = 9
#: An embedded image larger than this is not drawn.
MAX_INLINE_IMAGE = 5 * 1024 * 1024

_SCRIPT_RE = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/?>", re.IGNORECASE | re.DOTALL)
_HEADER_NAMES = ("From", "To", "Cc", "Date")


# -- parsing (no Qt: runs on a worker thread) --------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class ParsedMessage:
    subject: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    inline: dict[str, bytes] = field(default_factory=dict)  # content id → image bytes
    truncated: bool = False
    error: str = ""


def read_message_file(path: Path) -> tuple[bytes, bool]:
    """The file's bytes (at most :data:`MAX_READ_BYTES`) and whether it was cut short."""
    with open(path, "rb") as file:
        data = file.read(MAX_READ_BYTES + 1)
    return data[:MAX_READ_BYTES], len(data) > MAX_READ_BYTES


def parse_for_display(data: bytes, *, truncated: bool = False) -> ParsedMessage:
    """Everything the pane shows, decoded leniently: a broken part never hides the rest."""
    import email.policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    body = _body_part(message)
    text, html = "", ""
    if body is not None:
        content = _part_text(body)
        if body.get_content_subtype() == "html":
            html = _SCRIPT_RE.sub("", content)
        else:
            text = content
    capped = len(text) > MAX_TEXT_CHARS or len(html) > MAX_TEXT_CHARS
    attachments, inline = _attachments(message, body)
    return ParsedMessage(
        subject=_header(message, "Subject"),
        headers=tuple((name, value) for name in _HEADER_NAMES if (value := _header(message, name))),
        text=text[:MAX_TEXT_CHARS],
        html=html[:MAX_TEXT_CHARS],
        attachments=tuple(attachments),
        inline=inline,
        truncated=truncated or capped,
    )


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not hide the message
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return " ".join(str(value).split()) if value is not None else ""


def _body_part(message: EmailMessage) -> EmailMessage | None:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None
    from email.message import EmailMessage

    return part if isinstance(part, EmailMessage) else None


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except Exception:  # unknown charset, broken transfer encoding: decode by hand below
        pass
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _attachments(
    message: EmailMessage, body: EmailMessage | None
) -> tuple[list[Attachment], dict[str, bytes]]:
    attachments: list[Attachment] = []
    inline: dict[str, bytes] = {}
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename() or ""
        content_id = (part.get("Content-ID") or "").strip().strip("<>")
        if disposition != "attachment" and content_id and part.get_content_maintype() == "image":
            inline[content_id] = data
            continue
        if disposition != "attachment" and not filename and part.get_content_maintype() == "text":
            continue  # the other half of a multipart/alternative
        attachments.append(Attachment(safe_filename(filename, part), part.get_content_type(),
                                      data))  # fmt: skip
    return attachments, inline


def safe_filename(name: str, part: Message | None = None) -> str:
    """A file name to suggest: no directories, no control characters, never empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if name:
        return name[:200]
    subtype = part.get_content_subtype() if part is not None else "bin"
    return f"attachment.{subtype}"


# -- the HTML view that loads nothing remote ---------------------------------------------------


class SafeTextBrowser(QTextBrowser):
    """A QTextBrowser that answers only embedded ``cid:`` images; every other URL is refused.

    ``refused`` lists what a message asked for and did not get (tests check it; a future
    "load remote images" button could use it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refused: list[QUrl] = []
        self._inline: dict[str, bytes] = {}
        self.setOpenLinks(False)  # a click never navigates this view...
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)  # ...it hands the link to the browser

    def set_inline_parts(self, inline: dict[str, bytes]) -> None:
        self._inline = inline
        self.refused = []

    def loadResource(self, kind: int, url: QUrl | str) -> QImage | None:
        url = QUrl(url)
        if url.scheme().lower() == "cid":
            data = self._inline.get(url.path()) or self._inline.get(url.toString()[4:])
            if data is not None and len(data) <= MAX_INLINE_IMAGE:
                image = QImage()
                if image.loadFromData(data):
                    return image
        self.refused.append(url)
        return None

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        # Only a person's click reaches here; hand web and mail links to the desktop.
        if url.scheme().lower() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


# -- parsing off the GUI thread ----------------------------------------------------------------


class _ParseSignals(QObject):
    done = Signal(int, object)  # generation, ParsedMessage


class _ParseJob(QRunnable):
    def __init__(self, generation: int, path: Path, signals: _ParseSignals) -> None:
        super().__init__()
        self._generation, self._path, self._signals = generation, path, signals

    def run(self) -> None:
        try:
            data, truncated = read_message_file(self._path)
            parsed = parse_for_display(data, truncated=truncated)
        except OSError as error:
            parsed = ParsedMessage(
                error=QCoreApplication.translate(
                    "ReaderPane", "The message file cannot be read: {reason}."
                ).format(reason=error.strerror)
            )
        except Exception as error:  # the parser is lenient; this is a last resort for odd mail
            parsed = ParsedMessage(
                error=QCoreApplication.translate(
                    "ReaderPane", "This message cannot be shown ({reason})."
                ).format(reason=error)
            )
        self._signals.done.emit(self._generation, parsed)


# -- the pane ----------------------------------------------------------------------------------


class ReaderPane(QWidget):
    """Shows one message. ``show_file(path)`` starts; ``parsed`` is emitted when it is shown."""

    shown = Signal(object)  # ParsedMessage, once on screen
    sourceRequested = Signal()  # View Source pressed (the window knows where the file is now)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._parsed = ParsedMessage()
        self._generation = 0
        self._file_runner: FileRunner | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _ParseSignals(self)
        self._signals.done.connect(self._on_parsed)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._build_placeholder())
        self._stack.addWidget(self._build_message_view())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        # A minimum of its own, not what the message shown needs (an attachment row, a Cc
        # line): the splitter above would give the pane those pixels from the list, and the
        # rows would move under the pointer from one message to the next.
        self.setMinimumHeight(MIN_HEIGHT_LINES * self.fontMetrics().height())

    # -- building

    def _build_placeholder(self) -> QWidget:
        label = self._placeholder = QLabel(self.tr("No message selected"), self)
        label.setObjectName("readerPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: palette(mid); font-size: 13pt;")
        return label

    def _build_message_view(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        self.browser = SafeTextBrowser(page)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.document().setDocumentMargin(12)
        # Shown when the document is empty: a message with attachments only, or no body.
        self.browser.setPlaceholderText(self.tr("This message has no text."))
        layout.addWidget(self.browser, 1)
        layout.addWidget(self._build_attachments())
        return page

    def _build_header(self) -> QWidget:
        header = QFrame(self)
        header.setObjectName("readerHeader")
        header.setStyleSheet(
            "#readerHeader { background: palette(alternate-base);"
            " border-bottom: 1px solid palette(midlight); }"
        )
        outer = QVBoxLayout(header)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(6)
        top = QHBoxLayout()
        self.subject_label = _plain_label(header)
        font = self.subject_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.subject_label.setFont(font)
        top.addWidget(self.subject_label, 1)
        self.source_button = QToolButton(header)
        self.source_button.setText(self.tr("View Source"))
        self.source_button.setIcon(icon("source"))
        self.source_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.source_button.setAutoRaise(True)
        self.source_button.clicked.connect(self.sourceRequested)
        top.addWidget(self.source_button, 0)
        outer.addLayout(top)
        self._form = QFormLayout()
        self._form.setHorizontalSpacing(10)
        self._form.setVerticalSpacing(2)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.header_labels: dict[str, QLabel] = {}
        for name in _HEADER_NAMES:
            value = _plain_label(header)
            caption = QLabel(_header_caption(name), header)
            caption.setStyleSheet("color: palette(placeholder-text);")
            self._form.addRow(caption, value)
            self.header_labels[name] = value
        outer.addLayout(self._form)
        self.notice = QLabel(header)
        self.notice.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        self.notice.setWordWrap(True)
        self.notice.hide()
        outer.addWidget(self.notice)
        return header

    def _build_attachments(self) -> QWidget:
        self.attachment_list = QListWidget(self)
        self.attachment_list.setFlow(QListWidget.Flow.LeftToRight)
        self.attachment_list.setWrapping(True)
        self.attachment_list.setSpacing(2)
        self.attachment_list.setFrameShape(QFrame.Shape.NoFrame)
        self.attachment_list.setStyleSheet(
            "QListWidget { border-top: 1px solid palette(midlight); padding: 4px 8px; }"
        )
        self.attachment_list.setSizePolicy(QSizePolicy.Policy.Expanding,
                                           QSizePolicy.Policy.Maximum)  # fmt: skip
        self.attachment_list.setToolTip(self.tr("Double-click an attachment to save it"))
        self.attachment_list.itemActivated.connect(self._save_item)
        self.attachment_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.attachment_list.customContextMenuRequested.connect(self._attachment_menu)
        self.attachment_list.hide()
        return self.attachment_list

    # -- showing

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def parsed(self) -> ParsedMessage:
        return self._parsed

    def clear(self, hint: str = "") -> None:
        """Show no message; ``hint`` in place of "No message selected" (e.g. how to open the
        row selected after a delete)."""
        self._generation += 1
        self._path = None
        self._parsed = ParsedMessage()
        self._placeholder.setText(hint or self.tr("No message selected"))
        self._stack.setCurrentIndex(0)

    def show_file(self, path: Path, subject: str = "") -> None:
        """Show the message stored at ``path``; the work happens on a worker thread."""
        self._generation += 1
        self._path = path
        self.subject_label.setText(subject or self.tr("(no subject)"))
        self.source_button.setVisible(True)
        self.browser.set_inline_parts({})
        self.browser.setPlainText(self.tr("Loading…"))
        self.attachment_list.hide()
        self._stack.setCurrentIndex(1)
        self._pool.start(_ParseJob(self._generation, path, self._signals))

    def show_elsewhere(self, subject: str, sender: str, when: float | None, where: str) -> None:
        """A message delivered to a destination (``--deliver``): there is no file here, only
        what the index keeps of it (sender, subject, date) and where it went."""
        self._generation += 1  # a parse still running for another message is dropped
        self._path, self._parsed = None, ParsedMessage(subject=subject)
        self.subject_label.setText(subject or self.tr("(no subject)"))
        values = {"From": sender, "Date": format_datetime(when) if when is not None else ""}
        for name, label in self.header_labels.items():
            label.setText(values.get(name, ""))
            label.setVisible(bool(label.text()))
            self._form.labelForField(label).setVisible(bool(label.text()))
        self.notice.hide()
        self.source_button.setVisible(False)
        self.browser.set_inline_parts({})
        self.browser.setPlainText(
            self.tr(
                "Delivered to {destination}: popgui keeps only its sender, subject and date "
                "here. Read it there."
            ).format(destination=where)
        )
        self.attachment_list.hide()
        self._stack.setCurrentIndex(1)

    @Slot(int, object)
    def _on_parsed(self, generation: int, parsed: ParsedMessage) -> None:
        if generation != self._generation:
            return  # the person has moved on to another message
        self._parsed = parsed
        self._show_headers(parsed)
        self._show_body(parsed)
        self._show_attachments(parsed)
        self.shown.emit(parsed)

    def _show_headers(self, parsed: ParsedMessage) -> None:
        if parsed.subject:
            self.subject_label.setText(parsed.subject)
        values = dict(parsed.headers)
        for name, label in self.header_labels.items():
            value = values.get(name, "")
            if name == "Date" and value:
                value = _local_date(value)
            label.setText(value)
            label.setVisible(bool(value))
            self._form.labelForField(label).setVisible(bool(value))
        notes = []
        if parsed.truncated:
            notes.append(self.tr("This message is long; only its beginning is shown. "
                                 "Save it (Ctrl+S) to keep all of it."))  # fmt: skip
        if parsed.error:
            notes.append(parsed.error)
        self.notice.setText(" ".join(notes))
        self.notice.setVisible(bool(notes))

    def _show_body(self, parsed: ParsedMessage) -> None:
        self.browser.set_inline_parts(parsed.inline)
        if parsed.html:
            self.browser.setHtml(parsed.html)
        else:  # blank lines only: empty, so that the placeholder says there is no text
            self.browser.setPlainText(parsed.text if parsed.text.strip() else "")
        self.browser.verticalScrollBar().setValue(0)

    def _show_attachments(self, parsed: ParsedMessage) -> None:
        self.attachment_list.clear()
        for number, attachment in enumerate(parsed.attachments):
            item = QListWidgetItem(icon("attachment"),
                                   f"{attachment.filename} ({_size(attachment.size)})")  # fmt: skip
            item.setData(ATTACHMENT_ROLE, number)
            item.setToolTip(self.tr("{type} — double-click to save").format(
                type=attachment.content_type))  # fmt: skip
            self.attachment_list.addItem(item)
        self.attachment_list.setVisible(bool(parsed.attachments))
        if parsed.attachments:  # as tall as its rows (at most three), never a big empty box
            rows = min(3, self.attachment_list.count())
            row_height = self.attachment_list.sizeHintForRow(0) + 2 * self.attachment_list.spacing()
            self.attachment_list.setFixedHeight(rows * row_height + 12)

    # -- attachments and source

    def set_file_runner(self, runner: FileRunner | None) -> None:
        """Write saved attachments through ``runner`` (the window's local mail thread)."""
        self._file_runner = runner

    def save_attachment(self, number: int, destination: Path) -> None:
        """Write an attachment to ``destination``; a failure is said in the pane."""
        work = partial(write_attachment, self._parsed.attachments[number].data, destination)
        if self._file_runner is None:
            self._saved(work())
        else:
            self._file_runner(work, self._saved, lambda error: self._saved(describe(error)))

    def _saved(self, reason: str | None) -> None:
        if reason is not None:
            self.notice.setText(self.tr("The attachment could not be saved: {reason}.").format(
                reason=reason))  # fmt: skip
            self.notice.show()

    def ask_save_attachment(self, number: int) -> None:
        attachment = self._parsed.attachments[number]
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save Attachment"),
                                              attachment.filename)  # fmt: skip
        if name:
            self.save_attachment(number, Path(name))

    @Slot(QListWidgetItem)
    def _save_item(self, item: QListWidgetItem) -> None:
        self.ask_save_attachment(int(item.data(ATTACHMENT_ROLE)))

    def _attachment_menu(self, position: QPoint) -> None:
        item = self.attachment_list.itemAt(position)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(icon("save"), self.tr("Save As…"), lambda: self._save_item(item))
        menu.exec(self.attachment_list.viewport().mapToGlobal(position))

    def view_source(self, path: Path, source: str, subject: str = "") -> SourceDialog:
        """Open the raw message (``source``, see :func:`read_source`) in a non-modal dialog,
        titled with its ``subject``."""
        dialog = SourceDialog(path, source, self, subject=subject)
        dialog.show()
        return dialog

    def shutdown(self) -> None:
        """Wait for a parse in progress (bounded), so no thread outlives the window."""
        self._generation += 1
        self._pool.clear()
        self._pool.waitForDone(3000)


ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 7


def _plain_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # mail headers are never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _local_date(header: str) -> str:
    """A Date header in the reader's language and time zone; the header as is if unparsable."""
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return header
    return format_datetime(when) or header


def _size(size: int) -> str:
    return format_size(size)


_HEADER_CAPTIONS = {
    "From": QT_TRANSLATE_NOOP("ReaderPane", "From:"),
    "To": QT_TRANSLATE_NOOP("ReaderPane", "To:"),
    "Cc": QT_TRANSLATE_NOOP("ReaderPane", "Cc:"),
    "Date": QT_TRANSLATE_NOOP("ReaderPane", "Date:"),
}


def _header_caption(name: str) -> str:
    return QCoreApplication.translate("ReaderPane", _HEADER_CAPTIONS.get(name, f"{name}:"))


class SourceDialog(QDialog):
    """The raw message, as stored (its beginning only, for a very large message)."""

    def __init__(
        self, path: Path, source: str, parent: QWidget | None = None, *, subject: str = ""
    ) -> None:
        super().__init__(parent)
        # The subject says which message this is; the Maildir file name says nothing to a person.
        self.setWindowTitle(
            self.tr("Source of “{subject}”").format(subject=subject or self.tr("(no subject)"))
        )
        self.path = path
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(source)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)


def write_attachment(data: bytes, destination: Path) -> str | None:
    """Write a saved attachment: None, or why it could not be written (in the runner's thread)."""
    try:
        destination.write_bytes(data)
    except OSError as error:
        return error.strerror or str(error)
    return None


def read_source(path: Path) -> str:
    """What View Source shows of the file at ``path``: runs in the local mail thread."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        return QCoreApplication.translate(
            "ReaderPane", "The message file cannot be read: {reason}."
        ).format(reason=error.strerror)
    text = data[:MAX_SOURCE_BYTES].decode("utf-8", "replace")
    if len(data) > MAX_SOURCE_BYTES:
        text += "\n\n" + QCoreApplication.translate(
            "SourceDialog",
            "[… the rest of this message is not shown here; save it as .eml to see it]",
        )
    return text


__all__ = [
    "Attachment",
    "ParsedMessage",
    "ReaderPane",
    "SafeTextBrowser",
    "SourceDialog",
    "parse_for_display",
    "read_source",
    "safe_filename",
    "write_attachment",
]
