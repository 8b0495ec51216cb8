"""The Simplified Chinese catalogue is complete and its .mo is up to date."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import lexkeep

LC_MESSAGES = Path(lexkeep.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)


def parse_po(path: Path) -> list[Entry]:
    """Parse ``path`` into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match:
            key, value = match.group(1), ast.literal_eval(match.group(2))
        else:
            value = ast.literal_eval(line)
        if key == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif key == "msgid":
            current.msgid += value
        elif key == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        else:
            current.msgstr[key] = current.msgstr.get(key, "") + value
    return entries


def messages() -> list[Entry]:
    return [entry for entry in parse_po(PO) if entry.msgid]


def test_catalogue_has_messages():
    assert len(messages()) > 100


def test_header_is_not_fuzzy_and_names_the_language():
    header = next(entry for entry in parse_po(PO) if entry.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans" in header.msgstr["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy():
    problems = []
    for entry in messages():
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {entry.msgid!r}")
        if not entry.msgstr or any(not text for text in entry.msgstr.values()):
            problems.append(f"line {entry.line}: untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_placeholders_are_kept():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    problems = []
    for entry in messages():
        wanted = sorted(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(placeholder.findall(text)) != wanted:
                problems.append(f"line {entry.line}: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po():
    """The committed .mo holds exactly the .po's translations (run compilemessages)."""
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in messages():
        msgid = entry.msgid
        if entry.msgctxt is not None:
            msgid = f"{entry.msgctxt}\x04{msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr["msgstr"]
        else:
            for key, text in entry.msgstr.items():
                expected[(msgid, int(key[7:-1]))] = text
    compiled = {key: value for key, value in catalog.items() if key != ""}
    stale = sorted(
        repr(key)
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    assert not stale, "django.mo is out of date with django.po:\n" + "\n".join(stale)
