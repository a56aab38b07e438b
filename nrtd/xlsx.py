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
    "</workbook>"
)
STYLES = (
    DECLARATION + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_START = DECLARATION + f'<worksheet xmlns="{MAIN}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


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


def write(out: IO[bytes], title: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    """Write a workbook of one sheet named ``title``: ``header`` then ``rows``, to a binary file
    (an HttpResponse will do: the zip does not need to seek)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        name = sheet_name(title).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        package.writestr("xl/workbook.xml", WORKBOOK.replace("{name}", name))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            _write_rows(sheet, itertools.chain([header], rows))
            sheet.write(SHEET_END.encode())


def _write_rows(sheet: IO[bytes], rows: Iterable[Iterable[object]]) -> None:
    letters: list[str] = []
    buffer: list[str] = []
    for number, row in enumerate(rows, start=1):
        values = list(row)
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        suffix = str(number)
        cells = "".join([_cell(letter + suffix, value) for letter, value in zip(letters, values, strict=False)])
        buffer.append(f'<row r="{number}">{cells}</row>')
        if len(buffer) >= ROWS_PER_WRITE:
            sheet.write("".join(buffer).encode())
            buffer.clear()
    sheet.write("".join(buffer).encode())
