"""The text of a PDF UN document, read with pypdf within limits.

Why pypdf: it is pure Python, maintained, and the only one of the three candidates (pypdf,
pdfminer.six, pdfplumber) that bounds what it inflates: every decompression is capped by its
``Configuration`` and fails with ``LimitReachedError`` instead of filling memory (pdfminer.six,
and pdfplumber on top of it, call ``zlib.decompress`` without a limit). On the UN samples it also
keeps the reading order of the lines (pdfminer's layout analysis put the second line of
"121.1 Ratify the International Convention …" before its first) and is the fastest (0.6 s for the
24-page Working Group report, against 1.0 s and 2.0 s).

Text comes out of pypdf's ``extract_text`` through its visitor, which also gives each piece's
font size and position. With them the reader takes out:

- the page furniture: running headers and footers (the symbol, page numbers, the job number
  "GE.19-21936(E)", the bar code), recognised by their place at the top or bottom of a page and
  by repeating on many pages;
- footnotes: smaller lines below the last body line of a page, starting with their number;
- footnote calls: superscript numbers glued to a word ("Convention1"), set in a small font.

Limits (``DocumentLimits``): the file's size, the number of pages (declared and actual), the
size of any decompressed stream, the time spent (checked while each page is read) and the
amount of text. Encrypted PDFs are refused: a protected document cannot be read without its
password, and one protected only against editing is better re-saved than decrypted here.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from .common import normalize_space
from .document_info import find_symbols
from .document_limits import (
    DEFAULT_LIMITS,
    REASON_DAMAGED,
    REASON_ENCRYPTED,
    REASON_NO_TEXT,
    REASON_TOO_MANY_PAGES,
    Deadline,
    DocumentLimits,
    DocumentRefused,
    refuse_bomb,
    refuse_too_large,
    refuse_too_many_pages,
)
from .document_text import DocumentText, TextLine, is_note_marker, make_line

logger = logging.getLogger(__name__)

# How often (in pieces of text) the visitor looks at the clock: often enough to stop a page
# that would take minutes, rarely enough to cost nothing.
_CLOCK_EVERY = 256

# Lines at the top and bottom of a page that may be running headers or footers.
_EDGE_LINES = 4
# A line repeated (digits aside) at the edge of at least this share of pages is furniture.
_RUNNING_SHARE = 0.4
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
# UN job number ("GE.19-21936(E)", "GE.19-21936 5", "19-21936"), its bar code in a private-use
# font ("*1921936*"), and "Please recycle".
_FURNITURE_RE = re.compile(
    r"^(?:GE\.\d{2}-\d{4,6}\s*(?:\(\w\))?(?:\s+\d{1,4})?|\d{2}-\d{5}\s*\(\w\)|\*\d{6,8}\*|please\s+recycle)$",
    re.IGNORECASE,
)
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_DIGITS_RE = re.compile(r"\d+")
# A footnote starts with its number or star, then text.
_FOOTNOTE_START_RE = re.compile(r"^(?:\d{1,3}|\*{1,3}|\u2020|\u2021)\s*\S")

# A superscript call is set at most this share of the body size; a footnote at most this.
_SUPERSCRIPT_RATIO = 0.9
_SMALLER_BY = 0.4


@dataclass
class _Piece:
    text: str
    size: float
    bold: bool


@dataclass
class _RawLine:
    page: int
    pieces: list[_Piece] = field(default_factory=list)
    y: float | None = None

    @property
    def raw(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    def size(self) -> float | None:
        weights: Counter[float] = Counter()
        for piece in self.pieces:
            weights[piece.size] += len(piece.text.strip())
        weights = Counter({size: count for size, count in weights.items() if count})
        return weights.most_common(1)[0][0] if weights else None

    def bold(self) -> bool:
        bold = sum(len(piece.text.strip()) for piece in self.pieces if piece.bold)
        total = sum(len(piece.text.strip()) for piece in self.pieces)
        return total > 0 and bold * 2 > total


def extract_pdf_text(
    data: bytes, *, limits: DocumentLimits = DEFAULT_LIMITS, first_pages: int | None = None
) -> DocumentText:
    """The text of a PDF document's pages; DocumentRefused when it cannot be read safely.

    ``first_pages`` reads only that many pages (to recognise a document cheaply); the limits
    on the whole document still apply.
    """
    if len(data) > limits.max_bytes:
        raise refuse_too_large(len(data), limits)
    deadline = Deadline(limits)
    with apply_configuration(**_pypdf_limits(limits)):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise DocumentRefused(
                    REASON_ENCRYPTED,
                    _(
                        "The PDF is encrypted or password-protected and cannot be read. Save or print it "
                        "to a PDF without protection and import that file."
                    ),
                )
            page_count = _page_count(reader, limits)
            title = _document_title(reader)
            to_read = page_count if first_pages is None else min(page_count, first_pages)
            raw_pages = [_read_page(reader, index, deadline, limits) for index in range(to_read)]
        except DocumentRefused:
            raise
        except LimitReachedError as exc:
            raise _refusal_for_limit(exc, limits) from exc
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            # pypdf reports damaged structures with a variety of exceptions; none is the user's to read.
            logger.info("Unreadable PDF: %r", exc)
            raise DocumentRefused(
                REASON_DAMAGED,
                _("The PDF is damaged or not a PDF that can be read; open it and save it again as PDF."),
            ) from exc
        except RecursionError as exc:
            raise DocumentRefused(
                REASON_DAMAGED, _("The PDF's structure is nested too deeply to be read; it may be damaged or hostile.")
            ) from exc
    return _assemble(raw_pages, page_count=page_count, title=title)


def _pypdf_limits(limits: DocumentLimits) -> dict[str, Any]:
    stream = limits.max_stream_bytes
    return {
        "maximum_declared_stream_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        # Never run an external program on an uploaded file.
        "jbig2dec_binary": None,
        # A page tree is a few entries per page; more means a hostile or absurd file.
        "page_tree_maximum_entries": 3 * limits.max_pages + 100,
    }


def _refusal_for_limit(exc: LimitReachedError, limits: DocumentLimits) -> DocumentRefused:
    message = str(exc).lower()
    if "page tree" in message:
        return DocumentRefused(
            REASON_TOO_MANY_PAGES,
            _("The document has more than %(max)s pages, the most accepted.") % {"max": limits.max_pages},
        )
    if any(word in message for word in ("decompress", "stream", "output", "length", "buffer", "decoding")):
        return refuse_bomb(limits)
    return DocumentRefused(
        REASON_DAMAGED, _("The PDF's structure is larger than any real document's; it may be damaged or hostile.")
    )


def _page_count(reader: PdfReader, limits: DocumentLimits) -> int:
    """The number of pages, refusing a document over the limit before its pages are read.

    The count the document declares is checked first (it costs nothing); the page tree is then
    walked, within pypdf's limit on its entries, in case the declared count lies.
    """
    try:
        pages: Any = reader.trailer["/Root"]["/Pages"]  # type: ignore[index]  # pypdf types objects loosely
        declared: int | None = int(pages["/Count"])
    except (KeyError, TypeError, ValueError, PyPdfError):
        declared = None
    if declared is not None and declared > limits.max_pages:
        raise refuse_too_many_pages(declared, limits)
    count = len(reader.pages)
    if count > limits.max_pages:
        raise refuse_too_many_pages(count, limits)
    return count


def _document_title(reader: PdfReader) -> str:
    try:
        metadata = reader.metadata
        return normalize_space(str(metadata.title or "")) if metadata else ""
    except (PyPdfError, ValueError, KeyError, TypeError):
        return ""


def _read_page(reader: PdfReader, index: int, deadline: Deadline, limits: DocumentLimits) -> list[_RawLine]:
    deadline.check()
    lines: list[_RawLine] = [_RawLine(page=index + 1)]
    calls = 0
    chars = 0

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        nonlocal calls, chars
        calls += 1
        if calls % _CLOCK_EVERY == 0:
            deadline.check()
        if not text:
            return
        chars += len(text)
        if chars > limits.max_text_chars:
            raise DocumentRefused(
                REASON_DAMAGED, _("The document holds far more text than any real document; it may be hostile.")
            )
        size = _effective_size(font_size, cm, tm)
        bold = _is_bold(font)
        y = _baseline(cm, tm)
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append(_RawLine(page=index + 1))
            if part:
                line = lines[-1]
                if line.y is None and part.strip():
                    line.y = y
                line.pieces.append(_Piece(part, size, bold))

    reader.pages[index].extract_text(visitor_text=visit)
    return [line for line in lines if line.raw.strip()]


def _effective_size(font_size: float, cm: list[float], tm: list[float]) -> float:
    # Producers set the size either with Tf or by scaling the text matrix; count both.
    try:
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
    except (IndexError, TypeError):
        scale = 1.0
    size = float(font_size) * (scale or 1.0)
    return round(size * 2) / 2  # to the half point: 9.96 and 10.0 are the same size


def _baseline(cm: list[float], tm: list[float]) -> float | None:
    try:
        return tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    except (IndexError, TypeError):
        return None


def _is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")) if font is not None else ""
    except (AttributeError, PyPdfError):
        return False
    return "bold" in name.lower() or "black" in name.lower() or "heavy" in name.lower()


# --------------------------------------------------------------------------
# From raw lines to the body, footnotes and furniture
# --------------------------------------------------------------------------


def _assemble(pages: list[list[_RawLine]], *, page_count: int, title: str) -> DocumentText:
    if not any(pages):
        raise DocumentRefused(
            REASON_NO_TEXT,
            _(
                "The PDF has no text to read: it is probably a scan (an image of the pages). Use the document "
                "from the UN's Official Document System, or a Word version."
            ),
        )
    body_size = _body_size(pages)
    running_keys = _running_keys(pages)
    first_page = [_to_text_line(line, drop_calls=True) for line in pages[0]] if pages else []
    lines: list[TextLine] = []
    footnotes: list[TextLine] = []
    running: list[str] = []
    for page in pages:
        kept: list[_RawLine] = []
        for position, line in enumerate(page):
            at_edge = position < _EDGE_LINES or position >= len(page) - _EDGE_LINES
            text = normalize_space(line.raw)
            if _is_furniture(text, at_edge=at_edge, running_keys=running_keys):
                running.append(text)
            else:
                kept.append(line)
        body, notes = _split_footnotes(kept, body_size)
        lines.extend(_to_text_line(line, drop_calls=True) for line in body)
        # A footnote keeps its number, even when it is set in superscript.
        footnotes.extend(_to_text_line(line, drop_calls=False) for line in notes)
    return DocumentText(
        source="pdf",
        lines=[line for line in lines if line.text],
        footnotes=footnotes,
        first_page=first_page,
        running=running,
        page_count=page_count,
        title=title,
    )


def _body_size(pages: list[list[_RawLine]]) -> float | None:
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page:
            for piece in line.pieces:
                weights[piece.size] += len(piece.text.strip())
    return weights.most_common(1)[0][0] if weights else None


def _edge_key(text: str) -> str:
    return _DIGITS_RE.sub("#", text.casefold())


def _running_keys(pages: list[list[_RawLine]]) -> set[str]:
    """Texts (digits aside) that repeat at the top or bottom of many pages."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        edge = page[:_EDGE_LINES] + page[-_EDGE_LINES:]
        seen.update({_edge_key(normalize_space(line.raw)) for line in edge})
    needed = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    # Only texts with letters ("A/HRC/43/15", "GE.19-21936"): a line of numbers alone at the top of
    # several pages may be a list of paragraph numbers ("122.19"); page numbers are matched apart.
    return {key for key, count in seen.items() if count >= needed and any(char.isalpha() for char in key)}


def _is_furniture(text: str, *, at_edge: bool, running_keys: set[str]) -> bool:
    if not text or _FURNITURE_RE.match(text):
        return True
    stripped = _PRIVATE_USE_RE.sub("", text).strip()
    if not stripped:
        return True  # a bar code or other symbol font, no letters a reader sees
    if not at_edge:
        return False
    # A page number, a line repeated at the edge of many pages, or the symbol alone (the running
    # header of a document too short for repetition to show).
    return bool(_PAGE_NUMBER_RE.match(text)) or _edge_key(text) in running_keys or find_symbols(text) == [text]


def _split_footnotes(lines: list[_RawLine], body_size: float | None) -> tuple[list[_RawLine], list[_RawLine]]:
    """Separate the footnotes printed under a page's body from the body.

    A footnote area is a run of lines in a smaller font, all below the lowest body-size line of
    the page, whose first line starts with a footnote number or star.
    """
    if body_size is None:
        return lines, []
    body_ys = [line.y for line in lines if line.y is not None and (line.size() or 0) >= body_size - _SMALLER_BY]
    if not body_ys:
        return lines, []
    lowest_body = min(body_ys)
    small = [
        index
        for index, line in enumerate(lines)
        if line.y is not None and line.y < lowest_body and (line.size() or body_size) < body_size - _SMALLER_BY
    ]
    if not small:
        return lines, []
    first = small[0]
    if not _FOOTNOTE_START_RE.match(_without_leading_space(lines[first])):
        return lines, []
    note_indexes = set(small)
    body = [line for index, line in enumerate(lines) if index not in note_indexes]
    notes = [lines[index] for index in small]
    return body, notes


def _without_leading_space(line: _RawLine) -> str:
    return normalize_space(line.raw)


def _to_text_line(line: _RawLine, *, drop_calls: bool) -> TextLine:
    pieces = line.pieces
    size = line.size()
    if drop_calls and size is not None:
        # Drop the superscript footnote calls of a line ("Convention1" → "Convention", "Review*"
        # → "Review"): a number or star set clearly smaller than the rest of its line.
        pieces = [
            piece for piece in pieces if not (piece.size <= size * _SUPERSCRIPT_RATIO and is_note_marker(piece.text))
        ]
    raw = "".join(piece.text for piece in pieces)
    return make_line(raw, page=line.page, size=size, bold=line.bold())
