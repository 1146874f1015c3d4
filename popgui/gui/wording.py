"""The catalog's sentences (:mod:`popgui.catalog`) in the window's language.

Engine errors and reports carry catalog sentences; the window shows them through Qt's
translator, under the context ``Messages`` with the message's id as the disambiguation
(``packaging/update_translations.py`` writes them into ``messages_<lang>.ts`` that way).
Without a translator, Qt gives back the English text.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from popgui import messages
from popgui.catalog import Message, Sentence, render
from popgui.errors import PopguiError
from popgui.gui.i18n import en_plural

__all__ = ["CONTEXT", "describe", "say", "translate_message"]

#: The translation context of every catalog message.
CONTEXT = "Messages"


def translate_message(message: Message, count: int = -1) -> str:
    """``message``'s text in the window's language (English plural marks resolved)."""
    text = QCoreApplication.translate(CONTEXT, message.text, message.id, count)
    return en_plural(text, count) if message.plural else text


def say(text: str | Sentence) -> str:
    """A sentence in the window's language; plain text (a server's own words) as it is."""
    return render(text, translate_message)


def describe(error: PopguiError) -> str:
    """:func:`popgui.messages.describe` in the window's language."""
    return messages.describe(error, translate_message)
