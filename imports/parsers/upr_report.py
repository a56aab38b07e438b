"""The recommendations of a UPR Working Group report (A/HRC/<session>/<n>), PDF or Word.

The report's section "II. Conclusions and/or recommendations" is a few numbered paragraphs,
each introducing a list and saying what the State under review did with it::

    121. The recommendations formulated during the interactive dialogue/listed below have been
    examined by Slovenia and enjoy the support of Slovenia:
    121.1 Ratify the International Convention for the Protection of All Persons
    from Enforced Disappearance (France) (Lithuania);
    121.2 Complete the process of ratification … (Ukraine); Increase efforts towards
    ratification … (Slovakia);
    …
    122. The following recommendations will be examined by Slovenia, which will provide
    responses in due time …:
    122.1 …

Each item becomes a record whose text starts with its number, as the thematic list and the UHRI
write it ("121.1 Ratify … (France) (Lithuania);"). An item is recognised by the next number of
its list at the start of a line, so a line that happens to start with another number (a year, a
"1930 (No. 29)") never starts an item. The recommending States are read from the parentheses
that close the text, as for the thematic list. The position is the list's: supported, noted,
or pending when the State will answer in its addendum.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

from .document_info import KIND_UPR_REPORT, DocumentInfo, read_document_info
from .document_limits import DEFAULT_LIMITS, DocumentLimits
from .document_reader import read_document
from .document_text import DocumentText, TextLine, join_lines
from .recommending_states import states_in_text
from .records import ImportFormatError, ParsedRecommendation, RowError

_SECTION_RE = re.compile(r"^(?:[IVX]+\.\s*)?Conclusions\s+and(?:/or)?\s+recommendations\b", re.IGNORECASE)
# What ends the section: the annex (composition of the delegation), or a next chapter.
_SECTION_END_RE = re.compile(r"^(?:Annex(?:es)?\b|Composition\s+of\s+the\s+delegation\b|[IVX]+\.\s+\S)", re.IGNORECASE)
_PARAGRAPH_RE = re.compile(r"^(?P<number>\d{1,3})\.\s+(?P<rest>\S.*)$")
_ITEM_RE = re.compile(r"^(?P<paragraph>\d{1,3})\.(?P<item>\d{1,3})\.?(?:\s+(?P<rest>.*))?$")
# Items may be missing from a list (a numbering slip); more than this many in a row is not a slip.
_MAX_SKIPPED_ITEMS = 3

# How a list's introduction states the position. Checked in order: "did not enjoy the support"
# must be seen before "enjoy the support".
_POSITION_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bdid\s+not\s+enjoy\s+the\s+support\b|\bnot\s+supported\b|\brejected\b", re.I), "noted"),
    (re.compile(r"\b(?:have|has)\s+been\s+noted\b|\bnoted\s+by\b|\btakes?\s+note\b|\bwere\s+noted\b", re.I), "noted"),
    (re.compile(r"\bwill\s+(?:be\s+)?examine[sd]?\b|\bwill\s+provide\s+responses\b|\bin\s+due\s+time\b", re.I),
     "pending"),
    (re.compile(r"\benjoys?\s+the\s+support\b|\b(?:have|has)\s+been\s+accepted\b|\bare\s+supported\b", re.I),
     "supported"),
)  # fmt: skip


@dataclass
class UprList:
    """A numbered paragraph of the conclusions and the items it lists."""

    number: str
    introduction: str
    position: str | None
    items: list[ParsedRecommendation] = field(default_factory=list)


@dataclass
class UprReport:
    info: DocumentInfo
    lists: list[UprList]
    errors: list[RowError]

    @property
    def recommendations(self) -> list[ParsedRecommendation]:
        return [item for upr_list in self.lists for item in upr_list.items]


def iter_upr_report(
    fileobj: BinaryIO, *, language: str = "en", limits: DocumentLimits = DEFAULT_LIMITS
) -> Iterator[ParsedRecommendation | RowError]:
    """The recommendations of a Working Group report, then the problems found, for the import service.

    The document is read and checked before this returns: a file that is not a readable report
    raises ImportFormatError (DocumentRefused for an unsafe one) here, not during iteration.
    """
    report = parse_upr_report(read_document(fileobj, limits=limits), language=language)
    return iter([*report.recommendations, *report.errors])


def parse_upr_report(document: DocumentText, *, language: str = "en", info: DocumentInfo | None = None) -> UprReport:
    info = info or read_document_info(document)
    lines = _conclusions(document.lines)
    if lines is None:
        raise ImportFormatError(
            _(
                "The document has no section “Conclusions and/or recommendations”, so it is not read as a "
                "report of the Working Group on the Universal Periodic Review."
            )
        )
    lists, errors = _read_lists(lines, info, language=language, source=document.source)
    if not any(upr_list.items for upr_list in lists):
        raise ImportFormatError(
            _("The section “Conclusions and/or recommendations” lists no numbered recommendations.")
        )
    if info.kind is None:
        info.kind = KIND_UPR_REPORT
    return UprReport(info=info, lists=lists, errors=errors)


def _conclusions(lines: list[TextLine]) -> list[TextLine] | None:
    """The lines of the conclusions section, without its heading; None when there is none."""
    start = next((index for index, line in enumerate(lines) if _SECTION_RE.match(line.text)), None)
    if start is None:
        return None
    section: list[TextLine] = []
    for line in lines[start + 1 :]:
        if _SECTION_END_RE.match(line.text) and not _PARAGRAPH_RE.match(line.text):
            break
        section.append(line)
    return section


@dataclass
class _Item:
    paragraph: str
    number: int
    lines: list[TextLine]


def _read_lists(
    lines: list[TextLine], info: DocumentInfo, *, language: str, source: str
) -> tuple[list[UprList], list[RowError]]:
    lists: list[UprList] = []
    errors: list[RowError] = []
    intro: list[TextLine] = []
    current: UprList | None = None
    item: _Item | None = None

    def close_item() -> None:
        nonlocal item
        if item is not None and current is not None:
            current.items.append(_record(item, current, info, language=language, source=source))
        item = None

    def close_intro() -> None:
        if current is not None and intro:
            current.introduction = join_lines(intro)
            current.position = _list_position(current.introduction)
            intro.clear()

    for line in lines:
        paragraph = _PARAGRAPH_RE.match(line.text)
        expected_paragraph = int(current.number) + 1 if current is not None else None
        if paragraph and (expected_paragraph is None or int(paragraph.group("number")) == expected_paragraph):
            close_item()
            close_intro()
            current = UprList(number=paragraph.group("number"), introduction="", position=None)
            lists.append(current)
            intro.append(line)
            continue
        start = _ITEM_RE.match(line.text)
        if current is not None and start and start.group("paragraph") == current.number:
            number = int(start.group("item"))
            last_number = item.number if item is not None else _last_item_number(current)
            if last_number < number <= last_number + 1 + _MAX_SKIPPED_ITEMS:
                close_item()
                if intro:
                    close_intro()
                for missing in range(last_number + 1, number):
                    errors.append(_missing_item(current.number, missing))
                item = _Item(paragraph=f"{current.number}.{number}", number=number, lines=[line])
                continue
        if item is not None:
            item.lines.append(line)
        elif current is not None:
            intro.append(line)
    close_item()
    close_intro()
    return lists, errors


def _last_item_number(upr_list: UprList) -> int:
    if not upr_list.items:
        return 0
    return int(upr_list.items[-1].paragraph.rpartition(".")[2])


def _missing_item(paragraph: str, number: int) -> RowError:
    return RowError(
        location=_paragraph_location(f"{paragraph}.{number}", None),
        # Translators: %(paragraph)s is a UPR recommendation number such as 121.7.
        message=_("Recommendation %(paragraph)s is missing from the list of the report.")
        % {"paragraph": f"{paragraph}.{number}"},
    )


def _list_position(introduction: str) -> str | None:
    for pattern, position in _POSITION_PHRASES:
        if pattern.search(introduction):
            return position
    return None


def _paragraph_location(paragraph: str, page: int | None) -> str:
    if page is None:
        # Translators: where an import error is: a numbered paragraph of a UN document.
        return _("paragraph %(paragraph)s") % {"paragraph": paragraph}
    # Translators: where an import error is: a numbered paragraph of a UN document and its page.
    return _("paragraph %(paragraph)s, page %(page)s") % {"paragraph": paragraph, "page": page}


def _record(item: _Item, upr_list: UprList, info: DocumentInfo, *, language: str, source: str) -> ParsedRecommendation:
    first = item.lines[0]
    start = _ITEM_RE.match(first.text)
    head = TextLine(text=(start.group("rest") if start else "") or "", joins_next=first.joins_next)
    # The number as the list prints it, then the text, as the thematic list and the UHRI write it.
    text = f"{item.paragraph} {join_lines([head, *item.lines[1:]])}".strip()
    record = ParsedRecommendation(
        location=_paragraph_location(item.paragraph, first.page if source == "pdf" else None),
        mechanism="UPR",
        symbol=info.symbol,
        paragraph=item.paragraph,
        annotation_type="recommendation",
        texts={language: text},
        issued_on=info.issued_on,
        upr_cycle=info.upr_cycle,
        upr_session=info.session,
        countries=[info.country] if info.country else [],
        recommending_countries=states_in_text(text),
        position=upr_list.position,
        position_raw=upr_list.introduction,
        position_source=f"{info.symbol} - Para {upr_list.number}" if info.symbol else "",
    )
    if not record.recommending_countries:
        record.flags.append(_("No recommending State found."))
    if upr_list.position is None:
        record.flags.append(
            # Translators: %(paragraph)s is the number of a paragraph of the report, e.g. 121.
            _("The report's paragraph %(paragraph)s does not say whether these recommendations are supported.")
            % {"paragraph": upr_list.number}
        )
    return record
