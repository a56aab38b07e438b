"""Parsers for the UHRI search export, as Excel (.xlsx) and as JSON with the same headers.

The search export holds the full export's data under spreadsheet headers (UHRI.md §2)::

    Text | Countries Concerned | Reccomending Body | Document Symbol | Themes |
    Affected Persons | Sdgs | Document Publication Date | UPR Reccomending States |
    UPR Position | Type | OHCHR Annotation Id | UPR Session | Regions Concerned |
    Recommending Regions | Date of publication on UHRI

Headers are matched ignoring case and spaces, and "Reccomending" (the export's own spelling)
equals "Recommending". Columns may come in any order; unknown columns are ignored. Rows are
converted by the full-export parser, so both exports give identical records.

Workbooks are read with openpyxl in read-only mode, after ``safety.check_zip_safety`` has
vetted the zip container and refused any XML part that declares a DOCTYPE or entities (the
"billion laughs"). openpyxl also parses the sheets and shared strings with defusedxml when it
is installed (``openpyxl.DEFUSEDXML``), a second line of defence whose refusals are reported
as an ImportFormatError too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import openpyxl
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.exceptions import InvalidFileException

from .common import (
    country_key,
    iter_json_array,
    normalize_space,
    record_location,
    row_location,
    split_multi_value,
)
from .records import ImportFormatError, ParsedRecommendation, RowError, SkippedRow
from .safety import DEFAULT_MAX_RATIO, DEFAULT_MAX_UNCOMPRESSED_BYTES, check_zip_safety
from .uhri_json import parse_uhri_record

# Header key (see header_key) → (header as the export names it, full-export key).
COLUMNS: dict[str, tuple[str, str]] = {
    "text": ("Text", "Text"),
    "countriesconcerned": ("Countries Concerned", "Countries"),
    "recommendingbody": ("Recommending Body", "Body"),
    "documentsymbol": ("Document Symbol", "Symbol"),
    "themes": ("Themes", "Themes"),
    "affectedpersons": ("Affected Persons", "AffectedPersons"),
    "sdgs": ("Sdgs", "Sdgs"),
    "documentpublicationdate": ("Document Publication Date", "PublicationDate"),
    "uprrecommendingstates": ("UPR Recommending States", "UprRecommendingCountry"),
    "uprposition": ("UPR Position", "UprPositions"),
    "type": ("Type", "AnnotationType"),
    "ohchrannotationid": ("OHCHR Annotation Id", "AnnotationId"),
    "uprsession": ("UPR Session", "UprSession"),
    "regionsconcerned": ("Regions Concerned", "Regions"),
    "recommendingregions": ("Recommending Regions", "UprRecommendingRegions"),
    "dateofpublicationonuhri": ("Date of publication on UHRI", "PublicationDateOnUhri"),
}
# Without these a row is not a usable, deduplicable recommendation of a known State.
REQUIRED_COLUMNS = (
    "text",
    "countriesconcerned",
    "recommendingbody",
    "documentsymbol",
    "ohchrannotationid",
)
# Title or filter rows may precede the header row in a hand-edited export.
_HEADER_SEARCH_ROWS = 10


def header_key(header: Any) -> str:
    """The comparison key of a header: no spaces, case-folded, misspelling corrected."""
    key = "".join(normalize_space(str(header or "")).split()).casefold()
    return key.replace("reccomending", "recommending")


def iter_uhri_search_xlsx(
    fileobj: IO[bytes],
    *,
    country: str | None,
    language: str = "en",
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Yield the rows of a UHRI search export workbook (first sheet) that concern ``country``.

    ``fileobj`` must be a seekable binary file. Locations are the sheet's row numbers
    (``"row 12"``). Raises ImportFormatError for a file that is not a safe, readable workbook
    or lacks required columns.
    """
    check_zip_safety(fileobj, max_uncompressed_bytes=max_uncompressed, max_ratio=max_ratio)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except _WORKBOOK_ERRORS as error:
        raise ImportFormatError(_workbook_error_message(error)) from None
    try:
        if not workbook.worksheets:
            raise ImportFormatError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's recorded dimensions, which some exporters get
        # wrong ("A1"), silently cutting rows short: read every cell there is instead.
        sheet.reset_dimensions()
        rows = _read_rows(sheet.iter_rows(values_only=True))
        header_number, columns = _find_header_row(rows)
        for number, values in enumerate(rows, start=header_number + 1):
            if not any(_filled(value) for value in values):
                continue
            row = {key: values[index] for index, key in columns.items() if index < len(values)}
            yield from _convert(row, row_location(number), country=country, language=language)
    finally:
        workbook.close()


def iter_uhri_search_json(
    fileobj: IO[Any], *, country: str | None, language: str = "en"
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Yield the records of a search export saved as a JSON array of objects keyed by the
    export's headers. Locations are ``"record N"``; the first record's keys are checked for
    the required columns.
    """
    columns: dict[str, str] | None = None
    for number, record in enumerate(iter_json_array(fileobj), start=1):
        location = record_location(number)
        if not isinstance(record, dict):
            yield RowError(location, _("The record is not a JSON object."))
            continue
        if columns is None:
            columns = _match_columns(record.keys())
        row = {key: record.get(header) for header, key in columns.items()}
        yield from _convert(row, location, country=country, language=language)


def _match_columns(headers: Iterable[Any]) -> dict[Any, str]:
    """Map each recognised header (as found) to its header key; raise if required ones lack."""
    found: dict[Any, str] = {}
    for header in headers:
        key = header_key(header)
        if key in COLUMNS and key not in found.values():
            found[header] = key
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in found.values()]
    if missing:
        present = [normalize_space(str(header)) for header in headers if _filled(header)]
        values = {"missing": ", ".join(missing), "found": ", ".join(present)}
        if present:
            message = ngettext(
                "The file is missing a required column: %(missing)s. Columns found: %(found)s.",
                "The file is missing required columns: %(missing)s. Columns found: %(found)s.",
                len(missing),
            )
        else:
            message = ngettext(
                "The file is missing a required column: %(missing)s. Columns found: none.",
                "The file is missing required columns: %(missing)s. Columns found: none.",
                len(missing),
            )
        raise ImportFormatError(message % values)
    return found


def _find_header_row(rows: Iterator[tuple[Any, ...]]) -> tuple[int, dict[int, str]]:
    """The header row's number and a map of column index → header key.

    Looks at the first rows for one holding every required column; when none does, the
    error lists the columns of the first non-empty row.
    """
    first_error: ImportFormatError | None = None
    for number, values in enumerate(rows, start=1):
        if any(_filled(value) for value in values):
            try:
                by_header = _match_columns(values)
            except ImportFormatError as error:
                first_error = first_error or error
            else:
                return number, _indexes(values, by_header)
        if number >= _HEADER_SEARCH_ROWS:
            break
    raise first_error or ImportFormatError(_("The first sheet of the workbook is empty."))


def _indexes(values: tuple[Any, ...], by_header: Mapping[Any, str]) -> dict[int, str]:
    taken: set[str] = set()
    indexes = {}
    for index, value in enumerate(values):
        key = by_header.get(value)
        if key and key not in taken:
            indexes[index] = key
            taken.add(key)
    return indexes


def _convert(
    row: Mapping[str, Any], location: str, *, country: str | None, language: str
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Yield the row as a record, if it concerns ``country`` (every row if None)."""
    if country is not None:
        wanted = country_key(country)
        names = split_multi_value(row.get("countriesconcerned"))
        if not any(country_key(name) == wanted for name in names):
            yield SkippedRow(location, normalize_space(names[0]) if names else "")
            return
    record = {COLUMNS[key][1]: value for key, value in row.items()}
    yield parse_uhri_record(record, location=location, language=language, column_names=_COLUMN_NAMES)


_COLUMN_NAMES = {export_key: header for header, export_key in COLUMNS.values()}


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


# What openpyxl raises on a damaged or hostile workbook: the zip layer, missing parts
# (KeyError), XML syntax errors (SyntaxError covers ElementTree's and lxml's), defusedxml's
# refusals (ValueError subclasses) and malformed values in its descriptors (TypeError).
_WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    SyntaxError,
    OSError,
    EOFError,
)


def _workbook_error_message(error: BaseException) -> str:
    # openpyxl wraps what went wrong in its own ValueError: look down the chain.
    causes = []
    while error is not None and len(causes) < 10:
        causes.append(error)
        error = error.__cause__ or error.__context__
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        return _("The workbook contains XML entity or document type declarations, which are refused for safety.")
    return _("The file is not a readable Excel (.xlsx) workbook.")


def _read_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    # openpyxl parses sheet XML lazily, while rows are read: errors surface here.
    try:
        yield from rows
    except _WORKBOOK_ERRORS as error:
        raise ImportFormatError(_workbook_error_message(error)) from None
