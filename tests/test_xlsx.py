"""The Excel writer (nrtd.xlsx): the package's parts, typed cells, no formula ever, nothing a worksheet cannot hold."""

from __future__ import annotations

import datetime
import decimal
import io
import zipfile

import openpyxl
from defusedxml import ElementTree
from django.utils import timezone

from nrtd import xlsx

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADER = ["Text", "Number", "Date"]


def written(rows, title="Recommendations", header=HEADER) -> bytes:
    out = io.BytesIO()
    xlsx.write(out, title, header, rows)
    return out.getvalue()


def cells(content: bytes) -> list[list[tuple[object, str]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_strings_that_look_like_formulas_stay_strings():
    formulas = ["=1+1", "@SUM(A1)", "+SUM(1,2)", "-2+3", '=HYPERLINK("http://evil.example/","x")', "\tcmd"]
    content = written([[text] for text in formulas])
    assert [row[0] for row in cells(content)[1:]] == [(text, "s") for text in formulas]
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheet = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    assert sheet.findall(f".//{MAIN}f") == []  # no formula element anywhere
    assert {c.get("t") for c in sheet.iter(f"{MAIN}c")} == {"inlineStr"}


def test_dates_numbers_and_booleans_keep_their_types():
    content = written(
        [
            ["a", 42, datetime.date(2024, 5, 2)],
            ["b", 1.5, datetime.datetime(2026, 1, 15, 13, 30)],
            ["c", decimal.Decimal("12.25"), timezone.make_aware(datetime.datetime(2025, 3, 1, 8, 0))],
            [True, False, None],
        ]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        ["a", 42, datetime.datetime(2024, 5, 2)],
        ["b", 1.5, datetime.datetime(2026, 1, 15, 13, 30)],
        # Excel has no time zone: the local time.
        ["c", 12.25, datetime.datetime(2025, 3, 1, 8, 0)],
        [True, False, None],
    ]
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].is_date and sheet["C3"].number_format == "yyyy-mm-dd h:mm:ss"
    assert [sheet[ref].data_type for ref in ("B2", "B3", "B4", "A5")] == ["n", "n", "n", "b"]


def test_control_characters_are_removed_and_markup_escaped():
    content = written(
        [
            ["Text pasted\x02 from a PDF\x0b with\x1f control\x00 characters\ufffe", 1, None],
            ['<b>Tom & "Jerry"</b>', 2, None],
            ["Two\r\nlines\tand  spaces ", 3, None],
            ["", 4, "Ünïcödé — عربي — 中文"],
        ]
    )
    rows = [[value for value, _type in row] for row in cells(content)[1:]]
    assert rows == [
        ["Text pasted from a PDF with control characters", 1, None],
        ['<b>Tom & "Jerry"</b>', 2, None],
        ["Two\r\nlines\tand  spaces ", 3, None],
        [None, 4, "Ünïcödé — عربي — 中文"],
    ]


def test_the_package_holds_the_parts_excel_needs_and_every_part_is_well_formed_xml():
    content = written([["x", 1, None]], title="Recommandations: [draft]/1 & more than thirty-one characters")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        assert set(names) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        }
        for name in names:
            ElementTree.fromstring(package.read(name))
    # A sheet name without the characters Excel refuses, at most 31 characters.
    title = openpyxl.load_workbook(io.BytesIO(content)).active.title
    assert title == "Recommandations draft1 & more t"


def test_the_header_is_bold_and_frozen_with_an_autofilter_and_columns_sized_to_their_values():
    rows = [["Ratify the Convention against Torture and its Optional Protocol", 7, datetime.date(2024, 5, 2)]] * 3
    content = written(rows, header=["Text", "Number of the paragraph in the report", "Date"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C4"
    assert [sheet.cell(row=1, column=n).font.b for n in (1, 2, 3)] == [True, True, True]
    assert sheet["A2"].font.b is False
    # As wide as the longest value (or header) of the first rows, within limits.
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths == {"A": 61.0, "B": 41.0, "C": 11.0}
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    names = {n.get("name"): n.text for n in workbook.iter(f"{MAIN}definedName")}
    assert names == {"_xlnm._FilterDatabase": "'Recommendations'!$A$1:$C$4"}


def test_a_right_to_left_sheet():
    out = io.BytesIO()
    xlsx.write(out, "التوصيات", HEADER, [["نص", 1, None]], rtl=True)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.sheet_view.rightToLeft is True
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER, ["نص", 1, None]]


def test_a_safe_string_is_a_string():
    # A template filter's SafeString (filesizeformat's) is a str subclass that str() gives back as it is.
    from django.utils.safestring import mark_safe

    assert [row[0] for row in cells(written([[mark_safe("12 KB")]]))[1:]] == [("12 KB", "s")]
