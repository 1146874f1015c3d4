"""The catalog of sentences: ids stable and unique, fields checked, and every error raised for a
person carries a catalog sentence (so the window can translate it)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import popgui
from popgui.catalog import Message, all_messages, english, render
from popgui.catalog import network as says
from popgui.errors import NetworkError, PopguiError, ServerError

ROOT = Path(popgui.__file__).resolve().parent
#: The front ends word their own sentences (the window through Qt's tr(), the command line in
#: English); the local server's replies go to a POP client, not a person.
FRONT_ENDS = ("gui", "cli", "localserver")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$")


def test_every_id_is_unique_and_well_formed() -> None:
    messages = all_messages()
    assert len(messages) > 20
    for message in messages:
        assert _ID.match(message.id), message.id
        assert message.text.strip() == message.text and message.text, message.id


def test_an_id_starts_with_its_module() -> None:
    """``network.refused`` lives in popgui/catalog/network.py: translators find it by the id."""
    for message in all_messages():
        home = importlib.import_module(f"popgui.catalog.{message.id.split('.')[0]}")
        assert message in vars(home).values(), message.id


def test_a_sentence_needs_exactly_its_fields() -> None:
    with pytest.raises(TypeError):
        says.CONNECT_FAILED(place="mail.example.org:995")
    with pytest.raises(TypeError):
        says.REFUSED(extra="x")
    sentence = says.CONNECT_FAILED(place="mail.example.org:995", reason=says.REFUSED())
    assert str(sentence) == "could not connect to mail.example.org:995: connection refused"


def test_plural_sentences_in_english() -> None:
    assert str(says.SECONDS(count=1)) == "1 second"
    assert str(says.SECONDS(count=30)) == "30 seconds"
    assert english(says.SECONDS, 0) == "{count} seconds"
    with pytest.raises(TypeError):
        Message("network.no-count", "{n} thing(s)", plural=True)


def test_a_translation_reaches_nested_sentences() -> None:
    words = {"network.connect-failed": "pas de {place} : {reason}", "network.refused": "refus"}

    def translate(message: Message, count: int = -1) -> str:
        return words.get(message.id, english(message, count))

    sentence = says.CONNECT_FAILED(place="host:110", reason=says.REFUSED())
    assert sentence.render(translate) == "pas de host:110 : refus"
    assert render("the server's own words", translate) == "the server's own words"


def test_errors_keep_their_sentence() -> None:
    error = NetworkError(says.CONNECT_FAILED(place="h:995", reason=says.NO_ADDRESS()))
    assert str(error) == "could not connect to h:995: the host name has no address"
    assert error.sentence is not None and error.sentence.message is says.CONNECT_FAILED
    assert ServerError("locked", code="IN-USE", command="PASS").render() == (
        "the server refused PASS: [IN-USE] locked"
    )
    assert str(ServerError("no such message")) == "the server refused: no such message"
    # A server that gives no reason (POP2's bare "-") gets words of ours, translatable too.
    assert str(ServerError("", command="READ")) == "the server refused READ: no reason given"
    words = {"core.no-reason": "aucune raison"}
    silent = ServerError("", command="READ").render(lambda m, c=-1: words.get(m.id, m.text))
    assert silent == "the server refused READ: aucune raison"


# -- every error for a person comes from the catalog ------------------------------------------


def _error_names() -> set[str]:
    for info in pkgutil.walk_packages(popgui.__path__, "popgui."):
        if info.name.split(".")[1] not in (*FRONT_ENDS, "__main__"):
            importlib.import_module(info.name)
    names: set[str] = set()
    waiting: list[type[PopguiError]] = [PopguiError]
    while waiting:
        kind = waiting.pop()
        names.add(kind.__name__)
        waiting.extend(kind.__subclasses__())
    return names


def _plain_text(node: ast.expr) -> bool:
    """A literal, an f-string or a concatenation of them: English fixed in the code."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _plain_text(node.left) or _plain_text(node.right)
    return False


def _uncatalogued(path: Path, errors: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id in errors and node.args and _plain_text(node.args[0]):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.func.id}")
    return found


def test_errors_for_people_are_catalog_sentences() -> None:
    """An error made from an English string cannot be shown in French: use the catalog."""
    errors = _error_names()
    found: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in FRONT_ENDS:
            continue
        found += _uncatalogued(path, errors)
    assert not found, "errors raised from plain English text:\n" + "\n".join(found)


def test_the_window_words_errors_in_its_own_language() -> None:
    """popgui.messages.describe is English: the window goes through popgui.gui.wording."""
    found = []
    for path in sorted((ROOT / "gui").glob("*.py")):
        if path.name == "wording.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "popgui.messages":
                found.append(f"{path.name}:{node.lineno}")
    assert not found, "English wording imported in the window: " + ", ".join(found)


def test_a_part_of_a_sentence_is_shown_as_a_sentence_of_its_own() -> None:
    from popgui.gui.wording import as_sentence

    assert as_sentence("could not connect") == "Could not connect."
    assert as_sentence("done.") == "Done." and as_sentence("wait…") == "Wait…"
    assert as_sentence("why?") == "Why?" and as_sentence("") == ""
    assert as_sentence("no stop", full_stop=False) == "No stop"
