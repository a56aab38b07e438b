"""A one-sheet Excel workbook of a header and rows, written straight as SpreadsheetML.

openpyxl builds an object per cell and writes each through its XML writer: about 35 µs a cell, or
eight seconds for an export of 10,000 recommendations. Here each row becomes one string and the
package is the minimal one Excel, LibreOffice and openpyxl open: the content types, the package's
and the workbook's relationships, the workbook, a style sheet (with the date formats) and the
worksheet, streamed into the zip as it is written.

What the cells guarantee:

- a string is always an inline string (``t="inlineStr"``), never a formula, whatever it starts
  with (``=``, ``+``, ``-``, ``@``…): a spreadsheet shows it as text and never runs it;
- the control characters an XML document (so a worksheet) cannot hold are removed, the text is
  XML-escaped and a carriage return kept as a character reference;
- numbers are numbers, booleans booleans, a date or a date and time a real Excel date (a serial
  number with a date format; a time zone is turned into local time, which Excel cannot hold);
- None and the empty string leave the cell empty; anything else (a lazy translation…) is its text.

What the sheet offers people who work in Excel: the header row in bold and frozen (it stays on
screen while scrolling), an autofilter on every column, and column widths from the header and the
first rows (``widths`` to choose them); right to left for Arabic (``rtl``).
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import math
import re
import zipfile
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# XML 1.0 forbids these even as character references (openpyxl's ILLEGAL_CHARACTERS_RE, and the
# two non-characters).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What Excel accepts in a sheet's name (at most 31 characters, none of these).
SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
ROWS_PER_WRITE = 500

DATE_STYLE = 1  # cellXfs index of yyyy-mm-dd
DATETIME_STYLE = 2  # and of yyyy-mm-dd h:mm:ss

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    DECLARATION + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
    '<bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
    # Excel keeps an autofilter's range under this hidden name (openpyxl writes it too).
    '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
    "{filter}</definedName></definedNames>"
    "</workbook>"
)
STYLES = (
    DECLARATION + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
HEADER_STYLE = 3  # cellXfs index of bold text
SHEET_START = DECLARATION + f'<worksheet xmlns="{MAIN}">'
# The header row frozen: it stays in view while the rows scroll.
SHEET_VIEW = (
    '<sheetViews><sheetView workbookViewId="0"{rtl}>'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView></sheetViews>"
)
SAMPLE_ROWS = 200  # rows read to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 60  # in characters


def text(value: str) -> str:
    """A string as the XML of an element's content: no illegal character, escaped."""
    value = ILLEGAL.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")  # a parser would read a bare one as a line feed
    return value


def sheet_name(title: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub("", ILLEGAL.sub("", str(title)))[:31].strip("'") or "Sheet1"


def _cell(ref: str, value: object) -> str:
    """One ``<c>`` element, or "" for an empty cell."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text(value)}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is float or kind is decimal.Decimal:
        if not math.isfinite(value):  # no such number in a worksheet
            return _cell(ref, str(value))
        return f'<c r="{ref}"><v>{value!r}</v></c>' if kind is float else f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{to_excel(value)}</v></c>'
    if isinstance(value, int):  # an int subclass (an IntegerChoices member): its number
        return _cell(ref, int(value))
    if isinstance(value, str):  # a str subclass (a SafeString): str() would give it back as it is
        return _cell(ref, str.__str__(value))
    return _cell(ref, str(value))


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: list[str], sample: list[list[object]]) -> list[float]:
    """Widths (in characters) that show the header and most values of the first rows."""
    widths = []
    for index, title in enumerate(header):
        longest = max([_width(row[index]) for row in sample if index < len(row)] or [0])
        widths.append(float(min(max(longest, len(str(title)) + 3, MIN_WIDTH), MAX_WIDTH) + 1))
    return widths


def write(
    out: IO[bytes],
    title: str,
    header: list[str],
    rows: Iterable[Iterable[object]],
    *,
    widths: list[float] | None = None,
    rtl: bool = False,
) -> None:
    """Write a workbook of one sheet named ``title``: ``header`` (bold, frozen, with an autofilter)
    then ``rows``, to a binary file (an HttpResponse will do: the zip does not need to seek)."""
    rows = iter(rows)
    sample = [list(row) for row in itertools.islice(rows, SAMPLE_ROWS)]
    widths = widths or column_widths(header, sample)
    name = sheet_name(title)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            sheet.write(SHEET_VIEW.replace("{rtl}", ' rightToLeft="1"' if rtl else "").encode())
            columns = "".join(
                f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
                for n, width in enumerate(widths, start=1)
            )
            sheet.write(f"<cols>{columns}</cols><sheetData>".encode())
            count = _write_rows(sheet, itertools.chain([header], sample, rows))
            last = get_column_letter(max(len(header), 1))
            reference = f"A1:{last}{max(count, 1)}"
            sheet.write(f'</sheetData><autoFilter ref="{reference}"/></worksheet>'.encode())
        quoted = name.replace("'", "''")
        filter_range = f"'{quoted}'!$A$1:${last}${max(count, 1)}"
        package.writestr(
            "xl/workbook.xml",
            WORKBOOK.replace("{name}", _attribute(name)).replace("{filter}", text(filter_range)),
        )


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _write_rows(sheet: IO[bytes], rows: Iterable[Iterable[object]]) -> int:
    """Write the rows (the first is the header, in bold); returns how many."""
    letters: list[str] = []
    buffer: list[str] = []
    number = 0
    for number, row in enumerate(rows, start=1):
        values = list(row)
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        suffix = str(number)
        cells = "".join([_cell(letter + suffix, value) for letter, value in zip(letters, values, strict=False)])
        if number == 1:
            cells = cells.replace("<c r=", f'<c s="{HEADER_STYLE}" r=')
        buffer.append(f'<row r="{number}">{cells}</row>')
        if len(buffer) >= ROWS_PER_WRITE:
            sheet.write("".join(buffer).encode())
            buffer.clear()
    sheet.write("".join(buffer).encode())
    return number
