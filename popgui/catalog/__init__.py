"""Every sentence popgui says to a person: one catalog, stable ids, English text, translatable.

Errors and reports carry a :class:`Sentence`, a catalog :class:`Message` and the values of its
fields, instead of finished text. ``str()`` of a sentence is English (the command line, logs,
``--json``); the window renders it through Qt's translator (context ``Messages``, the message's
id as the disambiguation, see :mod:`popgui.gui.wording`), so an engine error reads in French
in a French window. ``packaging/update_translations.py`` writes every message of the catalog
into ``resources/translations/messages_<lang>.ts`` for translators.

The messages live in the modules of this package, one per layer (:mod:`.network`,
:mod:`.hints`…), as module-level constants::

    CONNECT_FAILED = Message("network.connect-failed", "could not connect to {place}: {reason}")
    raise NetworkError(CONNECT_FAILED(place=place, reason=reason))

An id never changes once released: translations and scripts reading ``--json`` rely on it.
Field values are shown as they are; a field may itself be a sentence, rendered in the same
language. A message made with ``plural=True`` has a ``count`` field and writes its English
plural as ``(s)`` (``"{count} second(s)"``); translations give each plural form.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Message", "Sentence", "Translate", "all_messages", "english", "render"]

#: Gives the text of a message in some language for a count (-1 when the message is not
#: plural): its English text, or a translation.
Translate = Callable[["Message", int], str]
_PLURAL_MARK = "(s)"


@dataclass(frozen=True)
class Message:
    """One sentence of the catalog: a stable ``id`` and its English ``text`` with ``{fields}``."""

    id: str
    text: str
    plural: bool = False
    fields: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {name for _, name, _, _ in string.Formatter().parse(self.text) if name}
        object.__setattr__(self, "fields", frozenset(names))
        if self.plural and "count" not in names:
            raise TypeError(f"{self.id} is plural but has no {{count}} field")

    def __call__(self, **values: object) -> Sentence:
        if set(values) != self.fields:
            # A programming error, caught by the tests: every field must be given, no more.
            raise TypeError(f"{self.id} takes {sorted(self.fields)}, got {sorted(values)}")
        return Sentence(self, values)


@dataclass(frozen=True)
class Sentence:
    """A catalog message with its field values: English by ``str()``, any language by render."""

    message: Message
    values: Mapping[str, object]

    def render(self, translate: Translate | None = None) -> str:
        chosen = translate or english
        values = {
            name: value.render(chosen) if isinstance(value, Sentence) else value
            for name, value in self.values.items()
        }
        count = self.values["count"] if self.message.plural else -1
        return chosen(self.message, count if isinstance(count, int) else 2).format(**values)

    def __str__(self) -> str:
        return self.render()


def english(message: Message, count: int = -1) -> str:
    """The catalog's own text, its ``(s)`` resolved for ``count``: what the command line shows."""
    if not message.plural:
        return message.text
    return message.text.replace(_PLURAL_MARK, "" if count == 1 else "s")


def render(text: str | Sentence, translate: Translate | None = None) -> str:
    """``text`` in the language of ``translate``; plain strings (a server's words) as they are."""
    return text.render(translate) if isinstance(text, Sentence) else text


def all_messages() -> list[Message]:
    """Every message of the catalog, sorted by id (for the translators' file and the tests)."""
    found: dict[str, Message] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, Message) and found.setdefault(value.id, value) is not value:
                raise ValueError(f"two catalog messages have the id {value.id!r}")
    return [found[key] for key in sorted(found)]
