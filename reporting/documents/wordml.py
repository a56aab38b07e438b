"""A Word document written in one pass, as WordprocessingML text.

python-docx's ``add_paragraph``, ``add_row`` and ``cell`` search the body or the table for their
place at every call, so a document of thousands of paragraphs or rows costs time that grows with
the square of its size. Here each paragraph, heading and table is appended to a list of XML
strings (one ``escape`` per text), and the body is parsed once and moved, in one linear pass,
into python-docx's default template, whose styles (headings, "List Number" with Word's own
automatic numbering, "Table Grid") the document uses.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from lxml import etree

# Characters XML 1.0 cannot hold (a pasted text may carry them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    return escape(_ILLEGAL.sub("", "" if text is None else str(text)))


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
    """Append headings, paragraphs and tables; ``save`` writes the .docx."""

    def __init__(self, *, language: str = "en", rtl: bool = False) -> None:
        self.parts: list[str] = []
        self.language = language
        self.rtl = rtl
        lang = _clean(language)
        lang_xml = f'<w:lang w:val="{lang}" w:bidi="{lang}"/>' if rtl else f'<w:lang w:val="{lang}"/>'
        # The run properties of each emphasis, written once.
        self._rpr = {
            (bold, italic): "<w:rPr>"
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + ("<w:rtl/>" if rtl else "")
            + lang_xml
            + "</w:rPr>"
            for bold in (False, True)
            for italic in (False, True)
        }

    # --- pieces ---------------------------------------------------------------------------------

    def _run_xml(self, run: Run) -> str:
        props = self._rpr[(run.bold, run.italic)]
        text = str(run.text)
        if "\n" not in text:
            return f'<w:r>{props}<w:t xml:space="preserve">{_clean(text)}</w:t></w:r>'
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{_clean(piece)}</w:t>' for piece in text.split("\n"))
        return f"<w:r>{props}{body}</w:r>"

    def _paragraph_xml(self, content: RunsLike, style: str | None = None, keep_next: bool = False) -> str:
        props = f'<w:pStyle w:val="{style}"/>' if style else ""
        if keep_next:
            props += "<w:keepNext/>"
        if self.rtl:
            props += "<w:bidi/>"
        ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
        return f"<w:p>{ppr}{''.join(self._run_xml(run) for run in _runs(content))}</w:p>"

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
        self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str = "") -> None:
        """A table with a header row repeated on every page; its rows are strings appended in one
        pass, however many there are. Cells may hold ``Run``s or lists of them."""
        if caption:
            self.parts.append(self._paragraph_xml(caption, "Caption", keep_next=True))
        bidi = "<w:bidiVisual/>" if self.rtl else ""
        caption_xml = f'<w:tblCaption w:val="{_clean(caption)}"/>' if caption else ""
        self.parts.append(
            "<w:tbl><w:tblPr>"
            f'<w:tblStyle w:val="TableGrid"/>{bidi}<w:tblW w:w="5000" w:type="pct"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
            f' w:noHBand="0" w:noVBand="1"/>{caption_xml}</w:tblPr>'
            "<w:tblGrid>" + "<w:gridCol/>" * len(headers) + "</w:tblGrid>"
        )
        header_cells = "".join(self._cell_xml(Run(str(h), bold=True)) for h in headers)
        self.parts.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>")
        for row in rows:
            self.parts.append(
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(self._cell_xml(c) for c in row) + "</w:tr>"
            )
        self.parts.append("</w:tbl>")
        # Word needs a paragraph between two tables, and after a table that ends a section.
        self.parts.append("<w:p/>")

    def _cell_xml(self, value: object) -> str:
        content = value if isinstance(value, (Run, list, tuple)) else ("" if value is None else str(value))
        return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{self._paragraph_xml(content)}</w:tc>'

    # --- the file -------------------------------------------------------------------------------

    def save(self, out: io.BufferedIOBase | None = None, *, title: str = "", author: str = "") -> bytes:
        """Write the .docx; returns its bytes (also written to ``out`` when given)."""
        document = docx.Document()
        part = document.part
        body = part.element.body
        for child in list(body)[:-1]:
            body.remove(child)  # the template's empty paragraph; its w:sectPr stays, last
        # The template's XML with the body's content put in front of its w:sectPr, parsed once.
        # (Moving parsed elements into the template's tree would take time quadratic in their
        # number: lxml reconciles namespaces element by element.)
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
