"""Parser for the UPR "thematic list of recommendations" a State receives as a Word table.

The layout of the lists changed from cycle to cycle. Columns are recognised by
their header text, loosely, so the three layouts seen so far (2nd/3rd cycle, 4th
cycle, and a 2nd-cycle list with its own column of recommending States) and small
variations of them share one code path:

====================  ====================================================
role                  header examples
====================  ====================================================
text                  "Recommendation", "Recommendation and recommending State"
position              "Position", "Position of the State under review"
recommending States   "Recommending state/s"
themes and groups     "Full list of themes", "Human rights themes and groups
                      of persons", "Full list of rights/affected persons"
SDGs                  "Relevant SDGs"
====================  ====================================================

Rows that span the table ("Theme: ...", "Right or area: 2.1. ...") set the section
of the rows below them. Labels (themes, groups, States) are kept as written; the
import service matches them to the vocabularies and flags unknown ones.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import docx
from django.utils.translation import gettext as _
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from .common import (
    add_sdg,
    append_once,
    clean_label,
    combine_positions,
    extract_paragraph,
    normalize_position,
    normalize_space,
    parse_upr_cycle,
    upr_cycle_from_session,
)
from .recommending_states import states_in_text
from .records import ImportFormatError, ParsedRecommendation, RowError
from .safety import check_zip_safety

# A thematic list is a few hundred kilobytes of XML; these limits leave ample room
# for embedded images while keeping python-docx's in-memory tree bounded.
DOCX_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DOCX_MAX_RATIO = 100

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_P = f"{_W}p"
_W_TBL = f"{_W}tbl"
# Tables of the body, not nested in another table nor in the legacy copy of a text box.
_TOP_LEVEL_TABLES = etree.XPath(
    ".//w:tbl[not(ancestor::w:tbl) and not(ancestor::mc:Fallback)]",
    namespaces={"w": _W[1:-1], "mc": _MC[1:-1]},
)
_TEXT_NODES = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen")
# Text under these is not what the reader sees: deleted or moved-away revisions, and
# the legacy copy Word keeps of text boxes beside the modern one.
_INVISIBLE_ANCESTORS = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_MC}Fallback"})

_PDF_MAGIC = b"%PDF"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc)
_ZIP_MAGIC = b"PK"


def _refused(problem: str) -> ImportFormatError:
    """The error for a file that is not a thematic list: what is wrong, then what was expected."""
    expected = _("Expected the UPR thematic list of recommendations as a Word document (.docx).")
    # Translators: joins two sentences: what is wrong with the file, then what was expected.
    # Change the space between them if your language separates sentences otherwise.
    return ImportFormatError(_("%(problem)s %(expected)s") % {"problem": problem, "expected": expected})


def iter_upr_docx(fileobj: BinaryIO, *, language: str = "en") -> Iterator[ParsedRecommendation | RowError]:
    """Parse a UPR thematic list; ``language`` is the language of its texts.

    The file is checked and its tables recognised before this returns, so a file
    that is not a thematic list raises ImportFormatError here rather than
    during iteration.
    """
    document = _open_document(fileobj)
    tables = _recognised_tables(document)
    if not tables:
        raise _refused(
            _(
                "The document has no table of recommendations: no table has a header row with a recommendation "
                "column and a position column."
            )
        )
    context = _document_context(document)
    return _iter_records(tables, context, language)


# --------------------------------------------------------------------------
# Opening the file safely
# --------------------------------------------------------------------------


def _open_document(fileobj: BinaryIO) -> Any:
    head = fileobj.read(len(_OLE_MAGIC))
    fileobj.seek(0)
    if not head:
        raise _refused(_("The file is empty."))
    if head.startswith(_PDF_MAGIC):
        raise _refused(_("The file is a PDF, which cannot be read."))
    if head.startswith(_OLE_MAGIC):
        raise _refused(
            _("The file is an old Word .doc document, which cannot be read; open it in Word and save it as .docx.")
        )
    if not head.startswith(_ZIP_MAGIC):
        raise _refused(_("The file is not a Word document."))
    check_zip_safety(fileobj, max_uncompressed_bytes=DOCX_MAX_UNCOMPRESSED_BYTES, max_ratio=DOCX_MAX_RATIO)
    try:
        # python-docx parses with resolve_entities=False and no network access;
        # check_zip_safety has also refused any part with a DOCTYPE.
        return docx.Document(fileobj)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise _refused(
            _("The file is not a readable Word document; it may be damaged or be another kind of Office file.")
        ) from exc


# --------------------------------------------------------------------------
# Tables and their layout
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    # Role ("text", "position", "states", "themes", "sdgs") → grid column index.
    columns: dict[str, int]
    # Role → header text, for messages.
    headers: dict[str, str]
    width: int


@dataclass
class _Table:
    number: int
    element: Any
    layout: _Layout
    # Index of the header row, or None for a table continuing the previous one.
    header_index: int | None


# A title row may sit above the header row.
_HEADER_SEARCH_ROWS = 3


def _recognised_tables(document: Any) -> list[_Table]:
    """Top-level tables with a recognised layout, in document order.

    A table without a header row continues the previous recognised table when it
    has as many columns (Word users sometimes split a long table in two).
    """
    body = document.element.body
    tables: list[_Table] = []
    previous: _Layout | None = None
    for number, element in enumerate(_TOP_LEVEL_TABLES(body), start=1):
        found = _find_header(element)
        if found is not None:
            header_index, previous = found
            tables.append(_Table(number, element, previous, header_index))
        elif previous is not None and _grid_width(element) == previous.width:
            tables.append(_Table(number, element, previous, None))
        else:
            previous = None
    return tables


def _find_header(table: Any) -> tuple[int, _Layout] | None:
    width = _grid_width(table)
    for index, row in enumerate(table.tr_lst[:_HEADER_SEARCH_ROWS]):
        cells = _row_cells(row, above={})
        layout = _layout_from_header({column: cell.text for column, cell in cells.items()}, width)
        if layout is not None:
            return index, layout
    return None


def _grid_width(table: Any) -> int:
    return len(table.xpath("./w:tblGrid/w:gridCol"))


def _column_role(header: str) -> str | None:
    key = header.casefold()
    if "sdg" in key:
        return "sdgs"
    if "position" in key or "response" in key:
        return "position"
    # "Recommendation and recommending State" is the text column; "Recommending state/s" is not.
    if "recommending" in key and "recommendation" not in key:
        return "states"
    if key.startswith("recommendation"):
        return "text"
    if any(word in key for word in ("theme", "right", "affected", "persons")):
        return "themes"
    return None


def _layout_from_header(texts: dict[int, str], width: int) -> _Layout | None:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for column, text in sorted(texts.items()):
        header = normalize_space(text)
        role = _column_role(header)
        if role is not None and role not in columns:
            columns[role] = column
            headers[role] = header
    if "text" not in columns or "position" not in columns:
        return None
    return _Layout(columns=columns, headers=headers, width=width)


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------


@dataclass
class _Cell:
    lines: list[str]
    span: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _row_cells(row: Any, above: dict[int, _Cell]) -> dict[int, _Cell]:
    """The row's cells keyed by grid column; ``above`` resolves vertical merges."""
    cells: dict[int, _Cell] = {}
    column = row.grid_before
    for tc in row.tc_lst:
        if tc.vMerge == "continue" and column in above:
            cells[column] = above[column]
        else:
            cells[column] = _Cell(_cell_lines(tc), tc.grid_span)
        column += tc.grid_span
    return cells


def _cell_lines(tc: Any) -> list[str]:
    """The visible text of a cell, one item per paragraph or line break, blanks dropped.

    Read from the XML rather than python-docx's Cell.text, which misses text inside
    tracked insertions and content controls.
    """
    lines: list[str] = []
    for paragraph in tc.iter(_W_P):
        if _is_invisible(paragraph):
            continue
        pieces = []
        for node in paragraph.iter(*_TEXT_NODES):
            # Text of a paragraph nested deeper (a text box) belongs to that paragraph.
            if next(node.iterancestors(_W_P)) is not paragraph or _is_invisible(node):
                continue
            pieces.append(_node_text(node))
        lines.extend("".join(pieces).split("\n"))
    return [line for line in map(normalize_space, lines) if line]


def _node_text(node: Any) -> str:
    tag = node.tag
    if tag == f"{_W}t":
        return node.text or ""
    if tag == f"{_W}tab":
        return " "
    if tag == f"{_W}noBreakHyphen":
        return "-"
    return "\n"  # w:br, w:cr


def _is_invisible(node: Any) -> bool:
    return any(ancestor.tag in _INVISIBLE_ANCESTORS for ancestor in node.iterancestors())


# --------------------------------------------------------------------------
# The document's own description: cycle, session, State under review
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    upr_cycle: int | None = None
    upr_session: int | None = None
    countries: list[str] = field(default_factory=list)


_CYCLE_RE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth)\s+cycle\b"
    r"|\bcycle\s+\d{1,2}\b",
    re.IGNORECASE,
)
_SESSION_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+session\b|\bsession\s+(\d{1,2})\b", re.IGNORECASE)
# "UPR of Slovenia (3rd Cycle - 34th Session)"; the State's name may itself hold
# parentheses ("Bolivia (Plurinational State of)").
_STATE_RE = re.compile(r"\bUPR\s+of\s+(?:the\s+)?(?P<state>.+?)\s*\([^()]*\b(?:cycle|session)\b", re.IGNORECASE)
# Paragraphs above the first table that may carry the title.
_TITLE_PARAGRAPHS = 20


def _document_context(document: Any) -> _Context:
    """Cycle, session and State under review, from the page header or the title."""
    text = "\n".join(_title_texts(document))
    cycle_match = _CYCLE_RE.search(text)
    session_match = _SESSION_RE.search(text)
    state_match = _STATE_RE.search(text)
    session = int(next(g for g in session_match.groups() if g)) if session_match else None
    cycle = parse_upr_cycle(cycle_match.group()) if cycle_match else None
    if cycle is None and session is not None:
        cycle = upr_cycle_from_session(session)
    countries = [normalize_space(state_match.group("state"))] if state_match else []
    return _Context(upr_cycle=cycle, upr_session=session, countries=countries)


def _title_texts(document: Any) -> Iterator[str]:
    for rel in document.part.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.HEADER and not rel.is_external:
            yield from _cell_lines(rel.target_part.element)
    body = document.element.body
    for count, child in enumerate(body.iterchildren()):
        if child.tag == _W_TBL or count >= _TITLE_PARAGRAPHS:
            break
        if child.tag == _W_P:
            yield " ".join(_cell_lines(child))
    properties = document.core_properties
    yield properties.title or ""
    yield properties.subject or ""


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------

_SECTION_LABEL_RE = re.compile(
    r"^(?:theme|thematic area|right or area|rights? or areas?|area|cluster|issue)\s*:\s*",
    re.IGNORECASE,
)


def _iter_records(tables: list[_Table], context: _Context, language: str) -> Iterator[ParsedRecommendation | RowError]:
    section = ""
    for table in tables:
        above: dict[int, _Cell] = {}
        for index, row in enumerate(table.element.tr_lst):
            cells = _row_cells(row, above)
            above = cells
            if table.header_index is not None and index <= table.header_index:
                continue
            # Translators: where an import error is: a table of the Word document and a row of that table.
            location = _("table %(table)s, row %(row)s") % {"table": table.number, "row": index + 1}
            title = _section_title(cells)
            if title is not None:
                section = title
                continue
            if _is_repeated_header(cells, table.layout):
                continue
            item = _parse_row(cells, table.layout, location=location, language=language)
            if item is None:
                continue
            if isinstance(item, ParsedRecommendation):
                item.section = section
                item.upr_cycle = context.upr_cycle
                item.upr_session = context.upr_session
                item.countries = list(context.countries)
            yield item


def _section_title(cells: dict[int, _Cell]) -> str | None:
    """The title of a section row ("Theme: ..."), or None for other rows."""
    filled = [cell for cell in cells.values() if cell.lines]
    if len(filled) != 1:
        return None
    cell = filled[0]
    spans_table = len(cells) == 1 and cell.span > 1
    text = normalize_space(cell.text)
    labelled = _SECTION_LABEL_RE.match(text)
    if not spans_table and not labelled:
        return None
    return text[labelled.end() :] if labelled else text


def _is_repeated_header(cells: dict[int, _Cell], layout: _Layout) -> bool:
    # Some lists repeat the header row as a real row after page breaks.
    texts = {column: cell.text for column, cell in cells.items()}
    return _layout_from_header(texts, layout.width) is not None


def _parse_row(
    cells: dict[int, _Cell], layout: _Layout, *, location: str, language: str
) -> ParsedRecommendation | RowError | None:
    if not any(cell.lines for cell in cells.values()):
        return None
    text_lines, sources = _split_position_source(_lines(cells, layout, "text"))
    position_lines, more_sources = _split_position_source(_lines(cells, layout, "position"))
    text = normalize_space(" ".join(text_lines))
    if not text:
        return RowError(
            location=location,
            message=_("The recommendation cell is empty."),
            column=layout.headers["text"],
        )
    record = ParsedRecommendation(
        location=location,
        mechanism="UPR",
        annotation_type="recommendation",
        texts={language: text},
        paragraph=extract_paragraph(text, normalized=True),
        position_source="; ".join(sources + more_sources),
    )
    if not record.paragraph:
        record.flags.append(_("No paragraph number at the start of the recommendation."))
    _apply_position(record, position_lines)
    _apply_states(record, text, _lines(cells, layout, "states"))
    _apply_annotations(record, _lines(cells, layout, "themes"), start="themes")
    _apply_annotations(record, _lines(cells, layout, "sdgs"), start="sdgs")
    return record


def _lines(cells: dict[int, _Cell], layout: _Layout, role: str) -> list[str]:
    """The lines of the row's cell in the column with ``role``; none if no such column."""
    cell = cells.get(layout.columns[role]) if role in layout.columns else None
    return list(cell.lines) if cell is not None else []


_SOURCE_RE = re.compile(r"^source\s+of\s+position\s*:?\s*", re.IGNORECASE)


def _split_position_source(lines: list[str]) -> tuple[list[str], list[str]]:
    """Separate "Source of Position: A/HRC/.../Add.1 - Para.3" lines from the rest."""
    kept: list[str] = []
    sources: list[str] = []
    for line in lines:
        match = _SOURCE_RE.match(line)
        if match:
            sources.append(line[match.end() :])
        else:
            kept.append(line)
    return kept, sources


def _apply_position(record: ParsedRecommendation, lines: list[str]) -> None:
    record.position_raw = "\n".join(lines)
    if not lines:
        return
    position = normalize_position(" ".join(lines))
    if position is None and len(lines) > 1:
        # "Supported" and "Noted" on separate lines of a merged row.
        position = combine_positions(lines)
    if position is None:
        # Translators: a review flag; %(value)s is the position as the document writes it, in quotes.
        record.flags.append(_("Unknown position %(value)s.") % {"value": repr(" ".join(lines))})
    record.position = position


def _apply_states(record: ParsedRecommendation, text: str, column_lines: list[str]) -> None:
    """Recommending States from their own column, else from the end of the text."""
    states: list[str] = []
    for line in column_lines:
        for name in map(clean_label, re.split(r"[,;]", line)):
            if name:
                append_once(states, name)
    if not states:
        for name in states_in_text(text):
            append_once(states, name)
    if not states:
        record.flags.append(_("No recommending State found."))
    record.recommending_countries = states


# --------------------------------------------------------------------------
# Themes, groups of persons and SDGs
# --------------------------------------------------------------------------

_HEADINGS = {
    "themes": "themes",
    "theme": "themes",
    "human rights themes": "themes",
    "rights": "themes",
    "right or area": "themes",
    "affected persons": "groups",
    "groups of persons": "groups",
    "group of persons": "groups",
    "affected groups": "groups",
    "sdgs": "sdgs",
    "sdg": "sdgs",
    "relevant sdgs": "sdgs",
    "sustainable development goals": "sdgs",
}
_HEADING_RE = re.compile(r"^(?P<label>[^:]{1,60}):\s*(?P<rest>.*)$")


def _apply_annotations(record: ParsedRecommendation, lines: list[str], *, start: str) -> None:
    """Read a themes or SDG cell: items one per line, under optional headings.

    Example::

        - Acceptance of international norms
        SDGs:
        - 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS
        Affected persons:
        - Disappeared persons
    """
    block = start
    for line in lines:
        item = line
        heading = _HEADING_RE.match(line)
        if heading:
            label = heading.group("label").strip().casefold()
            if label in _HEADINGS:
                block = _HEADINGS[label]
                item = heading.group("rest")
            elif not heading.group("rest"):
                # Translators: a review flag; %(heading)s is a line of the document's themes cell, in quotes.
                record.flags.append(_("Unrecognised heading %(heading)s in a themes cell.") % {"heading": repr(line)})
                continue
            # Otherwise the colon is part of a label ("Children: definition; ...").
        item = clean_label(item)
        if item:
            _add_annotation(record, block, item)


def _add_annotation(record: ParsedRecommendation, block: str, item: str) -> None:
    if block == "themes":
        append_once(record.themes, item)
    elif block == "groups":
        append_once(record.affected_groups, item)
    elif not add_sdg(record, item):
        # Translators: a review flag; %(value)s is a label of the document's SDG cell, in quotes.
        record.flags.append(_("%(value)s is not an SDG goal or target.") % {"value": repr(item)})
