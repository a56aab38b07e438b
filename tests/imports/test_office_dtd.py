"""Office parts are parsed with the DTD forbidden, whatever their encoding (imports.parsers.safety).

A hostile part (a DOCTYPE declaring an entity) in UTF-8, UTF-16 and UTF-32, with and without a
byte order mark, and in UTF-16 behind a leading space (which no byte-order guess recognises), in
a workbook imported as a table and in a Word list of UPR recommendations: each is refused with a
clear message before openpyxl or python-docx read it.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from imports.parsers.records import ImportFormatError
from imports.parsers.table import read_table
from imports.parsers.upr_docx import iter_upr_docx
from tests.imports.documents import hostile

DOCTYPE = '<!DOCTYPE x [<!ENTITY e "expanded">]>'
ENCODINGS = [
    ("utf-8", False),
    ("utf-8", True),
    ("utf-16-le", True),
    ("utf-16-le", False),
    ("utf-16-be", True),
    ("utf-32-le", True),
    ("utf-32-le", False),
    ("utf-32-be", True),
    ("utf-32-be", False),
]
REFUSED = ("declares a DOCTYPE or XML entities", "is not XML as Office documents write it")


def workbook_with_sheet(sheet_xml: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Recommendation", "Symbol"])
    book.active.append(["Ratify the convention", "A/HRC/1"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def hostile_sheet(encoding: str, *, bom: bool, lead: str = "") -> bytes:
    name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
    # Nothing may come before an XML declaration: a part led by a space has none.
    declaration = "" if lead else f'<?xml version="1.0" encoding="{name}"?>'
    xml = (
        f"{lead}{declaration}{DOCTYPE}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
    )
    return hostile.encode_xml(xml, encoding, bom=bom)


def assert_refused(error: ImportFormatError) -> None:
    assert any(reason in str(error) for reason in REFUSED), str(error)
    assert "the file was refused for safety" in str(error)


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_a_workbook_with_a_dtd_is_refused(encoding, bom):
    data = workbook_with_sheet(hostile_sheet(encoding, bom=bom))
    with pytest.raises(ImportFormatError) as refusal:
        read_table(io.BytesIO(data), filename="list.xlsx")
    assert_refused(refusal.value)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_dtd_the_byte_scan_cannot_see_is_refused_by_the_parser(encoding):
    """UTF-16 without a byte order mark, behind a space: the scan reads it as Latin-1 and finds no
    DOCTYPE between the zero bytes; the parser, which reads it as UTF-16, refuses it."""
    data = workbook_with_sheet(hostile_sheet(encoding, bom=False, lead=" "))
    with pytest.raises(ImportFormatError) as refusal:
        read_table(io.BytesIO(data), filename="list.xlsx")
    assert_refused(refusal.value)


def test_a_normal_workbook_is_read():
    book = openpyxl.Workbook()
    book.active.append(["Recommendation", "Symbol"])
    book.active.append(["Ratify the convention", "A/HRC/1"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(io.BytesIO(buffer.getvalue()), filename="list.xlsx")
    assert table.headers == ["Recommendation", "Symbol"]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_a_word_list_with_a_dtd_is_refused(encoding, bom):
    name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
    xml = hostile.document_xml(["Recommendation &e;"], doctype=DOCTYPE, encoding=name)
    data = hostile.build_docx(hostile.encode_xml(xml, encoding, bom=bom))
    with pytest.raises(ImportFormatError) as refusal:
        list(iter_upr_docx(io.BytesIO(data)))
    assert_refused(refusal.value)
