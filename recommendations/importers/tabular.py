"""Generic CSV and Excel import through a column mapping.

A State's own spreadsheet (or a UPR Info export) has columns of its own. The user
maps them once onto the fields of :class:`ParsedRecommendation`; the mapping is a
plain dict the app can save by name. Reading happens in three steps:

1. :func:`read_table` opens a CSV (detecting encoding, delimiter and line
   endings) or an XLSX sheet and returns the headers and a lazy row iterator;
2. :func:`iter_mapped` applies a :class:`ColumnMapping` to the rows;
3. the import service matches vocabularies and writes to the database (not here).
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .common import (
    add_sdg,
    append_once,
    clean_label,
    country_key,
    normalize_position,
    normalize_space,
    parse_int,
    parse_upr_cycle,
    row_location,
    upr_cycle_from_session,
)
from .records import POSITIONS, ImportFormatError, ParsedRecommendation, RowError
from .safety import check_zip_safety

# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------

# The encodings a UI should offer. Detection only ever answers one of these.
SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1252", "mac_roman")
# Single-byte encodings that decode (almost) any byte string: only the
# plausibility of the resulting text tells them apart.
_LEGACY_ENCODINGS = ("windows-1252", "mac_roman")
# Below this, read_table refuses to pick an encoding and the user must choose.
CONFIDENT = 0.8
# How much of a file is examined to detect its encoding, delimiter and line ending.
SAMPLE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str
    # 0..1; 1.0 when a byte order mark or plain ASCII leaves no doubt.
    confidence: float
    # Other encodings the bytes decode in, most plausible first, for a UI to offer.
    alternatives: tuple[str, ...] = ()

    @property
    def is_confident(self) -> bool:
        return self.confidence >= CONFIDENT


class EncodingUncertainError(ImportFormatError):
    """The encoding could not be detected with confidence; the user must choose it."""

    def __init__(self, guess: EncodingGuess) -> None:
        self.guess = guess
        if guess.alternatives:
            message = _(
                "The text encoding of the file could not be determined with confidence (most likely %(encoding)s; "
                "also possible: %(alternatives)s). Choose the encoding and import the file again."
            ) % {"encoding": guess.encoding, "alternatives": ", ".join(guess.alternatives)}
        else:
            message = _(
                "The text encoding of the file could not be determined with confidence (most likely %(encoding)s). "
                "Choose the encoding and import the file again."
            ) % {"encoding": guess.encoding}
        super().__init__(message)


def detect_encoding(data: bytes) -> str:
    """The most plausible encoding of ``data``; see :func:`guess_encoding` for the doubt."""
    return guess_encoding(data).encoding


def guess_encoding(data: bytes) -> EncodingGuess:
    """Detect the encoding of ``data`` (a whole file or its beginning) from evidence.

    Byte order marks and UTF-8 validity settle most files. Otherwise Windows-1252
    and Mac Roman both decode the bytes, and each decoding is scored on whether
    its non-ASCII characters look like text: ``Equit\\x8e`` is ``Equité`` in Mac
    Roman but ``EquitŽ`` (a capital inside a word) in Windows-1252. The margin
    between the two scores gives the confidence.
    """
    if data.startswith(codecs.BOM_UTF8):
        return EncodingGuess("utf-8-sig", 1.0)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingGuess("utf-16", 1.0)
    if b"\x00" in data:
        raise ImportFormatError(
            _(
                "The file contains NUL bytes, so it is not a CSV text file (UTF-16 text must start with a byte order "
                "mark)."
            )
        )
    if data.isascii():
        return EncodingGuess("utf-8", 1.0)
    if _is_utf8(data):
        # Non-ASCII bytes that happen to form valid UTF-8 sequences are very
        # unlikely in any other encoding.
        return EncodingGuess("utf-8", 0.99, _LEGACY_ENCODINGS)

    scores: dict[str, float] = {}
    for encoding in _LEGACY_ENCODINGS:
        try:
            scores[encoding] = _plausibility(data.decode(encoding))
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined: their presence rules it out.
            continue
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    alternatives = tuple(ranked[1:])
    if scores[best] <= 0:
        confidence = 0.2
    elif not alternatives:
        confidence = 0.99
    else:
        margin = scores[best] - scores[alternatives[0]]
        confidence = min(0.99, 1 - 0.5 * math.exp(-margin / 3))
    return EncodingGuess(best, round(confidence, 2), alternatives)


def _is_utf8(data: bytes) -> bool:
    # Not final: a sample may end in the middle of a multi-byte sequence.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_COMMON_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ")
# Central European letters Windows-1252 has; real but rarer in UN texts.
_LESS_COMMON_LETTERS = frozenset("ŠšŽž")
# Typographic quotes and dashes (written as escapes: they look like ASCII in an editor).
_APOSTROPHE = "\u2019"
_OPENING_QUOTES = "\u201c\u2018"
_CLOSING_QUOTES = "\u201d\u2019"
_DASHES = "\u2013\u2014"
_COMMON_PUNCTUATION = frozenset(
    _OPENING_QUOTES + _CLOSING_QUOTES + _DASHES + "\u2026\u00ab\u00bb\u00b0\u20ac\u00a3\u00a7\u2022\u00b7\u00a0"
)
# Accented letters that are words on their own (French à, Spanish ó, Italian è…).
_ONE_LETTER_WORDS = frozenset("àáéèó")
# Accented letters that start words (área, été, île, œuvre) and that rarely end them.
_WORD_INITIAL = frozenset("áéíóúàèîœ")
_RARELY_WORD_FINAL = frozenset("âêîôûñç")


def _plausibility(text: str) -> float:
    """Sum of per-character scores over the non-ASCII characters of ``text``."""
    return sum(_char_score(text, match.start()) for match in _NON_ASCII.finditer(text))


def _char_score(text: str, index: int) -> float:
    char = text[index]
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if char.isalpha():
        return _letter_score(char, before, after)
    if char in _COMMON_PUNCTUATION:
        return 1.0 + _punctuation_bonus(char, before, after)
    # Maths signs, spacing accents, daggers: what mojibake is made of.
    return -2.0


def _letter_score(char: str, before: str, after: str) -> float:
    if char in _COMMON_LETTERS:
        score = 2.0
    elif char in _LESS_COMMON_LETTERS:
        score = 1.0
    else:
        score = -2.0
    if char.isupper():
        if before.isalpha() and before.islower():
            score -= 4  # a capital inside a word: "EquitŽ", "cafÈ"
        return score
    starts_word = not before.isalpha()
    ends_word = not after.isalpha()
    if starts_word and ends_word:
        if char not in _ONE_LETTER_WORDS:
            score -= 2  # "rights ñ more"
    elif (starts_word and char not in _WORD_INITIAL) or (ends_word and char in _RARELY_WORD_FINAL):
        score -= 1
    return score


def _punctuation_bonus(char: str, before: str, after: str) -> float:
    if char == _APOSTROPHE and before.isalpha() and after.isalpha():
        return 1.0  # "women's"
    if char in _OPENING_QUOTES and not before.isalnum() and after.isalnum():
        return 1.0
    if char in _CLOSING_QUOTES and not after.isalnum() and not before.isspace():
        return 1.0
    if char in _DASHES and before.isspace() and after.isspace():
        return 1.0
    return 0.0


# --------------------------------------------------------------------------
# Reading CSV and XLSX into a Table
# --------------------------------------------------------------------------

_DELIMITERS = ",;\t|"
_XLSX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_XLSX_MAX_RATIO = 100
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.xls, .doc)


@dataclass
class Table:
    headers: list[str]
    # Data rows after the header, blank rows included so that numbering holds:
    # the Nth item is row ``header_row + N``.
    rows: Iterator[dict[str, str]]
    format: str  # "csv" or "xlsx"
    header_row: int = 1
    encoding: str | None = None
    encoding_guess: EncodingGuess | None = None
    delimiter: str | None = None
    # "\r\n", "\n" or "\r" (old Mac files, such as the UPR Info export).
    line_ending: str | None = None
    sheet: str | None = None
    sheet_names: list[str] = field(default_factory=list)


def read_table(
    fileobj: BinaryIO,
    *,
    filename: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Open a CSV or XLSX file and return its headers and a lazy row iterator.

    ``encoding`` and ``delimiter`` (CSV) override detection; ``sheet`` (XLSX)
    selects a sheet by name, the first one by default. Raises
    ImportFormatError, or its subclass EncodingUncertainError when the user must
    choose the encoding. Encoding is detected on the first SAMPLE_BYTES; a byte
    further on that does not decode raises ImportFormatError while iterating.
    """
    head = fileobj.read(len(_OLE_MAGIC))
    fileobj.seek(0)
    if not head:
        raise ImportFormatError(_("The file is empty."))
    if head.startswith(_OLE_MAGIC):
        raise ImportFormatError(
            _("This is an old Excel .xls file, which cannot be read. Save it as .xlsx or CSV and import it again.")
        )
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(fileobj, sheet=sheet)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFormatError(_("The file is not a valid Excel workbook (.xlsx)."))
    return _read_csv(fileobj, encoding=encoding, delimiter=delimiter)


def _read_csv(fileobj: BinaryIO, *, encoding: str | None, delimiter: str | None) -> Table:
    sample = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    guess = None
    if encoding is None:
        guess = guess_encoding(sample)
        if not guess.is_confident:
            raise EncodingUncertainError(guess)
        encoding = guess.encoding
    else:
        _check_codec(encoding)
    sample_text = _decode_sample(sample, encoding)
    line_ending = _detect_line_ending(sample_text)
    if delimiter is None:
        delimiter = _detect_delimiter(sample_text)

    reader = csv.reader(_iter_lines(fileobj, encoding), delimiter=delimiter, quotechar='"')
    return _table(
        _iter_records(reader),
        if_empty=_("The file has no header row."),
        format="csv",
        encoding=encoding,
        encoding_guess=guess,
        delimiter=delimiter,
        line_ending=line_ending,
    )


def _table(records: Iterator[tuple[int, list[str]]], *, if_empty: str, format: str, **details: Any) -> Table:
    """A Table of numbered records: the first filled one is the header, those after it the rows.

    Raises ImportFormatError(``if_empty``, a message the caller has translated) when no record
    is filled in.
    """
    first = next(((number, record) for number, record in records if _is_filled(record)), None)
    if first is None:
        raise ImportFormatError(if_empty)
    header_row, header = first
    headers = _unique_headers(header)
    return Table(
        headers=headers,
        rows=(_as_dict(headers, record) for _, record in records),
        format=format,
        header_row=header_row,
        **details,
    )


def _is_filled(cells: Iterable[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _check_codec(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ImportFormatError(_("Unknown text encoding %(encoding)s.") % {"encoding": repr(encoding)}) from exc


def _decode_sample(sample: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise _decode_error(encoding, exc, offset=0) from exc


def _decode_error(encoding: str, exc: UnicodeDecodeError, *, offset: int) -> ImportFormatError:
    byte = exc.object[exc.start : exc.start + 1].hex()
    return ImportFormatError(
        _(
            # Translators: %(byte)s is a byte in hexadecimal ("e9"), %(position)s its offset in the file.
            "The file cannot be read as %(encoding)s: byte 0x%(byte)s near position %(position)s is not valid in "
            "that encoding. Choose another encoding."
        )
        % {"encoding": encoding, "byte": byte, "position": offset + exc.start}
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _iter_lines(fileobj: BinaryIO, encoding: str, chunk_size: int = 64 * 1024) -> Iterator[str]:
    """Decode ``fileobj`` and yield lines with their endings (CR, LF or CRLF).

    Written out rather than wrapping the file in io.TextIOWrapper, which closes
    the caller's file when it is discarded; and str.splitlines would also break
    on characters such as U+2028 that may sit inside a cell.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    offset = 0
    while True:
        chunk = fileobj.read(chunk_size)
        # What is pending holds no line break, but for a CR held back below: only
        # the new text needs scanning (rescanning would be quadratic on long lines).
        scan_from = max(len(pending) - 1, 0)
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise _decode_error(encoding, exc, offset=offset) from exc
        offset += len(chunk)
        start = 0
        for match in _LINE_BREAK.finditer(pending, scan_from):
            # A CR ending the buffer may be the first half of a CRLF.
            if chunk and match.end() == len(pending) and match.group() == "\r":
                break
            yield pending[start : match.end()]
            start = match.end()
        pending = pending[start:]
        if not chunk:
            if pending:
                yield pending
            return


def _iter_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Number CSV records from 1, turning csv.Error into ImportFormatError."""
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(
                # Translators: %(error)s is the CSV reader's own (English) description of the problem.
                _("The CSV file is malformed near row %(row)s: %(error)s.") % {"row": number + 1, "error": exc}
            ) from exc
        number += 1
        yield number, record


def _detect_line_ending(text: str) -> str | None:
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else None


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent columns.

    csv.Sniffer is asked first; its answer is kept when no candidate gives more
    consistent rows, because Sniffer alone is easily misled by punctuation in
    long text cells.
    """
    # Sniffer splits on "\n" only, so old Mac files would look like one line. Its
    # regular expressions are slow on long lines: the first 64 KiB are plenty.
    lines = text[:65536].replace("\r\n", "\n").replace("\r", "\n").split("\n")[:50]
    sample = "\n".join(lines)
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores = {candidate: _delimiter_score(sample, candidate) for candidate in _DELIMITERS}
    best = max(_DELIMITERS, key=scores.__getitem__)  # ties go to the earlier (",")
    if sniffed is not None and scores[sniffed] >= scores[best]:
        return sniffed
    return best


def _delimiter_score(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of rows with as many fields as the header, header width)."""
    try:
        reader = csv.reader(sample.split("\n"), delimiter=delimiter)
        records = [record for record in reader if record]
    except csv.Error:
        return (0.0, 0)
    if not records or len(records[0]) < 2:
        return (0.0, 1)
    # The last line of a sample may be cut short.
    body = records[1:-1] or records[1:]
    width = len(records[0])
    consistent = sum(len(record) == width for record in body) / len(body) if body else 1.0
    return (consistent, width)


def _unique_headers(record: list[str]) -> list[str]:
    """Header names, stripped; blank ones named by position, repeats numbered."""
    headers: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(record, start=1):
        # normalize_space also drops a stray BOM (a UTF-8-sig file read as UTF-8). The name given
        # to a blank header is not translated: saved mappings refer to it, whatever the language
        # of the job that reads the file.
        name = normalize_space(raw) or f"Column {index}"
        candidate, count = name, 1
        while _loose_key(candidate) in seen:
            count += 1
            candidate = f"{name} ({count})"
        seen.add(_loose_key(candidate))
        headers.append(candidate)
    return headers


def _as_dict(headers: list[str], record: Iterable[str]) -> dict[str, str]:
    values = dict.fromkeys(headers, "")
    # Cells beyond the header are dropped; short rows are padded with "".
    values.update(zip(headers, record, strict=False))
    return values


def _read_xlsx(fileobj: BinaryIO, *, sheet: str | None) -> Table:
    check_zip_safety(
        fileobj,
        max_uncompressed_bytes=_XLSX_MAX_UNCOMPRESSED_BYTES,
        max_ratio=_XLSX_MAX_RATIO,
    )
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ImportFormatError(
            _("The file is not a valid Excel workbook (.xlsx); it may be damaged or be another kind of document.")
        ) from exc
    names = list(workbook.sheetnames)
    worksheet = _select_sheet(workbook, names, sheet)
    # The dimension an XLSX declares can be wrong; without resetting it,
    # openpyxl would silently stop reading at the declared last row.
    worksheet.reset_dimensions()
    # An empty sheet is read to its end, which closes the workbook (see _iter_xlsx_rows).
    return _table(
        enumerate(_iter_xlsx_rows(workbook, worksheet), start=1),
        if_empty=_("The sheet %(sheet)s is empty.") % {"sheet": repr(worksheet.title)},
        format="xlsx",
        sheet=worksheet.title,
        sheet_names=names,
    )


def _select_sheet(workbook: Any, names: list[str], sheet: str | None) -> Any:
    if sheet is None and workbook.worksheets:
        return workbook.worksheets[0]
    for name in names:
        if sheet is not None and _loose_key(name) == _loose_key(sheet):
            return workbook[name]
    workbook.close()
    if sheet is None:
        raise ImportFormatError(_("The workbook has no worksheet."))
    raise ImportFormatError(
        _("The workbook has no sheet named %(sheet)s. Sheets in the workbook: %(names)s.")
        % {"sheet": repr(sheet), "names": ", ".join(names)}
    )


def _iter_xlsx_rows(workbook: Any, worksheet: Any) -> Iterator[list[str]]:
    try:
        for values in worksheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        # A read-only workbook keeps its ZIP open until closed.
        workbook.close()


def _cell_text(value: object) -> str:
    """Excel cell value as text; dates as ISO strings, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _loose_key(name: str) -> str:
    # Headers, sheet names and mapped values match loosely: case, spacing and line
    # breaks do not matter.
    return normalize_space(name).casefold()


# --------------------------------------------------------------------------
# Column mappings
# --------------------------------------------------------------------------

_TEXT_FIELDS = ("text", "text_language", "symbol", "paragraph", "mechanism", "external_id")
_LIST_FIELDS = (
    "countries",
    "recommending_countries",
    "themes",
    "affected_groups",
    "sdg_targets",
    "sdg_goals",
)
_NUMBER_FIELDS = ("upr_session", "upr_cycle")
_DATE_FIELDS = ("issued_on",)
TARGET_FIELDS = (*_TEXT_FIELDS, "position", *_LIST_FIELDS, *_NUMBER_FIELDS, *_DATE_FIELDS)
REQUIRED_FIELDS = ("text",)
TRANSFORMS = ("upr_cycle_from_session",)


@dataclass(frozen=True)
class FieldMapping:
    """Where one target field comes from: a source column or a constant."""

    column: str | None = None
    constant: str | None = None
    # Splits a cell into several values (list fields), e.g. "," or "\n".
    separator: str | None = None
    # Replaces values (compared case-insensitively), e.g. {"Accepted": "supported"}.
    value_map: dict[str, str] = field(default_factory=dict)
    # A named conversion, e.g. "upr_cycle_from_session".
    transform: str | None = None
    # strptime format for dates that are neither ISO nor Excel serial numbers.
    date_format: str | None = None

    def __post_init__(self) -> None:
        # Mappings are edited by users: these messages reach them, through ColumnMapping.from_dict.
        if (self.column is None) == (self.constant is None):
            raise ValueError(_("A field mapping needs exactly one of a column and a constant."))
        if self.transform is not None and self.transform not in TRANSFORMS:
            raise ValueError(
                # Translators: %(transform)s is the name of a conversion, e.g. 'upr_cycle_from_session'.
                _("Unknown transform %(transform)s.") % {"transform": repr(self.transform)}
            )

    def map_value(self, value: str) -> str:
        for source, target in self.value_map.items():
            if _loose_key(source) == _loose_key(value):
                return target
        return value


@dataclass(frozen=True)
class ColumnMapping:
    """Target field name (a ParsedRecommendation attribute) → FieldMapping."""

    fields: dict[str, FieldMapping]
    name: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields) - set(TARGET_FIELDS))
        if unknown:
            raise ValueError(
                ngettext(
                    "Unknown target field: %(fields)s. Known fields: %(known)s.",
                    "Unknown target fields: %(fields)s. Known fields: %(known)s.",
                    len(unknown),
                )
                % {"fields": ", ".join(unknown), "known": ", ".join(TARGET_FIELDS)}
            )
        missing = [target for target in REQUIRED_FIELDS if target not in self.fields]
        if missing:
            raise ValueError(
                # Translators: %(fields)s lists field names of the mapping, e.g. "text".
                _("The mapping must say where to find: %(fields)s.") % {"fields": ", ".join(missing)}
            )

    def columns(self) -> list[str]:
        """Source columns the mapping reads, in field order, without repeats."""
        names = (spec.column for spec in self.fields.values() if spec.column is not None)
        return list(dict.fromkeys(names))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; options left at their defaults are omitted."""
        return {
            "name": self.name,
            "fields": {
                target: {key: value for key, value in asdict(spec).items() if value not in (None, {})}
                for target, spec in self.fields.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        try:
            fields = {target: FieldMapping(**options) for target, options in data["fields"].items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(
                # Translators: %(error)s is Python's own (English) description of the problem.
                _("This is not a valid column mapping: %(error)s.") % {"error": exc}
            ) from exc
        return cls(fields=fields, name=data.get("name", ""))


UPR_INFO_MAPPING = ColumnMapping(
    name="UPR Info database export",
    fields={
        "text": FieldMapping(column="Text"),
        "text_language": FieldMapping(constant="en"),
        "mechanism": FieldMapping(constant="UPR"),
        "countries": FieldMapping(column="To"),
        "recommending_countries": FieldMapping(column="From"),
        "position": FieldMapping(column="Response", value_map={"Accepted": "supported", "Noted": "noted"}),
        "themes": FieldMapping(column="Issue", separator=","),
        "upr_session": FieldMapping(column="Session"),
        "upr_cycle": FieldMapping(column="Session", transform="upr_cycle_from_session"),
    },
)


# --------------------------------------------------------------------------
# Applying a mapping
# --------------------------------------------------------------------------


def iter_mapped(
    table: Table,
    mapping: ColumnMapping,
    *,
    country: str | Collection[str] | None = None,
) -> Iterator[ParsedRecommendation | RowError]:
    """Apply ``mapping`` to the rows of ``table``.

    ``country`` keeps only rows whose State under review is that name (or any
    of several names, to allow for spellings). Blank rows are skipped. Raises
    ImportFormatError if the mapping names columns the file does not have.
    """
    columns = _resolve_columns(table.headers, mapping)
    wanted = _country_filter(mapping, country)
    for offset, values in enumerate(table.rows, start=1):
        if not _is_filled(values.values()):
            continue
        cells = {target: _raw_cell(values, spec, columns) for target, spec in mapping.fields.items()}
        if wanted is not None:
            names = _split(cells["countries"], mapping.fields["countries"])
            if wanted.isdisjoint(country_key(name) for name in names):
                continue
        yield _build(cells, mapping, location=row_location(table.header_row + offset))


def _resolve_columns(headers: list[str], mapping: ColumnMapping) -> dict[str, str]:
    """Mapping column name → the file's own header, matched loosely."""
    available = {_loose_key(header): header for header in headers}
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for column in mapping.columns():
        header = available.get(_loose_key(column))
        if header is None:
            missing.append(column)
        else:
            resolved[column] = header
    if missing:
        raise ImportFormatError(
            ngettext(
                "The file has no column named %(missing)s. Columns in the file: %(columns)s.",
                "The file has no columns named %(missing)s. Columns in the file: %(columns)s.",
                len(missing),
            )
            % {
                "missing": ", ".join(repr(name) for name in missing),
                "columns": ", ".join(repr(name) for name in headers),
            }
        )
    return resolved


def _country_filter(mapping: ColumnMapping, country: str | Collection[str] | None) -> set[str] | None:
    if country is None:
        return None
    if "countries" not in mapping.fields:
        raise ImportFormatError(
            _(
                "The mapping does not say which column holds the State under review, so the rows cannot be "
                "filtered by country."
            )
        )
    names = [country] if isinstance(country, str) else list(country)
    return {country_key(name) for name in names}


def _raw_cell(values: Mapping[str, str], spec: FieldMapping, columns: Mapping[str, str]) -> str:
    if spec.constant is not None:
        return spec.constant
    assert spec.column is not None  # guaranteed by FieldMapping.__post_init__
    return values.get(columns[spec.column], "")


def _build(cells: Mapping[str, str], mapping: ColumnMapping, *, location: str) -> ParsedRecommendation | RowError:
    text = normalize_space(cells["text"])
    if not text:
        return RowError(
            location=location,
            message=_("The recommendation text is empty."),
            column=mapping.fields["text"].column,
        )
    record = ParsedRecommendation(location=location, annotation_type="recommendation")
    language = normalize_space(cells.get("text_language", ""))
    if language:
        language = mapping.fields["text_language"].map_value(language)
    record.texts = {language.lower() or "en": text}
    for target, spec in mapping.fields.items():
        if target in ("text", "text_language"):
            continue
        _apply(record, target, spec, cells[target])
    return record


def _apply(record: ParsedRecommendation, target: str, spec: FieldMapping, raw: str) -> None:
    """Set one field of ``record`` from its raw cell; odd values become flags."""
    value = normalize_space(raw)
    if target in _TEXT_FIELDS:
        if value:
            setattr(record, target, spec.map_value(value))
    elif target == "position":
        _apply_position(record, spec, value)
    elif target in _LIST_FIELDS:
        for item in _split(raw, spec):
            if target not in ("sdg_targets", "sdg_goals"):
                append_once(getattr(record, target), item)
            # "16.2 - ..." goes to sdg_targets and "16 - ..." to sdg_goals, whichever field is mapped.
            elif not add_sdg(record, item):
                _flag(
                    record,
                    spec,
                    # Translators: a review flag; %(value)s is a value of the file,
                    # %(column)s the name of its column, both quoted.
                    _("%(value)s in column %(column)s is not an SDG goal or target."),
                    _("%(value)s in the mapping is not an SDG goal or target."),
                    value=repr(item),
                )
    elif target in _NUMBER_FIELDS:
        _apply_number(record, target, spec, value)
    elif target in _DATE_FIELDS:
        _apply_date(record, target, spec, value)


def _flag(record: ParsedRecommendation, spec: FieldMapping, in_column: str, in_mapping: str, **values: Any) -> None:
    """Add a review flag about a value of ``spec``'s column or, for a constant, of the mapping.

    ``in_column`` and ``in_mapping`` are the two (translated) wordings of the flag, one with a
    ``%(column)s`` placeholder for the quoted column name; ``values`` fill the other placeholders.
    """
    if spec.column:
        record.flags.append(in_column % {"column": repr(spec.column), **values})
    else:
        record.flags.append(in_mapping % values)


def _apply_position(record: ParsedRecommendation, spec: FieldMapping, value: str) -> None:
    record.position_raw = value
    if not value:
        return
    mapped = spec.map_value(value)
    position = mapped if mapped in POSITIONS else normalize_position(mapped)
    if position is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is the position as written,
            # %(column)s the name of its column, both quoted.
            _("Unknown position %(value)s in column %(column)s."),
            _("Unknown position %(value)s in the mapping."),
            value=repr(value),
        )
    record.position = position


def _apply_number(record: ParsedRecommendation, target: str, spec: FieldMapping, value: str) -> None:
    if not value:
        return
    value = spec.map_value(value)
    # A cycle may be written out ("Third cycle"); sessions are plain numbers.
    is_cycle = target == "upr_cycle" and spec.transform is None
    number = parse_upr_cycle(value) if is_cycle else parse_int(value)
    if number is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is a value of the file,
            # %(column)s the name of its column, both quoted.
            _("%(value)s in column %(column)s is not a number."),
            _("%(value)s in the mapping is not a number."),
            value=repr(value),
        )
    elif spec.transform == "upr_cycle_from_session":
        cycle = upr_cycle_from_session(number)
        if cycle is None:
            _flag(
                record,
                spec,
                # Translators: a review flag; %(column)s is the quoted name of a column of the file.
                _("UPR session %(session)s in column %(column)s belongs to no known cycle."),
                _("UPR session %(session)s in the mapping belongs to no known cycle."),
                session=number,
            )
        setattr(record, target, cycle)
    else:
        setattr(record, target, number)


def _apply_date(record: ParsedRecommendation, target: str, spec: FieldMapping, value: str) -> None:
    if not value:
        return
    parsed = _parse_date(value, spec.date_format)
    if parsed is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is a value of the file,
            # %(column)s the name of its column, both quoted.
            _("%(value)s in column %(column)s is not a date this import can read."),
            _("%(value)s in the mapping is not a date this import can read."),
            value=repr(value),
        )
    setattr(record, target, parsed)


# Excel counts days from 1899-12-30 (the 1900 leap-year bug included). Below 10000
# (1927) a bare number is more likely a year or a code than a date; 2958465 is
# Excel's last day, 9999-12-31.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(10_000, 2_958_466)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _parse_date(value: str, date_format: str | None) -> date | None:
    try:
        if date_format:
            return datetime.strptime(value, date_format).date()
        if _ISO_DATE.match(value):
            return date.fromisoformat(value[:10])
        serial = float(value)
    except ValueError:
        return None
    # float() also accepts "nan" and "inf".
    if math.isfinite(serial) and int(serial) in _EXCEL_SERIALS:
        return _EXCEL_EPOCH + timedelta(days=int(serial))
    return None


def _split(raw: str, spec: FieldMapping) -> list[str]:
    parts = raw.split(spec.separator) if spec.separator else [raw]
    items = []
    for part in parts:
        # UHRI exports prefix each value with "- " and leave stray "\r".
        item = clean_label(part)
        if item:
            items.append(spec.map_value(item))
    return items
