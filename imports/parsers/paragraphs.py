"""Numbered paragraphs, their lettered sub-items and the headings above them.

Treaty bodies' concluding observations and special procedures' reports share one layout:
chapters ("I. Introduction", or "C. Principal subjects of concern and recommendations"),
sections ("A. Food insecurity"), unnumbered sub-headings ("Minimum wage"), and paragraphs
numbered 1, 2, 3 … through the whole document, some with sub-items (a), (b) …::

    Minimum wage
    25. The Committee recommends that the State party:
    (a) Establish a mechanism …;
    (b) …

A paragraph starts where the next number of the sequence starts a line, so a line that begins
with another number ("2030 Agenda …", "12 (a) above") never starts one; a sub-item likewise
starts with the next letter of its paragraph. A heading is a short line without final
punctuation, set apart (a heading style in Word, bold in a PDF, or numbered I., A.), that comes
after the end of a paragraph and before a paragraph or another heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .document_text import TextLine, join_lines

_PARAGRAPH_RE = re.compile(r"^(?P<number>\d{1,3})\.\s+(?P<rest>\S.*)$")
_SUB_ITEM_RE = re.compile(r"^\((?P<label>[a-z]{1,2})\)\s*(?P<rest>.*)$")
_CHAPTER_RE = re.compile(r"^[IVX]{1,6}\.\s+\S")
_SECTION_RE = re.compile(r"^[A-Z]\.\s+\S")
# Where a paragraph, a sub-item or a heading has ended.
_ENDS_BLOCK = (".", ";", ":", "!", "?", ".\u201d", ".\u2019", '."')
_MAX_HEADING_CHARS = 160
# The first paragraph of a document is 1; a fragment may start a little later.
_MAX_FIRST_NUMBER = 5
_ARTICLES_RE = re.compile(r"\s*\((?:arts?\.|articles?)\s[^()]*(?:\([^()]*\)[^()]*)*\)\s*$", re.IGNORECASE)
_HEADING_NUMBER_RE = re.compile(r"^(?:[IVX]{1,6}|[A-Z])\.\s+")


@dataclass(frozen=True)
class Heading:
    text: str
    # 1: chapter (I., II.); 2: section (A., B.); 3: an unnumbered sub-heading.
    level: int

    @property
    def title(self) -> str:
        """The heading without its number and without article references: "Legislation"."""
        return _ARTICLES_RE.sub("", _HEADING_NUMBER_RE.sub("", self.text)).strip()


@dataclass
class SubItem:
    label: str
    lines: list[TextLine]

    @property
    def text(self) -> str:
        return join_lines(self.lines)


@dataclass
class NumberedParagraph:
    number: str
    lines: list[TextLine]
    headings: tuple[Heading, ...]
    sub_items: list[SubItem] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def lead(self) -> str:
        """The paragraph's own text, before any sub-item, without its number."""
        text = join_lines(self.lines)
        match = _PARAGRAPH_RE.match(text)
        return match.group("rest") if match else text

    @property
    def text(self) -> str:
        """The whole paragraph as the UHRI keeps it: "25. The Committee …:\\n(a) …;\\n(b) …"."""
        parts = [f"{self.number}. {self.lead}"]
        parts.extend(f"({item.label}) {item.text}".rstrip() for item in self.sub_items)
        return "\n".join(parts)

    @property
    def theme(self) -> str:
        """The nearest heading's title, as a theme suggestion ("Minimum wage")."""
        return self.headings[-1].title if self.headings else ""


def split_paragraphs(lines: list[TextLine], *, source: str) -> list[NumberedParagraph]:
    """The document's numbered paragraphs, in order, each with its sub-items and headings."""
    paragraphs: list[NumberedParagraph] = []
    headings: list[Heading] = []
    current: NumberedParagraph | None = None
    item: SubItem | None = None
    previous: TextLine | None = None
    heading_lines: list[TextLine] = []
    last_number: int | None = None

    def flush_heading() -> None:
        if heading_lines:
            heading = _make_heading(heading_lines)
            while headings and headings[-1].level >= heading.level:
                headings.pop()
            headings.append(heading)
            heading_lines.clear()

    for index, line in enumerate(lines):
        start = _PARAGRAPH_RE.match(line.text)
        expected = last_number + 1 if last_number is not None else None
        if start and _is_next_number(int(start.group("number")), expected):
            last_number = int(start.group("number"))
            flush_heading()
            current = NumberedParagraph(start.group("number"), [line], tuple(headings))
            paragraphs.append(current)
            item = None
        elif heading_lines and _continues_heading(heading_lines[-1], line, source=source):
            heading_lines.append(line)
        elif _is_heading(lines, index, previous, source=source):
            flush_heading()
            heading_lines.append(line)
            # Text after a heading belongs to the next paragraph, not to the one before it.
            current = None
            item = None
        elif current is not None:
            sub = _SUB_ITEM_RE.match(line.text)
            if sub and sub.group("label") == _next_label(current):
                # The sub-item keeps its text without its label: "(a)" is in SubItem.label.
                item = SubItem(sub.group("label"), [replace(line, text=sub.group("rest"))])
                current.sub_items.append(item)
            elif item is not None:
                item.lines.append(line)
            else:
                current.lines.append(line)
        previous = line
    return paragraphs


def _is_next_number(number: int, expected: int | None) -> bool:
    if expected is None:
        return 1 <= number <= _MAX_FIRST_NUMBER
    return number == expected


def _next_label(paragraph: NumberedParagraph) -> str:
    if not paragraph.sub_items:
        return "a"
    last = paragraph.sub_items[-1].label
    # a … z, then aa, bb … as UN documents letter long lists.
    if last == "z":
        return "aa"
    if len(last) == 2:
        return chr(ord(last[0]) + 1) * 2 if last[0] < "z" else ""
    return chr(ord(last) + 1)


def _looks_like_heading(line: TextLine) -> bool:
    text = line.text
    if not text or len(text) > _MAX_HEADING_CHARS or _PARAGRAPH_RE.match(text) or _SUB_ITEM_RE.match(text):
        return False
    if text.endswith((".", ";", ",", ":")):
        return False
    return line.style == "heading" or line.bold or bool(_CHAPTER_RE.match(text) or _SECTION_RE.match(text))


def _is_heading(lines: list[TextLine], index: int, previous: TextLine | None, *, source: str) -> bool:
    line = lines[index]
    if not _looks_like_heading(line):
        return False
    if source == "docx" and line.style == "heading":
        return True
    # In a PDF, a bold line may also be an emphasised line of a paragraph: a heading starts
    # after a finished paragraph and is followed by a paragraph or by another heading.
    if previous is not None and not previous.text.endswith(_ENDS_BLOCK) and not _looks_like_heading(previous):
        return False
    for following in lines[index + 1 : index + 4]:
        if _PARAGRAPH_RE.match(following.text):
            return True
        if not _looks_like_heading(following):
            return False
    return False


def _continues_heading(last: TextLine, line: TextLine, *, source: str) -> bool:
    """A PDF heading wrapped onto a second line, in the same font."""
    return (
        source == "pdf"
        and _looks_like_heading(line)
        and line.size == last.size
        and line.bold == last.bold
        and not _CHAPTER_RE.match(line.text)
        and not _SECTION_RE.match(line.text)
        and (last.size or 0) > 10.5  # only chapter and section titles are long enough to wrap
    )


def _make_heading(lines: list[TextLine]) -> Heading:
    text = join_lines(lines)
    if _CHAPTER_RE.match(text):
        return Heading(text, 1)
    if _SECTION_RE.match(text):
        return Heading(text, 2)
    return Heading(text, 3)
