"""Refresh the window's translations: lupdate the .ts sources, lrelease the .qm files.

Run from anywhere, after changing any text in ``popgui/gui/*.py``::

    python packaging/update_translations.py            # refresh popgui_fr.ts, build popgui_fr.qm
    python packaging/update_translations.py --check    # CI: fail if the .ts lacks a string,
                                                       # has an unfinished one, or the .qm is stale

1. ``pyside6-lupdate popgui/gui/*.py -ts resources/translations/popgui_<lang>.ts``
   adds every new source string (marked ``type="unfinished"``) and marks the ones the code no
   longer has as vanished (``-no-obsolete`` drops them). Translate the new ones with Qt
   Linguist (``pyside6-linguist``) or by editing the XML: each ``<translation>`` gets the text
   (``<numerusform>`` twice for French plurals: n ≤ 1, then n ≥ 2) and loses ``type``.
2. The sentences of the engine's catalog (:mod:`popgui.catalog`: errors, reports, hints) go
   into ``resources/translations/messages_<lang>.ts``, context ``Messages``, the message id as
   the ``<comment>`` (Qt's disambiguation). lupdate cannot read the catalog, so this script
   writes that file itself: new messages come in unfinished, removed ones go, and a message
   whose English text changed keeps its old translation marked unfinished for review.
   Translate it the same way; keep the ``{fields}`` as they are.
3. ``pyside6-lrelease`` compiles both .ts files of a language into the one .qm that ships in
   the wheel (``popgui/resources/translations/popgui_<lang>.qm``, loaded by
   :mod:`popgui.gui.i18n`).

Both tools come with PySide6-Essentials (``pip install PySide6-Essentials``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "popgui" / "gui"
#: the .ts sources, for translators (not shipped), and the compiled .qm files the package ships
TRANSLATION_SOURCES = ROOT / "resources" / "translations"
TRANSLATIONS = ROOT / "popgui" / "resources" / "translations"
LANGUAGES = ("fr",)
_EXTRA_COMMENT = re.compile(r"\n\s*<extracomment>.*?</extracomment>", re.DOTALL)


def tool(name: str) -> str:
    """The path of ``pyside6-lupdate`` or ``pyside6-lrelease``; SystemExit if missing.

    Looked for beside this interpreter first: in a virtual environment that is not activated
    (``.venv/bin/python -m pytest``), PySide6's tools are there but not on PATH.
    """
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(f"pyside6-{name}", path=search)
    if found is None:
        raise SystemExit(f"pyside6-{name} is not on PATH: pip install PySide6-Essentials")
    return found


def source_files() -> list[str]:
    return [str(path) for path in sorted(SOURCES.glob("*.py"))]


def ts_file(language: str) -> Path:
    return TRANSLATION_SOURCES / f"popgui_{language}.ts"


def catalog_ts_file(language: str) -> Path:
    return TRANSLATION_SOURCES / f"messages_{language}.ts"


def qm_file(language: str) -> Path:
    return TRANSLATIONS / f"popgui_{language}.qm"


def lupdate(ts: Path, *, obsolete: bool = False) -> None:
    """Extract the source strings into ``ts`` (created if missing), as relative locations."""
    command = [tool("lupdate"), "-locations", "relative", "-silent"]
    if not obsolete:
        command.append("-no-obsolete")
    subprocess.run([*command, *source_files(), "-ts", str(ts)], check=True)
    # lupdate takes any ``#:`` comment above a marked string for a note to translators; in
    # popgui those are documentation of the code around, which would only mislead them.
    text = ts.read_text(encoding="utf-8")
    ts.write_text(_EXTRA_COMMENT.sub("", text), encoding="utf-8")


def lrelease(ts: Path, qm: Path, *more: Path) -> None:
    """Compile ``ts`` (and ``more`` .ts files of the same language) into the one ``qm``."""
    sources = [str(path) for path in (ts, *more)]
    subprocess.run([tool("lrelease"), "-silent", *sources, "-qm", str(qm)], check=True)


def release(language: str, qm: Path) -> None:
    """Build a language's .qm from its window and catalog translations."""
    lrelease(ts_file(language), qm, catalog_ts_file(language))


# -- the catalog's .ts -----------------------------------------------------------------------

CATALOG_CONTEXT = "Messages"


def _catalog() -> list[Any]:
    sys.path.insert(0, str(ROOT))
    try:
        from popgui.catalog import all_messages
    finally:
        sys.path.pop(0)
    return all_messages()


def catalog_entries(ts: Path) -> dict[str, ET.Element]:
    """``message id → <message>`` of a catalog .ts (empty when the file does not exist)."""
    if not ts.exists():
        return {}
    return {
        message.findtext("comment", ""): message
        for message in ET.parse(ts).getroot().iter("message")
    }


def write_catalog_ts(ts: Path, language: str) -> None:
    """Write every catalog message into ``ts``, keeping the translations it already has."""
    old = catalog_entries(ts)
    root = ET.Element("TS", version="2.1", language=f"{language}_{language.upper()}")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CATALOG_CONTEXT
    for entry in _catalog():
        message = ET.SubElement(context, "message")
        if entry.plural:
            message.set("numerus", "yes")
        ET.SubElement(message, "source").text = entry.text
        ET.SubElement(message, "comment").text = entry.id
        message.append(_carried_translation(old.get(entry.id), entry.text, entry.plural))
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    ts.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', "utf-8")


def _carried_translation(previous: ET.Element | None, text: str, plural: bool) -> ET.Element:
    """The translation to keep for a message: unfinished when new or its English changed."""
    translation = ET.Element("translation")
    found = previous.find("translation") if previous is not None else None
    if previous is None or found is None:
        translation.set("type", "unfinished")
        if plural:
            ET.SubElement(translation, "numerusform")
            ET.SubElement(translation, "numerusform")
        return translation
    translation.text = found.text
    translation.extend(found.findall("numerusform"))
    if found.get("type") == "unfinished" or previous.findtext("source", "") != text:
        translation.set("type", "unfinished")
    return translation


def catalog_problems(ts: Path) -> list[str]:
    """What keeps the catalog's ``ts`` from being a complete translation of the catalog."""
    if not ts.exists():
        return [f"{ts.name} does not exist: run {Path(__file__).name}"]
    have = catalog_entries(ts)
    wanted = {entry.id: entry for entry in _catalog()}
    found = [f"missing: [{key}] {wanted[key].text!r}" for key in sorted(set(wanted) - set(have))]
    found += [f"no longer in the catalog: [{key}]" for key in sorted(set(have) - set(wanted))]
    for key, message in sorted(have.items()):
        if key not in wanted:
            continue
        entry = wanted[key]
        translation = message.find("translation")
        if message.findtext("source", "") != entry.text:
            found.append(f"English changed, re-run the script: [{key}] {entry.text!r}")
        elif translation is None or translation.get("type") == "unfinished":
            found.append(f"unfinished: [{key}] {entry.text!r}")
        else:
            found += _translation_problems(key, entry, translation)
    return found


def _translation_problems(key: str, entry: Any, translation: ET.Element) -> list[str]:
    forms = translation.findall("numerusform")
    texts = [form.text or "" for form in forms] if forms else [translation.text or ""]
    found = []
    if entry.plural and len(forms) < 2:
        found.append(f"needs two plural forms: [{key}] {entry.text!r}")
    if any(not text.strip() for text in texts):
        found.append(f"empty translation: [{key}] {entry.text!r}")
    for text in texts:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        if fields != set(entry.fields):
            found.append(f"fields differ from the English: [{key}] {text!r}")
    return found


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """``(context, source) → <message>`` of a .ts file, leaving out vanished/obsolete ones."""
    found: dict[tuple[str, str], ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else None
            if kind in ("vanished", "obsolete"):
                continue
            found[(name, message.findtext("source", ""))] = message
    return found


def problems(ts: Path) -> list[str]:
    """What keeps ``ts`` from being a complete translation of the current sources."""
    wanted: set[tuple[str, str]]
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / ts.name
        lupdate(fresh)
        wanted = set(messages(fresh))
    have = messages(ts)
    found = [f"missing: [{c}] {s!r}" for c, s in sorted(wanted - set(have))]
    found += [f"no longer in the code: [{c}] {s!r}" for c, s in sorted(set(have) - wanted)]
    for (context, source), message in sorted(have.items()):
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished":
            found.append(f"unfinished: [{context}] {source!r}")
            continue
        forms = translation.findall("numerusform")
        texts = [form.text or "" for form in forms] if forms else [translation.text or ""]
        if message.get("numerus") == "yes" and len(forms) < 2:
            found.append(f"needs two plural forms: [{context}] {source!r}")
        if any(not text.strip() for text in texts):
            found.append(f"empty translation: [{context}] {source!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; fail if a translation is incomplete or a .qm is out of date",
    )
    options = parser.parse_args(argv)
    failed = False
    for language in LANGUAGES:
        ts, qm = ts_file(language), qm_file(language)
        if options.check:
            found = problems(ts) if ts.exists() else [f"{ts} does not exist"]
            found += catalog_problems(catalog_ts_file(language))
            with tempfile.TemporaryDirectory() as scratch:
                built = Path(scratch) / qm.name
                release(language, built)
                if not qm.exists() or qm.read_bytes() != built.read_bytes():
                    found.append(
                        f"{qm.name} is not built from {ts.name}: run {Path(__file__).name}"
                    )
            for line in found:
                print(f"{ts.name}: {line}", file=sys.stderr)
            failed = failed or bool(found)
            continue
        TRANSLATION_SOURCES.mkdir(parents=True, exist_ok=True)
        TRANSLATIONS.mkdir(parents=True, exist_ok=True)
        lupdate(ts)
        catalog_ts = catalog_ts_file(language)
        write_catalog_ts(catalog_ts, language)
        release(language, qm)
        left = [line for line in problems(ts) if not line.startswith("no longer")]
        print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} messages, {len(left)} to translate")
        for line in left:
            print(f"  {line}")
        left = catalog_problems(catalog_ts)
        count = len(catalog_entries(catalog_ts))
        print(f"{catalog_ts.relative_to(ROOT)}: {count} messages, {len(left)} to translate")
        for line in left:
            print(f"  {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
