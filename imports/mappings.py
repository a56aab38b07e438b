"""Column mappings for CSV and Excel imports: the ready presets and each State's saved ones.

A mapping is found by name: a preset (``imports.parsers.registry.PRESET_MAPPINGS``,
such as ``upr-info``) or a mapping the State saved (``imports.models.ColumnMapping``).
Saved names cannot take a preset's name, so a name always means one mapping. Call these inside
``state_context(state)``.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from imports.models import ColumnMapping
from imports.parsers import tabular
from imports.parsers.common import normalize_space
from imports.parsers.encoding import EncodingUncertainError
from imports.parsers.registry import PRESET_MAPPINGS
from imports.parsers.table import read_table
from tenants.models import State

# How far a sample file is read for a first filled row under its header.
_SAMPLE_ROWS = 50


class StaleMappingEdit(Exception):
    """Someone saved the column mapping after this edit began; nothing was written."""


def preset_names() -> list[str]:
    return sorted(PRESET_MAPPINGS)


def saved_mapping_names(state: State) -> list[str]:
    """The names of the State's saved column mappings, in alphabetical order."""
    return list(ColumnMapping.objects.filter(state=state).order_by("name").values_list("name", flat=True))


def mapping_for(state: State, name: str) -> tabular.TableMapping | None:
    """The preset or the State's saved mapping called ``name``; None when there is none.

    Raises ValueError when a saved mapping no longer makes a valid mapping (its fields were
    written by an older version of the importer).
    """
    if name in PRESET_MAPPINGS:
        return PRESET_MAPPINGS[name]
    saved = ColumnMapping.objects.filter(state=state, name=name).first()
    return mapping_of(saved) if saved is not None else None


def mapping_of(saved: ColumnMapping) -> tabular.TableMapping:
    """A saved mapping as the tabular parser takes it (ValueError if its stored fields are invalid)."""
    return tabular.TableMapping.from_dict({"name": saved.name, "fields": saved.fields})


def _is_preset_name(name: str) -> bool:
    return name.casefold() in {preset.casefold() for preset in PRESET_MAPPINGS}


@transaction.atomic
def column_mapping_save(
    *,
    state: State,
    user,
    name: str,
    description: str,
    fields: dict[str, Any],
    instance: ColumnMapping | None = None,
    seen_updated_at: datetime | None = None,
) -> ColumnMapping:
    """Create a saved column mapping, or update ``instance``.

    ``fields`` has the shape of ``tabular.TableMapping.to_dict()["fields"]``; it is validated by
    ``tabular.TableMapping.from_dict`` and stored normalised. Raises ValidationError (a bad
    mapping, a name taken in this State or by a preset) and, when ``seen_updated_at`` is given
    and someone saved ``instance`` since, StaleMappingEdit; nothing is written then.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the column mapping a name.")}, code="required")
    if _is_preset_name(name):
        raise ValidationError(
            {"name": _("“%(name)s” is the name of a ready-made mapping; choose another name.") % {"name": name}},
            code="reserved",
        )
    try:
        mapping = tabular.TableMapping.from_dict({"name": name, "fields": fields})
    except ValueError as error:
        raise ValidationError(
            _("This column mapping cannot be used: %(reason)s"), params={"reason": error}, code="invalid"
        ) from error
    taken = ColumnMapping.objects.filter(state=state, name__iexact=name)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise _name_taken(name)

    if instance is None:
        saved = ColumnMapping(state=state, created_by=user)
    else:
        saved = ColumnMapping.objects.select_for_update().get(pk=instance.pk)
        if seen_updated_at is not None and saved.updated_at != seen_updated_at:
            raise StaleMappingEdit
    saved.name = name
    saved.description = description.strip()
    saved.fields = mapping.to_dict()["fields"]
    try:
        # A savepoint: two people saving the same new name at once meet the unique constraint.
        with transaction.atomic():
            saved.save()
    except IntegrityError as error:
        raise _name_taken(name) from error
    return saved


def _name_taken(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("This State already has a column mapping named “%(name)s”.") % {"name": name}}, code="unique"
    )


@transaction.atomic
def column_mapping_delete(*, mapping: ColumnMapping) -> None:
    """Delete a saved mapping. Past imports keep its name in their options; history keeps its fields."""
    mapping.delete()


def sample_columns(fileobj: BinaryIO, *, filename: str) -> list[tuple[str, str]]:
    """The column names of a CSV or XLSX file, each with the first row's value under it.

    Reads the file with the importer's own safe readers (zip-bomb checks, encoding detection),
    only as far as the header and the first filled row. When the encoding is uncertain the
    likeliest one is taken: a column name with a garbled accent is still a usable hint. Raises
    ImportFormatError when the file cannot be read.
    """
    try:
        table = read_table(fileobj, filename=filename)
    except EncodingUncertainError as uncertain:
        fileobj.seek(0)
        table = read_table(fileobj, filename=filename, encoding=uncertain.guess.encoding)
    try:
        first = next((row for row in islice(table.rows, _SAMPLE_ROWS) if any(v.strip() for v in row.values())), {})
    finally:
        # An XLSX workbook stays open until its rows are read to the end or closed.
        table.rows.close()
    return [(header, normalize_space(first.get(header, ""))[:80]) for header in table.headers]
