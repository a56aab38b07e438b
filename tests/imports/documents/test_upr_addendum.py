"""The State's addendum: Slovenia's A/HRC/43/15/Add.1, and the shapes other addenda take."""

from __future__ import annotations

from collections import Counter

import pytest

from imports.parsers.document_info import DocumentInfo
from imports.parsers.document_text import DocumentText, TextLine
from imports.parsers.records import ImportFormatError, ParsedRecommendation
from imports.parsers.upr_addendum import (
    AddendumPosition,
    PositionChange,
    Unplaced,
    addendum_changes,
    apply_addendum,
    parse_upr_addendum,
    read_upr_addendum,
)
from imports.parsers.upr_docx import iter_upr_docx
from imports.parsers.upr_report import iter_upr_report
from tests.imports.documents import SAMPLES

REPORT = SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf"
ADDENDUM = SAMPLES / "upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf"
THEMATIC_LIST = SAMPLES / "upr34-slovenia-thematic-list.docx"


@pytest.fixture(scope="module")
def report_records() -> list[ParsedRecommendation]:
    with REPORT.open("rb") as fileobj:
        return [item for item in iter_upr_report(fileobj) if isinstance(item, ParsedRecommendation)]


def test_slovenia_addendum_alone() -> None:
    with ADDENDUM.open("rb") as fileobj:
        addendum = read_upr_addendum(fileobj)
    assert addendum.counts() == {"supported": 124, "noted": 33}
    assert addendum.unplaced == []
    assert (addendum.info.symbol, addendum.report_symbol) == ("A/HRC/43/15/Add.1", "A/HRC/43/15")
    assert addendum.positions["122.1"] == AddendumPosition(
        paragraph="122.1",
        position="supported",
        position_raw="Accepted recommendations",
        source="A/HRC/43/15/Add.1 - Para.3",
    )
    # A range broken over two lines ("122.62-" / "66") and one without a space after a comma
    # ("122.141-144,122.146").
    assert [addendum.positions[f"122.{n}"].position for n in (62, 63, 64, 65, 66, 141, 144, 146)] == ["supported"] * 8
    assert addendum.positions["122.14"].explanation == addendum.positions["122.15"].explanation
    assert addendum.positions["122.14"].explanation.startswith("Slovenia considers these recommendations implemented.")
    assert addendum.positions["122.11"].position_raw == (
        "Accepted recommendations that Slovenia considers already implemented or in the process of implementation"
    )
    assert addendum.positions["122.21"] == AddendumPosition(
        paragraph="122.21",
        position="noted",
        position_raw="Noted recommendations",
        source="A/HRC/43/15/Add.1 - Para.5",
        explanation="The recommendation is incomprehensible.",
    )


def test_report_and_addendum_match_the_thematic_list(report_records: list[ParsedRecommendation]) -> None:
    with ADDENDUM.open("rb") as fileobj:
        addendum = read_upr_addendum(fileobj, known_paragraphs={record.paragraph for record in report_records})
    assert addendum.unplaced == []
    changes, unknown = addendum_changes(report_records, addendum)
    assert unknown == []
    assert Counter((change.before, change.after) for change in changes) == {
        ("pending", "supported"): 124,
        ("pending", "noted"): 33,
    }
    records = [ParsedRecommendation(**vars(record)) for record in report_records]
    apply_addendum(records, addendum)
    assert Counter(record.position for record in records) == {"supported": 182, "noted": 33}
    with THEMATIC_LIST.open("rb") as fileobj:
        expected = {item.paragraph: item.position for item in iter_upr_docx(fileobj)}
    assert {record.paragraph: record.position for record in records} == expected
    sources = {record.paragraph: record.position_source for record in records}
    with THEMATIC_LIST.open("rb") as fileobj:
        listed = {item.paragraph: item.position_source for item in iter_upr_docx(fileobj)}
    # The thematic list itself cites four positions differently (121.23 and 121.24 "A/HRC/43/15/Add.1",
    # 122.143 and 122.144 without the paragraph); every other source is the same.
    assert sorted(paragraph for paragraph in sources if sources[paragraph] != listed[paragraph]) == [
        "121.23",
        "121.24",
        "122.143",
        "122.144",
    ]


# --------------------------------------------------------------------------
# Other addenda's shapes, on text built in memory
# --------------------------------------------------------------------------

INFO = DocumentInfo(kind="upr-addendum", symbol="A/HRC/40/10/Add.1", mechanism="UPR")


def _document(*lines: str | TextLine) -> DocumentText:
    return DocumentText(source="pdf", lines=[line if isinstance(line, TextLine) else TextLine(line) for line in lines])


def _heading(text: str) -> TextLine:
    return TextLine(text, bold=True)


def test_tolerant_lists() -> None:
    document = _document(
        "1. Views of the State under review.",
        _heading("Supported recommendations"),
        "2. The following recommendations are supported: 140.1, 140.11-14, 140.20\u2013140.22, 140.35. 140.36,",
        TextLine("140.40-", joins_next=True),
        "42 and 140.50.",
        "3. The Government partially supports recommendations 140.60 and 140.61.",
        "4. Recommendations 140.70-71 and 140.80 are noted.",
        _heading("Recommendations that do not enjoy support"),
        "5. The Government does not support recommendations 140.90, 140.91.",
    )
    addendum = parse_upr_addendum(document, info=INFO)
    assert addendum.unplaced == []
    assert addendum.position_map() == {
        "140.1": "supported",
        **{f"140.{n}": "supported" for n in (11, 12, 13, 14, 20, 21, 22, 35, 36, 40, 41, 42, 50)},
        "140.60": "partially_supported",
        "140.61": "partially_supported",
        "140.70": "noted",
        "140.71": "noted",
        "140.80": "noted",
        "140.90": "noted",
        "140.91": "noted",
    }
    assert addendum.positions["140.60"].source == "A/HRC/40/10/Add.1 - Para.3"


def test_comments_with_their_own_positions() -> None:
    document = _document(
        "1. The State supports recommendations 140.1-3.",
        _heading("Comments"),
        TextLine("140.2: Partially supported", bold=True),
        "The State supports the first part of the recommendation.",
        TextLine("140.4", bold=True),
        "Noted. The State cannot commit to this.",
    )
    addendum = parse_upr_addendum(document, info=INFO)
    assert addendum.position_map() == {
        "140.1": "supported",
        "140.2": "partially_supported",
        "140.3": "supported",
        "140.4": "noted",
    }
    assert addendum.positions["140.2"].explanation == "The State supports the first part of the recommendation."
    assert addendum.positions["140.4"].explanation == "The State cannot commit to this."


def test_what_cannot_be_placed_is_returned() -> None:
    document = _document(
        "1. The Government accepts recommendations 140.1, 140.9-4, 140.2 (in principle), 140.500, 140.3.",
        "2. The Government notes recommendations 140.3 and 140.6.",
        _heading("Annex"),
        "3. Recommendations 140.7 and 140.8 were discussed with civil society.",
    )
    addendum = parse_upr_addendum(document, info=INFO, known_paragraphs={f"140.{n}" for n in range(1, 20)})
    assert addendum.position_map() == {"140.1": "supported", "140.2": "supported", "140.3": "supported",
                                       "140.6": "noted"}  # fmt: skip
    assert addendum.unplaced == [
        Unplaced("(in principle)", "Not a recommendation number, in the middle of a list of them.", "paragraph 1"),
        Unplaced("140.9-4", "The range does not run forwards.", "paragraph 1"),
        Unplaced("140.500", "The report has no recommendation with this number.", "paragraph 1"),
        Unplaced("140.3", "Given two positions: supported, then noted; the first is kept.", "paragraph 2"),
        Unplaced("140.7", "The paragraph does not say whether these are supported or noted.", "paragraph 3"),
        Unplaced("140.8", "The paragraph does not say whether these are supported or noted.", "paragraph 3"),
    ]


def test_changes_against_the_report() -> None:
    records = [
        ParsedRecommendation(location="", paragraph="140.1", position="pending"),
        ParsedRecommendation(location="", paragraph="140.2", position="supported"),
    ]
    addendum = parse_upr_addendum(
        _document("1. The Government supports recommendations 140.1, 140.2 and 140.3."), info=INFO
    )
    assert addendum_changes(records, addendum) == (
        [PositionChange("140.1", "pending", "supported")],
        [Unplaced("140.3", "The report has no recommendation with this number.", "A/HRC/40/10/Add.1 - Para.1")],
    )
    assert [record.position for record in records] == ["pending", "supported"]


def test_document_without_lists_refused() -> None:
    with pytest.raises(ImportFormatError) as refusal:
        parse_upr_addendum(_document("1. Introduction.", "2. The State thanks the Working Group."), info=INFO)
    assert str(refusal.value) == (
        "The document gives no list of recommendation numbers with positions, so it is not read as a State's "
        "addendum to a UPR report."
    )
