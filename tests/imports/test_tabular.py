"""Tests for the generic CSV/XLSX import: encodings, delimiters, line endings, mappings.

Fixtures are written in the shapes of real files (the UPR Info export: CR line endings and
Mac Roman); the real export is read too (tests/fixtures/samples).
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from imports.parsers import table as table_module
from imports.parsers.encoding import EncodingGuess, EncodingUncertainError, detect_encoding, guess_encoding
from imports.parsers.records import ParsedRecommendation, RowError, SkippedRow
from imports.parsers.table import read_table
from imports.parsers.tabular import UPR_INFO_MAPPING, FieldMapping, TableMapping, iter_mapped
from tests.imports.helpers import kept, raises_message, sample_file, write_workbook, write_zeros_zip

UPR_INFO_HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"


def upr_info_csv(line_ending: str) -> str:
    """Three rows in the UPR Info shape, one with a line break inside a quoted cell."""
    rows = [
        UPR_INFO_HEADER,
        'Morocco,Africa,"AU,OIF","While recognizing achievements of the Instance Equité - '
        'Reconciliation (IER), to continue.",Netherlands,WEOG,EU,Accepted,3,Justice,1',
        'Chad,Africa,"AU,OIF",Bring Mr. Hissène Habré to justice,Ireland,WEOG,EU,Noted,5,"Impunity,Justice",3',
        f'Chad,Africa,AU,"Protect women\u2019s rights \u2013{line_ending}see the '
        '\u201cBeijing\u201d platform",Czech Republic,EEG,EU,Accepted,4,'
        "Women's rights,13",
    ]
    return line_ending.join(rows) + line_ending


UPR_INFO_RECORDS = [
    ParsedRecommendation(
        location="row 2",
        mechanism="UPR",
        texts={"en": "While recognizing achievements of the Instance Equité - Reconciliation (IER), to continue."},
        upr_cycle=1,
        upr_session=1,
        countries=["Morocco"],
        recommending_countries=["Netherlands"],
        position="supported",
        position_raw="Accepted",
        themes=["Justice"],
    ),
    ParsedRecommendation(
        location="row 3",
        mechanism="UPR",
        texts={"en": "Bring Mr. Hissène Habré to justice"},
        upr_cycle=1,
        upr_session=3,
        countries=["Chad"],
        recommending_countries=["Ireland"],
        position="noted",
        position_raw="Noted",
        themes=["Impunity", "Justice"],
    ),
    ParsedRecommendation(
        location="row 4",
        mechanism="UPR",
        texts={"en": "Protect women\u2019s rights \u2013 see the \u201cBeijing\u201d platform"},
        upr_cycle=2,
        upr_session=13,
        countries=["Chad"],
        recommending_countries=["Czech Republic"],
        position="supported",
        position_raw="Accepted",
        themes=["Women's rights"],
    ),
]


def read(data: bytes, filename: str = "export.csv", **options) -> table_module.Table:
    return read_table(io.BytesIO(data), filename=filename, **options)


def mapped(data: bytes, mapping: TableMapping = UPR_INFO_MAPPING, **options) -> list:
    country = options.pop("country", None)
    return kept(iter_mapped(read(data, **options), mapping, country=country))


# --- Encoding detection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "guess"),
    [
        (b"To,From", EncodingGuess("utf-8", 1.0)),
        (codecs.BOM_UTF8 + "Equité".encode(), EncodingGuess("utf-8-sig", 1.0)),
        (codecs.BOM_UTF16_LE + "Equité".encode("utf-16-le"), EncodingGuess("utf-16", 1.0)),
        (codecs.BOM_UTF16_BE + "Equité".encode("utf-16-be"), EncodingGuess("utf-16", 1.0)),
        (
            "Instance Equité".encode(),
            EncodingGuess("utf-8", 0.99, ("windows-1252", "mac_roman")),
        ),
        # A sample may end inside a multi-byte character.
        (
            "Instance Equité".encode()[:-1],
            EncodingGuess("utf-8", 0.99, ("windows-1252", "mac_roman")),
        ),
        (
            "Instance Equité - Reconciliation".encode("mac_roman"),
            EncodingGuess("mac_roman", 0.91, ("windows-1252",)),
        ),
        (
            "Instance Equité - Reconciliation".encode("windows-1252"),
            EncodingGuess("windows-1252", 0.87, ("mac_roman",)),
        ),
        # 0x8f (è in Mac Roman) is undefined in Windows-1252.
        ("Mr. Hissène Habré".encode("mac_roman"), EncodingGuess("mac_roman", 0.99)),
        (
            "l\u2019État partie garantit l\u2019accès à l\u2019éducation".encode("windows-1252"),
            EncodingGuess("windows-1252", 0.99, ("mac_roman",)),
        ),
    ],
)
def test_guess_encoding(data: bytes, guess: EncodingGuess) -> None:
    assert guess_encoding(data) == guess
    assert detect_encoding(data) == guess.encoding


def test_ambiguous_bytes_are_not_guessed_silently() -> None:
    # One apostrophe: "women\u2019s" in Windows-1252, "women\u00eds" in Mac Roman.
    data = f"{UPR_INFO_HEADER}\nChad,,,Protect women\u2019s rights,,,,Noted,,,5\n".encode("cp1252")

    assert guess_encoding(data) == EncodingGuess("windows-1252", 0.5, ("mac_roman",))
    with raises_message(
        "The text encoding of the file could not be determined with confidence (most likely "
        "windows-1252; also possible: mac_roman). Choose the encoding and import the file again.",
        EncodingUncertainError,
    ) as error:
        read(data)
    assert error.value.guess == EncodingGuess("windows-1252", 0.5, ("mac_roman",))
    # The user chooses.
    [record] = mapped(data, encoding="windows-1252")
    assert record.texts == {"en": "Protect women\u2019s rights"}


def test_implausible_bytes_are_not_guessed_silently() -> None:
    # Symbols in Mac Roman, and 0x81 is undefined in Windows-1252.
    data = b"Text\nx \xb0\xb1\xb2 \x81\n"

    assert guess_encoding(data) == EncodingGuess("mac_roman", 0.2)
    with raises_message(
        "The text encoding of the file could not be determined with confidence (most likely "
        "mac_roman). Choose the encoding and import the file again.",
        EncodingUncertainError,
    ):
        read(data)


def test_nul_bytes_are_not_text() -> None:
    with raises_message(
        "The file contains NUL bytes, so it is not a CSV text file (UTF-16 text must start with a byte order mark)."
    ):
        read(b"To,From\n\x00\x01\x02\x03")


# --- CSV: encodings, line endings, delimiters ----------------------------------------------


@pytest.mark.parametrize("line_ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "windows-1252", "mac_roman"])
def test_upr_info_csv_in_each_encoding_and_line_ending(encoding: str, line_ending: str) -> None:
    data = upr_info_csv(line_ending).encode(encoding)

    table = read(data)

    assert (table.encoding, table.delimiter, table.line_ending, table.header_row) == (
        encoding,
        ",",
        line_ending,
        1,
    )
    assert table.headers == UPR_INFO_HEADER.split(",")
    assert list(iter_mapped(table, UPR_INFO_MAPPING)) == UPR_INFO_RECORDS


def test_chunk_boundaries_do_not_split_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    data = upr_info_csv("\r\n").encode("utf-16")
    original = table_module._iter_lines

    # Tiny chunks put CR and LF (and the halves of UTF-16 characters) in different reads.
    def tiny_chunks(fileobj, encoding, chunk_size=64 * 1024):
        return original(fileobj, encoding, chunk_size=3)

    monkeypatch.setattr(table_module, "_iter_lines", tiny_chunks)

    assert mapped(data) == UPR_INFO_RECORDS


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_detection(delimiter: str) -> None:
    text = (
        f"Text{delimiter}To{delimiter}Response\n"
        f"Ratify, without reservations, the Convention{delimiter}Chad{delimiter}Accepted\n"
        f"Adopt a plan, with a budget{delimiter}Chad{delimiter}Noted\n"
    )
    mapping = TableMapping(
        fields={
            "text": FieldMapping(column="Text"),
            "countries": FieldMapping(column="To"),
            "position": FieldMapping(column="Response"),
        }
    )

    table = read(text.encode())
    records = list(iter_mapped(table, mapping))

    assert table.delimiter == delimiter
    assert [(r.texts["en"], r.position) for r in records] == [
        ("Ratify, without reservations, the Convention", "supported"),
        ("Adopt a plan, with a budget", "noted"),
    ]


@pytest.mark.parametrize(
    ("data", "options", "headers", "rows"),
    [
        (b"a;b,c\n1;2,3\n", {"delimiter": ","}, ["a;b", "c"], [{"a;b": "1;2", "c": "3"}]),
        (
            codecs.BOM_UTF8 + b"To,Text\nChad,Ratify\n",
            {"encoding": "utf-8"},
            ["To", "Text"],
            [{"To": "Chad", "Text": "Ratify"}],
        ),
    ],
    ids=["explicit-delimiter-wins", "byte-order-mark-with-utf8-chosen"],
)
def test_choices_of_the_user(data: bytes, options: dict, headers: list[str], rows: list[dict]) -> None:
    table = read(data, **options)

    assert (table.headers, list(table.rows)) == (headers, rows)


def test_headers_blank_repeated_and_short_rows() -> None:
    table = read(b"\n\nText,,text\nA\nB,x,y,z\n")

    assert table.header_row == 3
    assert table.headers == ["Text", "Column 2", "text (2)"]
    assert list(table.rows) == [
        {"Text": "A", "Column 2": "", "text (2)": ""},
        {"Text": "B", "Column 2": "x", "text (2)": "y"},
    ]


def test_wrong_encoding_chosen_by_the_user() -> None:
    data = upr_info_csv("\r").encode("mac_roman")
    position = data.index(b"\x8e")

    with raises_message(
        f"The file cannot be read as utf-8: byte 0x8e near position {position} is "
        "not valid in that encoding. Choose another encoding."
    ):
        read(data, encoding="utf-8")


def test_undecodable_bytes_after_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    # Beyond the sample and the first chunk read for the header.
    data = b"Text,To\nRatify,Chad\n" + b"Caf\xc3\xa9,Chad\n" * 10_000 + b"Caf\x81,Chad\n"
    position = data.index(b"\x81")
    monkeypatch.setattr(table_module, "SAMPLE_BYTES", 40)
    table = read(data)

    assert table.encoding == "utf-8"
    with raises_message(
        f"The file cannot be read as utf-8: byte 0x81 near position {position} is "
        "not valid in that encoding. Choose another encoding."
    ):
        list(table.rows)


def test_unknown_encoding_name() -> None:
    with raises_message("Unknown text encoding 'klingon'."):
        read(b"Text\nA\n", encoding="klingon")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "export.csv", "The file is empty."),
        (b"\n\r\n,,\n", "export.csv", "The file has no header row."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "export.xls",
            "This is an old Excel .xls file, which cannot be read. Save it as .xlsx or CSV and import it again.",
        ),
        (b"Text,To\n", "export.xlsx", "The file is not a valid Excel workbook (.xlsx)."),
    ],
)
def test_files_that_are_not_tables(data: bytes, filename: str, message: str) -> None:
    with raises_message(message):
        read(data, filename=filename)


def test_malformed_csv() -> None:
    data = b'Text,To\n"' + b"x" * 200_000 + b"\n"
    table = read(data)

    with raises_message("The CSV file is malformed near row 2: field larger than field limit (131072)."):
        list(table.rows)


# --- Mappings ------------------------------------------------------------------------------


def test_mapping_names_a_missing_column() -> None:
    data = b"To,Text,From,Response\nChad,Ratify,Peru,Noted\n"

    with raises_message(
        "The file has no columns named 'Issue', 'Session'. Columns in the file: 'To', 'Text', 'From', 'Response'."
    ):
        mapped(data)


def test_headers_match_loosely() -> None:
    data = b" TEXT ,to\nRatify,Chad\n"
    mapping = TableMapping(fields={"text": FieldMapping(column="Text"), "countries": FieldMapping(column="To")})

    assert mapped(data, mapping) == [ParsedRecommendation(location="row 2", texts={"en": "Ratify"}, countries=["Chad"])]


def test_empty_text_is_a_row_error_and_blank_rows_are_skipped() -> None:
    data = (f"{UPR_INFO_HEADER}\nChad,,,,Peru,,,Noted,,,5\n,,,,,,,,,,\nChad,,,Ratify,Peru,,,Noted,,,5\n").encode()

    assert mapped(data) == [
        RowError(location="row 2", message="The recommendation text is empty.", column="Text"),
        ParsedRecommendation(
            location="row 4",
            mechanism="UPR",
            texts={"en": "Ratify"},
            upr_cycle=1,
            upr_session=5,
            countries=["Chad"],
            recommending_countries=["Peru"],
            position="noted",
            position_raw="Noted",
        ),
    ]


def test_country_filter() -> None:
    data = (
        f"{UPR_INFO_HEADER}\n"
        "Chad,,,Ratify,Peru,,,Noted,,,5\n"
        "Macedonia FYR,,,,Peru,,,Noted,,,5\n"
        "Macedonia FYR,,,Adopt,Peru,,,Accepted,,,5\n"
        "North Macedonia,,,Adopt again,Peru,,,Accepted,,,30\n"
    ).encode()

    # Rows of other States are skipped, errors included.
    assert [r.location for r in mapped(data, country="chad")] == ["row 2"]
    assert [r.location for r in mapped(data, country=["North Macedonia", "Macedonia FYR"])] == [
        "row 3",
        "row 4",
        "row 5",
    ]
    # They are left aside, not dropped unseen: the import counts them, by State.
    assert [r for r in iter_mapped(read(data), UPR_INFO_MAPPING, country="chad") if isinstance(r, SkippedRow)] == [
        SkippedRow("row 3", "Macedonia FYR"),
        SkippedRow("row 4", "Macedonia FYR"),
        SkippedRow("row 5", "North Macedonia"),
    ]


def test_country_filter_needs_the_country_column() -> None:
    mapping = TableMapping(fields={"text": FieldMapping(column="Text")})

    with raises_message(
        "The mapping does not say which column holds the State under review, so the rows cannot be filtered by country."
    ):
        mapped(b"Text\nRatify\n", mapping, country="Chad")


FULL_MAPPING = TableMapping(
    name="Ministry tracker",
    fields={
        "text": FieldMapping(column="Recommendation"),
        "text_language": FieldMapping(column="Lang", value_map={"French": "fr"}),
        "symbol": FieldMapping(column="Symbol"),
        "paragraph": FieldMapping(column="Para"),
        "mechanism": FieldMapping(column="Body", value_map={"Committee on the Rights of the Child": "CRC"}),
        "external_id": FieldMapping(column="Id"),
        "position": FieldMapping(column="Status", value_map={"Yes": "supported", "Later": "pending"}),
        "countries": FieldMapping(constant="Chad"),
        "recommending_countries": FieldMapping(column="From", separator=";"),
        "themes": FieldMapping(column="Themes", separator="\n"),
        "affected_groups": FieldMapping(column="Groups", separator=",", value_map={"kids": "Children"}),
        "sdg_targets": FieldMapping(column="SDGs", separator="\n"),
        "upr_session": FieldMapping(column="Session"),
        "upr_cycle": FieldMapping(column="Session", transform="upr_cycle_from_session"),
        "issued_on": FieldMapping(column="Date", date_format="%d/%m/%Y"),
    },
)
FULL_HEADER = "Recommendation,Lang,Symbol,Para,Body,Id,Status,From,Themes,Groups,SDGs,Session,Date"


def test_every_target_field() -> None:
    data = (
        f"{FULL_HEADER}\n"
        "Ratifier la Convention,French,CRC/C/TCD/CO/2,23,Committee on the Rights of the Child,"
        '6996de12-9816,Yes,Peru; Chile,"- Right to education\r\n- Children: protection",'
        '"kids, Girls",'
        '"16.2 - Protect children\n16 - PEACE, JUSTICE AND STRONG INSTITUTIONS",'
        "44,24/03/2025\n"
        "Adopt a plan,,,,UPR,,Maybe,,,,Goal 99,UPR 60,2025-31-12\n"
        "Adopt a law,,,,UPR,,Later,,,,,,46078\n"
    ).encode()

    assert mapped(data, FULL_MAPPING) == [
        ParsedRecommendation(
            location="row 2",
            external_id="6996de12-9816",
            mechanism="CRC",
            symbol="CRC/C/TCD/CO/2",
            paragraph="23",
            texts={"fr": "Ratifier la Convention"},
            issued_on=date(2025, 3, 24),
            upr_cycle=4,
            upr_session=44,
            countries=["Chad"],
            recommending_countries=["Peru", "Chile"],
            position="supported",
            position_raw="Yes",
            themes=["Right to education", "Children: protection"],
            affected_groups=["Children", "Girls"],
            sdg_targets=["16.2"],
            sdg_goals=["16"],
        ),
        ParsedRecommendation(
            location="row 3",
            mechanism="UPR",
            texts={"en": "Adopt a plan"},
            upr_session=60,
            countries=["Chad"],
            position_raw="Maybe",
            flags=[
                "Unknown position 'Maybe' in column 'Status'.",
                "'Goal 99' in column 'SDGs' is not an SDG goal or target.",
                "UPR session 60 in column 'Session' belongs to no known cycle.",
                "'2025-31-12' in column 'Date' is not a date this import can read.",
            ],
        ),
        ParsedRecommendation(
            location="row 4",
            mechanism="UPR",
            texts={"en": "Adopt a law"},
            countries=["Chad"],
            position="pending",
            position_raw="Later",
            flags=["'46078' in column 'Date' is not a date this import can read."],
        ),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-12T00:00:00", date(2025, 2, 12)),
        ("46078", date(2026, 2, 25)),
        ("46125.4996282407", date(2026, 4, 13)),
        ("2011", None),  # a year, not a serial number
        ("12/02/2025", None),  # ambiguous without a date_format
        ("nan", None),
        ("inf", None),
    ],
)
def test_dates_without_a_format(value: str, expected: date | None) -> None:
    mapping = TableMapping(fields={"text": FieldMapping(column="Text"), "issued_on": FieldMapping(column="Date")})

    [record] = mapped(f"Text,Date\nRatify,{value}\n".encode(), mapping)

    assert record.issued_on == expected


@pytest.mark.parametrize(
    ("session", "cycle"),
    [("1", 1), ("12", 1), ("13", 2), ("26", 2), ("27", 3), ("40", 3), ("41", 4), ("54", 4)],
)
def test_upr_cycle_from_session(session: str, cycle: int) -> None:
    [record] = mapped(f"{UPR_INFO_HEADER}\nChad,,,Ratify,Peru,,,Noted,,,{session}\n".encode())

    assert (record.upr_session, record.upr_cycle) == (int(session), cycle)


def test_cycle_written_out() -> None:
    mapping = TableMapping(fields={"text": FieldMapping(column="Text"), "upr_cycle": FieldMapping(column="Cycle")})

    records = mapped(b"Text,Cycle\nA,Third cycle\nB,2\nC,n/a\n", mapping)

    assert [(r.upr_cycle, r.flags) for r in records] == [
        (3, []),
        (2, []),
        (None, ["'n/a' in column 'Cycle' is not a number."]),
    ]


def test_upr_info_mapping_round_trips_through_json() -> None:
    as_dict = UPR_INFO_MAPPING.to_dict()

    assert as_dict == {
        "name": "UPR Info database export",
        "fields": {
            "text": {"column": "Text"},
            "text_language": {"constant": "en"},
            "mechanism": {"constant": "UPR"},
            "countries": {"column": "To"},
            "recommending_countries": {"column": "From"},
            "position": {
                "column": "Response",
                "value_map": {"Accepted": "supported", "Noted": "noted"},
            },
            "themes": {"column": "Issue", "separator": ","},
            "upr_session": {"column": "Session"},
            "upr_cycle": {"column": "Session", "transform": "upr_cycle_from_session"},
        },
    }
    assert TableMapping.from_dict(json.loads(json.dumps(as_dict))) == UPR_INFO_MAPPING
    assert TableMapping.from_dict(FULL_MAPPING.to_dict()) == FULL_MAPPING


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"fields": {"text": {"column": "Text"}, "colour": {"column": "C"}}},
            "Unknown target field: colour. Known fields: text, text_language, symbol, "
            "paragraph, mechanism, external_id, position, countries, recommending_countries, "
            "themes, affected_groups, sdg_targets, sdg_goals, upr_session, upr_cycle, issued_on.",
        ),
        (
            {"fields": {"countries": {"column": "To"}}},
            "The mapping must say where to find: text.",
        ),
        (
            {"fields": {"text": {"column": "Text", "constant": "x"}}},
            "A field mapping needs exactly one of a column and a constant.",
        ),
        (
            {"fields": {"text": {"column": "Text", "transform": "rot13"}}},
            "Unknown transform 'rot13'.",
        ),
        (
            {"fields": {"text": {"colum": "Text"}}},
            "This is not a valid column mapping: FieldMapping.__init__() got an unexpected keyword argument 'colum'.",
        ),
        ({"name": "no fields"}, "This is not a valid column mapping: 'fields'."),
    ],
)
def test_invalid_saved_mappings(data: dict, message: str) -> None:
    with raises_message(message, ValueError):
        TableMapping.from_dict(data)


# --- XLSX ----------------------------------------------------------------------------------


def build_xlsx(path: Path) -> Path:
    return write_workbook(
        path,
        {
            "Notes": [["Exported from the ministry tracker"]],
            "Recommendations": [
                [],  # a blank first row: the header is row 2
                ["Text", "To", "Response", "Session", "Date"],
                ["Ratify the Convention", "Chad", "Accepted", 5, datetime(2011, 3, 23)],
                [None, None, None, None, None],
                ["Adopt a plan", "Chad", "Supported/Noted", 44.0, 46078],
            ],
        },
    )


XLSX_MAPPING = TableMapping(
    fields={
        "text": FieldMapping(column="Text"),
        "countries": FieldMapping(column="To"),
        "position": FieldMapping(column="Response"),
        "upr_session": FieldMapping(column="Session"),
        "issued_on": FieldMapping(column="Date"),
    }
)


def test_xlsx(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "tracker.xlsx")
    with path.open("rb") as fileobj:
        table = read_table(fileobj, filename="tracker.xlsx", sheet="recommendations")
        records = list(iter_mapped(table, XLSX_MAPPING))

    assert (table.format, table.sheet, table.sheet_names, table.header_row) == (
        "xlsx",
        "Recommendations",
        ["Notes", "Recommendations"],
        2,
    )
    assert records == [
        ParsedRecommendation(
            location="row 3",
            texts={"en": "Ratify the Convention"},
            issued_on=date(2011, 3, 23),
            upr_session=5,
            countries=["Chad"],
            position="supported",
            position_raw="Accepted",
        ),
        ParsedRecommendation(
            location="row 5",
            texts={"en": "Adopt a plan"},
            issued_on=date(2026, 2, 25),
            upr_session=44,
            countries=["Chad"],
            position="partially_supported",
            position_raw="Supported/Noted",
        ),
    ]


def test_xlsx_first_sheet_by_default_and_missing_sheet(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "tracker.xlsx")
    with path.open("rb") as fileobj:
        assert read_table(fileobj, filename="tracker.xlsx").headers == ["Exported from the ministry tracker"]
        with raises_message("The workbook has no sheet named 'Data'. Sheets in the workbook: Notes, Recommendations."):
            read_table(fileobj, filename="tracker.xlsx", sheet="Data")


def test_xlsx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = write_zeros_zip(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 4)

    with (
        path.open("rb") as fileobj,
        raises_message(
            "The part 'xl/worksheets/sheet1.xml' is compressed to a suspicious degree (a possible ZIP bomb)."
        ),
    ):
        read_table(fileobj, filename="bomb.xlsx")


def test_a_word_file_is_not_a_workbook(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "list.xlsx"
    docx.Document().save(path)

    with (
        path.open("rb") as fileobj,
        raises_message(
            "The file is not a valid Excel workbook (.xlsx); it may be damaged or be another kind of document."
        ),
    ):
        read_table(fileobj, filename="list.xlsx")


# --- The real UPR Info export --------------------------------------------------------------


@pytest.fixture(scope="module")
def upr_info() -> tuple[table_module.Table, list]:
    sample = sample_file("upr-info-sessions-1-5.csv")
    with sample.open("rb") as fileobj:
        table = read_table(fileobj, filename=sample.name)
        return table, list(iter_mapped(table, UPR_INFO_MAPPING))


def test_upr_info_sample(upr_info: tuple[table_module.Table, list]) -> None:
    table, records = upr_info

    assert (table.encoding, table.encoding_guess, table.line_ending, table.delimiter) == (
        "mac_roman",
        EncodingGuess("mac_roman", 0.99),
        "\r",
        ",",
    )
    assert len(records) == 6094
    assert all(isinstance(record, ParsedRecommendation) for record in records)
    assert Counter(record.position_raw for record in records) == {"Accepted": 4087, "Noted": 2007}
    assert Counter(record.position for record in records) == {"supported": 4087, "noted": 2007}
    assert Counter(record.upr_cycle for record in records) == {1: 6094}
    assert [record.flags for record in records if record.flags] == []


def test_upr_info_sample_decodes_accents(upr_info: tuple[table_module.Table, list]) -> None:
    _, records = upr_info
    [equite] = [record for record in records if "Equit" in record.texts["en"]]

    # The first row of the fixture is this one, its text cut short.
    assert equite == dataclasses.replace(
        UPR_INFO_RECORDS[0],
        location="row 3671",
        texts={
            "en": "While recognizing achievements of the Instance Equité - Reconciliation (IER), "
            "to continue to implement the remaining recommendations of the IER."
        },
    )
    assert sum("Hissène Habré" in record.texts["en"] for record in records) == 2
