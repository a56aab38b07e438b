"""Recommendations of a special procedure's country-visit report (A/HRC/<session>/<n>/Add.<k>,
"Visit to <State>"), PDF or Word.

The recommendations are the numbered paragraphs of the report's last chapter, "Conclusions and
recommendations", or of a chapter or section "Recommendations". Under a heading that says only
"Recommendations" every paragraph is one, including those written as bare orders ("Reduce food
waste …"); under "Conclusions" none is; under a heading that says both, a paragraph is one when
it recommends in words ("recommends that the Government:", "urges", "calls on", "encourages").
Sub-items, sections and headings are read as for concluding observations (``paragraphs``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

from .concluding_observations import RECOMMENDING_RE, paragraph_record
from .document_info import KIND_COUNTRY_VISIT, DocumentInfo, read_document_info
from .document_limits import DEFAULT_LIMITS, DocumentLimits
from .document_reader import read_document
from .document_text import DocumentText
from .paragraphs import Heading, NumberedParagraph, split_paragraphs
from .records import ImportFormatError, ParsedRecommendation, RowError

_RECOMMENDATIONS_RE = re.compile(r"\brecommendations?\b", re.IGNORECASE)
_CONCLUSIONS_RE = re.compile(r"\bconclu(?:sions?|ding)\b", re.IGNORECASE)


@dataclass
class CountryVisitReport:
    info: DocumentInfo
    recommendations: list[ParsedRecommendation]
    observations: list[ParsedRecommendation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def iter_country_visit(
    fileobj: BinaryIO, *, language: str = "en", limits: DocumentLimits = DEFAULT_LIMITS
) -> Iterator[ParsedRecommendation | RowError]:
    """The recommendations, then the problems found, for the import service."""
    report = parse_country_visit(read_document(fileobj, limits=limits), language=language)
    return iter([*report.recommendations, *report.errors])


def parse_country_visit(
    document: DocumentText, *, language: str = "en", info: DocumentInfo | None = None
) -> CountryVisitReport:
    info = info or read_document_info(document)
    if info.kind is None:
        info.kind = KIND_COUNTRY_VISIT
    paragraphs = split_paragraphs(document.lines, source=document.source)
    if not any(_section_heading(paragraph) for paragraph in paragraphs):
        raise ImportFormatError(
            _("The report has no chapter or section of recommendations (a heading “Recommendations”).")
        )
    report = CountryVisitReport(info=info, recommendations=[])
    for paragraph in paragraphs:
        record = paragraph_record(paragraph, info, language=language, source=document.source)
        heading = _section_heading(paragraph)
        # The recommendations' own heading ("B. Recommendations") is not a theme; one under it is.
        record.section = paragraph.theme if heading is not None and paragraph.headings[-1] != heading else ""
        if _is_recommendation(paragraph, heading):
            report.recommendations.append(record)
        else:
            record.annotation_type = "observation"
            report.observations.append(record)
    if not report.recommendations:
        report.errors.append(RowError(location=info.symbol, message=_("The recommendations section is empty.")))
    return report


def _section_heading(paragraph: NumberedParagraph) -> Heading | None:
    """The nearest heading above the paragraph that speaks of conclusions or recommendations."""
    for heading in reversed(paragraph.headings):
        if _RECOMMENDATIONS_RE.search(heading.title) or _CONCLUSIONS_RE.search(heading.title):
            return heading
    return None


def _is_recommendation(paragraph: NumberedParagraph, heading: Heading | None) -> bool:
    if heading is None:
        return False
    recommends = bool(_RECOMMENDATIONS_RE.search(heading.title))
    concludes = bool(_CONCLUSIONS_RE.search(heading.title))
    if recommends and not concludes:
        return True
    if concludes and not recommends:
        return False
    return bool(RECOMMENDING_RE.search(paragraph.lead))
