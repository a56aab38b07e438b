"""Recommendations of a treaty body's concluding observations (CRC/C/…/CO/…, CEDAW/C/…,
E/C.12/…, CCPR/C/…, CAT/C/…, CERD/C/…, CRPD/C/…, CED/C/…, CMW/C/…), PDF or Word.

Each numbered paragraph that recommends becomes a record: "The Committee recommends that the
State party: (a) … (b) …", and the other verbs committees use (urges, calls upon, encourages,
requests, invites, reiterates its recommendation; "The State party should" for the Human Rights
Committee and the Committee against Torture). Paragraphs that only observe ("The Committee is
concerned …", "welcomes …") are observations, left out unless asked for, and nothing in the
introduction or the positive aspects counts as a recommendation. The heading a paragraph sits
under ("Minimum wage") is kept as its section, a suggestion of its theme.

The follow-up paragraph ("… requested to provide, within 24 months of the adoption of the
present concluding observations, information on the implementation of the recommendations
contained in paragraphs 12 (a), 25 and 38 above") is read apart: the paragraphs it names get
its due date, worked out from the adoption date when it counts from the adoption and the
document knows it, else from the document's date; "by 12 May 2026" is taken as written. The
date of the next periodic report is read too, for the calendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from django.utils.translation import gettext as _

from .document_info import KIND_CONCLUDING_OBSERVATIONS, DocumentInfo, add_months, parse_dates, read_document_info
from .document_limits import DEFAULT_LIMITS, DocumentLimits
from .document_reader import read_document
from .document_text import DocumentText
from .paragraphs import NumberedParagraph, split_paragraphs
from .records import ImportFormatError, ParsedRecommendation, RowError

RECOMMENDING_RE = re.compile(
    r"\b(?:recommends?|urges?|urged|calls?\s+(?:up)?on|encourages?|requests?|invites?|"
    r"reiterates\s+its\s+(?:previous\s+)?recommendations?|draws\s+(?:the\s+)?(?:State\s+party[\u2019']s\s+)?attention)\b"
    r"|^The\s+State\s+party\s+should\b|\bthe\s+State\s+party\s+should\b",
    re.IGNORECASE,
)
# Chapters where nothing is a recommendation, whatever its verb.
_NOT_RECOMMENDATIONS_RE = re.compile(r"\bintroduction\b|\bpositive\s+aspects\b|\bprogress\s+achieved\b", re.I)
_FOLLOW_UP_RE = re.compile(
    r"\bwithin\s+(?P<count>\d{1,2}|one|two|three|four|six|eighteen|twelve|twenty-four)\s+(?P<unit>months?|years?)\b"
    r"|\bby\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\b",
    re.IGNORECASE,
)
_FOLLOW_UP_CONTEXT_RE = re.compile(r"\bfollow-up\b|\binformation\s+on\b|\binformation\s+about\b", re.IGNORECASE)
_FROM_ADOPTION_RE = re.compile(r"\b(?:of|from|after)\s+the\s+adoption\b", re.IGNORECASE)
# Where a follow-up request names paragraphs: "paragraphs 12 (a) and (b), 25 and 38 (a) above",
# "(see paras. 12, 25 and 38 above)", with descriptions in parentheses after some numbers
# ("25 (minimum wage)"). The list runs to "above", a closing parenthesis or the sentence's end.
_REFERENCES_RE = re.compile(r"\bpara(?:graph)?s?\.?\s+(?P<list>\d.*?)(?=\babove\b|\)\s*[.;]|\.\s|\.$|$)", re.I)
_DESCRIPTION_RE = re.compile(r"\((?![a-z]{1,2}\))[^()]*\)")
_REFERENCE_RE = re.compile(r"(?P<number>\d{1,3})(?P<subs>(?:\s*(?:,|and|,\s*and)?\s*\([a-z]{1,2}\))*)")
_NEXT_REPORT_RE = re.compile(
    r"\b(?:submit|submission\s+of)\s+its\b[^.]*?\breport\b[^.]*?\bby\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})", re.I
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12, "eighteen": 18, "twenty-four": 24}


@dataclass
class FollowUpRequest:
    paragraph: str
    # The paragraphs named, as written with their sub-items: {"12": ["a"], "25": [], "38": ["a"]}.
    paragraphs: dict[str, list[str]]
    due_on: date | None
    # What the deadline was counted from: "adoption", "document", "stated" (a date in the text),
    # or "" when it could not be worked out.
    counted_from: str
    text: str


@dataclass
class ConcludingObservations:
    info: DocumentInfo
    recommendations: list[ParsedRecommendation]
    observations: list[ParsedRecommendation] = field(default_factory=list)
    follow_up: FollowUpRequest | None = None
    next_report_due_on: date | None = None
    errors: list[RowError] = field(default_factory=list)


def iter_concluding_observations(
    fileobj: BinaryIO, *, language: str = "en", limits: DocumentLimits = DEFAULT_LIMITS
) -> Iterator[ParsedRecommendation | RowError]:
    """The recommendations, then the problems found, for the import service."""
    result = parse_concluding_observations(read_document(fileobj, limits=limits), language=language)
    return iter([*result.recommendations, *result.errors])


def parse_concluding_observations(
    document: DocumentText, *, language: str = "en", info: DocumentInfo | None = None
) -> ConcludingObservations:
    info = info or read_document_info(document)
    if info.kind is None:
        info.kind = KIND_CONCLUDING_OBSERVATIONS
    paragraphs = split_paragraphs(document.lines, source=document.source)
    if not paragraphs:
        raise ImportFormatError(_("The document has no numbered paragraphs, so no recommendation can be read from it."))
    result = ConcludingObservations(info=info, recommendations=[])
    for paragraph in paragraphs:
        follow_up = _follow_up(paragraph, info)
        if follow_up is not None and result.follow_up is None:
            result.follow_up = follow_up
            continue
        next_report = _NEXT_REPORT_RE.search(paragraph.lead)
        if next_report:
            dates = parse_dates(next_report.group("date"))
            result.next_report_due_on = dates[0] if dates else None
        record = paragraph_record(paragraph, info, language=language, source=document.source)
        if is_recommendation(paragraph):
            result.recommendations.append(record)
        else:
            record.annotation_type = "observation"
            result.observations.append(record)
    if result.follow_up is not None:
        _flag_follow_up(result)
    if not result.recommendations:
        result.errors.append(
            RowError(
                location=info.symbol or _("the document"),
                message=_("No paragraph of the document recommends anything."),
            )
        )
    return result


def is_recommendation(paragraph: NumberedParagraph) -> bool:
    if any(_NOT_RECOMMENDATIONS_RE.search(heading.text) for heading in paragraph.headings):
        return False
    return bool(RECOMMENDING_RE.search(paragraph.lead))


def paragraph_location(paragraph: NumberedParagraph, *, source: str) -> str:
    if source == "pdf":
        # Translators: where something is in a UN document: a numbered paragraph and its page.
        return _("paragraph %(paragraph)s, page %(page)s") % {"paragraph": paragraph.number, "page": paragraph.page}
    # Translators: where something is in a UN document: a numbered paragraph.
    return _("paragraph %(paragraph)s") % {"paragraph": paragraph.number}


def paragraph_record(
    paragraph: NumberedParagraph, info: DocumentInfo, *, language: str, source: str
) -> ParsedRecommendation:
    """A record for a numbered paragraph of a treaty body's or a special procedure's document."""
    record = ParsedRecommendation(
        location=paragraph_location(paragraph, source=source),
        mechanism=info.mechanism,
        symbol=info.symbol,
        paragraph=paragraph.number,
        annotation_type="recommendation",
        texts={language: paragraph.text},
        issued_on=info.issued_on,
        countries=[info.country] if info.country else [],
        section=paragraph.theme,
        session=info.session,
        sub_items={item.label: item.text for item in paragraph.sub_items},
    )
    if not info.symbol:
        record.flags.append(_("The document's symbol was not found; give it for the batch."))
    return record


def _follow_up(paragraph: NumberedParagraph, info: DocumentInfo) -> FollowUpRequest | None:
    text = paragraph.lead
    deadline = _FOLLOW_UP_RE.search(text)
    references = _REFERENCES_RE.search(text)
    if deadline is None or references is None or not _FOLLOW_UP_CONTEXT_RE.search(text):
        return None
    if _NEXT_REPORT_RE.search(text):
        return None  # the date of the next report, not a follow-up request
    named: dict[str, list[str]] = {}
    for match in _REFERENCE_RE.finditer(_DESCRIPTION_RE.sub(" ", references.group("list"))):
        named.setdefault(match.group("number"), []).extend(re.findall(r"\(([a-z]{1,2})\)", match.group("subs")))
    due_on, counted_from = _due_date(deadline, text, info)
    return FollowUpRequest(paragraph.number, named, due_on, counted_from, paragraph.text)


def _due_date(deadline: re.Match[str], text: str, info: DocumentInfo) -> tuple[date | None, str]:
    if deadline.group("date"):
        dates = parse_dates(deadline.group("date"))
        return (dates[0], "stated") if dates else (None, "")
    count_text = deadline.group("count").casefold()
    count = int(count_text) if count_text.isdigit() else _WORD_NUMBERS[count_text]
    months = count * 12 if deadline.group("unit").casefold().startswith("year") else count
    if _FROM_ADOPTION_RE.search(text) and info.adopted_on is not None:
        return add_months(info.adopted_on, months), "adoption"
    if info.adopted_on is not None and info.issued_on is None:
        return add_months(info.adopted_on, months), "adoption"
    if info.issued_on is not None:
        return add_months(info.issued_on, months), "document"
    return None, ""


def _flag_follow_up(result: ConcludingObservations) -> None:
    follow_up = result.follow_up
    assert follow_up is not None
    by_number = {record.paragraph: record for record in result.recommendations + result.observations}
    for number in follow_up.paragraphs:
        record = by_number.get(number)
        if record is None:
            result.errors.append(
                RowError(
                    location=_("paragraph %(paragraph)s") % {"paragraph": follow_up.paragraph},
                    # Translators: %(paragraph)s is a paragraph number named in a follow-up request.
                    message=_("The follow-up request names paragraph %(paragraph)s, which the document does not have.")
                    % {"paragraph": number},
                )
            )
            continue
        record.follow_up_due_on = follow_up.due_on
        record.follow_up_paragraph = follow_up.paragraph
        if follow_up.due_on is None:
            record.flags.append(
                _("Named in the follow-up request, but its due date could not be worked out; give the document's date.")
            )
