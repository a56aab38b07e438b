"""Special procedures' country-visit reports. The files are CONSTRUCTED samples, not UN documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imports.parsers.country_visit import iter_country_visit, parse_country_visit
from imports.parsers.document_info import DocumentInfo
from imports.parsers.document_reader import read_document
from imports.parsers.document_text import DocumentText, TextLine
from imports.parsers.records import ImportFormatError, ParsedRecommendation
from tests.imports.documents import FIXTURES
from tests.imports.documents.constructed import SR_RECOMMENDATIONS

SR_DOCX = FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.docx"
SR_PDF = FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.pdf"


@pytest.mark.parametrize("path", [SR_DOCX, SR_PDF], ids=["docx", "pdf"])
def test_recommendations_section(path: Path) -> None:
    with path.open("rb") as fileobj:
        report = parse_country_visit(read_document(fileobj))
    assert [record.paragraph for record in report.recommendations] == SR_RECOMMENDATIONS
    # Conclusions (11, 12) and the findings before them are observations.
    assert [record.paragraph for record in report.observations] == [str(n) for n in range(1, 13)]
    assert report.recommendations[1] == ParsedRecommendation(
        location="paragraph 14, page 2" if path.suffix == ".pdf" else "paragraph 14",
        mechanism="Special Rapporteur on the right to food",
        symbol="A/HRC/59/40/Add.1",
        paragraph="14",
        texts={
            "en": "14. With regard to agriculture, the Special Rapporteur recommends that the Government:\n"
            "(a) Support the generational renewal of family farms, including through access to land and credit "
            "for young farmers;\n"
            "(b) Strengthen the supervision of unfair trading practices in the food supply chain."
        },
        issued_on=date(2025, 4, 14),
        countries=["Slovenia"],
        session=59,
        sub_items={
            "a": "Support the generational renewal of family farms, including through access to land and credit "
            "for young farmers;",
            "b": "Strengthen the supervision of unfair trading practices in the food supply chain.",
        },
    )
    # A bare order under "Recommendations" is a recommendation.
    assert report.recommendations[-1].texts["en"].startswith("16. Reduce food waste in public institutions")


def test_mixed_section_uses_the_verbs() -> None:
    info = DocumentInfo(kind="country-visit", symbol="A/HRC/50/1/Add.2", mechanism="Independent Expert on X")
    document = DocumentText(
        source="docx",
        lines=[
            TextLine("V. Conclusions and recommendations", style="heading"),
            TextLine("1. The Independent Expert found a committed administration."),
            TextLine("2. The Independent Expert urges the authorities to adopt the pending bill."),
            TextLine("To civil society", style="heading"),
            TextLine("3. The Independent Expert calls on civil society organizations to keep monitoring."),
        ],
    )
    report = parse_country_visit(document, info=info)
    assert [(r.paragraph, r.section) for r in report.recommendations] == [("2", ""), ("3", "To civil society")]


def test_report_without_recommendations_refused() -> None:
    document = DocumentText(source="docx", lines=[TextLine("1. A paragraph."), TextLine("2. Another.")])
    with pytest.raises(ImportFormatError) as refusal:
        parse_country_visit(document, info=DocumentInfo())
    assert str(refusal.value) == (
        "The report has no chapter or section of recommendations (a heading \u201cRecommendations\u201d)."
    )


def test_iterator_for_the_registry() -> None:
    with SR_PDF.open("rb") as fileobj:
        assert [item.paragraph for item in iter_country_visit(fileobj)] == SR_RECOMMENDATIONS
