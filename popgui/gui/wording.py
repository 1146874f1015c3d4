"""The catalog's sentences (:mod:`popgui.catalog`) in the window's language.

Engine errors and reports carry catalog sentences; the window shows them through Qt's
translator, under the context ``Messages`` with the message's id as the disambiguation
(``packaging/update_translations.py`` writes them into ``messages_<lang>.ts`` that way).
Without a translator, Qt gives back the English text.

A sentence about one account setting names it as ``{setting}``: the command line shows the
setting's name in the settings file (``password_command``), the window its label in words
(:func:`setting_words`), so that "la commande du mot de passe est vide" reads as French.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from popgui import messages
from popgui.catalog import Message, Sentence, render
from popgui.errors import PopguiError, SettingError
from popgui.gui.i18n import Context, en_plural

__all__ = [
    "CONTEXT", "as_sentence", "describe", "say", "sentence", "setting_words",
    "translate_message",
]  # fmt: skip

#: The translation context of every catalog message.
CONTEXT = "Messages"


class SettingText(Context):
    """The translation context of the account settings' names in the window's sentences."""


def translate_message(message: Message, count: int = -1) -> str:
    """``message``'s text in the window's language (English plural marks resolved)."""
    text = QCoreApplication.translate(CONTEXT, message.text, message.id, count)
    return en_plural(text, count) if message.plural else text


def say(text: str | Sentence) -> str:
    """A sentence in the window's language; plain text (a server's own words) as it is."""
    return render(text, translate_message)


def describe(error: PopguiError) -> str:
    """:func:`popgui.messages.describe` in the window's language."""
    if isinstance(error, SettingError):
        return sentence(error)  # a wrong setting has no hint to add
    return messages.describe(error, translate_message)


def sentence(error: PopguiError) -> str:
    """The error's own sentence in the window's language, without the hint that
    :func:`describe` adds (for a line that has an action of its own, or a short place)."""
    said = error.sentence
    if isinstance(error, SettingError) and said is not None and "setting" in said.values:
        values = {**said.values, "setting": setting_words(error.setting)}
        return say(Sentence(said.message, values))
    return error.render(translate_message)


def setting_words(name: str) -> str:
    """An account setting (``password_command``) as the subject of a sentence, in words."""
    words = {
        "name": SettingText.tr("name"),
        "host": SettingText.tr("host"),
        "port": SettingText.tr("port"),
        "user": SettingText.tr("user"),
        "protocol": SettingText.tr("protocol"),
        "security": SettingText.tr("security"),
        "auth": SettingText.tr("auth"),
        "password_source": SettingText.tr("password source"),
        "password_command": SettingText.tr("password command"),
        "policy": SettingText.tr("policy"),
        "delete_after_days": SettingText.tr("number of days"),
        "maildir": SettingText.tr("maildir"),
        "remote_folder": SettingText.tr("remote folder"),
        "ca_file": SettingText.tr("CA certificate file"),
        "fingerprint": SettingText.tr("fingerprint"),
        "check_interval_minutes": SettingText.tr("check interval"),
        "delete_when_deleted_locally": SettingText.tr("delete-here-deletes-there setting"),
        "oauth_provider": SettingText.tr("provider"),
        "oauth_issuer": SettingText.tr("issuer"),
        "oauth_client_id": SettingText.tr("client id"),
        "oauth_tenant": SettingText.tr("tenant"),
        "oauth_scope": SettingText.tr("scope"),
    }
    return words.get(name, name)


def as_sentence(text: str, *, full_stop: bool = True) -> str:
    """``text`` as a sentence on its own: a capital first letter and, unless *full_stop* is
    false or it ends with one already, a full stop (the engine's sentences are written to
    be parts of others: "could not connect to …")."""
    text = text[:1].upper() + text[1:]
    if full_stop and text and not text.endswith((".", "…", "!", "?")):
        text += "."
    return text
