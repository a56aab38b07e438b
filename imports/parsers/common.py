"""Helpers shared by the import parsers: text cleaning, value parsing, streaming JSON.

Everything here is pure Python; the only piece of Django it uses is gettext, so that every
message a user sees (errors, locations, review flags) is in the language of the import job,
which runs inside ``translation.override``. Messages are therefore translated when they are
made, never at import time. Functions that interpret a value return ``None`` (or an empty
string) when the value is not recognised, rather than guessing: the parsers turn that into a
review flag. The safety checks run on Office files before a library opens them are in ``safety``.
"""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import IO, Any

import ijson
from django.utils.translation import gettext as _

from .records import ImportFormatError, ParsedRecommendation

# --- Locations ---------------------------------------------------------------------------------
# Where a record came from, as messages show it. Translated: the user reads them beside the error.


def record_location(number: int) -> str:
    """``"record 4"``: the Nth item (from 1) of a JSON array of records."""
    # Translators: where an import error is, the number of a record in the imported file.
    return _("record %(number)s") % {"number": number}


def line_location(number: int) -> str:
    """``"line 5"``: a line (from 1) of a JSON Lines file."""
    # Translators: where an import error is, the number of a line in the imported file.
    return _("line %(number)s") % {"number": number}


def row_location(number: int) -> str:
    """``"row 12"``: a row of a spreadsheet or CSV file, as the spreadsheet numbers it."""
    # Translators: where an import error is, the number of a row in the imported spreadsheet.
    return _("row %(number)s") % {"number": number}


def entry_location(number: int) -> str:
    """``"entry 3"``: the Nth entry (from 1) of a filter list."""
    # Translators: where an import error is, the number of an entry in a UHRI filter list.
    return _("entry %(number)s") % {"number": number}


# --- Whitespace and labels -------------------------------------------------------------------

# Characters str.split() does not count as space but that only carry typesetting intent
# (the no-break spaces of &nbsp; and French typography are already spaces to str.split()).
# U+2011 is the non-breaking hyphen UN documents put in symbols such as CRC/C/SVN/CO/5-6.
_CHARACTER_FIXES = {
    "\u2011": "-",  # non-breaking hyphen
    "\u00ad": None,  # soft hyphen
    "\u200b": None,  # zero-width space
    "\ufeff": None,  # byte order mark / zero-width no-break space
    "\x00": None,  # NUL, which PostgreSQL text cannot hold
}
_CHARACTER_TABLE = str.maketrans(_CHARACTER_FIXES)
# str.translate is slow and most values hold none of these characters: a search decides.
_NEEDS_FIXES_RE = re.compile(f"[{''.join(_CHARACTER_FIXES)}]")


def _fix_characters(value: str) -> str:
    return value.translate(_CHARACTER_TABLE) if _NEEDS_FIXES_RE.search(value) else value


def normalize_space(value: str) -> str:
    """Collapse every run of whitespace (line breaks included) into one space, and strip."""
    return " ".join(_fix_characters(value).split())


def normalize_lines(value: str) -> str:
    """Normalise spaces within each line, drop empty lines, and keep the line structure."""
    lines = (" ".join(line.split()) for line in _fix_characters(value).splitlines())
    return "\n".join(line for line in lines if line)


def strip_dash_prefix(value: str) -> str:
    """Remove the ``"- "`` list marker UHRI exports put before values (``"- CRC"`` → ``"CRC"``)."""
    value = value.strip()
    if value.startswith("-") and not value[1:2].isdigit():
        return value[1:].lstrip()
    return value


@functools.lru_cache(maxsize=16384)
def clean_label(value: str) -> str:
    """A single label as found in an export, without list marker, ``\\r`` or doubled spaces.

    Cached: an export repeats the same few hundred labels (themes, States, dates) on every record.
    """
    label = normalize_space(value)
    return strip_dash_prefix(label) if label.startswith("-") else label


def split_multi_value(value: Any) -> list[str]:
    """Split a multi-value cell into clean labels.

    Exports give lists either as JSON arrays or as one cell with a value per line
    (``"- A\\r\\n- B"``). Empty entries are dropped; the order of the source is kept.
    """
    if value is None:
        return []
    if type(value) is list and all(type(item) is str for item in value):
        # The common case (a JSON export's list of labels), without the general loop below.
        return [label for item in value if (label := clean_label(item))]
    if isinstance(value, str):
        items: Iterable[Any] = value.splitlines()
    elif isinstance(value, list | tuple):
        items = value
    else:
        items = [value]
    labels = []
    for item in items:
        if isinstance(item, list | tuple):
            labels.extend(split_multi_value(item))
        elif item is not None:
            label = clean_label(str(item))
            if label:
                labels.append(label)
    return labels


@functools.lru_cache(maxsize=4096)
def country_key(value: str) -> str:
    """A comparison key for country labels: case-, space- and footnote-star-insensitive.

    UHRI marks some names with a star (``"State of Palestine*"``) that is not part of the name.
    Cached: a full export repeats the same two hundred names a quarter of a million times.
    """
    return clean_label(value).rstrip("*").strip().casefold()


# --- HTML to text ----------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[a-zA-Z!/?][^>]*>")
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAG_RE = re.compile(rf"<(?:{'|'.join(sorted(_BLOCK_TAGS))})\b", re.IGNORECASE)
# Elements whose content is never text a reader sees.
_HIDDEN_TAGS = frozenset({"script", "style", "xml", "head", "title"})

# Leftovers of Microsoft Word's HTML when text was pasted into the UHRI editor and its tags were
# stripped: the document settings ("Normal 0 false false false EN-GB ZH-CN AR-SA") and the
# "MsoNormalTable" style sheet end up in the text, before the real paragraph.
_WORD_SETTINGS_RE = re.compile(
    r"^\s*Normal\s+\d+(?:\s+\d+)?\s+(?:(?:false|true)\s+){2,}"
    r"(?:(?:[A-Z]{2}(?:-[A-Z]{2,4})?|X-NONE)\s+){0,4}(?:MicrosoftInternetExplorer4\s+)?"
)
_WORD_STYLE_RE = re.compile(r"(?:/\*[^*]*\*/\s*)?[\w.#:-]+(?:\s*,\s*[\w.#:-]+)*\s*\{[^{}]*\bmso-[^{}]*\}")


# Paragraphs and nothing else: no other tag, no entity.
_SIMPLE_PARAGRAPHS_RE = re.compile(r"(?:\s*<p>[^<>]*</p>)+\s*")
_PARAGRAPH_RE = re.compile(r"<p>([^<>]*)</p>")


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment, with a line break per block element."""

    def __init__(self, *, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if not self.keep_newlines:
            # In real HTML a line break in the source is just a space; in "HTML-ish" text
            # without block elements it is the only paragraph separator there is.
            data = data.replace("\r", " ").replace("\n", " ")
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text of an HTML (or HTML-ish) fragment, whitespace normalised, one line per block.

    Handles entities (``&nbsp;``, ``&rsquo;``, ``&#8209;``), ``<p>``/``<br>`` and other block
    elements, and Word paste leftovers. Text without tags keeps its own line breaks.
    """
    if "&" not in value and _SIMPLE_PARAGRAPHS_RE.fullmatch(value):
        # The common case (the full export's "<p>…</p>"), as the parser below would read it.
        text = "\n".join(part.replace("\r", " ").replace("\n", " ") for part in _PARAGRAPH_RE.findall(value))
    elif _TAG_RE.search(value):
        parser = _TextExtractor(keep_newlines=not _BLOCK_TAG_RE.search(value))
        parser.feed(value)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = html.unescape(value)
    if "mso-" in text:
        text = _WORD_STYLE_RE.sub("\n", text)
    text = _WORD_SETTINGS_RE.sub("", text)
    return normalize_lines(text)


# --- Dates -----------------------------------------------------------------------------------

# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for (serials from 61 on,
# i.e. every date an export will hold).
_EXCEL_EPOCH = date(1899, 12, 30)
# Values that databases and .NET write for "no date"; UHRI API records carry 1900-01-01.
_PLACEHOLDER_DATES = frozenset({date(1900, 1, 1), date(1, 1, 1)})
_SERIAL_RE = re.compile(r"^\d{1,6}(?:\.\d+)?$")


def excel_serial_to_date(serial: float) -> date:
    """The calendar date of an Excel serial number (``46078`` → 2026-02-25); the time is dropped."""
    if serial < 1:
        raise ValueError(_("%(value)s is not an Excel date serial number.") % {"value": repr(serial)})
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_iso_date(value: str) -> date:
    """The date of an ISO 8601 date or date-time string (``"2025-02-12T00:00:00"``)."""
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not an ISO date.") % {"value": repr(value)}) from None


def parse_date(value: Any) -> date | None:
    """A date from whatever an export holds: ``date``/``datetime`` (openpyxl), an Excel serial
    (number or numeric string) or an ISO string. Empty values and placeholder dates give None;
    anything else unreadable raises ValueError.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, bool):
        raise ValueError(_("%(value)s is not a date.") % {"value": repr(value)})
    elif isinstance(value, int | float):
        result = excel_serial_to_date(value)
    elif isinstance(value, str):
        result = _parse_date_text(value)
        if result is None:
            return None
    else:
        raise ValueError(_("%(value)s is not a date.") % {"value": repr(value)})
    return None if result in _PLACEHOLDER_DATES else result


@functools.lru_cache(maxsize=4096)
def _parse_date_text(value: str) -> date | None:
    # Cached: a file holds few distinct dates. A ValueError is not cached, and is raised afresh
    # (in the language of the moment) each time.
    text = clean_label(value)
    if not text:
        return None
    return excel_serial_to_date(float(text)) if _SERIAL_RE.match(text) else parse_iso_date(text)


def parse_date_or_flag(value: Any, name: str, flags: list[str]) -> date | None:
    """``parse_date``, except that an unreadable value gives None and a flag
    (``"unreadable <name>: <value>"``): a wrong date does not make a recommendation unusable.
    """
    try:
        return parse_date(value)
    except ValueError:
        # Translators: a review flag; %(field)s is the name of the date's field or column in the
        # imported file (e.g. PublicationDate), %(value)s the value found there.
        flags.append(_("unreadable %(field)s: %(value)s") % {"field": name, "value": value})
        return None


# --- Numbers, sessions, cycles ---------------------------------------------------------------

_FIRST_INTEGER_RE = re.compile(r"\d+")
# (last session of the cycle, cycle). The 1st cycle had 12 sessions, the later ones 14 each.
_UPR_CYCLE_LAST_SESSIONS = ((12, 1), (26, 2), (40, 3), (54, 4))
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}


def parse_int(value: Any) -> int | None:
    """The first whole number in a value (``34``, ``34.0``, ``"- 34"``, ``"Session 34"``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = _FIRST_INTEGER_RE.search(str(value))
    return int(match.group()) if match else None


def upr_cycle_from_session(session: int | None) -> int | None:
    """The UPR cycle a Working Group session belongs to (sessions 1-12 → 1, 13-26 → 2,
    27-40 → 3, 41-54 → 4). Later sessions give None: the 5th cycle's length is not known yet.
    """
    if session is None or session < 1:
        return None
    for last_session, cycle in _UPR_CYCLE_LAST_SESSIONS:
        if session <= last_session:
            return cycle
    return None


def parse_upr_cycle(value: Any) -> int | None:
    """The cycle number of a label: ``3``, ``"3rd cycle"``, ``"Cycle 3"``, ``"Third cycle"``."""
    if isinstance(value, str):
        words = value.casefold().split()
        for word, number in _ORDINALS.items():
            if word in words:
                return number
    return parse_int(value)


# --- Paragraph numbers -----------------------------------------------------------------------

# Arabic-Indic and Extended (Persian) digits, as Arabic versions of UN documents use them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# "para. 28", "Paragraph 12 (b)", and the first UPR cycle's "Recommendation No. 41, para. 81: …",
# where recommendations were numbered items of one paragraph: later documents cite that one
# as 81.41, the shape every later cycle uses, so it is returned that way.
_PARA_REFERENCE_RE = re.compile(
    r"^(?:recommendation\s+no\.?\s*(?P<item>\d{1,3})\s*,\s*)?(?:para(?:graph)?s?\.?|§)\s*"
    r"(?P<number>\d{1,3}(?:\.\d{1,3})?)(?:\s?\((?P<sub>[a-z]{1,4})\))?",
    re.IGNORECASE,
)
# A number at the very start: "137.197 …" (UPR), "23. The…", "79(a) …", and the Arabic versions
# "127-179 …" and "36- …", where a hyphen replaces the dot.
_LEADING_NUMBER_RE = re.compile(
    r"^(?P<number>\d{1,3})(?:\s*[.\-\u2013]\s*(?P<second>\d{1,3})(?!\d))?"
    r"(?:\s?\((?P<sub>[a-z]{1,4})\))?(?=\s|[.\-\u2013:;)]|[^\W\d_a-z]|$)"
)
# A heading glued before the number, as UHRI stores treaty-body paragraphs:
# "Right to education66.While…", "Liberty and security of the person (art. 14)25. The…",
# "Parliament\n7. The…". The number must follow a non-digit and be followed by a separator.
_HEADED_NUMBER_RE = re.compile(
    r"^(?P<heading>[^\n]{1,150}?)(?:(?<=[^\W\d_])|(?<=\))|\s)\s*"
    r"(?P<number>\d{1,3})\s*[.\-\u2013]\s*(?=[^\W\d_a-z]|[(\u201c\"\u2018'])"
)
# Signs that the text before a number is a sentence, not a heading: then the number is a
# reference ("…under article 5. The…"), not the paragraph's own.
_SENTENCE_RE = re.compile(
    r"[.;:!?]\s+[A-Z]|\b(?:Committee|State party|recommends|urges|encourages|notes|welcomes|"
    r"concerned|should|requests|calls)\b"
)
_REFERENCE_WORD_RE = re.compile(
    r"\b(?:art|arts|article|articles|para|paras|paragraph|paragraphs|no|nos|rule|rules|goal|"
    r"target|section|resolution|comment|recommendation)\.?\s*$",
    re.IGNORECASE,
)


def extract_paragraph(text: str, *, normalized: bool = False) -> str:
    """The paragraph number a recommendation's text starts with, as written, or ``""``.

    Recognised shapes: ``137.197 …`` (UPR), ``23. …``, ``79(a) …``, ``para. 28``,
    ``Recommendation No. 41, para. 81: …`` (→ ``81.41``), a heading glued before the number
    (``Corruption24. The…``) and the Arabic variants (``127-179``, ``٣٠-``); Arabic-Indic digits
    are returned as ASCII digits and Arabic hyphens as dots. ``normalized``: the text already
    went through ``normalize_lines`` (as ``html_to_text`` returns it).
    """
    text = (text if normalized else normalize_lines(text)).translate(_DIGITS)
    if not text:
        return ""
    match = _PARA_REFERENCE_RE.match(text) or _LEADING_NUMBER_RE.match(text)
    if match:
        return _format_paragraph(match)
    match = _HEADED_NUMBER_RE.match(text)
    if match:
        heading = match.group("heading")
        if not _SENTENCE_RE.search(heading) and not _REFERENCE_WORD_RE.search(heading):
            return match.group("number")
    return ""


def _format_paragraph(match: re.Match[str]) -> str:
    groups = match.groupdict()
    paragraph = groups["number"]
    second = groups.get("second") or groups.get("item")
    if second:
        paragraph += "." + second
    if groups.get("sub"):
        paragraph += f"({groups['sub']})"
    return paragraph


# --- Vocabularies ----------------------------------------------------------------------------

_POSITIONS = {
    "supported": "supported",
    "accepted": "supported",
    "noted": "noted",
    # Older UPR documents and databases said "rejected" for what is now "noted".
    "rejected": "noted",
    "supported/noted": "partially_supported",
    "accepted/noted": "partially_supported",
    "partially supported": "partially_supported",
    "partially accepted": "partially_supported",
    "supported in part": "partially_supported",
    "accepted in part": "partially_supported",
    "partially": "partially_supported",
    "pending": "pending",
    "pending response": "pending",
}
_ANNOTATION_TYPES = {
    "recommendation": "recommendation",
    "recommendations": "recommendation",
    "observation": "observation",
    "observations": "observation",
    "concerns/observations": "observation",
    "concern/observation": "observation",
    "concerns": "observation",
}


# Cached: a file repeats the same few labels on every record.
@functools.lru_cache(maxsize=4096)
def _vocabulary_key(value: str) -> str:
    # "Supported / Noted" and "Supported/ Noted" are the same position.
    return re.sub(r"\s*/\s*", "/", clean_label(value)).casefold()


def normalize_position(value: str) -> str | None:
    """One of records.POSITIONS for a UPR position label, or None when it is not recognised."""
    return _POSITIONS.get(_vocabulary_key(value))


def combine_positions(values: Iterable[str]) -> str | None:
    """The position of a record listing several: supported and noted parts make it partially
    supported; unknown labels or other mixtures give None.
    """
    positions = {normalize_position(value) for value in values}
    if None in positions:
        return None
    if positions == {"supported", "noted"}:
        return "partially_supported"
    return positions.pop() if len(positions) == 1 else None


def normalize_annotation_type(value: str) -> str | None:
    """``"recommendation"`` or ``"observation"`` for a UHRI type label, None when unknown."""
    return _ANNOTATION_TYPES.get(_vocabulary_key(value))


_SDG_LABEL_RE = re.compile(r"^(?P<goal>\d{1,2})(?:\.(?P<target>\d{1,2}|[a-z]))?(?=\s|$|[-\u2013:])")


# Cached: a file repeats the same few labels on every record.
@functools.lru_cache(maxsize=4096)
def parse_sdg_label(label: str) -> tuple[str, str] | None:
    """``("target", "16.2")`` for ``"16.2 - Protect children…"``, ``("goal", "16")`` for
    ``"16 - PEACE, JUSTICE AND STRONG INSTITUTIONS"``, None for anything else.
    """
    match = _SDG_LABEL_RE.match(clean_label(label))
    if not match or not 1 <= int(match.group("goal")) <= 17:
        return None
    if match.group("target"):
        return "target", f"{match.group('goal')}.{match.group('target')}"
    return "goal", match.group("goal")


def sort_sdg_labels(labels: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Split SDG labels into (target codes, goal numbers, unrecognised labels), keeping order."""
    targets: list[str] = []
    goals: list[str] = []
    unknown: list[str] = []
    for label in labels:
        parsed = parse_sdg_label(label)
        if parsed is None:
            unknown.append(label)
        else:
            kind, code = parsed
            bucket = targets if kind == "target" else goals
            if code not in bucket:
                bucket.append(code)
    return targets, goals, unknown


def add_sdg(record: ParsedRecommendation, label: str) -> bool:
    """File an SDG label's code under the record's targets or goals (once each); False, and
    nothing filed, when the label is neither (see ``parse_sdg_label``).
    """
    parsed = parse_sdg_label(label)
    if parsed is None:
        return False
    kind, code = parsed
    append_once(record.sdg_targets if kind == "target" else record.sdg_goals, code)
    return True


def append_once(values: list[str], value: str) -> None:
    """Append ``value`` unless the list already holds it."""
    if value not in values:
        values.append(value)


# Treaty bodies by the first part(s) of their documents' symbols. Order matters: the optional
# protocol series come before their committee's general series.
_SYMBOL_MECHANISMS = (
    ("CRC/C/OPSC/", "CRC-OP-SC"),
    ("CRC/C/OPAC/", "CRC-OP-AC"),
    ("CAT/OP/", "SPT"),
    ("E/C.12/", "CESCR"),
    ("CRC/", "CRC"),
    ("CEDAW/", "CEDAW"),
    ("CCPR/", "CCPR"),
    ("CERD/", "CERD"),
    ("CAT/", "CAT"),
    ("CMW/", "CMW"),
    ("CRPD/", "CRPD"),
    ("CED/", "CED"),
)
_HRC_SYMBOL_RE = re.compile(r"^A/HRC/\d+/")


def mechanism_from_symbol(symbol: str, *, upr: bool = False) -> str | None:
    """The mechanism that issued a document, from its symbol, or None when the symbol alone
    cannot tell.

    Treaty-body series are unambiguous (``CRC/C/…`` → CRC, ``E/C.12/…`` → CESCR,
    ``CAT/OP/…`` → SPT). Human Rights Council documents (``A/HRC/43/6``) may be a UPR Working
    Group report, its addendum or a special procedure's report: they give ``"UPR"`` only when
    the caller knows the record is a UPR one (``upr=True``, e.g. it has a UPR session or
    position), and None otherwise.
    """
    key = "".join(symbol.split()).upper()
    for prefix, mechanism in _SYMBOL_MECHANISMS:
        if key.startswith(prefix):
            return mechanism
    if upr and _HRC_SYMBOL_RE.match(key):
        return "UPR"
    return None


# --- Streaming JSON --------------------------------------------------------------------------


def _ijson_backend() -> Any:
    # The C backend parses about ten times faster than the pure-Python one; it needs the yajl
    # library, which the ijson wheels bundle, but a source build may lack it.
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:
        return ijson


class PrefixedReader(io.RawIOBase):
    """A binary reader that serves already-read bytes before the rest of a file.

    Used to sniff the start of an upload without requiring the file to be seekable; text-mode
    files are encoded to UTF-8 on the fly.
    """

    def __init__(self, prefix: bytes, fileobj: IO[Any]) -> None:
        super().__init__()
        self._prefix = prefix
        self._fileobj = fileobj

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size == 0:
            return b""
        if self._prefix:
            if size is None or size < 0:
                data, self._prefix = self._prefix + _as_bytes(self._fileobj.read()), b""
            else:
                data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return _as_bytes(self._fileobj.read(-1 if size is None else size))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def sniff(fileobj: IO[Any], size: int = 4096) -> tuple[bytes, PrefixedReader]:
    """The first bytes of a file (without a UTF-8 byte order mark) and a reader that still
    yields the whole file from its start, minus the byte order mark.
    """
    head = _as_bytes(fileobj.read(size))
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head, PrefixedReader(head, fileobj)


def first_character(head: bytes) -> str:
    """The first non-whitespace character of a sniffed file start, or ``""`` if there is none."""
    stripped = head.lstrip()
    return stripped[:1].decode("ascii", errors="replace") if stripped else ""


def iter_json_array(fileobj: IO[Any], *, item_location: Callable[[int], str] = record_location) -> Iterator[Any]:
    """Stream the items of a top-level JSON array, never holding more than one in memory.

    Raises ImportFormatError when the file is empty, is not a JSON array, is not valid JSON or
    ends too early; the message names the item where reading stopped, as ``item_location``
    gives it from its number (counted from 1): ``"record 5"`` by default.
    """
    head, reader = sniff(fileobj)
    start = first_character(head)
    if not start:
        raise ImportFormatError(_("The file is empty."))
    if start == "{":
        raise ImportFormatError(_("The file holds a single JSON object, not a JSON array (a list) of records."))
    if start != "[":
        raise ImportFormatError(
            # Translators: %(start)s is the beginning of the file's first line, in quotes.
            _("The file is not JSON: a JSON array starts with '[', this file starts with %(start)s.")
            % {"start": repr(_preview(head))}
        )
    count = 0
    try:
        for item in _ijson_backend().items(reader, "item", use_float=True):
            count += 1
            yield item
    except ijson.JSONError as error:
        raise ImportFormatError(_json_error_message(error, item_location(count + 1))) from None


def _preview(head: bytes) -> str:
    """The start of a file's first line, to show what it holds instead of JSON."""
    first_line = head.lstrip().splitlines()[0] if head.strip() else b""
    return first_line[:20].decode("utf-8", errors="replace")


def _json_error_message(error: Exception, where: str) -> str:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if "premature EOF" in detail or "Incomplete" in detail:
        # Translators: %(where)s is where reading stopped, e.g. "record 5".
        return _("The file ends in the middle of %(where)s: it is probably truncated.") % {"where": where}
    if "trailing garbage" in detail or "Additional data" in detail:
        # Translators: %(where)s is where reading stopped, e.g. "record 5".
        return _("The file has unexpected content after the end of the JSON array (%(where)s).") % {"where": where}
    # Translators: %(where)s is where reading stopped, e.g. "record 5"; %(detail)s is the JSON
    # parser's own (English) description of the problem.
    return _("The file is not valid JSON at %(where)s (%(detail)s).") % {"where": where, "detail": detail}
