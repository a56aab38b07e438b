"""Write the CONSTRUCTED samples of ``constructed.py`` as Word and PDF files (not UN documents).

Run from the project's root: ``python -m tests.imports.documents.build_constructed`` (needs
reportlab, which the project does not depend on: ``pip install reportlab`` in a scratch virtualenv).
The files it writes are kept in ``tests/fixtures/imports/un-documents/`` so that the tests do not
need reportlab; rerun it after editing the samples. Word files are written with python-docx (plus
a footnotes part, which python-docx cannot write), PDFs with reportlab, both laid out as UN
documents are: masthead on the first page, running header with the symbol and the page number,
footnotes at the foot of their page, footnote calls in superscript.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import FIXTURES
from .constructed import (
    CEDAW_CO,
    CEDAW_FOOTNOTES,
    CESCR_CO,
    CESCR_FOOTNOTES,
    CONSTRUCTED_NOTE,
    SR_FOOTNOTES,
    SR_VISIT,
    Block,
)

HERE = FIXTURES
_NOTE_RE = re.compile(r"\[\^([^\]]+)\]")
_SUB_ITEM_RE = re.compile(r"^(\([a-z]{1,2}\))\s+(.*)$")

SAMPLES: dict[str, tuple[list[Block], dict[str, str], bool]] = {
    # name: (blocks, footnotes, auto-numbered paragraphs in Word)
    "constructed-cescr-co-E-C.12-SVN-CO-3": (CESCR_CO, CESCR_FOOTNOTES, False),
    "constructed-cedaw-co-CEDAW-C-SVN-CO-8": (CEDAW_CO, CEDAW_FOOTNOTES, True),
    "constructed-sr-visit-A-HRC-59-40-Add.1": (SR_VISIT, SR_FOOTNOTES, False),
}
PDF_SAMPLES = ("constructed-cescr-co-E-C.12-SVN-CO-3", "constructed-sr-visit-A-HRC-59-40-Add.1")


def _masthead(blocks: list[Block]) -> dict[str, str]:
    return next(block[1] for block in blocks if block[0] == "masthead")


def _title(blocks: list[Block]) -> str:
    return " ".join(_NOTE_RE.sub("", block[1]) for block in blocks if block[0] == "title")


# --------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------

_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def build_docx(blocks: list[Block], footnotes: dict[str, str], *, auto_numbering: bool) -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    document = docx.Document()
    properties = document.core_properties
    properties.title = _title(blocks)
    properties.comments = CONSTRUCTED_NOTE
    properties.subject = CONSTRUCTED_NOTE
    styles = document.styles
    # The UN's paragraph styles (their names are their ids): body text and heading levels.
    for name, size, bold in (("SingleTxtG", 10, False), ("HChG", 14, True), ("H1G", 12, True), ("H23G", 10, True)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.name = "Times New Roman"
    masthead = _masthead(blocks)
    document.sections[0].header.paragraphs[0].text = masthead["symbol"]
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "United Nations"
    table.cell(0, 1).text = masthead["symbol"]
    table.cell(1, 0).text = masthead["body"]
    cell = table.cell(1, 1)
    cell.text = masthead["distribution"]
    for line in (masthead["date"], "", masthead["original"]):
        cell.add_paragraph(line)
    note_ids: dict[str, int] = {}
    for block in blocks:
        kind = block[0]
        if kind == "meta":
            document.add_paragraph(block[1], style="SingleTxtG")
        elif kind == "title":
            _add_text(document.add_paragraph(style="HChG"), block[1], note_ids)
        elif kind == "h1":
            document.add_paragraph(block[1], style="H1G")
        elif kind in ("h2", "h3"):
            document.add_paragraph(block[1], style="H23G")
        elif kind == "text":
            _add_text(document.add_paragraph(style="SingleTxtG"), block[1], note_ids)
        elif kind == "para":
            _number, text, items = block[1], block[2], block[3]
            if auto_numbering:
                # Word's own numbering: the number is not in the text; readers must print it.
                paragraph = document.add_paragraph(style="List Number")
                _add_text(paragraph, text, note_ids)
            else:
                paragraph = document.add_paragraph(style="SingleTxtG")
                _add_text(paragraph, f"{block[1]}.\t{text}", note_ids)
            for item in items:
                label, rest = _SUB_ITEM_RE.match(item).groups()  # type: ignore[union-attr]
                _add_text(document.add_paragraph(style="SingleTxtG"), f"{label}\t{rest}", note_ids)
    out = io.BytesIO()
    document.save(out)
    return _with_footnotes(out.getvalue(), footnotes, note_ids)


def _add_text(paragraph: Any, text: str, note_ids: dict[str, int]) -> None:
    position = 0
    for match in _NOTE_RE.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        key = match.group(1)
        note_ids.setdefault(key, len(note_ids) + 1)
        paragraph.add_run(f"FNREF{note_ids[key]}")
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def _with_footnotes(data: bytes, footnotes: dict[str, str], note_ids: dict[str, int]) -> bytes:
    """Add word/footnotes.xml and replace the FNREFn placeholders with footnote references."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = _replace_references(content.decode("utf-8"), note_ids).encode("utf-8")
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    f'<Override PartName="/word/footnotes.xml" ContentType="{_FOOTNOTES_CT}"/></Types>'.encode(),
                )
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdFootnotes" Type="{_FOOTNOTES_REL}" Target="footnotes.xml"/>'
                    "</Relationships>".encode(),
                )
            target.writestr(info, content)
        target.writestr("word/footnotes.xml", _footnotes_xml(footnotes, note_ids))
    return out.getvalue()


def _replace_references(xml: str, note_ids: dict[str, int]) -> str:
    keys = {number: key for key, number in note_ids.items()}

    def reference(match: re.Match[str]) -> str:
        number = int(match.group(1))
        superscript = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        if keys[number] == "*":
            # UN documents mark the title's note with a star typed after a custom-mark reference.
            return (
                f'<w:r>{superscript}<w:footnoteReference w:customMarkFollows="1" w:id="{number}"/></w:r>'
                f"<w:r>{superscript}<w:t>*</w:t></w:r>"
            )
        return f'<w:r>{superscript}<w:footnoteReference w:id="{number}"/></w:r>'

    return re.sub(r"<w:r><w:t>FNREF(\d+)</w:t></w:r>", reference, xml)


def _footnotes_xml(footnotes: dict[str, str], note_ids: dict[str, int]) -> str:
    notes = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        "</w:p></w:footnote>",
    ]
    for key, number in note_ids.items():
        mark = (
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>*</w:t></w:r>'
            if key == "*"
            else '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        )
        text = footnotes[key].replace("&", "&amp;").replace("<", "&lt;")
        notes.append(
            f'<w:footnote w:id="{number}"><w:p>{mark}<w:r><w:t xml:space="preserve"> {text}</w:t></w:r>'
            "</w:p></w:footnote>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:footnotes xmlns:w="{_W_NS}">' + "".join(notes) + "</w:footnotes>"
    )


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def build_pdf(blocks: list[Block], footnotes: dict[str, str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer

    width, height = A4
    left, right, top, bottom = 56.7, 56.7, 70.0, 110.0
    masthead = _masthead(blocks)
    pending: list[str] = []

    body = ParagraphStyle("SingleTxtG", fontName="Times-Roman", fontSize=10, leading=12, spaceAfter=6)
    number_style = ParagraphStyle("Numbered", parent=body, leftIndent=0)
    sub_item = ParagraphStyle("SubItem", parent=body, leftIndent=28)
    headings = {
        "title": ParagraphStyle("HChG", fontName="Times-Bold", fontSize=14, leading=17, spaceBefore=12, spaceAfter=12),
        "h1": ParagraphStyle("H1G", fontName="Times-Bold", fontSize=12, leading=14, spaceBefore=12, spaceAfter=6),
        "h2": ParagraphStyle("H23G", fontName="Times-Bold", fontSize=10, leading=12, spaceBefore=8, spaceAfter=6),
        "h3": ParagraphStyle("H4G", fontName="Times-Bold", fontSize=10, leading=12, spaceBefore=6, spaceAfter=6),
        "meta": ParagraphStyle("Meta", fontName="Times-Roman", fontSize=10, leading=12),
    }

    class NotedParagraph(Paragraph):
        """A paragraph that puts its footnotes on the page it is drawn on."""

        def __init__(self, text: str, style: Any, notes: list[str]) -> None:
            super().__init__(text, style)
            self.notes = notes

        def draw(self) -> None:
            super().draw()
            pending.extend(getattr(self, "notes", []))

    def markup(text: str) -> tuple[str, list[str]]:
        notes = _NOTE_RE.findall(text)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;")
        return _NOTE_RE.sub(lambda match: f"<super>{match.group(1)}</super>", escaped), notes

    def paragraph(text: str, style: Any) -> Any:
        content, notes = markup(text)
        flowable = NotedParagraph(content, style, notes)
        return KeepTogether([flowable]) if notes else flowable

    story: list[Any] = []
    for block in blocks:
        kind = block[0]
        if kind == "masthead":
            story.append(Spacer(1, 60))
        elif kind in headings:
            story.append(paragraph(block[1], headings[kind]))
        elif kind == "text":
            story.append(paragraph(block[1], body))
        elif kind == "para":
            story.append(paragraph(f"{block[1]}.\u00a0\u00a0\u00a0{block[2]}", number_style))
            story.extend(paragraph(item, sub_item) for item in block[3])

    def first_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Times-Roman", 14)
        canvas.drawString(left + 60, height - 50, "United Nations")
        canvas.setFont("Times-Roman", 10)
        canvas.drawRightString(width - right, height - 50, masthead["symbol"])
        canvas.setFont("Times-Bold", 16)
        canvas.drawString(left + 60, height - 80, masthead["body"][:40])
        canvas.setFont("Times-Roman", 10)
        for offset, line in enumerate((masthead["distribution"], masthead["date"], "", masthead["original"])):
            canvas.drawString(width - right - 120, height - 80 - 12 * offset, line)
        canvas.drawString(left, 40, masthead["job"])
        canvas.drawString(left, 28, "*" + re.sub(r"\D", "", masthead["job"]) + "*")
        canvas.restoreState()

    def later_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Times-Bold", 9)
        number = doc.page
        if number % 2:
            canvas.drawRightString(width - right, height - 40, masthead["symbol"])
            canvas.drawRightString(width - right, height - 52, str(number))
        else:
            canvas.drawString(left, height - 40, masthead["symbol"])
            canvas.drawString(left, height - 52, str(number))
        canvas.restoreState()

    def page_end(canvas: Any, doc: Any) -> None:
        if not pending:
            return
        canvas.saveState()
        canvas.line(left, bottom - 10, left + 100, bottom - 10)
        y = bottom - 24
        for key in pending:
            # The note's number in superscript, then its text, on one line as UN documents print them.
            text = canvas.beginText(left + 10, y)
            text.setFont("Times-Roman", 6)
            text.setRise(3)
            text.textOut(key)
            text.setRise(0)
            text.setFont("Times-Roman", 9)
            words = footnotes[key]
            text.textOut("  " + words[:110])
            canvas.drawText(text)
            if len(words) > 110:
                y -= 11
                canvas.setFont("Times-Roman", 9)
                canvas.drawString(left + 24, y, words[110:])
            y -= 11
        pending.clear()
        canvas.restoreState()

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=_title(blocks),
        subject=CONSTRUCTED_NOTE,
        author="NRTD tests (constructed)",
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
    )
    frame = Frame(left, bottom, width - left - right, height - top - bottom, id="body")
    first_frame = Frame(left, bottom, width - left - right, height - top - bottom - 60, id="first")
    doc.addPageTemplates(
        [
            PageTemplate(
                id="First", frames=[first_frame], onPage=first_page, onPageEnd=page_end, autoNextPageTemplate="Later"
            ),
            PageTemplate(id="Later", frames=[frame], onPage=later_page, onPageEnd=page_end),
        ]
    )
    doc.build(story)
    return out.getvalue()


def main(write: Callable[[Path, bytes], None] = lambda path, data: path.write_bytes(data)) -> None:
    for name, (blocks, footnotes, auto_numbering) in SAMPLES.items():
        write(HERE / f"{name}.docx", build_docx(blocks, footnotes, auto_numbering=auto_numbering))
        if name in PDF_SAMPLES:
            write(HERE / f"{name}.pdf", build_pdf(blocks, footnotes))


if __name__ == "__main__":
    main()
