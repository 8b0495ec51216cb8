"""A document described independently of its format (PDF or Excel)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A table: headers, rows of text, which columns are numbers, widths."""

    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()
    widths: list[float] | None = None  # relative widths, summing to about 1
    total: list[str] | None = None  # an emphasised last row
    empty: str = ""  # shown instead of an empty table


@dataclass
class Section:
    """A numbered part of a document."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    bullets: list[str] = field(default_factory=list)
    blank_lines: int = 0  # ruled lines to fill in by hand (recommendations)


@dataclass
class Document:
    """A whole document: head, facts, sections and a closing note."""

    firm: str
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    footer: str
    closing: list[str] = field(default_factory=list)
    file_stem: str = "document"
