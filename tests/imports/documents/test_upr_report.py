"""The UPR Working Group report: Slovenia's A/HRC/43/15 against its thematic list, record by record."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from imports.parsers.common import normalize_space
from imports.parsers.document_info import DocumentInfo
from imports.parsers.document_reader import read_document
from imports.parsers.document_text import DocumentText, TextLine
from imports.parsers.records import ImportFormatError, ParsedRecommendation, RowError
from imports.parsers.upr_docx import iter_upr_docx
from imports.parsers.upr_report import iter_upr_report, parse_upr_report
from tests.imports.documents import SAMPLES

REPORT = SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf"
THEMATIC_LIST = SAMPLES / "upr34-slovenia-thematic-list.docx"


@pytest.fixture(scope="module")
def thematic_list() -> dict[str, ParsedRecommendation]:
    with THEMATIC_LIST.open("rb") as fileobj:
        records = [item for item in iter_upr_docx(fileobj) if isinstance(item, ParsedRecommendation)]
    return {record.paragraph: record for record in records}


@pytest.fixture(scope="module")
def report_records() -> list[ParsedRecommendation]:
    with REPORT.open("rb") as fileobj:
        items = list(iter_upr_report(fileobj))
    assert [item for item in items if isinstance(item, RowError)] == []
    return items  # type: ignore[return-value]


def test_every_recommendation_matches_the_thematic_list(
    report_records: list[ParsedRecommendation], thematic_list: dict[str, ParsedRecommendation]
) -> None:
    assert len(report_records) == 215
    paragraphs = [record.paragraph for record in report_records]
    assert paragraphs == [f"121.{n}" for n in range(1, 59)] + [f"122.{n}" for n in range(1, 158)]
    assert set(paragraphs) == set(thematic_list)
    for record in report_records:
        expected = thematic_list[record.paragraph]
        assert normalize_space(record.texts["en"]) == normalize_space(expected.texts["en"]), record.paragraph
        assert record.recommending_countries == expected.recommending_countries, record.paragraph


def test_positions_given_by_the_report(report_records: list[ParsedRecommendation]) -> None:
    assert Counter(record.position for record in report_records) == {"supported": 58, "pending": 157}
    assert {record.position_source for record in report_records} == {"A/HRC/43/15 - Para 121", "A/HRC/43/15 - Para 122"}


def test_record_shape(report_records: list[ParsedRecommendation]) -> None:
    first = report_records[0]
    assert first == ParsedRecommendation(
        location="paragraph 121.1, page 11",
        mechanism="UPR",
        symbol="A/HRC/43/15",
        paragraph="121.1",
        annotation_type="recommendation",
        texts={
            "en": "121.1 Ratify the International Convention for the Protection of All Persons from Enforced "
            "Disappearance (France) (Lithuania);"
        },
        issued_on=date(2019, 12, 19),
        upr_cycle=3,
        upr_session=34,
        countries=["Slovenia"],
        recommending_countries=["France", "Lithuania"],
        position="supported",
        position_raw="121. The recommendations formulated during the interactive dialogue/listed below have been "
        "examined by Slovenia and enjoy the support of Slovenia:",
        position_source="A/HRC/43/15 - Para 121",
    )
    # Two recommendations merged under one number keep both States; a parenthesis that is not a
    # State ("(No. 29)") is not taken for one.
    by_paragraph = {record.paragraph: record for record in report_records}
    assert by_paragraph["121.2"].recommending_countries == ["Ukraine", "Slovakia"]
    assert by_paragraph["121.3"].recommending_countries == ["United Kingdom of Great Britain and Northern Ireland"]
    assert by_paragraph["122.157"].texts["en"].endswith(")."), by_paragraph["122.157"].texts


# --------------------------------------------------------------------------
# Variants, on text built in memory
# --------------------------------------------------------------------------


def _document(*texts: str) -> DocumentText:
    return DocumentText(source="docx", lines=[TextLine(text) for text in texts])


INFO = DocumentInfo(kind="upr-report", symbol="A/HRC/22/4", mechanism="UPR", session=15, upr_cycle=2, country="Chad")


def test_earlier_cycle_lists_with_noted_recommendations() -> None:
    document = _document(
        "II. Conclusions and/or recommendations",
        "98. The following recommendations will be examined by Chad, which will provide responses in due time:",
        "98.1. Ratify the Second Optional Protocol (Spain);",
        "99. The following recommendations did not enjoy the support of Chad:",
        "99.1. Decriminalize defamation (Norway) (Sweden);",
        "100. The following recommendations have been noted by Chad:",
        "100.1. Abolish the death penalty",
        "1930 (No. 29) (Brazil);",
        "100.2. Protect human rights defenders (Bolivia (Plurinational State of)).",
        "101. All conclusions and/or recommendations contained in the present report reflect the position of the "
        "submitting State(s).",
        "Annex",
        "Composition of the delegation",
    )
    report = parse_upr_report(document, info=INFO)
    assert [(r.paragraph, r.position, r.recommending_countries) for r in report.recommendations] == [
        ("98.1", "pending", ["Spain"]),
        ("99.1", "noted", ["Norway", "Sweden"]),
        # A wrapped line starting with a number ("1930") does not start an item.
        ("100.1", "noted", ["Brazil"]),
        ("100.2", "noted", ["Bolivia (Plurinational State of)"]),
    ]
    assert report.recommendations[2].texts == {"en": "100.1 Abolish the death penalty 1930 (No. 29) (Brazil);"}
    assert report.errors == []


def test_missing_item_reported_and_no_state_flagged() -> None:
    document = _document(
        "II. Conclusions and/or recommendations",
        "90. The recommendations below enjoy the support of Chad:",
        "90.1 Do this (Spain);",
        "90.3 Do that;",
    )
    report = parse_upr_report(document, info=INFO)
    assert [r.paragraph for r in report.recommendations] == ["90.1", "90.3"]
    assert report.errors == [
        RowError(location="paragraph 90.2", message="Recommendation 90.2 is missing from the list of the report.")
    ]
    assert report.recommendations[1].flags == ["No recommending State found."]


def test_document_without_conclusions_refused() -> None:
    with pytest.raises(ImportFormatError) as refusal:
        parse_upr_report(_document("Introduction", "1. Something."), info=INFO)
    assert str(refusal.value) == (
        "The document has no section \u201cConclusions and/or recommendations\u201d, so it is not read as a report "
        "of the Working Group on the Universal Periodic Review."
    )


def test_report_read_document_info() -> None:
    with REPORT.open("rb") as fileobj:
        report = parse_upr_report(read_document(fileobj))
    assert report.info == DocumentInfo(
        kind="upr-report",
        symbol="A/HRC/43/15",
        issued_on=date(2019, 12, 19),
        mechanism="UPR",
        session=34,
        hrc_session=43,
        upr_cycle=3,
        country="Slovenia",
        title="Report of the Working Group on the Universal Periodic Review: Slovenia",
    )
