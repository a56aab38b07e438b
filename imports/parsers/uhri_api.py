"""UHRI API records: their filter lists, a parser for saved records, and a paging client.

Records (UHRI.md §3) carry ids instead of labels::

    annotationId, sectionId, symbol, documentId, publicationDate, annotationType, countryIds,
    regionIds, dateFrontEndPublished, affectedPersonIds, themesIds, sdgsIds, uprPositionIds,
    uprSessionIds, uprRecommendingCountryIds, recommendingRegionIds, bodyId, uprCycle,
    numberInDocument, en, fr, es, ar, ru, zh

The ids resolve through the API's filter lists, one per facet, each a list of entries
``{"id", "text", "parentId", "heading", ...}``. ``FilterLists`` holds the lists it was given
under the facet names of ``FACETS``; whatever is missing is derived where possible (mechanism
from the document symbol, UPR cycle from the session, paragraph from the text) and otherwise
kept as a flag (``"unresolved themesIds: <id>"``) for review. A record is never rejected
because an id is unknown.

``numberInDocument`` is not used: in the real sample it is the annotation's rank in the
document and matches the paragraph number in well under half of the records.

The paging client that fetches them is ``imports.uhri_client``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .common import (
    combine_positions,
    country_key,
    entry_location,
    extract_paragraph,
    first_character,
    html_to_text,
    iter_json_array,
    line_location,
    mechanism_from_symbol,
    normalize_annotation_type,
    normalize_space,
    parse_date_or_flag,
    parse_int,
    parse_upr_cycle,
    record_location,
    sniff,
    sort_sdg_labels,
    upr_cycle_from_session,
)
from .records import ImportFormatError, ParsedRecommendation, RowError, SkippedRow
from .safety import check_zip_safety

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
# Where the paragraph number is looked for first: the languages whose numbering is most
# reliable in UHRI (Arabic and Chinese versions carry reversed or spaced-out digits).
_PARAGRAPH_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")

# Record key → filter list (facet) its ids belong to.
FACETS = {
    "countryIds": "countries",
    "uprRecommendingCountryIds": "countries",
    "regionIds": "regions",
    "recommendingRegionIds": "regions",
    "affectedPersonIds": "affected_persons",
    "themesIds": "themes",
    "sdgsIds": "sdgs",
    "uprPositionIds": "upr_positions",
    "uprSessionIds": "upr_sessions",
    "uprCycle": "upr_cycles",
    "bodyId": "bodies",
    "annotationType": "annotation_types",
}
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


# --- Filter lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterEntry:
    id: str
    text: str
    parent_id: str | None = None
    heading: bool = False


def _facet_key(facet: str) -> str:
    # "affected_persons", "affectedPersons" and "Affected persons" name the same list.
    return re.sub(r"[^a-z0-9]", "", facet.casefold())


def _id_key(value: Any) -> str:
    return str(value).strip().casefold()


def load_filter_list(fileobj: IO[Any]) -> list[dict[str, Any]]:
    """The entries of a filter list saved as a JSON array or as JSON Lines."""
    head, reader = sniff(fileobj)
    if first_character(head) == "[":
        entries = list(iter_json_array(reader, item_location=entry_location))
    else:
        entries = [record for _, record in _iter_json_lines(reader)]
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ImportFormatError(_("Entry %(number)s of the filter list has no id.") % {"number": number})
    return entries


class FilterLists:
    """The API's filter lists, by facet, resolving ids to entries and labels to ids."""

    def __init__(self, lists: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> None:
        self._entries: dict[str, dict[str, FilterEntry]] = {}
        for facet, entries in (lists or {}).items():
            self.add(facet, entries)

    @classmethod
    def from_files(cls, paths: Mapping[str, str | Path]) -> FilterLists:
        """Load one saved list (JSON or JSON Lines) per facet: ``{"sdgs": "sdgs.jsonl"}``."""
        filter_lists = cls()
        for facet, path in paths.items():
            with open(path, "rb") as fileobj:
                filter_lists.add(facet, load_filter_list(fileobj))
        return filter_lists

    def add(self, facet: str, entries: Iterable[Mapping[str, Any]]) -> None:
        """Add (or replace) the list of a facet."""
        self._entries[_facet_key(facet)] = {
            _id_key(entry["id"]): FilterEntry(
                id=str(entry["id"]),
                text=normalize_space(str(entry.get("text") or "")),
                parent_id=entry.get("parentId"),
                heading=bool(entry.get("heading")),
            )
            for entry in entries
        }

    def __contains__(self, facet: str) -> bool:
        return _facet_key(facet) in self._entries

    def facets(self) -> list[str]:
        """The facets loaded (their keys: "sdgs", "affectedpersons")."""
        return sorted(self._entries)

    def update(self, other: FilterLists) -> None:
        """Add (or replace) the lists of ``other``."""
        self._entries.update(other._entries)

    def get(self, facet: str, entry_id: Any) -> FilterEntry | None:
        """The entry of ``entry_id`` in a facet's list, or None (unknown id or no list)."""
        return self._entries.get(_facet_key(facet), {}).get(_id_key(entry_id))

    def label(self, facet: str, entry_id: Any) -> str | None:
        entry = self.get(facet, entry_id)
        return entry.text if entry else None

    def ids_for_label(self, facet: str, label: str) -> set[str]:
        """The ids whose label equals ``label`` (ignoring case, spacing and a trailing star)."""
        wanted = country_key(label)
        return {
            key for key, entry in self._entries.get(_facet_key(facet), {}).items() if country_key(entry.text) == wanted
        }


# Facet names as file names write them ("uhri-filterlist-sdgs.jsonl", "affected_persons.json"),
# longest first so that "uprrecommendingcountries" is not taken for "countries".
_FACET_NAMES = sorted({_facet_key(facet) for facet in FACETS.values()}, key=len, reverse=True)
_FILTER_LIST_SUFFIXES = (".json", ".jsonl")


def facet_of_name(name: str) -> str | None:
    """The facet a filter list's file name names ("uhri-filterlist-sdgs.jsonl" → "sdgs"), or None."""
    stem = _facet_key(Path(name).name.rsplit(".", 1)[0])
    return next((facet for facet in _FACET_NAMES if facet in stem), None)


def read_filter_lists(fileobj: IO[bytes], filename: str) -> FilterLists:
    """The filter lists of a file as people save them: one list named by its file name (JSON
    array or JSON Lines: "uhri-filterlist-sdgs.jsonl"), a JSON object of lists by facet
    (``{"sdgs": [...], "themes": [...]}``), or a zip of such files.

    Raises ImportFormatError naming what is wrong (a list whose facet cannot be told, an entry
    without an id, a zip that is unsafe).
    """
    start = fileobj.read(4)
    fileobj.seek(0)
    if start.startswith(b"PK"):
        return _zipped_filter_lists(fileobj)
    head, reader = sniff(fileobj)
    if first_character(head) == "{" and not head.lstrip().startswith(b'{"id"'):
        try:
            data = json.load(io.TextIOWrapper(io.BufferedReader(reader), encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, dict) and all(isinstance(entries, list) for entries in data.values()):
            lists = FilterLists()
            for facet, entries in data.items():
                lists.add(facet, _checked_entries(entries, facet))
            return lists
        fileobj.seek(0)
    facet = facet_of_name(filename)
    if facet is None:
        raise ImportFormatError(_unknown_facet(filename))
    fileobj.seek(0)
    lists = FilterLists()
    lists.add(facet, load_filter_list(fileobj))
    return lists


def _zipped_filter_lists(fileobj: IO[bytes]) -> FilterLists:
    check_zip_safety(fileobj)
    fileobj.seek(0)
    lists = FilterLists()
    with zipfile.ZipFile(fileobj) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(_FILTER_LIST_SUFFIXES):
                continue
            facet = facet_of_name(info.filename)
            if facet is None:
                raise ImportFormatError(_unknown_facet(info.filename))
            with archive.open(info) as member:
                lists.add(facet, load_filter_list(io.BytesIO(member.read())))
    if not lists.facets():
        raise ImportFormatError(_("The zip file holds no filter list (.json or .jsonl files)."))
    return lists


def _checked_entries(entries: list, facet: str) -> list[dict]:
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ImportFormatError(
                _("Entry %(number)s of the filter list %(facet)s has no id.") % {"number": number, "facet": facet}
            )
    return entries


def _unknown_facet(name: str) -> str:
    return _(
        "The name of “%(name)s” does not say which filter list it is; name it after its list, such as "
        "sdgs.jsonl, themes.json or countries.json (known lists: %(facets)s)."
    ) % {"name": name, "facets": ", ".join(sorted(set(FACETS.values())))}


# --- Records ---------------------------------------------------------------------------------


def iter_uhri_api_records(
    fileobj: IO[Any],
    *,
    filter_lists: FilterLists | None,
    country_id_or_label: str | None = None,
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Yield the saved API records of a JSON Lines file (location ``"line N"``) or of a JSON
    array (``"record N"``), keeping those about the given country (all when None).

    The country is an id of the countries filter list or, when that list is loaded, a label.
    Raises ImportFormatError for an empty file or one in neither format.
    """
    filter_lists = filter_lists or FilterLists()
    wanted = _country_ids(country_id_or_label, filter_lists)
    head, reader = sniff(fileobj)
    start = first_character(head)
    if start == "[":
        numbered: Iterator[tuple[str, Any]] = (
            (record_location(number), record) for number, record in enumerate(iter_json_array(reader), start=1)
        )
    elif start == "{":
        numbered = ((line_location(number), record) for number, record in _iter_json_lines(reader))
    elif not start:
        raise ImportFormatError(_("The file is empty."))
    else:
        raise ImportFormatError(_("The file is neither a JSON array nor JSON Lines of UHRI API records."))
    for location, record in numbered:
        if isinstance(record, RowError):
            yield record
        elif not isinstance(record, dict):
            yield RowError(location, _("The record is not a JSON object."))
        elif wanted is None or wanted & {_id_key(i) for i in _ids(record.get("countryIds"))}:
            yield parse_api_record(record, filter_lists=filter_lists, location=location)
        else:
            countries = _ids(record.get("countryIds"))
            yield SkippedRow(location, (filter_lists.label("countries", countries[0]) or "") if countries else "")


def _country_ids(value: str | None, filter_lists: FilterLists) -> set[str] | None:
    if value is None:
        return None
    if _UUID_RE.match(value.strip()):
        return {_id_key(value)}
    if "countries" not in filter_lists:
        raise ValueError(
            _(
                "Records can only be chosen by country name when the countries filter list is loaded; give the "
                "country's id instead."
            )
        )
    ids = filter_lists.ids_for_label("countries", value)
    if not ids:
        raise ValueError(_("%(country)s is not a country of the countries filter list.") % {"country": repr(value)})
    return ids


def _iter_json_lines(reader: io.RawIOBase) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or RowError) for each non-empty line of a JSON Lines file.

    The first non-empty line must be valid JSON: otherwise the file is not JSON Lines (a
    pretty-printed JSON document, say) and ImportFormatError is raised.
    """
    text = io.TextIOWrapper(io.BufferedReader(reader), encoding="utf-8")
    seen_valid = False
    try:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                if not seen_valid:
                    raise ImportFormatError(
                        _("The file is not JSON Lines: line %(number)s is not a complete JSON value.")
                        % {"number": number}
                    ) from None
                yield (
                    number,
                    RowError(line_location(number), _("The line is not valid JSON (the file may be truncated).")),
                )
                continue
            seen_valid = True
            yield number, value
    except UnicodeDecodeError:
        raise ImportFormatError(_("The file is not UTF-8 encoded text.")) from None


def _ids(value: Any) -> list[Any]:
    """A record's ids as a list: the API gives lists, single ids, or null."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


class _Resolver:
    """Looks ids up in the filter lists and notes, in ``flags``, those it cannot resolve."""

    def __init__(self, filter_lists: FilterLists, flags: list[str]) -> None:
        self.filter_lists = filter_lists
        self.flags = flags

    def entries(self, record: Mapping[str, Any], key: str, *, flag: bool = True) -> list[FilterEntry | None]:
        """The entries for the ids under ``key``, and ``None`` for each unresolved id."""
        found: list[FilterEntry | None] = []
        for entry_id in _ids(record.get(key)):
            entry = self.filter_lists.get(FACETS[key], entry_id)
            if entry is None and flag:
                # Translators: a review flag; %(key)s is a field of the UHRI record (e.g. themesIds), kept
                # as the API names it, %(id)s an id the filter lists do not know.
                self.flags.append(_("unresolved %(key)s: %(id)s") % {"key": key, "id": entry_id})
            found.append(entry)
        return found

    def labels(self, record: Mapping[str, Any], key: str, *, flag: bool = True) -> list[str]:
        return [entry.text for entry in self.entries(record, key, flag=flag) if entry]


def parse_api_record(
    record: Mapping[str, Any], *, filter_lists: FilterLists | None, location: str
) -> ParsedRecommendation | RowError:
    """Convert one API record; a RowError says why it cannot be used."""
    external_id = normalize_space(str(record.get("annotationId") or ""))
    if not external_id:
        return RowError(location, _("The record has no annotationId."), column="annotationId")
    texts = {}
    for language in LANGUAGES:
        value = record.get(language)
        text = unglue(html_to_text(value)) if isinstance(value, str) else ""
        if text:
            texts[language] = text
    if not texts:
        return RowError(location, _("The record has no text in any language."))

    flags: list[str] = []
    resolve = _Resolver(filter_lists or FilterLists(), flags)
    symbol = normalize_space(str(record.get("symbol") or ""))

    upr_session = next((parse_int(label) for label in resolve.labels(record, "uprSessionIds")), None)
    # A cycle the session tells needs no review when its own id is unknown.
    cycle_labels = resolve.labels(record, "uprCycle", flag=False)
    upr_cycle = (parse_upr_cycle(cycle_labels[0]) if cycle_labels else None) or (upr_cycle_from_session(upr_session))
    if upr_cycle is None:
        resolve.entries(record, "uprCycle")

    position_labels = resolve.labels(record, "uprPositionIds")
    position = combine_positions(position_labels) if position_labels else None
    if position_labels and position is None:
        # Translators: a review flag; %(value)s is the UPR position as the UHRI API names it.
        flags.append(_("unknown position: %(value)s") % {"value": " / ".join(position_labels)})

    is_upr = bool(
        _ids(record.get("uprSessionIds")) or _ids(record.get("uprPositionIds")) or _ids(record.get("uprCycle"))
    )
    body_labels = resolve.labels(record, "bodyId", flag=False)
    mechanism = body_labels[0] if body_labels else mechanism_from_symbol(symbol, upr=is_upr)
    if mechanism is None:
        resolve.entries(record, "bodyId")

    annotation_type = "recommendation"
    for label in resolve.labels(record, "annotationType"):
        normalized = normalize_annotation_type(label)
        if normalized is None:
            # Translators: a review flag; %(value)s is the annotation type as the UHRI API names it.
            flags.append(_("unknown annotation type: %(value)s") % {"value": label})
        else:
            annotation_type = normalized

    sdg_targets, sdg_goals, unknown_sdgs = sort_sdg_labels(resolve.labels(record, "sdgsIds"))
    # Translators: a review flag; %(value)s is the SDG label as the UHRI API gives it.
    flags.extend(_("unknown SDG: %(value)s") % {"value": label} for label in unknown_sdgs)

    return ParsedRecommendation(
        location=location,
        external_id=external_id,
        mechanism=mechanism,
        symbol=symbol,
        paragraph=_paragraph(texts),
        annotation_type=annotation_type,
        texts=texts,
        issued_on=parse_date_or_flag(record.get("publicationDate"), "publicationDate", flags),
        published_on_uhri=parse_date_or_flag(record.get("dateFrontEndPublished"), "dateFrontEndPublished", flags),
        upr_cycle=upr_cycle,
        upr_session=upr_session,
        countries=resolve.labels(record, "countryIds"),
        recommending_countries=resolve.labels(record, "uprRecommendingCountryIds"),
        position=position,
        position_raw=" / ".join(position_labels),
        themes=resolve.labels(record, "themesIds"),
        affected_groups=resolve.labels(record, "affectedPersonIds"),
        sdg_targets=sdg_targets,
        sdg_goals=sdg_goals,
        flags=flags,
    )


# The API's texts lose the line breaks of their HTML: a heading runs into its paragraph's number
# ("Right to education66.While welcoming …"), a sub-item into the sentence that introduces it
# ("invites the State party to:(a) Ensure …"). A number is glued to a heading when a letter (not a
# space, a digit or an opening bracket) stands right before it at the start of the text.
_GLUED_HEADING_RE = re.compile(
    r"^(?P<heading>[^\n\d]{2,200}?[^\s\d(\[/.,;:-])(?P<number>[0-9]{1,3})\.(?P<space>\s?)(?=\S)"
)
_GLUED_SUB_ITEM_RE = re.compile(r"(?<=[:;])\((?=[a-z]{1,2}\)\s*\S)")
# Scripts written with spaces between words: a number's full stop is followed by one.
_SPACED_START_RE = re.compile(r"[^\W\d_]")
_UNSPACED_SCRIPTS_RE = re.compile("[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def unglue(text: str) -> str:
    """The text with the breaks the API lost put back: "Right to education66.While …" →
    "Right to education\n66. While …", "to:(a) Ensure" → "to:\n(a) Ensure"."""
    match = _GLUED_HEADING_RE.match(text)
    if match:
        rest = text[match.end() :]
        space = match.group("space")
        if not space and _SPACED_START_RE.match(rest) and not _UNSPACED_SCRIPTS_RE.match(rest):
            space = " "
        text = f"{match.group('heading').strip()}\n{match.group('number')}.{space}{rest}"
    return _GLUED_SUB_ITEM_RE.sub("\n(", text)


def _paragraph(texts: Mapping[str, str]) -> str:
    for language in _PARAGRAPH_LANGUAGES:
        paragraph = extract_paragraph(texts.get(language, ""))
        if paragraph:
            return paragraph
    return ""
