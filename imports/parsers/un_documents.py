"""UN documents as an import format: which kind a file is, and its recommendations.

``detect_un_document`` reads the first pages only (two of a PDF; a Word file whole, which is
cheap) and recognises the kind from the first page: the title of a UPR Working Group report, the
"Views on conclusions and/or recommendations" of its addendum, "Concluding observations" under a
treaty body's symbol, "Visit to …" under a special procedure's report. It returns one of
``FORMATS``, or None when the file is a PDF or Word file but none of these (a UPR thematic list
in Word, for one, is left to ``upr_docx``). Unsafe files raise DocumentRefused as when parsed.

``read_un_document`` is the registry's entry point for the kinds that give recommendations: a
``UnDocument`` iterates over them (then the problems found) and keeps what the document says
about itself (``info``) and, for concluding observations, its follow-up request. The addendum
gives positions instead (``upr_addendum.read_upr_addendum``), applied by ``imports.addendum``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from django.utils.translation import gettext as _

from .concluding_observations import FollowUpRequest, parse_concluding_observations
from .country_visit import parse_country_visit
from .document_info import (
    KIND_CONCLUDING_OBSERVATIONS,
    KIND_COUNTRY_VISIT,
    KIND_UPR_ADDENDUM,
    KIND_UPR_REPORT,
    DocumentInfo,
    read_document_info,
)
from .document_limits import DEFAULT_LIMITS, DocumentLimits
from .document_reader import ZIP_MAGIC, is_pdf, read_bounded, read_document_bytes
from .docx_text import extract_docx_text
from .pdf_text import extract_pdf_text
from .records import ImportFormatError, ParsedRecommendation, RowError
from .upr_report import parse_upr_report

FORMAT_UPR_REPORT = "un-upr-report"
FORMAT_UPR_ADDENDUM = "un-upr-addendum"
FORMAT_CONCLUDING_OBSERVATIONS = "un-concluding-observations"
FORMAT_COUNTRY_VISIT = "un-country-visit"
FORMATS = (FORMAT_UPR_REPORT, FORMAT_UPR_ADDENDUM, FORMAT_CONCLUDING_OBSERVATIONS, FORMAT_COUNTRY_VISIT)
# The formats that give recommendations (the addendum gives positions on them).
RECOMMENDATION_FORMATS = (FORMAT_UPR_REPORT, FORMAT_CONCLUDING_OBSERVATIONS, FORMAT_COUNTRY_VISIT)
_FORMAT_OF_KIND = {
    KIND_UPR_REPORT: FORMAT_UPR_REPORT,
    KIND_UPR_ADDENDUM: FORMAT_UPR_ADDENDUM,
    KIND_CONCLUDING_OBSERVATIONS: FORMAT_CONCLUDING_OBSERVATIONS,
    KIND_COUNTRY_VISIT: FORMAT_COUNTRY_VISIT,
}
# Enough for the masthead, the title and the first paragraphs (the UPR session is in paragraph 1).
_PAGES_TO_RECOGNISE = 2


def detect_un_document(data: bytes, *, limits: DocumentLimits = DEFAULT_LIMITS) -> str | None:
    """The format code of a UN document given its bytes, or None if it is not one of them."""
    if data.startswith(ZIP_MAGIC):
        document = extract_docx_text(data, limits=limits)
    elif is_pdf(data):
        document = extract_pdf_text(data, limits=limits, first_pages=_PAGES_TO_RECOGNISE)
    else:
        return None
    kind = read_document_info(document).kind
    return _FORMAT_OF_KIND.get(kind) if kind else None


@dataclass
class UnDocument:
    """The records of a UN document, then the problems found, with what the document says of itself."""

    info: DocumentInfo
    items: list[ParsedRecommendation | RowError]
    # Concluding observations: the paragraphs the committee asks news of, and by when.
    follow_up: FollowUpRequest | None = None
    next_report_due_on: date | None = None
    # Paragraphs that observe without recommending (kept out of the import).
    observations: int = 0

    def __iter__(self) -> Iterator[ParsedRecommendation | RowError]:
        return iter(self.items)


def read_un_document(
    fileobj: BinaryIO, *, format: str, language: str = "en", limits: DocumentLimits = DEFAULT_LIMITS
) -> UnDocument:
    """Read a UN document of the given format (one of RECOMMENDATION_FORMATS).

    The whole document is read and checked here: a file that is not a readable document of that
    kind raises ImportFormatError (DocumentRefused for an unsafe one) before anything is written.
    """
    if format == FORMAT_UPR_ADDENDUM:
        raise ImportFormatError(
            _(
                "The document is a State's addendum to a UPR report: it gives positions on recommendations already "
                "imported, not recommendations. Import the Working Group's report first, then the addendum to set "
                "the positions."
            )
        )
    if format not in RECOMMENDATION_FORMATS:
        raise ImportFormatError(_("Unknown UN document format %(format)s.") % {"format": repr(format)})
    document = read_document_bytes(read_bounded(fileobj, limits), limits=limits)
    info = read_document_info(document)
    if format == FORMAT_UPR_REPORT:
        report = parse_upr_report(document, language=language, info=info)
        return UnDocument(info=report.info, items=[*report.recommendations, *report.errors])
    if format == FORMAT_CONCLUDING_OBSERVATIONS:
        observations = parse_concluding_observations(document, language=language, info=info)
        return UnDocument(
            info=observations.info,
            items=[*observations.recommendations, *observations.errors],
            follow_up=observations.follow_up,
            next_report_due_on=observations.next_report_due_on,
            observations=len(observations.observations),
        )
    visit = parse_country_visit(document, language=language, info=info)
    return UnDocument(
        info=visit.info, items=[*visit.recommendations, *visit.errors], observations=len(visit.observations)
    )
