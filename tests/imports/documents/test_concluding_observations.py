"""Treaty bodies' concluding observations.

The files are CONSTRUCTED samples (tests/fixtures/constructed.py), not UN documents: no real
concluding observations were at hand. They follow the layout and wording of real ones.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imports.parsers.concluding_observations import (
    ConcludingObservations,
    FollowUpRequest,
    iter_concluding_observations,
    parse_concluding_observations,
)
from imports.parsers.document_info import DocumentInfo
from imports.parsers.document_reader import read_document
from imports.parsers.document_text import DocumentText, TextLine
from imports.parsers.records import ParsedRecommendation, RowError
from tests.imports.documents import FIXTURES
from tests.imports.documents.constructed import CEDAW_RECOMMENDATIONS, CESCR_RECOMMENDATIONS

CESCR_DOCX = FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.docx"
CESCR_PDF = FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.pdf"
CEDAW_DOCX = FIXTURES / "constructed-cedaw-co-CEDAW-C-SVN-CO-8.docx"


def parse(path: Path) -> ConcludingObservations:
    with path.open("rb") as fileobj:
        return parse_concluding_observations(read_document(fileobj))


@pytest.mark.parametrize("path", [CESCR_DOCX, CESCR_PDF], ids=["docx", "pdf"])
def test_cescr_recommendations(path: Path) -> None:
    result = parse(path)
    assert [record.paragraph for record in result.recommendations] == CESCR_RECOMMENDATIONS
    assert result.errors == []
    twelve = next(record for record in result.recommendations if record.paragraph == "12")
    assert twelve == ParsedRecommendation(
        location="paragraph 12, page 2" if path.suffix == ".pdf" else "paragraph 12",
        mechanism="CESCR",
        symbol="E/C.12/SVN/CO/3",
        paragraph="12",
        annotation_type="recommendation",
        texts={
            "en": "12. The Committee recommends that the State party:\n"
            "(a) Allocate to the Human Rights Ombudsman the human, technical and financial resources necessary for "
            "it to discharge its mandate effectively and independently, including in respect of economic, social "
            "and cultural rights;\n"
            "(b) Ensure that the Human Rights Council established within the Office of the Ombudsman is consulted "
            "on all draft legislation affecting economic, social and cultural rights;\n"
            "(c) Strengthen the regional presence of the Ombudsman, in particular in the Pomurska and Zasavska "
            "regions."
        },
        issued_on=date(2024, 11, 5),
        countries=["Slovenia"],
        section="National human rights institution",
        session=76,
        sub_items={
            "a": "Allocate to the Human Rights Ombudsman the human, technical and financial resources necessary for "
            "it to discharge its mandate effectively and independently, including in respect of economic, social "
            "and cultural rights;",
            "b": "Ensure that the Human Rights Council established within the Office of the Ombudsman is consulted "
            "on all draft legislation affecting economic, social and cultural rights;",
            "c": "Strengthen the regional presence of the Ombudsman, in particular in the Pomurska and Zasavska "
            "regions.",
        },
        follow_up_due_on=date(2026, 10, 11),
        follow_up_paragraph="42",
    )


def test_cescr_follow_up_and_next_report() -> None:
    result = parse(CESCR_PDF)
    assert result.follow_up == FollowUpRequest(
        paragraph="42",
        paragraphs={"12": ["a"], "25": [], "38": ["a"]},
        # Within 24 months of the adoption (11 October 2024), not of the document's date.
        due_on=date(2026, 10, 11),
        counted_from="adoption",
        text="42. In accordance with the procedure on follow-up to concluding observations adopted by the "
        "Committee, the State party is requested to provide, within 24 months of the adoption of the present "
        "concluding observations, information on the implementation of the recommendations contained in "
        "paragraphs 12 (a) (national human rights institution), 25 (minimum wage) and 38 (a) (mental health) "
        "above.",
    )
    assert {r.paragraph: r.follow_up_due_on for r in result.recommendations if r.follow_up_due_on} == {
        "12": date(2026, 10, 11),
        "25": date(2026, 10, 11),
        "38": date(2026, 10, 11),
    }
    assert result.next_report_due_on == date(2029, 10, 31)


def test_word_and_pdf_give_the_same_records() -> None:
    from_word = parse(CESCR_DOCX)
    from_pdf = parse(CESCR_PDF)
    assert [(r.paragraph, r.texts, r.section, r.sub_items) for r in from_word.recommendations] == [
        (r.paragraph, r.texts, r.section, r.sub_items) for r in from_pdf.recommendations
    ]
    assert [r.paragraph for r in from_word.observations] == [r.paragraph for r in from_pdf.observations]


def test_sections_as_theme_suggestions() -> None:
    result = parse(CESCR_PDF)
    assert {r.paragraph: r.section for r in result.recommendations if r.paragraph in ("5", "8", "34", "40")} == {
        "5": "Domestic application of the Covenant",
        "8": "Business and human rights",
        "34": "Roma settlements",
        "40": "Other recommendations",
    }


def test_cedaw_with_word_numbering_and_two_years() -> None:
    result = parse(CEDAW_DOCX)
    assert [record.paragraph for record in result.recommendations] == CEDAW_RECOMMENDATIONS
    assert result.follow_up is not None
    assert (result.follow_up.paragraphs, result.follow_up.due_on, result.follow_up.counted_from) == (
        {"9": ["c"], "13": ["a"], "17": ["b"]},
        # "within two years", not counted from the adoption: from the document's date.
        date(2026, 10, 30),
        "document",
    )
    assert result.recommendations[3].sub_items == {
        "a": "Adopt temporary special measures to accelerate substantive equality of women and men in areas where "
        "women are underrepresented;",
        "b": "Raise awareness among public officials of the non-discriminatory nature of such measures;",
        "c": "Set time-bound targets for the representation of Roma women in public life.",
    }


# --------------------------------------------------------------------------
# Other committees' wording, on text built in memory
# --------------------------------------------------------------------------

CCPR = DocumentInfo(
    kind="concluding-observations",
    symbol="CCPR/C/SVN/CO/4",
    issued_on=date(2025, 8, 1),
    adopted_on=date(2025, 7, 20),
    mechanism="CCPR",
    country="Slovenia",
)


def _document(*texts: str, bold: tuple[str, ...] = ()) -> DocumentText:
    return DocumentText(source="pdf", lines=[TextLine(text, bold=text in bold) for text in texts])


def test_state_party_should_and_a_stated_follow_up_date() -> None:
    document = _document(
        "A. Introduction",
        "1. The Committee considered the fourth periodic report of Slovenia.",
        "B. Principal matters of concern and recommendations",
        "Counter-terrorism",
        "2. The Committee is concerned about the breadth of the definition of terrorism.",
        "3. The State party should:",
        "(a) Bring its definition of terrorism into line with the Covenant;",
        "(b) Ensure judicial review",
        "of administrative measures.",
        "4. The Committee encourages the State party to consider acceding to the Second Optional Protocol.",
        "D. Dissemination and follow-up",
        "5. In accordance with rule 75 of the Committee\u2019s rules of procedure, the State party is requested to "
        "provide, by 28 July 2028, information on the implementation of the recommendations made by the Committee "
        "in paragraphs 3 (a) and (b) and 9 above.",
        bold=("A. Introduction", "B. Principal matters of concern and recommendations", "Counter-terrorism",
              "D. Dissemination and follow-up"),
    )  # fmt: skip
    result = parse_concluding_observations(document, info=CCPR)
    assert [(r.paragraph, r.section) for r in result.recommendations] == [
        ("3", "Counter-terrorism"),
        ("4", "Counter-terrorism"),
    ]
    assert result.recommendations[0].texts == {
        "en": "3. The State party should:\n(a) Bring its definition of terrorism into line with the Covenant;\n"
        "(b) Ensure judicial review of administrative measures."
    }
    assert result.follow_up is not None
    assert (result.follow_up.paragraphs, result.follow_up.due_on, result.follow_up.counted_from) == (
        {"3": ["a", "b"], "9": []},
        date(2028, 7, 28),
        "stated",
    )
    assert result.errors == [
        RowError(
            location="paragraph 5",
            message="The follow-up request names paragraph 9, which the document does not have.",
        )
    ]


def test_follow_up_without_any_date_is_flagged() -> None:
    info = DocumentInfo(kind="concluding-observations", symbol="CERD/C/SVN/CO/12", mechanism="CERD")
    document = _document(
        "1. The Committee recommends that the State party adopt a national action plan against racism.",
        "2. The Committee requests the State party to provide, within one year of the adoption of the present "
        "concluding observations, information on its implementation of the recommendations contained in "
        "paragraph 1 above.",
    )
    result = parse_concluding_observations(document, info=info)
    assert result.follow_up is not None
    assert (result.follow_up.due_on, result.follow_up.counted_from) == (None, "")
    assert result.recommendations[0].flags == [
        "Named in the follow-up request, but its due date could not be worked out; give the document's date."
    ]


def test_iterator_for_the_registry() -> None:
    with CESCR_DOCX.open("rb") as fileobj:
        items = list(iter_concluding_observations(fileobj))
    assert [item.paragraph for item in items if isinstance(item, ParsedRecommendation)] == CESCR_RECOMMENDATIONS
