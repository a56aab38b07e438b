"""Tests of the UHRI full-export parser (one streamed JSON array)."""

# The texts use typographic apostrophes, as UN documents do.

import io
import json
from datetime import date

import pytest

from imports.parsers.records import ParsedRecommendation, RowError, SkippedRow
from imports.parsers.uhri_json import iter_uhri_json
from tests.imports.helpers import (
    FIXTURES,
    FULL_EXPORT_CRC_RECORD,
    FULL_EXPORT_UPR_RECORD,
    kept,
    raises_message,
    real_api_records,
)

EXPORT = FIXTURES / "uhri-full-export.json"

# Records 1 and 2, which the search export's fixture holds too.
UPR_RECORD = FULL_EXPORT_UPR_RECORD
CRC_RECORD = FULL_EXPORT_CRC_RECORD
CERD_RECORD = ParsedRecommendation(
    location="record 3",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e03",
    mechanism="CERD",
    symbol="CERD/C/SVN/CO/12-13",
    paragraph="28",
    texts={
        "en": "para. 28 The Committee recommends that both States parties’ authorities "
        "cooperate on the registration of persons affected by State succession."
    },
    issued_on=date(2023, 1, 5),
    published_on_uhri=date(2023, 2, 1),
    countries=["Croatia", "slovenia"],
    themes=["Statelessness"],
    affected_groups=["Stateless persons"],
)
PALESTINE_RECORD = ParsedRecommendation(
    location="record 4",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e04",
    mechanism="UPR",
    symbol="A/HRC/55/7",
    paragraph="79.12",
    texts={"en": "79.12 Adopt a law on domestic violence (Chile);"},
    issued_on=date(2024, 3, 1),
    published_on_uhri=date(2024, 4, 1),
    upr_cycle=4,
    upr_session=44,
    countries=["State of Palestine*"],
    recommending_countries=["Chile"],
    position="noted",
    position_raw="Noted",
    themes=["Domestic violence"],
    affected_groups=["Women & girls"],
    sdg_goals=["5"],
)
NOT_AN_OBJECT = RowError("record 5", "The record is not a JSON object.")
NO_TEXT = RowError("record 6", "The record has no text.", column="Text")
ODD_RECORD = ParsedRecommendation(
    location="record 7",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e07",
    # No Body: derived from the symbol, which the UPR session makes a UPR one.
    mechanism="UPR",
    symbol="A/HRC/14/15",
    paragraph="81.41",
    texts={
        "en": "Recommendation No. 41, para. 81: Ratify the Optional Protocol to the Convention "
        "against Torture (Denmark)"
    },
    issued_on=date(2010, 6, 1),
    upr_cycle=1,
    upr_session=7,
    countries=["Slovenia"],
    recommending_countries=["Denmark"],
    position=None,
    position_raw="Accepted / Maybe",
    themes=["Ratification of & accession to international instruments"],
    flags=[
        "unreadable PublicationDateOnUhri: soon",
        "unknown AnnotationType: Something else",
        "unknown UprPositions: Accepted / Maybe",
        "unknown Sdgs: Goal sixteen",
    ],
)


def parse(data: bytes, country: str | None = "Slovenia", **options) -> list:
    return kept(iter_uhri_json(io.BytesIO(data), country=country, **options))


def test_keeps_the_records_of_the_country_and_reports_bad_ones():
    with EXPORT.open("rb") as fileobj:
        results = kept(iter_uhri_json(fileobj, country="Slovenia"))
    assert results == [UPR_RECORD, CRC_RECORD, CERD_RECORD, NOT_AN_OBJECT, NO_TEXT, ODD_RECORD]


@pytest.mark.parametrize("country", ["  SLOVENIA ", "- slovenia", "Slovenia\r"])
def test_country_matching_ignores_case_and_spacing(country):
    results = parse(EXPORT.read_bytes(), country=country)
    assert [result.location for result in results] == [
        "record 1",
        "record 2",
        "record 3",
        "record 5",
        "record 6",
        "record 7",
    ]


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("State of Palestine", [PALESTINE_RECORD, NOT_AN_OBJECT]),
        (None, [UPR_RECORD, CRC_RECORD, CERD_RECORD, PALESTINE_RECORD, NOT_AN_OBJECT, NO_TEXT, ODD_RECORD]),
        ("Atlantis", [NOT_AN_OBJECT]),
    ],
    ids=["matching-ignores-the-footnote-star", "no-country-yields-every-record", "unknown-country-yields-only-errors"],
)
def test_records_of_a_country(country, expected):
    assert parse(EXPORT.read_bytes(), country=country) == expected


@pytest.mark.parametrize(
    ("records", "options", "expected"),
    [
        (
            [{"AnnotationId": "x1", "Countries": ["France"], "Text": "<p>12. Le Comité</p>"}],
            {"country": "France", "language": "fr"},
            [
                ParsedRecommendation(
                    location="record 1",
                    external_id="x1",
                    paragraph="12",
                    texts={"fr": "12. Le Comité"},
                    countries=["France"],
                )
            ],
        ),
        (
            [
                {"AnnotationId": "x1", "Countries": "- France\n- Italy", "Text": "1. A"},
                {"AnnotationId": "x2", "Text": "2. B"},
                {"AnnotationId": "x3", "Countries": None, "Text": "3. C"},
            ],
            {"country": "Italy"},
            [
                ParsedRecommendation(
                    location="record 1",
                    external_id="x1",
                    paragraph="1",
                    texts={"en": "1. A"},
                    countries=["France", "Italy"],
                )
            ],
        ),
        (
            [{"Countries": ["France"], "Text": "1. A"}],
            {"country": "France"},
            [RowError("record 1", "The record has no AnnotationId.", column="AnnotationId")],
        ),
    ],
    ids=["language-names-the-text", "countries-as-a-string-or-missing", "record-without-id-is-an-error"],
)
def test_single_records(records, options, expected):
    assert parse(json.dumps(records).encode(), **options) == expected


def test_text_mode_files_and_byte_order_marks_are_read():
    text = EXPORT.read_text(encoding="utf-8")
    assert next(iter_uhri_json(io.StringIO(text), country="Slovenia")) == UPR_RECORD
    assert parse(b"\xef\xbb\xbf" + EXPORT.read_bytes())[0] == UPR_RECORD


def test_empty_array_yields_nothing():
    assert parse(b"[]") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (
            b"Text,Countries Concerned\nRatify,Slovenia\n",
            "The file is not JSON: a JSON array starts with '[', this file starts with 'Text,Countries Conce'.",
        ),
        (
            b'{"AnnotationId": "x1"}',
            "The file holds a single JSON object, not a JSON array (a list) of records.",
        ),
        (
            b'[{"AnnotationId": "x1"}] trailing',
            "The file has unexpected content after the end of the JSON array (record 2).",
        ),
    ],
)
def test_wrong_files_raise(data, message):
    with raises_message(message):
        parse(data)


def test_truncated_file_raises_after_the_complete_records():
    data = EXPORT.read_bytes()
    cut = data.index(b"para. 28")  # inside record 3
    results = []
    with raises_message("The file ends in the middle of record 3: it is probably truncated."):
        for result in iter_uhri_json(io.BytesIO(data[:cut]), country="Slovenia"):
            results.append(result)
    assert results == [UPR_RECORD, CRC_RECORD]


class CountingReader(io.RawIOBase):
    """A file that records how much of it has been read."""

    def __init__(self, data: bytes) -> None:
        self.inner = io.BytesIO(data)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.inner.readinto(buffer)
        self.consumed += count
        return count


def test_records_of_other_countries_are_left_aside_and_named():
    with EXPORT.open("rb") as fileobj:
        results = list(iter_uhri_json(fileobj, country="Slovenia"))
    assert [result for result in results if isinstance(result, SkippedRow)] == [
        SkippedRow("record 4", "State of Palestine")
    ]


def test_the_file_is_streamed_not_loaded():
    record = {"AnnotationId": "x", "Countries": ["Elsewhere"], "Text": "<p>1. Text</p>" * 20}
    rows = [dict(record, AnnotationId=f"x{number}") for number in range(20_000)]
    rows[10]["Countries"] = ["Slovenia"]
    data = json.dumps(rows).encode()
    reader = CountingReader(data)
    first = next(record for record in iter_uhri_json(reader, country="Slovenia") if not isinstance(record, SkippedRow))
    assert first.external_id == "x10"
    assert reader.consumed < len(data) // 10


def test_real_texts_in_the_full_export_shape():
    """No real full export is shared; its texts are the API sample's English ones."""
    api_records = real_api_records()
    export = [
        {
            "AnnotationId": record["annotationId"],
            "AnnotationType": "- Recommendations",
            "Body": "",
            "Countries": ["Testland"],
            "PublicationDate": record["publicationDate"],
            "PublicationDateOnUhri": record["dateFrontEndPublished"],
            "Symbol": record["symbol"],
            "Text": f"<p>{record['en']}</p>",
            "UprSession": None,
        }
        for record in api_records
    ]
    results = parse(json.dumps(export).encode(), country="testland")
    assert len(results) == 325
    assert all(isinstance(result, ParsedRecommendation) for result in results)
    assert results[0].paragraph == "127.179"
    assert results[0].texts == {
        "en": "127.179 Continue its efforts to promote and safeguard the right to education for all (Pakistan);"
    }
    assert sum(1 for result in results if result.paragraph) == 318
    # Without Body or UPR data, HRC symbols stay unknown; treaty bodies come from the symbol.
    assert {result.mechanism for result in results} == {
        None,
        "CESCR",
        "CRC",
        "CRPD",
        "CCPR",
        "CERD",
        "CEDAW",
        "CMW",
        "CAT",
        "CRC-OP-SC",
        "CRC-OP-AC",
        "SPT",
    }
