"""The text of a UN document, as the parsers read it, whatever the file it came from.

PDF and Word files end up in the same shape: the body as a list of lines in reading order, with
the page furniture (running headers and footers, page numbers, the job number and bar code) and
the footnotes taken out, and the first page kept whole for the document's own description (its
symbol, date and session are on the masthead and in the first footnote).

A line of a PDF is a printed line; a line of a Word file is a paragraph. The parsers do not rely
on either: they find where items start (a paragraph number at the start of a line) and join the
lines in between with ``join_lines``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .common import normalize_space

# Dashes that end a line without a space before the next one: "under-" / "represented",
# "2017–" / "2021", "122.62-" / "66". UN documents are not hyphenated automatically, so a
# dash at the end of a line is part of the text and the line break is not a space.
_JOINING_DASHES = ("-", "\u2010", "\u2011", "\u2013")


@dataclass(frozen=True)
class TextLine:
    """A line of the body: a printed line of a PDF, or a paragraph of a Word document."""

    text: str
    # Page the line is printed on, from 1 (always 1 for a Word document).
    page: int = 1
    # Font size in points, when known; footnotes and running headers are set smaller.
    size: float | None = None
    bold: bool = False
    # The line ends with a dash and no space: the next line continues the same word or number.
    joins_next: bool = False
    # "heading" when the document's own styles say the line is a heading (Word); "" otherwise.
    style: str = ""


@dataclass
class DocumentText:
    source: Literal["pdf", "docx"]
    lines: list[TextLine]
    footnotes: list[TextLine] = field(default_factory=list)
    # The first page (masthead, title, first footnote) as printed, furniture included; for a
    # Word document, the header parts then the first paragraphs.
    first_page: list[TextLine] = field(default_factory=list)
    # Running headers and footers found (the document's symbol is usually among them).
    running: list[str] = field(default_factory=list)
    page_count: int = 1
    # The title stored in the file's properties, if any (often empty or a file name).
    title: str = ""

    def body_text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def make_line(raw: str, *, page: int = 1, size: float | None = None, bold: bool = False, style: str = "") -> TextLine:
    """A TextLine from raw extracted text: spaces normalised, the joining dash remembered.

    A line ends with a joining dash when the dash is its last character, not followed by the
    space extraction keeps at the end of a wrapped line ("122.62-" joins, "policy – " does not).
    """
    stripped = raw.rstrip("\r\n")
    joins = stripped.endswith(_JOINING_DASHES) and not stripped[-2:-1].isspace() and len(stripped.strip()) > 1
    return TextLine(text=normalize_space(stripped), page=page, size=size, bold=bold, joins_next=joins, style=style)


def join_lines(lines: Iterable[TextLine]) -> str:
    """The lines as one text: a space between lines, none after a line ending with a dash."""
    parts: list[str] = []
    joins = False
    for line in lines:
        if not line.text:
            continue
        if parts and not joins:
            parts.append(" ")
        parts.append(line.text)
        joins = line.joins_next
    return "".join(parts)


_MARKER_RE = re.compile(r"^\s*(?:\d{1,3}|\*{1,3}|\u2020|\u2021)\s*$")


def is_note_marker(text: str) -> bool:
    """A footnote call as it is printed in superscript: "12", "*", "**", a dagger."""
    return bool(_MARKER_RE.match(text))
