"""Which parser reads a file: the formats, their detection, and the dispatch to the parsers.

Parsers stay pure (no Django); this module only chooses and calls them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from imports.parsers.records import ImportFormatError, ParsedRecommendation, RowError
from imports.parsers.table import read_table
from imports.parsers.tabular import UPR_INFO_MAPPING, TableMapping, iter_mapped
from imports.parsers.uhri_api import FilterLists, iter_uhri_api_records
from imports.parsers.uhri_json import iter_uhri_json
from imports.parsers.uhri_search import iter_uhri_search_json, iter_uhri_search_xlsx
from imports.parsers.upr_docx import iter_upr_docx

FORMATS = ("uhri-json", "uhri-search-json", "uhri-xlsx", "uhri-api-records", "upr-docx", "csv")
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


def detect_format(fileobj: BinaryIO, filename: str) -> str:
    """Guess the format from the name and the first bytes; ImportFormatError when unsure."""
    start = fileobj.tell()
    head = fileobj.read(_SNIFF_BYTES)
    fileobj.seek(start)
    suffix = Path(filename).suffix.lower()
    if not head.strip():
        raise ImportFormatError(_("The file is empty."))
    if head.startswith(b"PK"):
        try:
            names = set(zipfile.ZipFile(fileobj).namelist())
        except zipfile.BadZipFile as exc:
            raise ImportFormatError(_("The file looks like a zip container (.xlsx, .docx) but is damaged.")) from exc
        finally:
            fileobj.seek(start)
        if "word/document.xml" in names:
            return "upr-docx"
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
            "records, UPR thematic lists (Word) and CSV or Excel sheets."
        )
    )


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
) -> Iterator[ParsedRecommendation | RowError]:
    """The parsed records of the file in the given format (never ``auto``)."""
    country = options.country_names[0] if options.country_names else None
    if format == "uhri-json":
        return iter_uhri_json(fileobj, country=country, language=options.language)
    if format == "uhri-search-json":
        return iter_uhri_search_json(fileobj, country=country, language=options.language)
    if format == "uhri-xlsx":
        return iter_uhri_search_xlsx(fileobj, country=country, language=options.language)
    if format == "uhri-api-records":
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
    # records (a file of saved API records is usually one State's already).
    if country is None or options.filter_lists is None or "countries" not in options.filter_lists:
        return None
    return country
