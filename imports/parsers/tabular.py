"""Generic CSV and Excel import through a column mapping.

A State's own spreadsheet (or a UPR Info export) has columns of its own. The user maps them once
onto the fields of :class:`ParsedRecommendation`; the mapping is a plain dict the app can save by
name (``imports.models.ColumnMapping``). Reading happens in three steps:

1. :func:`imports.parsers.table.read_table` opens a CSV (detecting encoding, delimiter and line
   endings) or an XLSX sheet and returns the headers and a lazy row iterator;
2. :func:`iter_mapped` applies a :class:`TableMapping` to the rows;
3. the import service matches vocabularies and writes to the database (not here).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .common import (
    add_sdg,
    append_once,
    clean_label,
    country_key,
    normalize_position,
    normalize_space,
    parse_int,
    parse_upr_cycle,
    row_location,
    upr_cycle_from_session,
)
from .records import POSITIONS, ImportFormatError, ParsedRecommendation, RowError, SkippedRow
from .table import Table, is_filled, loose_key

_TEXT_FIELDS = ("text", "text_language", "symbol", "paragraph", "mechanism", "external_id")
_LIST_FIELDS = (
    "countries",
    "recommending_countries",
    "themes",
    "affected_groups",
    "sdg_targets",
    "sdg_goals",
)
_NUMBER_FIELDS = ("upr_session", "upr_cycle")
_DATE_FIELDS = ("issued_on",)
TARGET_FIELDS = (*_TEXT_FIELDS, "position", *_LIST_FIELDS, *_NUMBER_FIELDS, *_DATE_FIELDS)
REQUIRED_FIELDS = ("text",)
TRANSFORMS = ("upr_cycle_from_session",)


@dataclass(frozen=True)
class FieldMapping:
    """Where one target field comes from: a source column or a constant."""

    column: str | None = None
    constant: str | None = None
    # Splits a cell into several values (list fields), e.g. "," or "\n".
    separator: str | None = None
    # Replaces values (compared case-insensitively), e.g. {"Accepted": "supported"}.
    value_map: dict[str, str] = field(default_factory=dict)
    # A named conversion, e.g. "upr_cycle_from_session".
    transform: str | None = None
    # strptime format for dates that are neither ISO nor Excel serial numbers.
    date_format: str | None = None

    def __post_init__(self) -> None:
        # Mappings are edited by users: these messages reach them, through TableMapping.from_dict.
        if (self.column is None) == (self.constant is None):
            raise ValueError(_("A field mapping needs exactly one of a column and a constant."))
        if self.transform is not None and self.transform not in TRANSFORMS:
            raise ValueError(
                # Translators: %(transform)s is the name of a conversion, e.g. 'upr_cycle_from_session'.
                _("Unknown transform %(transform)s.") % {"transform": repr(self.transform)}
            )

    def map_value(self, value: str) -> str:
        for source, target in self.value_map.items():
            if loose_key(source) == loose_key(value):
                return target
        return value


@dataclass(frozen=True)
class TableMapping:
    """Target field name (a ParsedRecommendation attribute) → FieldMapping."""

    fields: dict[str, FieldMapping]
    name: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields) - set(TARGET_FIELDS))
        if unknown:
            raise ValueError(
                ngettext(
                    "Unknown target field: %(fields)s. Known fields: %(known)s.",
                    "Unknown target fields: %(fields)s. Known fields: %(known)s.",
                    len(unknown),
                )
                % {"fields": ", ".join(unknown), "known": ", ".join(TARGET_FIELDS)}
            )
        missing = [target for target in REQUIRED_FIELDS if target not in self.fields]
        if missing:
            raise ValueError(
                # Translators: %(fields)s lists field names of the mapping, e.g. "text".
                _("The mapping must say where to find: %(fields)s.") % {"fields": ", ".join(missing)}
            )

    def columns(self) -> list[str]:
        """Source columns the mapping reads, in field order, without repeats."""
        names = (spec.column for spec in self.fields.values() if spec.column is not None)
        return list(dict.fromkeys(names))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; options left at their defaults are omitted."""
        return {
            "name": self.name,
            "fields": {
                target: {key: value for key, value in asdict(spec).items() if value not in (None, {})}
                for target, spec in self.fields.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableMapping:
        try:
            fields = {target: FieldMapping(**options) for target, options in data["fields"].items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(
                # Translators: %(error)s is Python's own (English) description of the problem.
                _("This is not a valid column mapping: %(error)s.") % {"error": exc}
            ) from exc
        return cls(fields=fields, name=data.get("name", ""))


UPR_INFO_MAPPING = TableMapping(
    name="UPR Info database export",
    fields={
        "text": FieldMapping(column="Text"),
        "text_language": FieldMapping(constant="en"),
        "mechanism": FieldMapping(constant="UPR"),
        "countries": FieldMapping(column="To"),
        "recommending_countries": FieldMapping(column="From"),
        "position": FieldMapping(column="Response", value_map={"Accepted": "supported", "Noted": "noted"}),
        "themes": FieldMapping(column="Issue", separator=","),
        "upr_session": FieldMapping(column="Session"),
        "upr_cycle": FieldMapping(column="Session", transform="upr_cycle_from_session"),
    },
)


# --------------------------------------------------------------------------
# Applying a mapping
# --------------------------------------------------------------------------


def iter_mapped(
    table: Table,
    mapping: TableMapping,
    *,
    country: str | Collection[str] | None = None,
) -> Iterator[ParsedRecommendation | RowError | SkippedRow]:
    """Apply ``mapping`` to the rows of ``table``.

    ``country`` keeps only rows whose State under review is that name (or any
    of several names, to allow for spellings). Blank rows are skipped. Raises
    ImportFormatError if the mapping names columns the file does not have.
    """
    columns = _resolve_columns(table.headers, mapping)
    wanted = _country_filter(mapping, country)
    for offset, values in enumerate(table.rows, start=1):
        if not is_filled(values.values()):
            continue
        cells = {target: _raw_cell(values, spec, columns) for target, spec in mapping.fields.items()}
        if wanted is not None:
            names = _split(cells["countries"], mapping.fields["countries"])
            if wanted.isdisjoint(country_key(name) for name in names):
                yield SkippedRow(row_location(table.header_row + offset), names[0] if names else "")
                continue
        yield _build(cells, mapping, location=row_location(table.header_row + offset))


def _resolve_columns(headers: list[str], mapping: TableMapping) -> dict[str, str]:
    """Mapping column name → the file's own header, matched loosely."""
    available = {loose_key(header): header for header in headers}
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for column in mapping.columns():
        header = available.get(loose_key(column))
        if header is None:
            missing.append(column)
        else:
            resolved[column] = header
    if missing:
        raise ImportFormatError(
            ngettext(
                "The file has no column named %(missing)s. Columns in the file: %(columns)s.",
                "The file has no columns named %(missing)s. Columns in the file: %(columns)s.",
                len(missing),
            )
            % {
                "missing": ", ".join(repr(name) for name in missing),
                "columns": ", ".join(repr(name) for name in headers),
            }
        )
    return resolved


def _country_filter(mapping: TableMapping, country: str | Collection[str] | None) -> set[str] | None:
    if country is None:
        return None
    if "countries" not in mapping.fields:
        raise ImportFormatError(
            _(
                "The mapping does not say which column holds the State under review, so the rows cannot be "
                "filtered by country."
            )
        )
    names = [country] if isinstance(country, str) else list(country)
    return {country_key(name) for name in names}


def _raw_cell(values: Mapping[str, str], spec: FieldMapping, columns: Mapping[str, str]) -> str:
    if spec.constant is not None:
        return spec.constant
    assert spec.column is not None  # guaranteed by FieldMapping.__post_init__
    return values.get(columns[spec.column], "")


def _build(cells: Mapping[str, str], mapping: TableMapping, *, location: str) -> ParsedRecommendation | RowError:
    text = normalize_space(cells["text"])
    if not text:
        return RowError(
            location=location,
            message=_("The recommendation text is empty."),
            column=mapping.fields["text"].column,
        )
    record = ParsedRecommendation(location=location, annotation_type="recommendation")
    language = normalize_space(cells.get("text_language", ""))
    if language:
        language = mapping.fields["text_language"].map_value(language)
    record.texts = {language.lower() or "en": text}
    for target, spec in mapping.fields.items():
        if target in ("text", "text_language"):
            continue
        _apply(record, target, spec, cells[target])
    return record


def _apply(record: ParsedRecommendation, target: str, spec: FieldMapping, raw: str) -> None:
    """Set one field of ``record`` from its raw cell; odd values become flags."""
    value = normalize_space(raw)
    if target in _TEXT_FIELDS:
        if value:
            setattr(record, target, spec.map_value(value))
    elif target == "position":
        _apply_position(record, spec, value)
    elif target in _LIST_FIELDS:
        for item in _split(raw, spec):
            if target not in ("sdg_targets", "sdg_goals"):
                append_once(getattr(record, target), item)
            # "16.2 - ..." goes to sdg_targets and "16 - ..." to sdg_goals, whichever field is mapped.
            elif not add_sdg(record, item):
                _flag(
                    record,
                    spec,
                    # Translators: a review flag; %(value)s is a value of the file,
                    # %(column)s the name of its column, both quoted.
                    _("%(value)s in column %(column)s is not an SDG goal or target."),
                    _("%(value)s in the mapping is not an SDG goal or target."),
                    value=repr(item),
                )
    elif target in _NUMBER_FIELDS:
        _apply_number(record, target, spec, value)
    elif target in _DATE_FIELDS:
        _apply_date(record, target, spec, value)


def _flag(record: ParsedRecommendation, spec: FieldMapping, in_column: str, in_mapping: str, **values: Any) -> None:
    """Add a review flag about a value of ``spec``'s column or, for a constant, of the mapping.

    ``in_column`` and ``in_mapping`` are the two (translated) wordings of the flag, one with a
    ``%(column)s`` placeholder for the quoted column name; ``values`` fill the other placeholders.
    """
    if spec.column:
        record.flags.append(in_column % {"column": repr(spec.column), **values})
    else:
        record.flags.append(in_mapping % values)


def _apply_position(record: ParsedRecommendation, spec: FieldMapping, value: str) -> None:
    record.position_raw = value
    if not value:
        return
    mapped = spec.map_value(value)
    position = mapped if mapped in POSITIONS else normalize_position(mapped)
    if position is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is the position as written,
            # %(column)s the name of its column, both quoted.
            _("Unknown position %(value)s in column %(column)s."),
            _("Unknown position %(value)s in the mapping."),
            value=repr(value),
        )
    record.position = position


def _apply_number(record: ParsedRecommendation, target: str, spec: FieldMapping, value: str) -> None:
    if not value:
        return
    value = spec.map_value(value)
    # A cycle may be written out ("Third cycle"); sessions are plain numbers.
    is_cycle = target == "upr_cycle" and spec.transform is None
    number = parse_upr_cycle(value) if is_cycle else parse_int(value)
    if number is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is a value of the file,
            # %(column)s the name of its column, both quoted.
            _("%(value)s in column %(column)s is not a number."),
            _("%(value)s in the mapping is not a number."),
            value=repr(value),
        )
    elif spec.transform == "upr_cycle_from_session":
        cycle = upr_cycle_from_session(number)
        if cycle is None:
            _flag(
                record,
                spec,
                # Translators: a review flag; %(column)s is the quoted name of a column of the file.
                _("UPR session %(session)s in column %(column)s belongs to no known cycle."),
                _("UPR session %(session)s in the mapping belongs to no known cycle."),
                session=number,
            )
        setattr(record, target, cycle)
    else:
        setattr(record, target, number)


def _apply_date(record: ParsedRecommendation, target: str, spec: FieldMapping, value: str) -> None:
    if not value:
        return
    parsed = _parse_date(value, spec.date_format)
    if parsed is None:
        _flag(
            record,
            spec,
            # Translators: a review flag; %(value)s is a value of the file,
            # %(column)s the name of its column, both quoted.
            _("%(value)s in column %(column)s is not a date this import can read."),
            _("%(value)s in the mapping is not a date this import can read."),
            value=repr(value),
        )
    setattr(record, target, parsed)


# Excel counts days from 1899-12-30 (the 1900 leap-year bug included). Below 10000
# (1927) a bare number is more likely a year or a code than a date; 2958465 is
# Excel's last day, 9999-12-31.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(10_000, 2_958_466)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _parse_date(value: str, date_format: str | None) -> date | None:
    try:
        if date_format:
            return datetime.strptime(value, date_format).date()
        if _ISO_DATE.match(value):
            return date.fromisoformat(value[:10])
        serial = float(value)
    except ValueError:
        return None
    # float() also accepts "nan" and "inf".
    if math.isfinite(serial) and int(serial) in _EXCEL_SERIALS:
        return _EXCEL_EPOCH + timedelta(days=int(serial))
    return None


def _split(raw: str, spec: FieldMapping) -> list[str]:
    parts = raw.split(spec.separator) if spec.separator else [raw]
    items = []
    for part in parts:
        # UHRI exports prefix each value with "- " and leave stray "\r".
        item = clean_label(part)
        if item:
            items.append(spec.map_value(item))
    return items
