"""Tests of the UHRI search-export parsers (Excel and JSON with the same headers)."""

import dataclasses
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from recommendations.importers.records import ImportFormatError, ParsedRecommendation, RowError
from recommendations.importers.uhri_search import (
    header_key,
    iter_uhri_search_json,
    iter_uhri_search_xlsx,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"
EXPORT = FIXTURES / "uhri-search-export.json"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

UPR_ROW = ParsedRecommendation(
    location="record 1",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e01",
    mechanism="UPR",
    symbol="A/HRC/59/15",
    paragraph="121.45",
    annotation_type="recommendation",
    texts={
        "en": "121.45 Continue its efforts to combat discrimination against Roma and to improve "
        "their access to education (Pakistan);"
    },
    issued_on=date(2025, 2, 12),
    published_on_uhri=date(2026, 4, 13),
    upr_cycle=4,
    upr_session=48,
    countries=["Slovenia"],
    recommending_countries=["Pakistan"],
    position="supported",
    position_raw="Supported",
    themes=["Equality & non-discrimination", "Right to education"],
    affected_groups=[
        "Minorities/ racial, ethnic, linguistic, religious or descent-based groups",
        "Children",
    ],
    sdg_targets=["16.2"],
    sdg_goals=["4"],
)
CRC_ROW = ParsedRecommendation(
    location="record 2",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e02",
    mechanism="Committee on the Rights of the Child",
    symbol="CRC/C/SVN/CO/5-6",
    paragraph="23",
    annotation_type="observation",
    texts={
        "en": "Birth registration\n23. The Committee is concerned that children born to Roma "
        "families are not always registered at birth."
    },
    issued_on=date(2024, 6, 20),
    published_on_uhri=date(2026, 2, 25),
    countries=["Slovenia"],
    themes=["Birth registration & right to a name & nationality"],
    affected_groups=["Children"],
    sdg_targets=["16.9"],
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


def write_xlsx(path: Path, headers: list, rows: list[list], *, before: list[list] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [*before, headers, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def export_as_xlsx(path: Path) -> Path:
    """The JSON fixture as a workbook: title rows first, a blank row between data rows."""
    by_key = [{header_key(key): value for key, value in row.items()} for row in fixture_rows()]
    rows = [[row.get(header_key(header)) for header in XLSX_HEADERS] for row in by_key]
    rows[0][-1] = "ignored"
    # Dates come as serial numbers or, when the cell is formatted as a date, as datetimes.
    rows[1][XLSX_HEADERS.index("Document Publication Date")] = datetime(2024, 6, 20, 0, 0)
    return write_xlsx(
        path,
        XLSX_HEADERS,
        [rows[0], rows[1], [None] * len(XLSX_HEADERS), rows[2], rows[3]],
        before=[["UHRI search export"], []],
    )


def read_xlsx(path: Path, country: str | None = "Slovenia", **options) -> list:
    with path.open("rb") as fileobj:
        return list(iter_uhri_search_xlsx(fileobj, country=country, **options))


def read_json(data: bytes, country: str | None = "Slovenia") -> list:
    return list(iter_uhri_search_json(io.BytesIO(data), country=country))


def relocated(result, location: str):
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


def test_json_export_rows_of_the_country():
    assert read_json(EXPORT.read_bytes()) == [UPR_ROW, CRC_ROW, NO_TEXT]


def test_json_export_other_country_and_all():
    assert read_json(EXPORT.read_bytes(), country="south sudan") == [SOUTH_SUDAN_ROW]
    assert read_json(EXPORT.read_bytes(), country=None) == [
        UPR_ROW,
        CRC_ROW,
        SOUTH_SUDAN_ROW,
        NO_TEXT,
    ]


def test_json_export_missing_columns():
    data = json.dumps([{"Text": "1. A", "Themes": "- B", "Extra": 1}]).encode()
    with pytest.raises(ImportFormatError) as raised:
        read_json(data)
    assert str(raised.value) == (
        "The file is missing required columns: Countries Concerned, Recommending Body, "
        "Document Symbol, OHCHR Annotation Id. Columns found: Text, Themes, Extra."
    )


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
    with pytest.raises(ImportFormatError) as raised:
        read_json(data)
    assert str(raised.value) == message


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


def test_xlsx_with_wrong_recorded_dimensions(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:Q8"/>' in sheet
    wrong = replace_part(
        path,
        tmp_path / "wrong.xlsx",
        "xl/worksheets/sheet1.xml",
        sheet.replace('<dimension ref="A1:Q8"/>', '<dimension ref="A1"/>'),
    )
    assert read_xlsx(wrong) == read_xlsx(path)


def replace_part(path: Path, target: Path, name: str, content: str) -> Path:
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            data = content.encode() if item.filename == name else source.read(item.filename)
            archive.writestr(item.filename, data)
    return target


def test_xlsx_export_missing_columns(tmp_path):
    path = write_xlsx(
        tmp_path / "narrow.xlsx",
        ["Text", "Countries Concerned", None, "Themes"],
        [["1. A", "- Slovenia", None, "- B"]],
    )
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(path)
    assert str(raised.value) == (
        "The file is missing required columns: Recommending Body, Document Symbol, "
        "OHCHR Annotation Id. Columns found: Text, Countries Concerned, Themes."
    )


def test_xlsx_empty_sheet(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(path)
    assert str(raised.value) == "The first sheet of the workbook is empty."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is not a valid zip container (an .xlsx or .docx file is one)."),
        (
            b"Text,Countries Concerned\r\n1. A,Slovenia\r\n",
            "The file is not a valid zip container (an .xlsx or .docx file is one).",
        ),
    ],
)
def test_xlsx_not_a_zip(tmp_path, data, message):
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(path)
    assert str(raised.value) == message


def test_xlsx_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "document.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(path)
    assert str(raised.value) == "The file is not a readable Excel (.xlsx) workbook."


def test_xlsx_zip_bomb_by_size_is_refused_before_reading(tmp_path):
    """About 270 MB of zeros that deflate to a few hundred kilobytes."""
    path = tmp_path / "bomb.xlsx"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(258):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(path)
    assert str(raised.value) == ("The file would expand to 270,532,616 bytes; the limit is 268,435,456 bytes.")


def test_xlsx_zip_bomb_by_ratio_is_refused(tmp_path):
    path = export_as_xlsx(tmp_path / "export.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(bomb)
    assert str(raised.value).startswith("The part 'xl/media/padding.bin' is compressed ")


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
    strings), so that a hostile shared strings part is really parsed.
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
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


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
    "options",
    [
        {"strings_prolog": LAUGHS, "entity": "&lol9;"},
        {"sheet_prolog": LAUGHS},
        {"strings_prolog": EXTERNAL, "entity": "&xxe;"},
    ],
    ids=["billion-laughs-in-shared-strings", "billion-laughs-in-sheet", "external-entity"],
)
def test_xlsx_entity_tricks_are_refused(tmp_path, options):
    hostile = minimal_workbook(tmp_path / "hostile.xlsx", **options)
    with pytest.raises(ImportFormatError) as raised:
        read_xlsx(hostile)
    assert str(raised.value) == (
        "The workbook contains XML entity or document type declarations, which are refused for safety."
    )


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the shared real samples are not here")
def test_real_texts_in_a_search_workbook(tmp_path):
    """No real search export is shared; its texts are the API sample's English ones."""
    api_records = [
        json.loads(line) for line in (SHARED_DATA / "uhri-api-records-sample.jsonl").read_text("utf-8").splitlines()
    ]
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
    results = read_xlsx(write_xlsx(tmp_path / "real.xlsx", headers, rows), country="TESTLAND")
    assert len(results) == 325
    assert [result.location for result in results] == [f"row {n}" for n in range(2, 327)]
    assert all(isinstance(result, ParsedRecommendation) for result in results)
    assert {result.issued_on for result in results} == {date(2025, 2, 12)}
    assert results[0].paragraph == "127.179"
    assert sum(1 for result in results if result.paragraph) == 318
