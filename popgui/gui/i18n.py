"""The window's language: Qt translators, and dates and sizes written for the locale.

popgui's interface is written in English; ``popgui/resources/translations/popgui_fr.qm``
(compiled from ``popgui_fr.ts`` by ``packaging/update_translations.py``) translates it into
French. :func:`install_translator` loads it, with Qt's own ``qtbase_fr.qm`` for the standard
buttons (OK, Cancel, Yes, No), when the chosen language, or the system's when none is chosen,
is French; otherwise nothing is installed and the English source text shows. It also makes the
matching :class:`QLocale` the default, which :func:`format_size` and :func:`format_datetime`
(and ``%Ln`` in translated text) follow.

Plurals: ``SomeQObjectClass.tr("%n message(s)", None, n)`` is the form lupdate extracts as a
plural message (it does not for ``QCoreApplication.translate``); French gets proper plural
forms from the .ts, and English, which has no translator, goes through :func:`en_plural`.

The language is read when the window starts; changing it in Preferences applies at the next
start (every label would otherwise have to be built again).
"""

from __future__ import annotations

import re
from datetime import datetime
from importlib import resources
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

__all__ = [
    "LANGUAGES",
    "QT_TRANSLATE_NOOP",
    "Context",
    "current_language",
    "en_plural",
    "format_datetime",
    "format_number",
    "format_size",
    "install_translator",
    "resolve_language",
    "translations_dir",
    "uninstall_translators",
]

#: The languages popgui speaks: code → its name, written in that language.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
_PLURAL_RE = re.compile(r"\(s\)")

_installed: list[QTranslator] = []
_language = "en"
_default_locale_before: list[QLocale] = []


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for lupdate in ``context``; translate it later with that context.

    PySide6's own QT_TRANSLATE_NOOP is typed as returning ``object``; this one is a ``str``.
    """
    return text


class Context:
    """A translation context for module-level text: ``Sub.tr(text)``, ``Sub.tr(text, None, n)``.

    lupdate files ``Name.tr(...)`` calls under the context ``Name`` (and marks them plural when
    ``n`` is given); at run time the subclass's name is the context too. Unlike a QObject's
    ``tr``, this needs no instance.
    """

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(cls.__name__, source, disambiguation, n)


class Formats(Context):
    """The translation context of the size and date formats."""


def translations_dir() -> Path:
    """Where the compiled ``popgui_*.qm`` files are shipped."""
    return Path(str(resources.files("popgui.resources") / "translations"))


def resolve_language(language: str | None) -> str:
    """``"fr"`` or ``"en"``: ``language`` if popgui speaks it, else the system's, else English."""
    if language in LANGUAGES:
        return language
    system = QLocale.system()
    if system.language() == QLocale.Language.French:
        return "fr"
    for name in system.uiLanguages():  # e.g. LANGUAGE=fr:en with LANG=C
        code = name.replace("-", "_").split("_", 1)[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def current_language() -> str:
    """The language the last :func:`install_translator` chose (``"en"`` before any)."""
    return _language


def install_translator(app: QCoreApplication, language: str | None) -> str:
    """Translate the application into ``language`` (None: the system's); the language used.

    Replaces the translators a previous call installed, and sets the default locale to match,
    so numbers, sizes and dates follow the language of the words around them.
    """
    global _language
    uninstall_translators(app)
    chosen = resolve_language(language)
    if not _default_locale_before:
        _default_locale_before.append(QLocale())
    if chosen == "fr":
        ours = QTranslator(app)
        if ours.load(str(translations_dir() / "popgui_fr.qm")):
            app.installTranslator(ours)
            _installed.append(ours)
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load("qtbase_fr", qt_dir):  # OK, Cancel, Yes, No and the file dialogs
            app.installTranslator(qt)
            _installed.append(qt)
        system = QLocale.system()
        locale = system if system.language() == QLocale.Language.French else QLocale("fr_FR")
    else:
        system = QLocale.system()
        locale = (
            system
            if system.language() in (QLocale.Language.English, QLocale.Language.C)
            else QLocale("en_US")
        )
    QLocale.setDefault(locale)
    _language = chosen
    return chosen


def uninstall_translators(app: QCoreApplication) -> None:
    """Back to the English source text and the locale in force before the first install."""
    global _language
    for translator in _installed:
        app.removeTranslator(translator)
        translator.deleteLater()
    _installed.clear()
    if _default_locale_before:
        QLocale.setDefault(_default_locale_before[0])
    _language = "en"


def en_plural(text: str, count: int) -> str:
    """English plural marks left by an untranslated ``tr(…, n)``: ``message(s)`` → ``messages``.

    A translation has its own plural forms (and no ``(s)``), so this changes nothing in it.
    """
    return _PLURAL_RE.sub("" if count == 1 else "s", text)


def format_number(value: int, locale: QLocale | None = None) -> str:
    """``1,234`` in English, ``1 234`` in French (the locale's grouping)."""
    return (locale or QLocale()).toString(int(value))


def format_size(size: float, locale: QLocale | None = None) -> str:
    """A size, the same in every pane: ``532 B``, ``12 KB``, ``3.1 MB``; French ``2,5 Mo``.

    Powers of 1024 written KB, MB, GB (French Ko, Mo, Go), as Thunderbird, Outlook and
    Windows Explorer write them; bytes as ``B`` (``o``), short enough for a narrow column.
    Kilobytes are whole; megabytes and gigabytes have one decimal, with the locale's decimal
    sign. (``QLocale.formattedDataSize`` writes "1 bytes" and one precision for every unit.)
    """
    locale = locale or QLocale()
    if size < 1024:
        return Formats.tr("{size} B").format(size=locale.toString(int(size)))
    value = float(size) / 1024
    if value < 1024:
        return Formats.tr("{size} KB").format(size=locale.toString(value, "f", 0))
    value /= 1024
    if value < 1024:
        return Formats.tr("{size} MB").format(size=locale.toString(value, "f", 1))
    value /= 1024
    return Formats.tr("{size} GB").format(size=locale.toString(value, "f", 1))


#: The date formats (QLocale patterns), translatable so a language can reorder them.
def _pattern(kind: str) -> str:
    patterns = {
        "time": Formats.tr("HH:mm"),
        "day": Formats.tr("d MMM HH:mm"),
        "date": Formats.tr("d MMM yyyy"),
        "full": Formats.tr("d MMM yyyy HH:mm"),
    }
    return patterns[kind]


def format_datetime(
    when: datetime | float | None,
    locale: QLocale | None = None,
    *,
    kind: str = "full",
    now: datetime | None = None,
) -> str:
    """A date for a person: ``14 Mar 2025 10:05``, in French ``14 mars 2025 10:05``.

    ``when`` is a datetime (an aware one is shown in local time) or epoch seconds. ``kind``
    is ``"full"``, ``"time"`` (``10:05``), ``"day"`` (``14 Mar 10:05``), ``"date"``
    (``14 Mar 2025``) or ``"auto"``: the time today, day and month this year, else the date
    (relative to ``now``, by default the present). Every list of messages (the message list
    and On server) uses ``"auto"``, so a message's date reads the same in both.
    """
    if when is None:
        return ""
    try:
        if isinstance(when, datetime):
            local = when.astimezone() if when.tzinfo is not None else when
        else:
            local = datetime.fromtimestamp(when)
    except (OverflowError, OSError, ValueError):
        return ""
    if kind == "auto":
        now = now or datetime.now()
        if local.date() == now.date():
            kind = "time"
        elif local.year == now.year:
            kind = "day"
        else:
            kind = "date"
    stamp = QDateTime(local.year, local.month, local.day, local.hour, local.minute,
                      local.second)  # fmt: skip
    return (locale or QLocale()).toString(stamp, _pattern(kind))
