"""Which parser reads a file: the formats, their detection, and the dispatch to the parsers.

Parsers stay pure (no Django); this module only chooses and calls them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from imports.parsers.document_limits import DEFAULT_LIMITS, DocumentLimits
from imports.parsers.document_reader import is_pdf, read_bounded
from imports.parsers.records import ImportFormatError, ParsedRecommendation, RowError, SkippedRow
from imports.parsers.table import read_table
from imports.parsers.tabular import UPR_INFO_MAPPING, TableMapping, iter_mapped
from imports.parsers.uhri_api import FilterLists, iter_uhri_api_records
from imports.parsers.uhri_json import iter_uhri_json
from imports.parsers.uhri_search import iter_uhri_search_json, iter_uhri_search_xlsx
from imports.parsers.un_documents import (
    FORMAT_UPR_ADDENDUM,
    detect_un_document,
    read_un_document,
)
from imports.parsers.un_documents import (
    FORMATS as UN_FORMATS,
)
from imports.parsers.un_documents import (
    RECOMMENDATION_FORMATS as UN_RECOMMENDATION_FORMATS,
)
from imports.parsers.upr_docx import iter_upr_docx

FORMATS = ("uhri-json", "uhri-search-json", "uhri-xlsx", "uhri-api-records", "upr-docx", "csv", *UN_FORMATS)
ADDENDUM_FORMAT = FORMAT_UPR_ADDENDUM
PRESET_MAPPINGS: dict[str, TableMapping] = {"upr-info": UPR_INFO_MAPPING}
_SNIFF_BYTES = 64 * 1024


@dataclass
class ParseOptions:
    """What a parser needs besides the file."""

    # Spellings of the State under review, to keep only its records from multi-State files.
    country_names: list[str] = field(default_factory=list)
    mapping: TableMapping | None = None
    encoding: str | None = None
    filter_lists: FilterLists | None = None
    language: str = "en"
    # What a UN document (PDF, Word) may cost to read.
    document_limits: DocumentLimits = DEFAULT_LIMITS
    # Where saved UHRI API records get their filter lists when none were given: called once,
    # only for such records (a fetch from the API, when configured).
    filter_lists_loader: Callable[[], FilterLists | None] | None = None
    # Only these mechanisms' records are imported (a scheduled UHRI fetch); empty: all.
    mechanism_ids: list[int] = field(default_factory=list)


def detect_format(fileobj: BinaryIO, filename: str, *, limits: DocumentLimits = DEFAULT_LIMITS) -> str:
    """Guess the format from the name and the first bytes; ImportFormatError when unsure.

    A PDF, and a Word file, is read whole (within ``limits``) to recognise the kind of UN
    document from its first page; a Word file that is none is a UPR thematic list. An unsafe or
    unreadable document raises DocumentRefused (an ImportFormatError) here already.
    """
    start = fileobj.tell()
    head = fileobj.read(_SNIFF_BYTES)
    fileobj.seek(start)
    suffix = Path(filename).suffix.lower()
    if not head.strip():
        raise ImportFormatError(_("The file is empty."))
    if is_pdf(head):
        try:
            found = detect_un_document(read_bounded(fileobj, limits), limits=limits)
        finally:
            fileobj.seek(start)
        if found is None:
            raise ImportFormatError(
                _(
                    "The PDF is not a UN document the import knows. Accepted: the UPR Working Group's report and the "
                    "State's addendum to it, treaty bodies' concluding observations and special procedures' "
                    "country-visit reports."
                )
            )
        return found
    if head.startswith(b"PK"):
        try:
            names = set(zipfile.ZipFile(fileobj).namelist())
        except zipfile.BadZipFile as exc:
            raise ImportFormatError(_("The file looks like a zip container (.xlsx, .docx) but is damaged.")) from exc
        finally:
            fileobj.seek(start)
        if "word/document.xml" in names:
            return _word_format(fileobj, limits)
        if "xl/workbook.xml" in names:
            return "uhri-xlsx" if _looks_like_uhri_workbook(fileobj) else "csv"
        raise ImportFormatError(_("The file is a zip container but neither a Word document nor an Excel workbook."))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"[", b"{"):
        sample = text[:_SNIFF_BYTES].decode("utf-8", errors="ignore")
        if '"annotationId"' in sample:
            return "uhri-api-records"
        if '"AnnotationId"' in sample:
            return "uhri-json"
        if "Annotation Id" in sample or "Countries Concerned" in sample:
            return "uhri-search-json"
        raise ImportFormatError(_("The JSON file is neither a UHRI export nor saved UHRI API records."))
    if suffix in {".csv", ".txt", ".tsv"} or b"," in head or b";" in head or b"\t" in head:
        return "csv"
    raise ImportFormatError(
        _(
            "The format of the file could not be recognised. Accepted: UHRI exports (JSON, Excel), saved UHRI API "
            "records, UPR thematic lists (Word), UN documents (PDF or Word) and CSV or Excel sheets."
        )
    )


def _word_format(fileobj: BinaryIO, limits: DocumentLimits) -> str:
    """A UN document's format, or ``upr-docx`` for any other Word file (a thematic list)."""
    start = fileobj.tell()
    size = fileobj.seek(0, 2) - start
    fileobj.seek(start)
    if size > limits.max_bytes:
        return "upr-docx"  # Larger than any UN document: a (long) thematic list, read as such.
    try:
        found = detect_un_document(read_bounded(fileobj, limits), limits=limits)
    finally:
        fileobj.seek(start)
    return found or "upr-docx"


def _looks_like_uhri_workbook(fileobj: BinaryIO) -> bool:
    """A UHRI search export names its columns "OHCHR Annotation Id" and "Countries Concerned"."""
    start = fileobj.tell()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            for name in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                if name in archive.namelist():
                    with archive.open(name) as part:
                        chunk = part.read(_SNIFF_BYTES)
                    if b"Annotation Id" in chunk or b"Countries Concerned" in chunk:
                        return True
        return False
    finally:
        fileobj.seek(start)


def iter_records(
    fileobj: BinaryIO, *, format: str, filename: str, options: ParseOptions
) -> Iterable[ParsedRecommendation | RowError | SkippedRow]:
    """The parsed records of the file in the given format (never ``auto``, nor the addendum's).

    A UN document's records come as a ``UnDocument``, which also says what the document says of
    itself (symbol, date, session…) and what follow-up it asks for.
    """
    if format in UN_RECOMMENDATION_FORMATS or format == ADDENDUM_FORMAT:
        return read_un_document(fileobj, format=format, language=options.language, limits=options.document_limits)
    country = options.country_names[0] if options.country_names else None
    if format == "uhri-json":
        return iter_uhri_json(fileobj, country=country, language=options.language)
    if format == "uhri-search-json":
        return iter_uhri_search_json(fileobj, country=country, language=options.language)
    if format == "uhri-xlsx":
        return iter_uhri_search_xlsx(fileobj, country=country, language=options.language)
    if format == "uhri-api-records":
        if options.filter_lists is None and options.filter_lists_loader is not None:
            options.filter_lists = options.filter_lists_loader()
        return iter_uhri_api_records(
            fileobj, filter_lists=options.filter_lists, country_id_or_label=_api_country(country, options)
        )
    if format == "upr-docx":
        return iter_upr_docx(fileobj, language=options.language)
    if format == "csv":
        if options.mapping is None:
            raise ImportFormatError(_("A CSV or Excel sheet needs a column mapping (for example --mapping upr-info)."))
        table = read_table(fileobj, filename=filename, encoding=options.encoding)
        names: Collection[str] | None = options.country_names or None
        return iter_mapped(table, options.mapping, country=names)
    raise ImportFormatError(
        # Translators: %(format)s is the format asked for, %(formats)s the list of format codes.
        _("Unknown format %(format)s; accepted: %(formats)s.") % {"format": repr(format), "formats": ", ".join(FORMATS)}
    )


def _api_country(country: str | None, options: ParseOptions) -> str | None:
    # Without the countries filter list, a label cannot be turned into the API's id: keep all
    # records (a file of saved API records is usually one State's already). With it, the first
    # of the State's names the list knows; none known: all records again.
    lists = options.filter_lists
    if country is None or lists is None or "countries" not in lists:
        return None
    return next((name for name in options.country_names if lists.ids_for_label("countries", name)), None)
