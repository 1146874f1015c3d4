"""The reading pane: safe HTML (nothing remote, no scripts), attachments, big messages."""

from __future__ import annotations

import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from popgui.gui import reader as reader_module
from popgui.gui.reader import (
    MAX_TEXT_CHARS,
    ParsedMessage,
    ReaderPane,
    SafeTextBrowser,
    parse_for_display,
    safe_filename,
)
from popgui.localserver.samples import tiny_png

HTML = (
    "<html><body><h1>Spring issue</h1><p>Hello <b>reader</b></p>"
    '<img src="http://tracker.example.net/pixel.gif?id=42">'
    '<img src="cid:logo@example.org">'
    "<script>document.write('pwned')</script></body></html>"
)

REFUSED = (
    "http://example.net/a.png",
    "https://example.net/a.png",
    "ftp://example.net/a.png",
    "file:///etc/passwd",
    "cid:missing@example.org",
)


def html_message() -> bytes:
    message = EmailMessage()
    message["From"] = "The Garden Gazette <news@gazette.example.org>"
    message["To"] = "sam@example.com"
    message["Subject"] = "=?utf-8?q?Le_journal_du_jardin_=E2=80=94_printemps?="
    message.set_content(HTML, subtype="html")
    message.add_related(tiny_png(), "image", "png", cid="<logo@example.org>")
    return message.as_bytes()


def shown(qtbot: QtBot, pane: ReaderPane, path: Path) -> None:
    with qtbot.waitSignal(pane.shown, timeout=10_000):
        pane.show_file(path)


def test_html_loads_nothing_remote_and_runs_no_script(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "html.eml"
    path.write_bytes(html_message())
    pane = ReaderPane()
    qtbot.addWidget(pane)
    pane.show()
    shown(qtbot, pane, path)
    text = pane.browser.toPlainText()
    assert "Spring issue" in text and "pwned" not in text and "document.write" not in text
    assert pane.subject_label.text() == "Le journal du jardin — printemps"  # RFC 2047 decoded
    refused = [url.toString() for url in pane.browser.refused]
    assert "http://tracker.example.net/pixel.gif?id=42" in refused
    assert not any(url.startswith("cid:") for url in refused)  # the embedded logo was drawn


def test_load_resource_refuses_every_remote_or_local_url(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.set_inline_parts({"logo@example.org": tiny_png()})
    kind = int(QTextDocument.ResourceType.ImageResource.value)
    for url in REFUSED:
        assert browser.loadResource(kind, QUrl(url)) is None, url
    assert browser.loadResource(kind, QUrl("cid:logo@example.org")) is not None
    assert len(browser.refused) == 5


def test_attachments_can_be_saved(qtbot: QtBot, tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "Photos"
    message.set_content("See attached.")
    message.add_attachment(tiny_png(), "image", "png", filename="../../lake.png")
    path = tmp_path / "photos.eml"
    path.write_bytes(message.as_bytes())
    pane = ReaderPane()
    qtbot.addWidget(pane)
    shown(qtbot, pane, path)
    assert pane.browser.toPlainText().strip() == "See attached."
    assert [a.filename for a in pane.parsed.attachments] == ["lake.png"]  # no directories
    assert pane.attachment_list.count() == 1
    pane.save_attachment(0, tmp_path / "saved.png")
    assert (tmp_path / "saved.png").read_bytes() == tiny_png()
    ran: list[object] = []

    def runner(work: Any, done: Any, _failed: Any) -> None:  # as MailTasks.file, at once
        ran.append(work)
        done(work())

    pane.set_file_runner(runner)
    pane.save_attachment(0, tmp_path / "again.png")
    assert (tmp_path / "again.png").read_bytes() == tiny_png() and len(ran) == 1
    assert pane.notice.isHidden()
    pane.save_attachment(0, tmp_path / "no such folder" / "lake.png")
    assert not pane.notice.isHidden()
    assert "could not be saved: No such file or directory" in pane.notice.text()


def test_a_10_mb_message_does_not_freeze_the_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """show_file hands the file over and returns at once: the message is shown later, parsed
    on another thread. (How long the window waits is a figure for bench/, not a test.)"""
    message = EmailMessage()
    message["Subject"] = "Huge"
    message.set_content(("The quick brown fox jumps over the lazy dog. " * 2 + "\n") * 110_000)
    path = tmp_path / "huge.eml"
    path.write_bytes(message.as_bytes())
    assert path.stat().st_size > 10_000_000
    parsed_on: list[threading.Thread] = []
    real_parse = reader_module.parse_for_display

    def parse(data: bytes, *, truncated: bool = False) -> ParsedMessage:
        parsed_on.append(threading.current_thread())
        return real_parse(data, truncated=truncated)

    monkeypatch.setattr(reader_module, "parse_for_display", parse)
    pane = ReaderPane()
    qtbot.addWidget(pane)
    shown: list[ParsedMessage] = []
    pane.shown.connect(shown.append)
    with qtbot.waitSignal(pane.shown, timeout=60_000):
        pane.show_file(path)
        assert not shown and pane.browser.toPlainText() == "Loading…"  # returned before
    assert parsed_on and threading.main_thread() not in parsed_on
    assert pane.parsed.truncated
    assert len(pane.browser.toPlainText()) <= MAX_TEXT_CHARS
    assert pane.notice.text().startswith("This message is long")


def test_parse_is_lenient_with_broken_mail() -> None:
    parsed = parse_for_display(b"Subject: =?bogus?q?broken?=\nContent-Type: text/plain; "
                               b"charset=x-unknown\n\n\xff\xfe caf\xe9\n")  # fmt: skip
    assert "caf" in parsed.text
    assert safe_filename("") == "attachment.bin"
    assert safe_filename("..\\..\\evil.exe") == "evil.exe"
