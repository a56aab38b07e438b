"""The text of a Word (.docx) UN document, read from its XML within limits.

The ZIP container is checked first by ``safety.check_zip_safety`` (sizes, compression ratio,
encryption, number of parts). Every XML part is then checked here more strictly than that scan
does, because it must hold for any encoding a hostile file may pick:

- the encoding is worked out as the XML specification says (byte order marks, then the first
  bytes, then the declaration) and only UTF-8 and UTF-16, the two Office files may use, are
  accepted: a part in UTF-32, EBCDIC or another declared encoding is refused;
- the decoded text may not declare a DOCTYPE or entities;
- the parts read are parsed with defusedxml (``forbid_dtd``, ``forbid_entities``,
  ``forbid_external``), so even a declaration the scan missed cannot expand or fetch anything.

python-docx is not used: its object model drops what a UN document needs (text in tracked
insertions and content controls, automatic numbering) and reading the XML directly keeps the
parser, and what it trusts, small.

A line of the result is a paragraph. Paragraph numbers Word adds by itself (automatic
numbering) are written out in front of the text, as a reader sees them.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .document_limits import (
    DEFAULT_LIMITS,
    REASON_DAMAGED,
    REASON_UNSAFE_XML,
    Deadline,
    DocumentLimits,
    DocumentRefused,
    refuse_bomb,
    refuse_too_large,
)
from .document_text import DocumentText, TextLine, is_note_marker, make_line
from .records import ImportFormatError
from .safety import check_zip_safety

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_HEADER_REL_SUFFIXES = ("/header", "/footer")

# Content that is not what the reader sees: deleted or moved-away revisions, the legacy copy
# Word keeps of text boxes beside the modern one, field instructions.
_SKIPPED = frozenset({f"{W}del", f"{W}moveFrom", f"{_MC}Fallback", f"{W}instrText", f"{W}delText"})
_UNSCANNED_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".odttf", ".bin"}
)
# Office Open XML parts may only be UTF-8 or UTF-16 (ECMA-376 Part 2, 8.1.4).
_ALLOWED_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be"})
_DECLARED_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FORBIDDEN_MARKUP = ("<!doctype", "<!entity")

# Styles of UN documents (and Word's own) that are headings: HChG (title), H1G (chapter),
# H23G (section), H4G, H56G; "Heading 1"…; "Title".
_HEADING_STYLE_RE = re.compile(r"^(?:H(?:Ch|\d+)G|heading\s*\d|title|subtitle)$", re.IGNORECASE)

# The first-page masthead and title: paragraphs kept whole for the document's description.
_FIRST_PAGE_PARAGRAPHS = 40


def extract_docx_text(data: bytes, *, limits: DocumentLimits = DEFAULT_LIMITS) -> DocumentText:
    """The text of a .docx document; DocumentRefused when it cannot be read safely."""
    if len(data) > limits.max_bytes:
        raise refuse_too_large(len(data), limits)
    deadline = Deadline(limits)
    stream = io.BytesIO(data)
    try:
        check_zip_safety(stream, max_uncompressed_bytes=8 * limits.max_stream_bytes, max_ratio=100)
    except ImportFormatError as exc:
        raise DocumentRefused(REASON_UNSAFE_XML, str(exc)) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        # The scan reads every part: one that inflates to more than it declares fails its CRC.
        raise DocumentRefused(
            REASON_DAMAGED, _("The file is not a readable Word document; it may be damaged.")
        ) from exc
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentRefused(REASON_DAMAGED, _("The file is not a readable Word document.")) from exc
    with archive:
        package = _Package(archive, limits, deadline)
        package.check_all_parts()
        main = package.main_part_name()
        if main is None:
            raise DocumentRefused(
                REASON_DAMAGED, _("The file is a zip container but not a Word document (it has no main document part).")
            )
        numbering = _Numbering(package.parse_optional("word/numbering.xml"))
        styles = _Styles(package.parse_optional("word/styles.xml"))
        document = package.parse(main)
        reader = _BodyReader(numbering, styles, deadline)
        body = document.find(f"{W}body")
        lines = list(reader.paragraph_lines(body)) if body is not None else []
        footnotes = [
            line
            for note in _notes(package.parse_optional("word/footnotes.xml"))
            for line in reader.paragraph_lines(note)
        ]
        running_lines = [
            line
            for name in package.header_and_footer_names(main)
            for line in _BodyReader(numbering, styles, deadline).paragraph_lines(package.parse(name))
        ]
        title = _core_title(package.parse_optional("docProps/core.xml"))
    first_page = running_lines + lines[:_FIRST_PAGE_PARAGRAPHS]
    return DocumentText(
        source="docx",
        lines=[line for line in lines if line.text],
        footnotes=[line for line in footnotes if line.text],
        first_page=[line for line in first_page if line.text],
        running=[line.text for line in running_lines if line.text],
        page_count=1,
        title=title,
    )


# --------------------------------------------------------------------------
# The package: parts, their encoding, and safe parsing
# --------------------------------------------------------------------------


class _Package:
    def __init__(self, archive: zipfile.ZipFile, limits: DocumentLimits, deadline: Deadline) -> None:
        self.archive = archive
        self.limits = limits
        self.deadline = deadline
        self.names = set(archive.namelist())
        self._cache: dict[str, bytes] = {}

    def read(self, name: str) -> bytes:
        if name not in self._cache:
            info = self.archive.getinfo(name)
            if info.file_size > self.limits.max_stream_bytes:
                raise refuse_bomb(self.limits)
            try:
                with self.archive.open(info) as part:
                    # zipfile never returns more than the declared size; the +1 is belt and braces.
                    data = part.read(self.limits.max_stream_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
                # A part that inflates to more than it declares fails its CRC check here.
                raise DocumentRefused(
                    REASON_DAMAGED,
                    # Translators: %(part)s is the name of a file inside the uploaded Word (zip) file.
                    _("The part %(part)s of the Word document is damaged.") % {"part": repr(name)},
                ) from exc
            if len(data) > self.limits.max_stream_bytes:
                raise refuse_bomb(self.limits)
            self._cache[name] = data
        return self._cache[name]

    def check_all_parts(self) -> None:
        """Refuse the file if any XML part uses a foreign encoding or declares a DTD or entities.

        Every part is checked, not only those read here, because the same stored file may later
        be opened by another library.
        """
        for name in sorted(self.names):
            self.deadline.check()
            if name.endswith("/") or _extension(name) in _UNSCANNED_EXTENSIONS:
                continue
            _check_xml_part(name, self.read(name))

    def parse(self, name: str) -> Element:
        self.deadline.check()
        try:
            return SafeET.fromstring(self.read(name), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise _unsafe_part(name) from exc
        except (ParseError, ValueError, LookupError) as exc:
            raise DocumentRefused(
                REASON_DAMAGED,
                # Translators: %(part)s is the name of a file inside the uploaded Word (zip) file.
                _("The part %(part)s of the Word document is not well-formed XML; the file may be damaged.")
                % {"part": repr(name)},
            ) from exc

    def parse_optional(self, name: str) -> Element | None:
        return self.parse(name) if name in self.names else None

    def main_part_name(self) -> str | None:
        rels = self.parse_optional("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{_REL}Relationship"):
                if rel.get("Type") == _OFFICE_DOCUMENT_REL:
                    target = (rel.get("Target") or "").lstrip("/")
                    if target in self.names:
                        return target
        return "word/document.xml" if "word/document.xml" in self.names else None

    def header_and_footer_names(self, main: str) -> list[str]:
        folder, _sep, base = main.rpartition("/")
        rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        rels = self.parse_optional(rels_name)
        names: list[str] = []
        if rels is None:
            return names
        for rel in rels.iter(f"{_REL}Relationship"):
            if rel.get("TargetMode") == "External" or not (rel.get("Type") or "").endswith(_HEADER_REL_SUFFIXES):
                continue
            target = rel.get("Target") or ""
            name = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target
            if name in self.names:
                names.append(name)
        return names


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot != -1 else ""


def xml_encoding(head: bytes) -> str:
    """The encoding of an XML document from its first bytes (XML 1.0, appendix F).

    Returns a Python codec name; ``"unknown"`` when the start is not XML in any encoding
    recognised. The declared encoding of an ASCII-compatible start is returned as declared.
    """
    boms = (
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
    )
    for bom, encoding in boms:
        if head.startswith(bom):
            return encoding
    starts = (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<\x00?", "utf-16-be"),
        (b"<\x00?\x00", "utf-16-le"),
        (b"\x4c\x6f\xa7\x94", "cp500"),  # EBCDIC "<?xm"
    )
    for start, encoding in starts:
        if head.startswith(start):
            return encoding
    declared = _DECLARED_ENCODING_RE.match(head.lstrip())
    if declared:
        return declared.group(1).decode("ascii").lower()
    return "utf-8"


def _check_xml_part(name: str, data: bytes) -> None:
    encoding = xml_encoding(data[:1024])
    try:
        text = data.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace")
    except LookupError:
        text = data.decode("latin-1")
    lowered = text.lower()
    if any(marker in lowered for marker in _FORBIDDEN_MARKUP):
        raise _unsafe_part(name)
    if encoding not in _ALLOWED_ENCODINGS:
        raise DocumentRefused(
            REASON_UNSAFE_XML,
            _(
                # Translators: %(part)s is the name of a file inside the uploaded Word (zip) file,
                # %(encoding)s the name of a character encoding such as UTF-32.
                "The part %(part)s is encoded in %(encoding)s, which Office documents never use (only UTF-8 and "
                "UTF-16); the file was refused for safety."
            )
            % {"part": repr(name), "encoding": encoding.upper()},
        )


def _unsafe_part(name: str) -> DocumentRefused:
    return DocumentRefused(
        REASON_UNSAFE_XML,
        _(
            # Translators: %(part)s is the name of a file inside the uploaded Word (zip) file.
            "The part %(part)s declares a DOCTYPE or XML entities, which Office documents never do; the file was "
            "refused for safety."
        )
        % {"part": repr(name)},
    )


def _core_title(core: Element | None) -> str:
    if core is None:
        return ""
    node = core.find(f"{_DC}title")
    return " ".join((node.text or "").split()) if node is not None else ""


def _notes(footnotes: Element | None) -> Iterator[Element]:
    if footnotes is None:
        return
    for note in footnotes.iter(f"{W}footnote"):
        # Separators and continuation notices are Word's, not the author's.
        if note.get(f"{W}type") in (None, "normal"):
            yield note


# --------------------------------------------------------------------------
# Numbering and styles
# --------------------------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """Word's automatic numbering (numbering.xml), enough to print "12." or "(a)" as Word does."""

    root: Element | None
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.root is None:
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in self.root.iter(f"{W}abstractNum"):
            abstract[node.get(f"{W}abstractNumId", "")] = {
                int(level.get(f"{W}ilvl", "0")): _read_level(level) for level in node.iter(f"{W}lvl")
            }
        for num in self.root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{W}val", "") if ref is not None else "", {}))
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = override.find(f"{W}startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = _Level(levels[ilvl].fmt, levels[ilvl].text, _int(start.get(f"{W}val"), 1))
            self.levels[num.get(f"{W}numId", "")] = levels

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, [levels[i].start - 1 if i in levels else 0 for i in range(9)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = levels[deeper].start - 1 if deeper in levels else 0
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return ""

        def value(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            fmt = levels[index].fmt if index in levels else "decimal"
            return _format_number(max(counters[index], levels.get(index, _Level()).start), fmt)

        return re.sub(r"%([1-9])", value, level.text)


def _read_level(node: Element) -> _Level:
    fmt = node.find(f"{W}numFmt")
    text = node.find(f"{W}lvlText")
    start = node.find(f"{W}start")
    return _Level(
        fmt=fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
        text=text.get(f"{W}val", "") if text is not None else "",
        start=_int(start.get(f"{W}val") if start is not None else None, 1),
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _format_number(number: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerRoman":
        return _roman(number).lower()
    if fmt == "upperRoman":
        return _roman(number)
    return str(number)


def _letters(number: int) -> str:
    # Word goes a…z, then aa…zz, then aaa…
    number = max(number, 1)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    result = ""
    for value, numeral in numerals:
        while number >= value:
            result += numeral
            number -= value
    return result


@dataclass
class _Style:
    name: str = ""
    based_on: str = ""
    num_id: str = ""
    ilvl: int = 0
    outline: bool = False
    bold: bool = False


@dataclass
class _Styles:
    root: Element | None
    styles: dict[str, _Style] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.root is None:
            return
        for node in self.root.iter(f"{W}style"):
            name = node.find(f"{W}name")
            based = node.find(f"{W}basedOn")
            ppr = node.find(f"{W}pPr")
            rpr = node.find(f"{W}rPr")
            style = _Style(
                name=name.get(f"{W}val", "") if name is not None else "",
                based_on=based.get(f"{W}val", "") if based is not None else "",
            )
            if ppr is not None:
                num = ppr.find(f"{W}numPr")
                if num is not None:
                    style.num_id, style.ilvl = _num_pr(num)
                style.outline = ppr.find(f"{W}outlineLvl") is not None
            if rpr is not None:
                style.bold = _on(rpr.find(f"{W}b"))
            self.styles[node.get(f"{W}styleId", "")] = style

    def chain(self, style_id: str) -> Iterator[tuple[str, _Style]]:
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style_id, style
            style_id = style.based_on

    def is_heading(self, style_id: str) -> bool:
        return any(
            style.outline or _HEADING_STYLE_RE.match(sid) or _HEADING_STYLE_RE.match(style.name)
            for sid, style in self.chain(style_id)
        ) or bool(_HEADING_STYLE_RE.match(style_id))

    def numbering(self, style_id: str) -> tuple[str, int] | None:
        for _sid, style in self.chain(style_id):
            if style.num_id:
                return style.num_id, style.ilvl
        return None

    def bold(self, style_id: str) -> bool:
        return any(style.bold for _sid, style in self.chain(style_id))


def _num_pr(node: Element) -> tuple[str, int]:
    num = node.find(f"{W}numId")
    ilvl = node.find(f"{W}ilvl")
    return (
        num.get(f"{W}val", "") if num is not None else "",
        _int(ilvl.get(f"{W}val") if ilvl is not None else None, 0),
    )


def _on(node: Element | None) -> bool:
    """A Word toggle property (<w:b/>, <w:b w:val="0"/>)."""
    return node is not None and node.get(f"{W}val", "true") not in ("0", "false", "off")


# --------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------


class _BodyReader:
    def __init__(self, numbering: _Numbering, styles: _Styles, deadline: Deadline) -> None:
        self.numbering = numbering
        self.styles = styles
        self.deadline = deadline

    def paragraph_lines(self, container: Element) -> Iterator[TextLine]:
        """The container's paragraphs in document order, tables read row by row, cell by cell."""
        for paragraph in _paragraphs(container):
            self.deadline.check()
            line = self._line(paragraph)
            if line is not None:
                yield line

    def _line(self, paragraph: Element) -> TextLine | None:
        ppr = paragraph.find(f"{W}pPr")
        style_id = ""
        numbering: tuple[str, int] | None = None
        if ppr is not None:
            style = ppr.find(f"{W}pStyle")
            style_id = style.get(f"{W}val", "") if style is not None else ""
            num = ppr.find(f"{W}numPr")
            # Numbering set on the paragraph wins over its style's (numId 0 switches it off).
            numbering = _num_pr(num) if num is not None else self.styles.numbering(style_id)
        text, bold_chars, total_chars = self._runs_text(paragraph, style_id)
        label = self.numbering.label(*numbering) if numbering else ""
        if label and text.strip():
            text = f"{label} {text}"
        if not text.strip():
            return None
        heading = self.styles.is_heading(style_id) if style_id else False
        return make_line(
            text,
            bold=heading or (total_chars > 0 and bold_chars * 2 > total_chars),
            style="heading" if heading else "",
        )

    def _runs_text(self, paragraph: Element, style_id: str) -> tuple[str, int, int]:
        parts: list[str] = []
        bold_chars = 0
        total_chars = 0
        style_bold = self.styles.bold(style_id) if style_id else False
        for run in _runs(paragraph):
            rpr = run.find(f"{W}rPr")
            bold = _on(rpr.find(f"{W}b")) if rpr is not None and rpr.find(f"{W}b") is not None else style_bold
            superscript = False
            if rpr is not None:
                align = rpr.find(f"{W}vertAlign")
                superscript = align is not None and align.get(f"{W}val") == "superscript"
            text = "".join(_run_pieces(run))
            if superscript and is_note_marker(text):
                continue  # a footnote call typed by hand: not part of the text
            parts.append(text)
            count = len(text.strip())
            total_chars += count
            if bold:
                bold_chars += count
        return "".join(parts), bold_chars, total_chars


def _paragraphs(container: Element) -> Iterator[Element]:
    """The w:p elements under ``container`` in document order, skipping invisible content."""
    for child in container:
        if child.tag in _SKIPPED:
            continue
        if child.tag == f"{W}p":
            yield child
            # Text boxes anchored in the paragraph hold paragraphs of their own.
            for textbox in child.iter(f"{W}txbxContent"):
                if not _inside_skipped(child, textbox):
                    yield from _paragraphs(textbox)
        elif child.tag in (f"{W}sectPr", f"{W}pPr", f"{W}tblPr", f"{W}tblGrid", f"{W}trPr", f"{W}tcPr"):
            continue
        else:
            # Tables (w:tbl/w:tr/w:tc), content controls (w:sdt/w:sdtContent), custom XML,
            # inserted revisions and AlternateContent's Choice: their paragraphs are the reader's.
            yield from _paragraphs(child)


def _inside_skipped(root: Element, target: Element) -> bool:
    # ElementTree has no parent pointers: find the path from root to target.
    def walk(node: Element, skipped: bool) -> bool | None:
        for child in node:
            now = skipped or child.tag in _SKIPPED
            if child is target:
                return now
            found = walk(child, now)
            if found is not None:
                return found
        return None

    return bool(walk(root, False))


def _runs(paragraph: Element) -> Iterator[Element]:
    """The runs of a paragraph, in order, inside hyperlinks, insertions, fields and smart tags."""
    for child in paragraph:
        if child.tag in _SKIPPED or child.tag == f"{W}pPr":
            continue
        if child.tag == f"{W}r":
            yield child
        elif child.tag in (f"{W}txbxContent",):
            continue
        else:
            yield from _runs(child)


def _run_pieces(run: Element) -> Iterator[str]:
    for node in run:
        tag = node.tag
        if tag == f"{W}t":
            yield node.text or ""
        elif tag in (f"{W}tab", f"{W}ptab", f"{W}br", f"{W}cr"):
            # Tabs separate a paragraph's number from its text; a line break inside a paragraph is a space too.
            yield " "
        elif tag == f"{W}noBreakHyphen":
            yield "-"
        # Other children (soft hyphens, symbols, drawings and text boxes, whose text comes through
        # _paragraphs) give nothing here.
