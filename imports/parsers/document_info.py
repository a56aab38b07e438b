"""What a UN document says about itself: kind, symbol, date, mechanism, session, cycle, State.

All of it is on the first page of a UN document, in a fixed order that the Official Document
System's templates keep: the masthead ("United Nations  A/HRC/43/15", "Distr.: General",
"19 December 2019"), the body and its session ("Human Rights Council / Forty-third session"),
the title, and a first footnote that for treaty bodies says when the text was adopted
("* Adopted by the Committee at its seventy-fifth session (12–30 October 2024)."). The running
headers repeat the symbol on every page.

Nothing here guesses: a value the document does not state is left empty, and the import page
asks for it.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .common import mechanism_from_symbol, normalize_space, upr_cycle_from_session
from .document_text import DocumentText, TextLine

KIND_UPR_REPORT = "upr-report"
KIND_UPR_ADDENDUM = "upr-addendum"
KIND_CONCLUDING_OBSERVATIONS = "concluding-observations"
KIND_COUNTRY_VISIT = "country-visit"
KINDS = (KIND_UPR_REPORT, KIND_UPR_ADDENDUM, KIND_CONCLUDING_OBSERVATIONS, KIND_COUNTRY_VISIT)


@dataclass
class DocumentInfo:
    kind: str | None = None
    # The document's own symbol ("A/HRC/43/15", "CRC/C/SVN/CO/5-6"); "" when not found.
    symbol: str = ""
    # The date of issue under "Distr.: General".
    issued_on: date | None = None
    # When the body adopted the text (treaty bodies), if the document says.
    adopted_on: date | None = None
    # "UPR", a treaty body's code ("CESCR", "CRC"), or a special procedure's title as written
    # ("Special Rapporteur on the human rights of migrants").
    mechanism: str | None = None
    # The session of the mechanism itself: the UPR Working Group's session, the committee's
    # session; for a special procedure, the Human Rights Council's.
    session: int | None = None
    hrc_session: int | None = None
    upr_cycle: int | None = None
    # The State reviewed, examined or visited, as written.
    country: str = ""
    title: str = ""


# --------------------------------------------------------------------------
# Symbols
# --------------------------------------------------------------------------

# UN symbols of the series these documents come in. Parts are separated by "/"; the last part
# may be a combined report number ("5-6") or an addendum ("Add.1"). U+2011 (non-breaking hyphen)
# is turned into "-" by normalize_space before matching.
_SYMBOL_RE = re.compile(
    r"(?<![\w/])(?:A/HRC|A|E/C\.12|E|CRC/C|CEDAW/C|CCPR/C|CERD/C|CAT/C|CAT/OP|CMW/C|CRPD/C|CED/C|HRI)"
    r"(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*){1,6}(?![\w/])"
)
_TREATY_BODY_SYMBOL_RE = re.compile(r"/CO/|^CAT/OP/")


def find_symbols(text: str) -> list[str]:
    """Every UN document symbol in the text, in order."""
    return [match.group() for match in _SYMBOL_RE.finditer(normalize_space(text))]


def _own_symbol(document: DocumentText) -> str:
    """The symbol the running headers repeat, else the first on the masthead."""
    running = Counter(
        symbol
        for text in document.running
        for symbol in find_symbols(text)
        # The running header holds the symbol alone (a Word header part may add a page field).
        if len(normalize_space(text)) <= len(symbol) + 12
    )
    if running:
        return running.most_common(1)[0][0]
    texts = [line.text for line in document.first_page]
    for text in texts:
        if "united nations" in text.casefold() or find_symbols(text) == [text]:
            symbols = find_symbols(text)
            if symbols:
                return symbols[0]
    for text in texts:
        symbols = find_symbols(text)
        if symbols:
            return symbols[0]
    return ""


# --------------------------------------------------------------------------
# Dates and numbers
# --------------------------------------------------------------------------

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_DATE_RE = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>" + "|".join(calendar.month_name[1:]) + r")\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def parse_dates(text: str) -> list[date]:
    """The dates written out in English ("19 December 2019") in the text, in order."""
    found: list[date] = []
    for match in _DATE_RE.finditer(text):
        try:
            found.append(
                date(int(match.group("year")), _MONTHS[match.group("month").casefold()], int(match.group("day")))
            )
        except ValueError:
            continue
    return found


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, the day kept or brought back to the month's last day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINAL_WORD = r"(?:[a-z]+(?:[\s-]+(?:and\s+)?[a-z]+){0,4})"
_NUMERIC_ORDINAL_RE = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)?$", re.IGNORECASE)


def ordinal_value(words: str) -> int | None:
    """The number of an ordinal written in English: "thirty-fourth" → 34, "one hundred and
    thirty-ninth" → 139, "34th" → 34; None when the words are not an ordinal.
    """
    text = words.strip().casefold()
    numeric = _NUMERIC_ORDINAL_RE.match(text)
    if numeric:
        return int(numeric.group(1))
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word in ("hundred", "hundredth"):
            current = max(current, 1) * 100
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        else:
            return None
    total += current
    return total if seen and total > 0 else None


def _session_before(text: str, *, anchor: str) -> int | None:
    """The ordinal before "session" in the first sentence matching ``anchor`` + ordinal + session."""
    pattern = re.compile(anchor + r"\s+(?P<ordinal>" + _ORDINAL_WORD + r"|\d{1,3}(?:st|nd|rd|th)?)\s+session\b", re.I)
    for match in pattern.finditer(text):
        # The ordinal group may have swallowed words before the number ("its thirty-fourth").
        words = match.group("ordinal").split()
        for start in range(len(words)):
            value = ordinal_value(" ".join(words[start:]))
            if value is not None:
                return value
    return None


# --------------------------------------------------------------------------
# The document's description
# --------------------------------------------------------------------------

_UPR_TITLE_RE = re.compile(r"Working\s+Group\s+on\s+the\s+Universal\s+Periodic\s+Review", re.IGNORECASE)
_ADDENDUM_RE = re.compile(r"\bViews\s+on\s+conclusions\s+and/or\s+recommendations\b", re.IGNORECASE)
_CO_TITLE_RE = re.compile(r"\bConcluding\s+observations\b", re.IGNORECASE)
_VISIT_RE = re.compile(r"^\s*(?:Visit|Mission|Country\s+visit)\s+to\s+(?P<state>.+?)\s*\**\s*$", re.IGNORECASE)
_SP_REPORT_RE = re.compile(
    r"\bReport\s+of\s+the\s+(?P<title>(?:Special\s+Rapporteur|Independent\s+Expert|Working\s+Group|"
    r"Special\s+Representative)\b.*?)\s*(?:\*|$)",
    re.IGNORECASE,
)
_HRC_SESSION_RE = re.compile(r"^Human\s+Rights\s+Council\s*$", re.IGNORECASE)
_CO_STATE_RE = re.compile(r"\breports?\s+of\s+(?P<state>.+?)\s*\**\s*$", re.IGNORECASE)
_ADOPTED_RE = re.compile(
    r"\badopted\b[^.]*?\bat\s+its\s+[^.]*?\bmeeting,?\s+held\s+on\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE
)
_UPR_CYCLE_RE = re.compile(
    r"\b(?P<ordinal>first|second|third|fourth|fifth|\d(?:st|nd|rd|th))\s+(?:cycle|Universal\s+Periodic\s+Review)\b",
    re.IGNORECASE,
)
# Words of a personal name after a special procedure's title: "…, Gehad Madi".
_NAME_WORD_RE = re.compile(r"^(?:[A-Z][\w'’.\-]*|de|da|del|van|von|der|al|el|bin|ibn)$")


def read_document_info(document: DocumentText) -> DocumentInfo:
    """The document's kind and description, from its first page, running headers and footnotes."""
    first_lines = [line for line in document.first_page if line.text]
    first = [line.text for line in first_lines]
    first_text = "\n".join(first)
    opening = "\n".join(line.text for line in document.lines[:80])
    notes = "\n".join(line.text for line in document.footnotes[:10])
    info = DocumentInfo(symbol=_own_symbol(document), issued_on=_issue_date(first))
    info.hrc_session = _hrc_session(first)
    if _UPR_TITLE_RE.search(first_text):
        _describe_upr(info, first, first_text, opening)
    elif _CO_TITLE_RE.search(first_text) and (
        _TREATY_BODY_SYMBOL_RE.search(info.symbol) or mechanism_from_symbol(info.symbol)
    ):
        _describe_concluding_observations(info, first_lines, opening, notes, source=document.source)
    else:
        _describe_country_visit(info, first_lines, source=document.source)
    if not info.title:
        info.title = document.title
    return info


def _issue_date(first: list[str]) -> date | None:
    for index, line in enumerate(first):
        if "distr" in line.casefold():
            for candidate in first[index : index + 4]:
                dates = parse_dates(candidate)
                if dates:
                    return dates[0]
    for line in first:
        if _DATE_RE.fullmatch(line):
            return parse_dates(line)[0]
    return None


def _hrc_session(first: list[str]) -> int | None:
    for index, line in enumerate(first[:-1]):
        if _HRC_SESSION_RE.match(line):
            match = re.match(r"^(?P<ordinal>.+?)\s+session\b", first[index + 1], re.IGNORECASE)
            if match:
                return ordinal_value(match.group("ordinal"))
    return None


def _describe_upr(info: DocumentInfo, first: list[str], first_text: str, opening: str) -> None:
    info.mechanism = "UPR"
    addendum = bool(_ADDENDUM_RE.search(first_text)) or bool(re.search(r"/Add\.\d+$", info.symbol))
    info.kind = KIND_UPR_ADDENDUM if addendum else KIND_UPR_REPORT
    info.session = _session_before(opening, anchor=r"Universal\s+Periodic\s+Review[^.]*?\bheld\s+its")
    info.upr_cycle = upr_cycle_from_session(info.session)
    if info.upr_cycle is None:
        match = _UPR_CYCLE_RE.search(opening)
        if match:
            info.upr_cycle = ordinal_value(match.group("ordinal"))
    info.country = _upr_state(first)
    title = "Report of the Working Group on the Universal Periodic Review"
    info.title = f"{title}: {info.country}" if info.country else title
    if addendum:
        info.title += " — Addendum"


def _upr_state(first: list[str]) -> str:
    """The line after the title "Report of the Working Group on the Universal Periodic Review",
    which may be wrapped over lines and carry a footnote star.
    """
    for index, line in enumerate(first):
        if not line.casefold().startswith("report of the working group"):
            continue
        for offset in range(index, min(index + 3, len(first) - 1)):
            joined = normalize_space(" ".join(first[index : offset + 1]))
            if _UPR_TITLE_RE.search(joined) and joined.rstrip("* ").casefold().endswith("review"):
                return first[offset + 1].strip("* ")
    return ""


_HEADING_NUMBER_RE = re.compile(r"^(?:[IVX]+\.|[A-Z]\.|\d{1,3}\.)\s")


def _title_block(lines: list[TextLine], index: int, *, source: str) -> str:
    """The title starting at ``lines[index]``, with the lines it wraps onto in a PDF.

    A PDF's title goes on over the next lines set in the same font (size and weight); a Word
    paragraph is the whole title already.
    """
    block = [lines[index]]
    if source == "pdf":
        for line in lines[index + 1 : index + 4]:
            last = block[-1]
            if (
                line.size != last.size
                or line.bold != last.bold
                or _HEADING_NUMBER_RE.match(line.text)
                or last.text.endswith("*")
            ):
                break
            block.append(line)
    return normalize_space(" ".join(line.text for line in block)).rstrip("* ")


def _describe_concluding_observations(
    info: DocumentInfo, first: list[TextLine], opening: str, notes: str, *, source: str
) -> None:
    info.kind = KIND_CONCLUDING_OBSERVATIONS
    info.mechanism = mechanism_from_symbol(info.symbol)
    index = next((number for number, line in enumerate(first) if _CO_TITLE_RE.search(line.text)), None)
    if index is not None:
        info.title = _title_block(first, index, source=source)
        state = _CO_STATE_RE.search(info.title)
        if state:
            info.country = state.group("state").rstrip("* ")
    info.session = _session_before(notes + "\n" + opening, anchor=r"\bat\s+its")
    adopted = _ADOPTED_RE.search(opening)
    if adopted:
        dates = parse_dates(adopted.group("date"))
        info.adopted_on = dates[0] if dates else None


def _describe_country_visit(info: DocumentInfo, first: list[TextLine], *, source: str) -> None:
    visit = next((match for line in first if (match := _VISIT_RE.match(line.text))), None)
    index = next((number for number, line in enumerate(first) if _SP_REPORT_RE.search(line.text)), None)
    if visit is None or index is None:
        return
    report = _SP_REPORT_RE.search(_title_block(first, index, source=source))
    if report is None:
        return
    info.kind = KIND_COUNTRY_VISIT
    info.country = visit.group("state")
    info.mechanism = _mandate_title(report.group("title"))
    info.session = info.hrc_session
    info.title = f"Report of the {info.mechanism}: visit to {info.country}"


def _mandate_title(title: str) -> str:
    """The mandate without the holder's name: "Special Rapporteur on …, Gehad Madi" → "… on …"."""
    title = title.rstrip("* ").rstrip(",")
    head, sep, last = title.rpartition(",")
    words = last.split()
    if sep and 1 < len(words) <= 5 and all(_NAME_WORD_RE.match(word) for word in words):
        return head.strip()
    return title
