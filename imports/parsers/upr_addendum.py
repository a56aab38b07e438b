"""Positions from a State's addendum to its UPR report (…/Add.1, "Views on conclusions and/or
recommendations"), PDF or Word.

An addendum gives the State's position on the recommendations its report left pending, as lists
of their numbers in numbered paragraphs, under headings, with comments on some::

    Accepted recommendations
    3. The Government accepts the following recommendations 122.1, 122.12, 122.17-18,
    122.22, … 122.62-
    66, … 122.141-144,122.146, …
    Noted recommendations
    5. For the time being, the Government notes recommendations 122.2-10, 122.13, …
      122.2–4
    The ratification of the Convention is not a priority for Slovenia, …

Real addenda are written by hand, so the lists are read tolerantly: ranges with a hyphen or a
dash, with or without the list's number repeated and with stray spaces ("122.17-18",
"140.11–140.14", "122.34- 35", a range broken over two lines), stray full stops ("140.35.
140.36"), no space after a comma; positions in any of the usual words (supported, accepted,
noted, "partially supported", "does not support"). The position of a list comes from its own
paragraph's verb ("accepts", "notes"), else from the heading above it. A line that starts with
numbers alone ("122.14– 15") introduces the State's comment on them; a comment may also give
its own position ("140.7 Partially supported. …"), which then wins.

Whatever cannot be placed is returned, never dropped: tokens of a list that are not numbers of
recommendations, numbers the report does not have, ranges that run backwards, lists whose
position cannot be told, and numbers given two different positions.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

from .document_info import KIND_UPR_ADDENDUM, DocumentInfo, read_document_info
from .document_limits import DEFAULT_LIMITS, DocumentLimits
from .document_reader import read_document
from .document_text import DocumentText, TextLine, join_lines
from .records import ImportFormatError, ParsedRecommendation

# A reference to recommendations: "122.17", or a range "122.17-18", "122.17 – 122.18", "122.34- 35".
_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
_REFERENCE_RE = re.compile(
    rf"(?<![\d])(?P<list>\d{{1,3}})\.(?P<first>\d{{1,3}})(?!\d)"
    rf"(?:\s*[{_DASHES}]\s*(?:(?P<list2>\d{{1,3}})\.)?(?P<last>\d{{1,3}})(?![\d]|\.\d))?"
)
# Between references of a list: commas, semicolons, full stops, "and", spaces.
_SEPARATORS_RE = re.compile(r"(?:[\s,;.:]|\band\b|\bas\s+well\s+as\b|\bor\b)+", re.IGNORECASE)
_PARAGRAPH_RE = re.compile(r"^(?P<number>\d{1,3})\.\s+(?P<rest>\S.*)$")
# A range longer than this is a typing error ("122.1-1000"), not a list.
_MAX_RANGE = 200

# Position words, most specific first: "partially supported" before "supported", "not
# supported" before "supported".
_POSITION_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:partially|partly|in\s+part)\b|\b(?:supported|accepted)/noted\b", re.I), "partially_supported"),
    (re.compile(r"\b(?:does|do|did|cannot|can\s?not|could\s+not)\s+not\s+(?:support|accept)|\bnot\s+(?:supported|accepted)\b"
                r"|\breject(?:s|ed)?\b|\bdoes\s+not\s+enjoy\b", re.I), "noted"),
    (re.compile(r"\bnot(?:es|ed)?\b|\btakes?\s+note\b", re.I), "noted"),
    (re.compile(r"\b(?:support(?:s|ed)?|accept(?:s|ed)?|enjoys?\s+the\s+support)\b", re.I), "supported"),
)  # fmt: skip
_STANDALONE_POSITION_RE = re.compile(
    r"^\s*(?:partially\s+supported|partially\s+accepted|supported/noted|accepted/noted|supported|accepted|noted|"
    r"rejected|not\s+supported|not\s+accepted)\b",
    re.IGNORECASE,
)


@dataclass
class AddendumPosition:
    paragraph: str
    position: str
    # The words the position was read from (the list's sentence, a heading, a comment's label).
    position_raw: str
    # Where, as a thematic list cites it: "A/HRC/43/15/Add.1 - Para.3".
    source: str
    # The State's comment on the recommendation, if the addendum gives one.
    explanation: str = ""


@dataclass
class Unplaced:
    """Something of a list that could not be turned into a position."""

    token: str
    reason: str
    # Where it was: "paragraph 3", or the comment's numbers.
    location: str = ""


@dataclass
class UprAddendum:
    info: DocumentInfo
    positions: dict[str, AddendumPosition] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)

    @property
    def report_symbol(self) -> str:
        """The symbol of the report the addendum answers: "A/HRC/43/15" for "A/HRC/43/15/Add.1"."""
        return re.sub(r"/Add\.\d+$", "", self.info.symbol)

    def position_map(self) -> dict[str, str]:
        """``{"122.1": "supported", "122.2": "noted", …}``."""
        return {paragraph: entry.position for paragraph, entry in self.positions.items()}

    def counts(self) -> Counter[str]:
        return Counter(entry.position for entry in self.positions.values())


@dataclass(frozen=True)
class PositionChange:
    paragraph: str
    before: str | None
    after: str


def read_upr_addendum(
    fileobj: BinaryIO,
    *,
    known_paragraphs: Collection[str] | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> UprAddendum:
    """Read an addendum file; ImportFormatError (DocumentRefused for an unsafe one) if it cannot be."""
    return parse_upr_addendum(read_document(fileobj, limits=limits), known_paragraphs=known_paragraphs)


def parse_upr_addendum(
    document: DocumentText, *, known_paragraphs: Collection[str] | None = None, info: DocumentInfo | None = None
) -> UprAddendum:
    """The positions the addendum gives.

    ``known_paragraphs`` are the report's recommendation numbers ("122.1", …) when known: a
    number outside them is returned as unplaced. Without them, numbers are accepted when their
    list number (the "122" of "122.7") is the one most of the addendum's numbers use.
    """
    info = info or read_document_info(document)
    if info.kind is None:
        info.kind = KIND_UPR_ADDENDUM
    blocks = _blocks(document.lines)
    result = UprAddendum(info=info)
    lists = _list_numbers(blocks, known_paragraphs)
    for block in blocks:
        if block.kind == "paragraph":
            _read_list_paragraph(block, result, info, lists, known_paragraphs)
    for block in blocks:
        if block.kind == "comment":
            _read_comment(block, result, info, lists, known_paragraphs)
    if not result.positions and not result.unplaced:
        raise ImportFormatError(
            _(
                "The document gives no list of recommendation numbers with positions, so it is not read as a "
                "State's addendum to a UPR report."
            )
        )
    return result


def addendum_changes(
    records: Iterable[ParsedRecommendation], addendum: UprAddendum
) -> tuple[list[PositionChange], list[Unplaced]]:
    """What the addendum changes in the report's records, and what it names that they lack.

    Pure: the records are not modified. The import service applies the changes (the position,
    its words and its source) in its preview and on confirmation.
    """
    by_paragraph = {record.paragraph: record for record in records}
    changes: list[PositionChange] = []
    unknown: list[Unplaced] = []
    for paragraph, entry in addendum.positions.items():
        record = by_paragraph.get(paragraph)
        if record is None:
            unknown.append(Unplaced(paragraph, _("The report has no recommendation with this number."), entry.source))
        elif record.position != entry.position:
            changes.append(PositionChange(paragraph, record.position, entry.position))
    return changes, unknown


def apply_addendum(records: Iterable[ParsedRecommendation], addendum: UprAddendum) -> None:
    """Set the addendum's positions, words, sources and comments on the report's records, in place."""
    for record in records:
        entry = addendum.positions.get(record.paragraph)
        if entry is None:
            continue
        record.position = entry.position
        record.position_raw = entry.position_raw
        record.position_source = entry.source
        record.position_explanation = entry.explanation


# --------------------------------------------------------------------------
# Blocks: numbered paragraphs, headings, comments
# --------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "paragraph", "heading", "comment"
    lines: list[TextLine]
    number: str = ""
    heading: str = ""

    @property
    def text(self) -> str:
        return join_lines(self.lines)


def _blocks(lines: list[TextLine]) -> list[_Block]:
    blocks: list[_Block] = []
    heading = ""
    current: _Block | None = None
    last_number: int | None = None
    previous: TextLine | None = None
    for line in lines:
        continues_list = previous is not None and _continues(previous)
        previous = line
        paragraph = _PARAGRAPH_RE.match(line.text)
        if paragraph and (last_number is None or int(paragraph.group("number")) == last_number + 1):
            last_number = int(paragraph.group("number"))
            current = _Block("paragraph", [line], number=paragraph.group("number"), heading=heading)
            blocks.append(current)
        elif not continues_list and _is_comment_header(line.text):
            # A comment belongs to the list paragraph it follows, for the position's source.
            number = str(last_number) if last_number is not None else ""
            current = _Block("comment", [line], number=number, heading=heading)
            blocks.append(current)
        elif _is_heading(line):
            if current is not None and current.kind == "heading":
                current.lines.append(line)
            else:
                current = _Block("heading", [line])
                blocks.append(current)
            heading = current.text
        elif current is not None:
            if current.kind == "heading":
                # Text after a heading that is not a paragraph: treat it as the heading's own text.
                current.lines.append(line)
                heading = current.text
            else:
                current.lines.append(line)
    return blocks


def _continues(line: TextLine) -> bool:
    """The line stops in the middle of a list ("122.17-18," or "122.62-"): the next line goes on with it."""
    return line.joins_next or line.text.rstrip().endswith((",", ";", *_DASHES))


def _is_comment_header(text: str) -> bool:
    """A line starting with recommendation numbers alone: "122.14– 15", "140.7: Partially supported"."""
    match = _REFERENCE_RE.match(text)
    if not match:
        return False
    rest = text[match.end() :]
    while True:
        separator = _SEPARATORS_RE.match(rest)
        after = rest[separator.end() :] if separator else rest
        more = _REFERENCE_RE.match(after)
        if not more:
            break
        rest = after[more.end() :]
    if rest.rstrip().endswith((",", ";")):
        return False  # a line of a list that goes on
    rest = rest.strip(" ,;.:\u2013-")
    return not rest or bool(_STANDALONE_POSITION_RE.match(rest))


def _is_heading(line: TextLine) -> bool:
    if _REFERENCE_RE.search(line.text) or len(line.text) > 160 or line.text.endswith((".", ";", ",")):
        return False
    return line.bold or line.style == "heading"


# --------------------------------------------------------------------------
# Lists and comments
# --------------------------------------------------------------------------


def _list_numbers(blocks: list[_Block], known: Collection[str] | None) -> set[str]:
    """The report's list paragraphs ("122") the addendum's numbers may belong to."""
    if known:
        return {paragraph.partition(".")[0] for paragraph in known}
    counts: Counter[str] = Counter()
    for block in blocks:
        if block.kind in ("paragraph", "comment"):
            counts.update(match.group("list") for match in _REFERENCE_RE.finditer(block.text))
    if not counts:
        return set()
    top = counts.most_common(1)[0][1]
    # A report has one or two lists left for the addendum; keep every list used about as often.
    return {number for number, count in counts.items() if count * 4 >= top}


def _expand(match: re.Match[str]) -> tuple[list[str], str | None]:
    """The numbers of a reference, or an error for a range that cannot be."""
    number = match.group("list")
    first = int(match.group("first"))
    last = match.group("last")
    if last is None:
        return [f"{number}.{first}"], None
    if match.group("list2") not in (None, number):
        return [], _("A range cannot run from one list of recommendations to another.")
    end = int(last)
    if end <= first or end - first > _MAX_RANGE:
        return [], _("The range does not run forwards.")
    return [f"{number}.{item}" for item in range(first, end + 1)], None


def _position_of(text: str) -> str | None:
    for pattern, position in _POSITION_WORDS:
        if pattern.search(text):
            return position
    return None


def _source(info: DocumentInfo, number: str) -> str:
    return f"{info.symbol} - Para.{number}" if info.symbol else f"Para.{number}"


def _paragraph_location(number: str) -> str:
    # Translators: where something is in a UN document: a numbered paragraph.
    return _("paragraph %(paragraph)s") % {"paragraph": number}


def _read_list_paragraph(
    block: _Block, result: UprAddendum, info: DocumentInfo, lists: set[str], known: Collection[str] | None
) -> None:
    start = _PARAGRAPH_RE.match(block.text)
    text = start.group("rest") if start else block.text
    references = [match for match in _REFERENCE_RE.finditer(text) if match.group("list") in lists]
    if not references:
        return
    location = _paragraph_location(block.number)
    # The list's verb is in the words before its first number ("The Government accepts the
    # following recommendations"); the heading speaks for a paragraph without one.
    lead = text[: references[0].start()]
    # Or after it: "Recommendations 140.70-71 and 140.80 are noted."
    tail = text[references[-1].end() :]
    words = lead if _position_of(lead) else tail if _position_of(tail) else ""
    position = _position_of(words) or _position_of(block.heading)
    # The heading says more when it agrees ("Accepted recommendations that Slovenia considers
    # already implemented or in the process of implementation"); else the list's own words.
    raw = block.heading if _position_of(block.heading) == position else words.strip(" :,.")
    _leftovers(text, references, result, location)
    for match in references:
        numbers, problem = _expand(match)
        if problem:
            result.unplaced.append(Unplaced(match.group(), problem, location))
            continue
        if position is None:
            result.unplaced.append(
                Unplaced(match.group(), _("The paragraph does not say whether these are supported or noted."), location)
            )
            continue
        for number in numbers:
            _place(result, number, position, raw, _source(info, block.number), known, location)


def _leftovers(text: str, references: list[re.Match[str]], result: UprAddendum, location: str) -> None:
    """Tokens between a list's first and last numbers that are neither numbers nor separators."""
    for before, after in itertools.pairwise(references):
        between = text[before.end() : after.start()]
        leftover = _SEPARATORS_RE.sub(" ", between).strip()
        if leftover:
            result.unplaced.append(
                Unplaced(leftover, _("Not a recommendation number, in the middle of a list of them."), location)
            )


def _place(
    result: UprAddendum,
    number: str,
    position: str,
    raw: str,
    source: str,
    known: Collection[str] | None,
    location: str,
) -> None:
    if known is not None and number not in known:
        result.unplaced.append(Unplaced(number, _("The report has no recommendation with this number."), location))
        return
    existing = result.positions.get(number)
    if existing is not None and existing.position != position:
        result.unplaced.append(
            Unplaced(
                number,
                # Translators: %(first)s and %(second)s are positions such as "supported" and "noted".
                _("Given two positions: %(first)s, then %(second)s; the first is kept.")
                % {"first": existing.position, "second": position},
                location,
            )
        )
        return
    if existing is None:
        result.positions[number] = AddendumPosition(number, position, raw, source)


def _read_comment(
    block: _Block, result: UprAddendum, info: DocumentInfo, lists: set[str], known: Collection[str] | None
) -> None:
    header = block.lines[0].text
    references: list[re.Match[str]] = []
    rest = header
    while (match := _REFERENCE_RE.match(rest)) is not None:
        references.append(match)
        rest = rest[match.end() :]
        separator = _SEPARATORS_RE.match(rest)
        if separator:
            rest = rest[separator.end() :]
    label = rest.strip(" ,;.:\u2013-")
    body = join_lines(block.lines[1:])
    # The position may open the comment's text instead: "140.4" / "Noted. The State cannot …".
    label_match = None if label else _STANDALONE_POSITION_RE.match(body)
    if label_match is not None:
        label = label_match.group()
        body = body[label_match.end() :].lstrip(" .:;,\u2013-")
    explicit = _position_of(label) if label else None
    location = header
    numbers: list[str] = []
    for match in references:
        if match.group("list") not in lists:
            continue
        expanded, problem = _expand(match)
        if problem:
            result.unplaced.append(Unplaced(match.group(), problem, location))
        numbers.extend(expanded)
    for number in numbers:
        entry = result.positions.get(number)
        if explicit is not None:
            # The comment's own position wins over its list's.
            if entry is None or entry.position != explicit:
                if entry is not None:
                    del result.positions[number]
                _place(result, number, explicit, label, _source(info, block.number), known, location)
                entry = result.positions.get(number)
        elif entry is None:
            heading_position = _position_of(block.heading)
            if heading_position is None:
                result.unplaced.append(Unplaced(number, _("A comment is given on it, but no position."), location))
                continue
            _place(result, number, heading_position, block.heading, _source(info, block.number), known, location)
            entry = result.positions.get(number)
        if entry is not None and body:
            entry.explanation = f"{entry.explanation}\n{body}".strip() if entry.explanation else body
