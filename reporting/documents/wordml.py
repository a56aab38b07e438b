"""A Word document written in one pass, as WordprocessingML text.

python-docx's ``add_paragraph``, ``add_row`` and ``cell`` search the body or the table for their
place at every call, so a document of thousands of paragraphs or rows costs time that grows with
the square of its size. Here each paragraph, heading and table is appended to a list of XML
strings (one ``escape`` per text), and the body is parsed once and moved, in one linear pass,
into python-docx's default template, whose styles (headings, "List Number" with Word's own
automatic numbering, "Table Grid") the document uses.

Tables have a fixed layout with column widths computed from their content (``column_widths``):
no column is narrower than its longest word, so Word never breaks a word across lines
("Recom|mendati|ons"); a table whose words cannot fit at the body's size is set smaller.

The document counts its words as it is written (``count_words``, Word's rule: a run of
characters between spaces, each Chinese or Japanese character a word), by the section named in
``counting``, so a report can say how long it is against a mechanism's limit. A document made
with ``build=False`` only counts (no XML), for a preview that needs the figures alone.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.shared import Twips
from lxml import etree

# Characters XML 1.0 cannot hold (a pasted text may carry them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Ideographs and kana: Word counts each as a word, and may break a line before any of them.
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WORD = re.compile(f"[{_IDEOGRAPHS}]|[^\\s{_IDEOGRAPHS}]+")
# Where a line may break inside a table cell: spaces, after a hyphen or a slash, and around ideographs.
_UNBREAKABLE = re.compile(f"[^\\s\\-/{_IDEOGRAPHS}]+[\\-/]?|[{_IDEOGRAPHS}]")

# The page, in twentieths of a point: A4 (as the United Nations' documents are) with 2 cm margins
# (python-docx's template is US Letter with 1.25 in margins: a fifth less room for tables).
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1134
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BODY_SIZE = 22  # half-points: the template's 11 pt
TABLE_SIZES = (20, 18, 16)  # tables at 10 pt; one too narrow for its words at 9 or 8 pt
CELL_PADDING = 2 * 108 + 40  # Word's default left and right cell margins, and a little room
LONGEST_TOKEN = 30  # a longer "word" (an address, a symbol) may break: it is not prose


def _clean(text: object) -> str:
    return escape(_ILLEGAL.sub("", "" if text is None else str(text)))


def count_words(text: str) -> int:
    """Words as Word counts them: runs of characters between spaces, each ideograph one word."""
    return len(_WORD.findall(text)) if text else 0


@functools.lru_cache(maxsize=65536)
def _char_width(char: str) -> float:
    """A character's advance in ems, a little generous, for a serif font such as Cambria or Times."""
    if char in "iljftrI.,;:'!|()[]{}\"`´ ":
        return 0.36
    if char in "mwMW@%":
        return 0.92
    if char.isdigit():
        return 0.56
    if char.isupper():
        return 0.72
    if "\u3040" <= char <= "\uffef":
        return 1.0
    if char.isascii():
        return 0.54
    if "\u0370" <= char <= "\u052f":
        # Greek and Cyrillic: Cambria has them, but a substitute font (DejaVu, where Cambria is
        # missing) is wider: up to 0.68 em, 0.76 in bold.
        return 0.72
    return 0.62  # accented Latin, Arabic and other letters


def text_width(text: str, *, size: int = BODY_SIZE, bold: bool = False, rtl: bool = False) -> int:
    """The width of ``text`` on one line, in twips, at ``size`` half-points. In a right-to-left
    paragraph, digits take the complex-script font's, wider (DejaVu Sans, Arial: 0.64 em)."""
    ems = sum(_char_width(char) for char in text)
    if rtl:
        ems += 0.1 * sum(char.isdigit() for char in text)
    return int(ems * size * 10 * (1.1 if bold else 1.0)) + 1


def longest_word_width(text: str, *, size: int = BODY_SIZE, bold: bool = False, rtl: bool = False) -> int:
    tokens = _UNBREAKABLE.findall(text)
    if not tokens:
        return 0
    return max(text_width(token[:LONGEST_TOKEN], size=size, bold=bold, rtl=rtl) for token in tokens)


def _water_fill(wants: list[int], spare: int) -> tuple[list[int], int]:
    """Share ``spare`` among columns: each gets what it wants while that is less than an equal
    share of what is left, the others share the rest equally. Returns the shares and what is left."""
    given = [0] * len(wants)
    waiting = sorted(range(len(wants)), key=lambda i: wants[i])
    while waiting:
        share = spare // len(waiting)
        if wants[waiting[0]] > share:
            for index in waiting:
                given[index] = share
            return given, spare - share * len(waiting)
        index = waiting.pop(0)
        given[index] = wants[index]
        spare -= wants[index]
    return given, spare


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    total: int = TEXT_WIDTH,
    size: int = BODY_SIZE,
    rtl: bool = False,
) -> list[int] | None:
    """Widths (twips) adding up to ``total``, each column at least as wide as its longest word;
    None when the longest words alone do not fit at ``size``.

    The room left is shared by water-filling (``_water_fill``) on what each column's text wants
    on average (its mean width on one line): a column of short values (numbers, positions) gets
    all it wants, and the columns of long texts share the rest equally, so a table of paragraph
    numbers and texts gives the texts the page rather than the occasional long list of numbers.
    What is still left goes the same way to the columns whose longest value wants more, then to
    every column alike.
    """
    count = len(headers)
    least = [longest_word_width(str(h), size=size, bold=True, rtl=rtl) + CELL_PADDING for h in headers]
    sums = [text_width(str(h), size=size, bold=True, rtl=rtl) + CELL_PADDING for h in headers]
    most = list(sums)
    for row in rows:
        for index, value in enumerate(row[:count]):
            if not value:
                continue
            least[index] = max(least[index], longest_word_width(value, size=size, rtl=rtl) + CELL_PADDING)
            width = min(text_width(value, size=size, rtl=rtl), total) + CELL_PADDING
            sums[index] += width
            most[index] = max(most[index], width)
    if sum(least) > total:
        return None
    mean = [max(s // (len(rows) + 1) - n, 0) for s, n in zip(sums, least, strict=True)]
    given, spare = _water_fill(mean, total - sum(least))
    if spare:
        longest = [max(m - n - g, 0) for m, n, g in zip(most, least, given, strict=True)]
        more, spare = _water_fill(longest, spare)
        given = [g + m + spare // count for g, m in zip(given, more, strict=True)]
    widths = [n + g for n, g in zip(least, given, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def _plain(value: object) -> str:
    """A cell's text (cells may hold a string, a ``Run`` or a list of them)."""
    if isinstance(value, Run):
        return value.text
    if isinstance(value, (list, tuple)):
        return "".join(part.text if isinstance(part, Run) else str(part) for part in value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


RunsLike = str | Run | Sequence[Run | str]


def _runs(content: RunsLike) -> list[Run]:
    if isinstance(content, (str, Run)):
        content = [content]
    return [part if isinstance(part, Run) else Run(str(part)) for part in content]


class WordDocument:
    """Append headings, paragraphs and tables; ``save`` writes the .docx.

    ``counting`` names the section the words written now count towards (None: not counted);
    ``words`` holds the counts. ``build=False`` counts without writing any XML.
    """

    def __init__(self, *, language: str = "en", rtl: bool = False, build: bool = True) -> None:
        self.parts: list[str] = []
        self.language = language
        self.rtl = rtl
        self.build = build
        self.counting: str | None = None
        self.words: Counter = Counter()
        lang = _clean(language)
        self._lang_xml = f'<w:lang w:val="{lang}" w:bidi="{lang}"/>' if rtl else f'<w:lang w:val="{lang}"/>'
        self._rpr_cache: dict[tuple[bool, bool, int], str] = {}

    def _rpr(self, bold: bool, italic: bool, size: int = BODY_SIZE) -> str:
        key = (bold, italic, size)
        props = self._rpr_cache.get(key)
        if props is None:
            props = self._rpr_cache[key] = (
                "<w:rPr>"
                + ("<w:b/>" if bold else "")
                + ("<w:i/>" if italic else "")
                + ("<w:rtl/>" if self.rtl else "")
                + (f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size != BODY_SIZE else "")
                + self._lang_xml
                + "</w:rPr>"
            )
        return props

    def _count(self, content: RunsLike) -> None:
        if self.counting is not None:
            self.words[self.counting] += sum(count_words(run.text) for run in _runs(content))

    # --- pieces ---------------------------------------------------------------------------------

    def _run_xml(self, run: Run, size: int = BODY_SIZE) -> str:
        props = self._rpr(run.bold, run.italic, size)
        text = str(run.text)
        if "\n" not in text:
            return f'<w:r>{props}<w:t xml:space="preserve">{_clean(text)}</w:t></w:r>'
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{_clean(piece)}</w:t>' for piece in text.split("\n"))
        return f"<w:r>{props}{body}</w:r>"

    def _paragraph_xml(
        self, content: RunsLike, style: str | None = None, keep_next: bool = False, size: int = BODY_SIZE
    ) -> str:
        self._count(content)
        if not self.build:
            return ""
        props = f'<w:pStyle w:val="{style}"/>' if style else ""
        if keep_next:
            props += "<w:keepNext/>"
        if self.rtl:
            props += "<w:bidi/>"
        ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
        return f"<w:p>{ppr}{''.join(self._run_xml(run, size) for run in _runs(content))}</w:p>"

    def title(self, text: str) -> None:
        self.parts.append(self._paragraph_xml(text, "Title"))

    def subtitle(self, text: str) -> None:
        self.parts.append(self._paragraph_xml(text, "Subtitle"))

    def heading(self, text: str, level: int = 1) -> None:
        self.parts.append(self._paragraph_xml(text, f"Heading{min(max(level, 1), 9)}", keep_next=True))

    def paragraph(self, content: RunsLike, *, style: str | None = None) -> None:
        self.parts.append(self._paragraph_xml(content, style))

    def numbered(self, content: RunsLike) -> None:
        """A paragraph of the report's own numbering (Word's "List Number": 1., 2., … through the
        document, renumbered by Word when the drafter adds or removes one)."""
        self.parts.append(self._paragraph_xml(content, "ListNumber"))

    def bullet(self, content: RunsLike) -> None:
        self.parts.append(self._paragraph_xml(content, "ListBullet"))

    def page_break(self) -> None:
        if self.build:
            self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def placeholder(self) -> int:
        """A place to write into later (``fill``): a cover note that needs the document's length."""
        self.parts.append("")
        return len(self.parts) - 1

    def fill(self, index: int, other: WordDocument) -> None:
        """Put what ``other`` (a document of the same language) holds at a ``placeholder``."""
        self.parts[index] = "".join(other.parts)

    def fragment(self) -> WordDocument:
        """An empty document of the same language, to write a part of this one apart."""
        return WordDocument(language=self.language, rtl=self.rtl, build=self.build)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        caption: str = "",
        shares: Sequence[float] | None = None,
    ) -> None:
        """A table with a header row repeated on every page, its columns as wide as their words
        need (``column_widths``), or sharing the page as ``shares`` say (a table to fill in, whose
        empty column needs the room); its rows are strings appended in one pass, however many
        there are. Cells may hold ``Run``s or lists of them."""
        if caption:
            self.parts.append(self._paragraph_xml(caption, "Caption", keep_next=True))
        rows = [list(row) for row in rows]
        if self.counting is not None:
            self.words[self.counting] += sum(count_words(str(h)) for h in headers) + sum(
                count_words(_plain(cell)) for row in rows for cell in row
            )
        if not self.build:
            return
        texts = [[_plain(cell) for cell in row] for row in rows]
        size, widths = TABLE_SIZES[0], None
        if shares:
            widths = [int(TEXT_WIDTH * share / sum(shares)) for share in shares]
            widths[-1] += TEXT_WIDTH - sum(widths)
        for size in () if widths else TABLE_SIZES:
            widths = column_widths([str(h) for h in headers], texts, size=size, rtl=self.rtl)
            if widths is not None:
                break
        if widths is None:
            # Even at 8 pt the longest words are too wide together: share the page by need.
            least = [max([len(str(h))] + [len(t[i]) for t in texts if i < len(t)]) + 4 for i, h in enumerate(headers)]
            widths = [TEXT_WIDTH * n // sum(least) for n in least]
        bidi = "<w:bidiVisual/>" if self.rtl else ""
        caption_xml = f'<w:tblCaption w:val="{_clean(caption)}"/>' if caption else ""
        self.parts.append(
            "<w:tbl><w:tblPr>"
            f'<w:tblStyle w:val="TableGrid"/>{bidi}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
            f' w:noHBand="0" w:noVBand="1"/>{caption_xml}</w:tblPr>'
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
        )
        saved, self.counting = self.counting, None  # counted above, once
        try:
            header_cells = "".join(
                self._cell_xml(Run(str(h), bold=True), w, size) for h, w in zip(headers, widths, strict=True)
            )
            self.parts.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>")
            for row in rows:
                self.parts.append(
                    "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                    + "".join(self._cell_xml(c, w, size) for c, w in zip(row, widths, strict=False))
                    + "</w:tr>"
                )
        finally:
            self.counting = saved
        self.parts.append("</w:tbl>")
        # Word needs a paragraph between two tables, and after a table that ends a section.
        self.parts.append("<w:p/>")

    def _cell_xml(self, value: object, width: int, size: int = BODY_SIZE) -> str:
        content = value if isinstance(value, (Run, list, tuple)) else ("" if value is None else str(value))
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"{self._paragraph_xml(content, size=size)}</w:tc>"
        )

    # --- the file -------------------------------------------------------------------------------

    def save(self, out: io.BufferedIOBase | None = None, *, title: str = "", author: str = "") -> bytes:
        """Write the .docx; returns its bytes (also written to ``out`` when given)."""
        if not self.build:
            raise ValueError("a document made with build=False only counts its words")
        document = docx.Document()
        part = document.part
        body = part.element.body
        for child in list(body)[:-1]:
            body.remove(child)  # the template's empty paragraph; its w:sectPr stays, last
        # The template's XML with the body's content put in front of its w:sectPr, parsed once.
        # (Moving parsed elements into the template's tree would take time quadratic in their
        # number: lxml reconciles namespaces element by element.)
        section = document.sections[0]
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        section.left_margin = section.right_margin = Twips(MARGIN)
        template = etree.tostring(part.element, encoding="unicode")
        head, marker, tail = template.partition("<w:body>")
        if not marker:
            raise ValueError("the Word template has no plain <w:body>")
        part._element = parse_xml(head + marker + "".join(self.parts) + tail)
        document._element = part.element
        properties = document.core_properties
        properties.title = title[:255]
        properties.author = author[:255]
        properties.language = self.language
        buffer = io.BytesIO()
        document.save(buffer)
        data = buffer.getvalue()
        if out is not None:
            out.write(data)
        return data
