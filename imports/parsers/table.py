"""Reading a CSV file or an Excel sheet into a :class:`Table`: headers and a lazy row iterator.

CSV: encoding (imports.parsers.encoding), delimiter and line endings are detected; Excel: the
workbook is checked before openpyxl opens it (imports.parsers.safety) and one sheet is read.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .common import normalize_space
from .encoding import SAMPLE_BYTES, EncodingGuess, EncodingUncertainError, guess_encoding
from .records import ImportFormatError
from .safety import check_zip_safety

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
    first = next(((number, record) for number, record in records if is_filled(record)), None)
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


def is_filled(cells: Iterable[str]) -> bool:
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
        while loose_key(candidate) in seen:
            count += 1
            candidate = f"{name} ({count})"
        seen.add(loose_key(candidate))
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
        if sheet is not None and loose_key(name) == loose_key(sheet):
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


def loose_key(name: str) -> str:
    # Headers, sheet names and mapped values match loosely: case, spacing and line
    # breaks do not matter.
    return normalize_space(name).casefold()
