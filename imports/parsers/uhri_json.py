"""Parser for the UHRI full export: one JSON array of every annotation in the Index.

The English file is several hundred megabytes, so it is streamed record by record (ijson, with
its C backend when available) and only the records concerning the State at hand are converted.
Deciding that a record is not wanted costs one look at its ``Countries`` list; text cleaning
and date parsing only happen for the records that are kept.

Record keys (see docs: UHRI.md §1): ``AnnotationId``, ``AnnotationType``, ``Body``,
``Countries``, ``DocumentId``, ``PublicationDate``, ``PublicationDateOnUhri``, ``Regions``,
``Sdgs``, ``Symbol``, ``Text`` (HTML), ``Themes``, ``AffectedPersons``, ``UprCycle``,
``UprPositions``, ``UprRecommendingCountry``, ``UprRecommendingRegions``, ``UprSession``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.utils.translation import gettext as _

from .common import (
    clean_label,
    combine_positions,
    country_key,
    extract_paragraph,
    html_to_text,
    iter_json_array,
    mechanism_from_symbol,
    normalize_annotation_type,
    parse_date_or_flag,
    parse_int,
    parse_upr_cycle,
    record_location,
    sort_sdg_labels,
    split_multi_value,
    upr_cycle_from_session,
)
from .records import ParsedRecommendation, RowError, SkippedRow


def iter_uhri_json(
    fileobj: IO[Any], *, country: str | None, language: str = "en"
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Yield the records of a UHRI full export that concern ``country``.

    ``country`` is matched against each record's ``Countries`` ignoring case, spacing, list
    markers and UHRI's footnote star; None yields every record. ``language`` is the export's
    language, the key of the text in ``ParsedRecommendation.texts``. Locations are
    ``"record N"``, counted from 1 over the whole file. A record that is not an object, or
    lacks its id or text, gives a RowError; a file that is not a complete JSON array raises
    ImportFormatError.
    """
    wanted = country_key(country) if country is not None else None
    for number, record in enumerate(iter_json_array(fileobj), start=1):
        location = record_location(number)
        if not isinstance(record, dict):
            yield RowError(location, _("The record is not a JSON object."))
            continue
        if wanted is not None and not _concerns(record.get("Countries"), wanted):
            yield SkippedRow(location, _first_name(record.get("Countries")))
            continue
        yield parse_uhri_record(record, location=location, language=language)


def _concerns(countries: Any, wanted: str) -> bool:
    # The cheap test every record of the file goes through: no cleaning beyond the key.
    if isinstance(countries, str):
        countries = countries.splitlines()
    if not isinstance(countries, list):
        return False
    return any(isinstance(name, str) and country_key(name) == wanted for name in countries)


def _first_name(countries: Any) -> str:
    """The first State a skipped record names, for the outcome's count of other States' rows."""
    if isinstance(countries, str):
        countries = countries.splitlines()
    if isinstance(countries, list):
        for name in countries:
            if isinstance(name, str) and name.strip():
                return clean_label(name).rstrip("* ")
    return ""


def parse_uhri_record(
    record: Mapping[str, Any],
    *,
    location: str,
    language: str = "en",
    column_names: Mapping[str, str] | None = None,
) -> ParsedRecommendation | RowError:
    """Convert one full-export record; a RowError says why it cannot be used.

    The search export holds the same data under other headers and is converted here too:
    ``column_names`` maps a full-export key to the name messages should use for it.
    """

    def column(key: str) -> str:
        return column_names.get(key, key) if column_names else key

    external_id = clean_label(str(record.get("AnnotationId") or ""))
    if not external_id:
        name = column("AnnotationId")
        # Translators: %(column)s is the name of a column or field of the imported file, as the file names it.
        return RowError(location, _("The record has no %(column)s.") % {"column": name}, column=name)
    raw_text = record.get("Text")
    text = html_to_text(str(raw_text)) if raw_text is not None else ""
    if not text:
        return RowError(location, _("The record has no text."), column=column("Text"))

    flags: list[str] = []
    issued_on = parse_date_or_flag(record.get("PublicationDate"), column("PublicationDate"), flags)
    published_on_uhri = parse_date_or_flag(record.get("PublicationDateOnUhri"), column("PublicationDateOnUhri"), flags)

    symbol = clean_label(str(record.get("Symbol") or ""))
    upr_session = parse_int(_first(record.get("UprSession")))
    positions = split_multi_value(record.get("UprPositions"))
    upr_cycle = parse_upr_cycle(_first(record.get("UprCycle"))) or upr_cycle_from_session(upr_session)
    is_upr = bool(upr_session or positions or upr_cycle)
    mechanism = clean_label(str(_first(record.get("Body")) or "")) or mechanism_from_symbol(symbol, upr=is_upr)

    annotation_type = "recommendation"
    type_label = clean_label(str(_first(record.get("AnnotationType")) or ""))
    if type_label:
        normalized_type = normalize_annotation_type(type_label)
        if normalized_type is None:
            flags.append(_unknown(column("AnnotationType"), type_label))
        else:
            annotation_type = normalized_type

    position = combine_positions(positions) if positions else None
    if positions and position is None:
        flags.append(_unknown(column("UprPositions"), " / ".join(positions)))

    sdg_targets, sdg_goals, unknown_sdgs = sort_sdg_labels(split_multi_value(record.get("Sdgs")))
    flags.extend(_unknown(column("Sdgs"), label) for label in unknown_sdgs)

    return ParsedRecommendation(
        location=location,
        external_id=external_id,
        mechanism=mechanism,
        symbol=symbol,
        paragraph=extract_paragraph(text, normalized=True),
        annotation_type=annotation_type,
        texts={language: text},
        issued_on=issued_on,
        published_on_uhri=published_on_uhri,
        upr_cycle=upr_cycle,
        upr_session=upr_session,
        countries=split_multi_value(record.get("Countries")),
        recommending_countries=split_multi_value(record.get("UprRecommendingCountry")),
        position=position,
        position_raw=" / ".join(positions),
        themes=split_multi_value(record.get("Themes")),
        affected_groups=split_multi_value(record.get("AffectedPersons")),
        sdg_targets=sdg_targets,
        sdg_goals=sdg_goals,
        flags=flags,
    )


def _unknown(column: str, value: str) -> str:
    """The review flag for a value the parser does not know: ``"unknown Sdgs: 18 - SPACE"``."""
    # Translators: a review flag; %(column)s is the name of a column or field of the imported file, as
    # the file names it (e.g. "UPR Position"), %(value)s the value found there.
    return _("unknown %(column)s: %(value)s") % {"column": column, "value": value}


def _first(value: Any) -> Any:
    """The first entry of a value the export gives either as a scalar or as a list."""
    if isinstance(value, list):
        return value[0] if value else None
    return value
