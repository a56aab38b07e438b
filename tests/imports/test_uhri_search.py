"""Tests of the UHRI search-export parsers (Excel and JSON with the same headers)."""

import dataclasses
import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from imports.parsers.records import ParsedRecommendation, RowError, SkippedRow
from imports.parsers.uhri_search import (
    header_key,
    iter_uhri_search_json,
    iter_uhri_search_xlsx,
)
from tests.imports.helpers import (
    FIXTURES,
    FULL_EXPORT_CRC_RECORD,
    FULL_EXPORT_UPR_RECORD,
    kept,
    raises_message,
    real_api_records,
    replace_parts,
    write_workbook,
    write_zeros_zip,
    write_zip,
    zip_members,
)

EXPORT = FIXTURES / "uhri-search-export.json"

# The full export's first two annotations, as this fixture has them: other dates of publication
# on UHRI, and the recommending body by its name.
UPR_ROW = dataclasses.replace(FULL_EXPORT_UPR_RECORD, published_on_uhri=date(2026, 4, 13))
CRC_ROW = dataclasses.replace(
    FULL_EXPORT_CRC_RECORD,
    mechanism="Committee on the Rights of the Child",
    published_on_uhri=date(2026, 2, 25),
)
SOUTH_SUDAN_ROW = ParsedRecommendation(
    location="record 3",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e04",
    mechanism="UPR",
    symbol="A/HRC/55/7",
    paragraph="",
    texts={"en": "Adopt a law on domestic violence (Chile);"},
    issued_on=date(2024, 3, 2),
    upr_cycle=4,
    upr_session=44,
    countries=["South Sudan"],
    recommending_countries=["Chile"],
    position="partially_supported",
    position_raw="Supported/Noted",
    themes=["Domestic violence"],
    affected_groups=["IE Albinism"],
    sdg_goals=["5"],
)
NO_TEXT = RowError("record 4", "The record has no text.", column="Text")

# The export's headers, reordered and respelt as other exports do.
XLSX_HEADERS = [
    "OHCHR Annotation Id",
    "Text",
    "countries  concerned",
    "Recommending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Recommending States",
    "UPR Position",
    "Type",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
    "A column of our own",
]


def fixture_rows() -> list[dict]:
    return json.loads(EXPORT.read_text(encoding="utf-8"))


def export_as_xlsx(path: Path) -> Path:
    """The JSON fixture as a workbook: title rows first, a blank row between data rows."""
    by_key = [{header_key(key): value for key, value in row.items()} for row in fixture_rows()]
    rows = [[row.get(header_key(header)) for header in XLSX_HEADERS] for row in by_key]
    rows[0][-1] = "ignored"
    # Dates come as serial numbers or, when the cell is formatted as a date, as datetimes.
    rows[1][XLSX_HEADERS.index("Document Publication Date")] = datetime(2024, 6, 20, 0, 0)
    title_rows = [["UHRI search export"], []]
    data_rows = [rows[0], rows[1], [None] * len(XLSX_HEADERS), rows[2], rows[3]]
    return write_workbook(path, {"Export": [*title_rows, XLSX_HEADERS, *data_rows]})


def read_xlsx(path: Path, country: str | None = "Slovenia", **options) -> list:
    with path.open("rb") as fileobj:
        return kept(iter_uhri_search_xlsx(fileobj, country=country, **options))


def read_json(data: bytes, country: str | None = "Slovenia") -> list:
    return kept(iter_uhri_search_json(io.BytesIO(data), country=country))


def relocated(result: ParsedRecommendation | RowError, location: str) -> ParsedRecommendation | RowError:
    return dataclasses.replace(result, location=location)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("UPR Reccomending States", "uprrecommendingstates"),
        ("upr  recommending states ", "uprrecommendingstates"),
        ("Reccomending Body", "recommendingbody"),
        ("OHCHR\u00a0Annotation Id", "ohchrannotationid"),
        (None, ""),
    ],
)
def test_header_key(header, key):
    assert header_key(header) == key


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("Slovenia", [UPR_ROW, CRC_ROW, NO_TEXT]),
        ("south sudan", [SOUTH_SUDAN_ROW]),
        (None, [UPR_ROW, CRC_ROW, SOUTH_SUDAN_ROW, NO_TEXT]),
    ],
    ids=["the-country", "another-country", "all"],
)
def test_json_export_rows(country, expected):
    assert read_json(EXPORT.read_bytes(), country=country) == expected


def test_json_export_missing_columns():
    data = json.dumps([{"Text": "1. A", "Themes": "- B", "Extra": 1}]).encode()
    with raises_message(
        "The file is missing required columns: Countries Concerned, Recommending Body, "
        "Document Symbol, OHCHR Annotation Id. Columns found: Text, Themes, Extra."
    ):
        read_json(data)


def test_json_export_non_object_record():
    rows = [*fixture_rows()[:1], ["not", "an", "object"]]
    assert read_json(json.dumps(rows).encode()) == [
        UPR_ROW,
        RowError("record 2", "The record is not a JSON object."),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"Text,Countries Concerned\n",
            "The file is not JSON: a JSON array starts with '[', this file starts with 'Text,Countries Conce'.",
        ),
        (
            b'[{"Text": "1. A", "Count',
            "The file ends in the middle of record 1: it is probably truncated.",
        ),
    ],
)
def test_json_export_bad_files(data, message):
    with raises_message(message):
        read_json(data)


# --- Excel -----------------------------------------------------------------------------------


def test_xlsx_export_rows_of_the_country(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    assert read_xlsx(path) == [
        relocated(UPR_ROW, "row 4"),
        relocated(CRC_ROW, "row 5"),
        dataclasses.replace(NO_TEXT, location="row 8"),
    ]


def test_xlsx_export_all_rows(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    assert [result.location for result in read_xlsx(path, country=None)] == [
        "row 4",
        "row 5",
        "row 7",
        "row 8",
    ]
    assert read_xlsx(path, country="South Sudan") == [relocated(SOUTH_SUDAN_ROW, "row 7")]
    # The other rows are left aside, named by their State, for the import's count.
    with path.open("rb") as fileobj:
        results = list(iter_uhri_search_xlsx(fileobj, country="South Sudan"))
    assert [result for result in results if isinstance(result, SkippedRow)] == [
        SkippedRow("row 4", "Slovenia"),
        SkippedRow("row 5", "Slovenia"),
        SkippedRow("row 8", "Slovenia"),
    ]


def test_xlsx_with_wrong_recorded_dimensions(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    sheet = zip_members(path)["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:Q8"/>' in sheet
    wrong = replace_parts(
        path,
        {"xl/worksheets/sheet1.xml": sheet.replace('<dimension ref="A1:Q8"/>', '<dimension ref="A1"/>')},
        target=tmp_path / "wrong.xlsx",
    )
    assert read_xlsx(wrong) == read_xlsx(path)


def test_xlsx_export_missing_columns(tmp_path):
    path = write_workbook(
        tmp_path / "narrow.xlsx",
        {"Export": [["Text", "Countries Concerned", None, "Themes"], ["1. A", "- Slovenia", None, "- B"]]},
    )
    with raises_message(
        "The file is missing required columns: Recommending Body, Document Symbol, "
        "OHCHR Annotation Id. Columns found: Text, Countries Concerned, Themes."
    ):
        read_xlsx(path)


def test_xlsx_empty_sheet(tmp_path):
    path = write_workbook(tmp_path / "empty.xlsx")
    with raises_message("The first sheet of the workbook is empty."):
        read_xlsx(path)


@pytest.mark.parametrize("data", [b"", b"Text,Countries Concerned\r\n1. A,Slovenia\r\n"])
def test_xlsx_not_a_zip(tmp_path, data):
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    with raises_message("The file is not a valid ZIP-based Office document."):
        read_xlsx(path)


def test_xlsx_zip_that_is_not_a_workbook(tmp_path):
    path = write_zip(tmp_path / "document.xlsx", {"word/document.xml": "<w:document/>"})
    with raises_message("The file is not a readable Excel (.xlsx) workbook."):
        read_xlsx(path)


def test_xlsx_zip_bomb_by_size_is_refused_before_reading(tmp_path):
    """About 270 MB of zeros that deflate to a few hundred kilobytes."""
    path = write_zeros_zip(
        tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 258, before={"[Content_Types].xml": "<Types/>"}
    )
    assert path.stat().st_size < 2 * 1024 * 1024
    with raises_message("The file expands to more than 256 MB when unpacked, which is more than is accepted."):
        read_xlsx(path)


def test_xlsx_zip_bomb_by_ratio_is_refused(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    bomb = replace_parts(path, {"xl/media/padding.bin": b"\0" * (8 * 1024 * 1024)}, target=tmp_path / "bomb.xlsx")
    with raises_message("The part 'xl/media/padding.bin' is compressed to a suspicious degree (a possible ZIP bomb)."):
        read_xlsx(bomb)


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml."
LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10))
    + "]>\n"
)
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
MINIMAL_STRINGS = [
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "OHCHR Annotation Id",
    "12. Ratify the Convention (Chile);",
    "- Slovenia",
    "- UPR",
    "A/HRC/59/15",
    "x1",
]


def minimal_workbook(path: Path, *, strings_prolog: str = "", sheet_prolog: str = "", entity: str = "") -> Path:
    """A hand-made workbook whose cells use the shared strings part (openpyxl writes inline
    strings), so that a hostile shared strings part would really be parsed.
    """
    strings = [*MINIMAL_STRINGS[:-1], entity or MINIMAL_STRINGS[-1]]
    sst = "".join(f"<si><t>{text}</t></si>" for text in strings)
    cells = [
        "".join(
            f'<c r="{column}{row}" t="s"><v>{(row - 1) * 5 + index}</v></c>' for index, column in enumerate("ABCDE")
        )
        for row in (1, 2)
    ]
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPES}sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{SHEET_TYPES}worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{SHEET_TYPES}sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS_NS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": f'{strings_prolog}<sst xmlns="{MAIN_NS}">{sst}</sst>',
        "xl/worksheets/sheet1.xml": (
            f'{sheet_prolog}<worksheet xmlns="{MAIN_NS}"><sheetData>'
            + "".join(f'<row r="{row}">{cells[row - 1]}</row>' for row in (1, 2))
            + "</sheetData></worksheet>"
        ),
    }
    return write_zip(path, parts)


def test_minimal_workbook_reads_its_shared_strings(tmp_path):
    assert read_xlsx(minimal_workbook(tmp_path / "minimal.xlsx")) == [
        ParsedRecommendation(
            location="row 2",
            external_id="x1",
            mechanism="UPR",
            symbol="A/HRC/59/15",
            paragraph="12",
            texts={"en": "12. Ratify the Convention (Chile);"},
            countries=["Slovenia"],
        )
    ]


@pytest.mark.parametrize(
    ("options", "part"),
    [
        ({"strings_prolog": LAUGHS, "entity": "&lol9;"}, "xl/sharedStrings.xml"),
        ({"sheet_prolog": LAUGHS}, "xl/worksheets/sheet1.xml"),
        ({"strings_prolog": EXTERNAL, "entity": "&xxe;"}, "xl/sharedStrings.xml"),
    ],
    ids=["billion-laughs-in-shared-strings", "billion-laughs-in-sheet", "external-entity"],
)
def test_xlsx_entity_tricks_are_refused(tmp_path, options, part):
    hostile = minimal_workbook(tmp_path / "hostile.xlsx", **options)
    with raises_message(
        f"The part {part!r} declares a DOCTYPE or XML entities, which Office documents never do; "
        "the file was refused for safety."
    ):
        read_xlsx(hostile)


def test_real_texts_in_a_search_workbook(tmp_path):
    """No real search export is shared; its texts are the API sample's English ones."""
    api_records = real_api_records()
    headers = [
        "Text",
        "Countries Concerned",
        "Reccomending Body",
        "Document Symbol",
        "OHCHR Annotation Id",
        "Document Publication Date",
    ]
    rows = [
        [record["en"], "- Testland\r", "", record["symbol"], record["annotationId"], 45700.25] for record in api_records
    ]
    results = read_xlsx(write_workbook(tmp_path / "real.xlsx", {"Export": [headers, *rows]}), country="TESTLAND")
    assert len(results) == 325
    assert [result.location for result in results] == [f"row {n}" for n in range(2, 327)]
    assert all(isinstance(result, ParsedRecommendation) for result in results)
    assert {result.issued_on for result in results} == {date(2025, 2, 12)}
    assert results[0].paragraph == "127.179"
    assert sum(1 for result in results if result.paragraph) == 318
