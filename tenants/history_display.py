"""History as a person reads it: the one renderer of every page that shows history.

``render(entries, state=...)`` turns ``HistoryEntry`` rows (tenants.history) into ``Line``s: what
kind of record, which one (its name, with a link while it exists), what happened, who or what
did it ("Imported from “A_HRC_43_15.docx”, by Ana Pérez"), and each field's label with its value
before and after, formatted for the reader's language. Nothing raw reaches the page: no id, no
column name, no ISO timestamp, no storage path, no "0.0000". ``by_day(lines)`` groups them by day,
newest first, for the pages to fold.

Ids become names through the models themselves (a foreign key names its target; its target's
title is read from the database, several at a time) and through what the apps register from
their ``AppConfig.ready()`` (``table_display_register``): the model an id array points to, a
record's title and page, values kept as codes, hidden bookkeeping. What a background job or a
command did is described by the activities the apps register (``activity_register``). The
queries a page costs depend on the kinds of records it shows, never on the number of entries.
A test renders an entry of every State-owned table with every column (tests/tenants/
test_history_display.py), so a new model or column that would show raw is caught.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language_info, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator

from tenants.history import STATE_TABLE
from tenants.models import HistoryEntry, State, User

# Bookkeeping nobody needs to read in a history (or repeated by another column).
HIDDEN_EVERYWHERE = frozenset({"id", "state_id", "version", "created_at", "updated_at", "token_hash"})
TEXT_LIMIT = 300
# How many fields a created or deleted record shows (the rest is on its page).
FIELDS_OF_A_RECORD = 12


@dataclass
class TableDisplay:
    """How one table's records read in history; every part is optional."""

    # URL name of the record's page, reversed with ``state_slug`` and ``pk``.
    link: str | None = None
    # Columns whose values, formatted, make the record's title (joined by " · "; with
    # ``title_first``, the first that has a value).
    title: tuple[str, ...] = ()
    title_first: bool = False
    # Columns left out.
    hidden: frozenset[str] = frozenset()
    # Id-array column → the model ("app_label.Model") its ids point to.
    id_arrays: dict[str, str] = field(default_factory=dict)
    # Column → choices, for values kept as codes without choices on the field (or in an array).
    choices: dict[str, Any] = field(default_factory=dict)
    # File column → the column holding the name the file is shown by.
    file_names: dict[str, str] = field(default_factory=dict)
    # Column → function formatting its value (a JSON column, a size in bytes…).
    formatters: dict[str, Callable[[Any], str]] = field(default_factory=dict)


TABLES: dict[str, TableDisplay] = {}
# (kind, name) → function of the context's metadata giving what did it in words: ("task",
# "reminders_task"), ("command", "load_demo"), ("import", "state_import").
ACTIVITIES: dict[tuple[str, str], Callable[[dict], str]] = {}


def table_display_register(table: str, **parts) -> None:
    """Add to how ``table``'s records read (parts registered earlier are kept unless named again)."""
    display = TABLES.setdefault(table, TableDisplay())
    for name, value in parts.items():
        current = getattr(display, name)
        if isinstance(current, dict):
            current.update(value)
        elif isinstance(current, frozenset):
            setattr(display, name, current | frozenset(value))
        else:
            setattr(display, name, value)


def activity_register(kind: str, name: str, describe: Callable[[dict], str]) -> None:
    ACTIVITIES[(kind, name)] = describe


def language_choices() -> list[tuple[str, Any]]:
    return [(code, gettext_lazy(name)) for code, name in settings.LANGUAGES]


# --- What is shown ---------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""


@dataclass
class Line:
    entry: HistoryEntry
    kind: str  # "Progress update"
    title: str  # "Ministry of Justice · A/HRC/43/15 1.1"
    link: str | None
    action: str  # "created", "changed", "deleted"
    who: str  # "Ana Pérez", "Imported from “list.docx”, by Ana Pérez", "Automatic reminders"
    changes: list[Change]

    @property
    def when(self) -> datetime.datetime:
        return self.entry.changed_at

    @property
    def operation(self) -> str:
        return self.entry.operation


@dataclass
class Day:
    day: datetime.date
    label: str
    lines: list[Line]


# --- Models and columns --------------------------------------------------------------------------------


def models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


@functools.cache
def _fields_by_column(model) -> dict[str, models.Field]:
    return {f.column: f for f in model._meta.concrete_fields}


@functools.cache
def _translated(model) -> dict[str, str]:
    """For a model with translations: each translation column ("text_fr") → its language ("fr"),
    and each original column ("text") → ""."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    columns = {}
    for name, fields in options.all_fields.items():
        for translation_field in fields:
            columns[translation_field.column] = translation_field.language
        columns.setdefault(model._meta.get_field(name).column, "")
    return columns


def _capital(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def kind_of(model) -> str:
    return _kind_of(model, translation.get_language()) if model is not None else _("Record")


@functools.cache
def _kind_of(model, language: str | None) -> str:
    return _capital(model._meta.verbose_name)


def column_label(model, column: str) -> str | None:
    """The field's label ("Text (French)" for a translation); None for a column the model no
    longer has (history may hold columns since removed): such a column is not shown."""
    if model is None:
        return None
    # Translated once per language: a page or an export asks for the same labels again and again.
    return _column_label(model, column, translation.get_language())


@functools.cache
def _column_label(model, column: str, language_code: str | None) -> str | None:
    field_ = _fields_by_column(model).get(column)
    if field_ is None:
        return None
    language = _translated(model).get(column)
    original = getattr(field_, "translated_field", None)
    if language and original is not None:
        return _("%(label)s (%(language)s)") % {
            "label": _capital(original.verbose_name),
            "language": get_language_info(language)["name_translated"],
        }
    return _capital(field_.verbose_name)


def _title_columns(model) -> tuple[str, ...]:
    display = TABLES.get(model._meta.db_table)
    if display and display.title:
        return display.title
    for name in ("title", "name", "filename", "email"):
        field_ = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if field_ is not None:
            return (field_.column,)
    return ()


def _reference_target(model, column: str) -> type[models.Model] | None:
    """The model a column's ids point to (a foreign key, or a registered id array)."""
    field_ = _fields_by_column(model).get(column)
    if isinstance(field_, models.ForeignKey):
        return field_.related_model
    display = TABLES.get(model._meta.db_table)
    if display and column in display.id_arrays:
        return apps.get_model(display.id_arrays[column])
    return None


# --- Resolving ids to names --------------------------------------------------------------------


class Names:
    """Titles of the records history refers to, read a model at a time (a few queries per page)."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        self.rows: dict[type[models.Model], dict[int, dict]] = defaultdict(dict)
        self.gone: dict[type[models.Model], dict[int, dict]] = defaultdict(dict)
        self.fetched: dict[type[models.Model], set[int]] = defaultdict(set)
        # Labels asked for again and again on a page or in an export: looked up once per render.
        self.labels: dict[tuple[type[models.Model], str], str | None] = {}

    def label(self, model, column: str) -> str | None:
        key = (model, column)
        if key not in self.labels:
            self.labels[key] = column_label(model, column)
        return self.labels[key]

    def want(self, model, ids: Iterable) -> None:
        for value in ids:
            if isinstance(value, int) and not isinstance(value, bool):
                self.wanted[model].add(value)

    def want_references(self, model, row: dict) -> None:
        for column, value in row.items():
            target = _reference_target(model, column)
            if target is not None and value is not None:
                self.want(target, value if isinstance(value, list) else [value])

    def fetch(self) -> None:
        """Read the wanted rows (and what their titles refer to, a level at a time)."""
        for _depth in range(4):
            todo = {model: ids - self.fetched[model] for model, ids in self.wanted.items()}
            todo = {model: ids for model, ids in todo.items() if ids}
            if not todo:
                return
            for model, ids in todo.items():
                self.fetched[model] |= ids
                columns = self._columns(model)
                found = {row["pk"]: row for row in model._base_manager.filter(pk__in=ids).values("pk", *columns)}
                self.rows[model].update(found)
                missing = ids - set(found)
                if missing and _is_state_owned(model):
                    self.gone[model].update(_last_known(model, missing))
                for row in [*found.values(), *(self.gone[model].get(pk, {}) for pk in missing)]:
                    for column in self._title_fields(model):
                        target = _reference_target(model, column)
                        if target is not None and row.get(column) is not None:
                            value = row[column]
                            self.want(target, value if isinstance(value, list) else [value])

    def _title_fields(self, model) -> list[str]:
        columns = []
        translated = _translated(model)
        for column in _title_columns(model):
            columns.append(column)
            columns += [c for c, language in translated.items() if language and c.startswith(column + "_")]
        return columns

    def _columns(self, model) -> list[str]:
        by_column = _fields_by_column(model)
        return [by_column[column].attname for column in self._title_fields(model) if column in by_column]

    def exists(self, model, pk) -> bool:
        return isinstance(pk, int) and pk in self.rows.get(model, {})

    def title(self, model, pk, *, depth: int = 0) -> str:
        """The record's title, "(deleted)" when only history remembers it."""
        if not isinstance(pk, int):
            return _("an entry no longer kept")
        row = self.rows.get(model, {}).get(pk)
        deleted = row is None
        if deleted:
            row = self.gone.get(model, {}).get(pk)
        if row is None:
            return _("an entry no longer kept")
        text = self.title_of_row(model, row, depth=depth)
        return _("%(title)s (deleted)") % {"title": text} if deleted else text

    def title_of_row(self, model, row: dict, *, depth: int = 0) -> str:
        parts = []
        by_column = _fields_by_column(model)
        for column in _title_columns(model):
            field_ = by_column.get(column)
            if field_ is None:
                continue
            value = _translated_value(model, column, row) if column in _translated(model) else row.get(column)
            if value is None:
                value = row.get(field_.attname)
            if value in (None, "", []):
                continue
            parts.append(self.value(model, column, value, row=row, depth=depth + 1))
        display = TABLES.get(model._meta.db_table)
        if display and display.title_first:
            parts = parts[:1]
        return " · ".join(parts) or kind_of(model)

    def value(self, model, column: str, value, *, row: dict | None = None, depth: int = 0) -> str:
        """A column's value as a person reads it."""
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        display = TABLES.get(model._meta.db_table) if model is not None else None
        if display and column in display.formatters:
            # Plain text, whatever the formatter gives (filesizeformat gives a SafeString).
            return str.__str__(str(display.formatters[column](value)))
        target = _reference_target(model, column) if model is not None else None
        if target is not None:
            if depth > 4:
                return "…"
            values = value if isinstance(value, list) else [value]
            return ", ".join(self.title(target, v, depth=depth) for v in values)
        field_ = _fields_by_column(model).get(column) if model is not None else None
        if display and column in display.file_names and row:
            return str(row.get(display.file_names[column]) or posixpath.basename(str(value)))
        if isinstance(field_, models.FileField):
            return posixpath.basename(str(value))
        choices = (display.choices.get(column) if display else None) or _choices_of(field_)
        if choices:
            labels = {str(code): str(label) for code, label in choices}
            values = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), _("another value")) for v in values)
        return format_value(field_, value)


def _choices_of(field_) -> list | None:
    if field_ is None:
        return None
    if isinstance(field_, ArrayField):
        return list(field_.base_field.flatchoices) or None
    return list(field_.flatchoices) or None


def _translated_value(model, column: str, row: dict):
    """A translatable column's value in the reader's language, else the first language it has."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    candidates = [f"{column}_{language}", *(f"{column}_{code.replace('-', '_')}" for code, _n in settings.LANGUAGES)]
    for candidate in [*candidates, column]:
        if row.get(candidate):
            return row[candidate]
    return None


def _is_state_owned(model) -> bool:
    return any(f.name == "state" and f.is_relation for f in model._meta.concrete_fields) or model is State


def _last_known(model, ids: set[int]) -> dict[int, dict]:
    """What history last knew of rows that are gone: the whole row its deletion recorded."""
    table = model._meta.db_table
    known = {}
    for row_id, before in (
        HistoryEntry.objects.filter(table_name=table, row_id__in=[str(pk) for pk in ids], operation="D")
        .order_by("changed_at")
        .values_list("row_id", "before")
    ):
        if row_id.isdigit() and before:
            known[int(row_id)] = before
    return known


def format_value(field_, value) -> str:
    """A plain value in the reader's language: dates, numbers, yes and no, texts cut short."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field_, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(field_, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(field_, models.DecimalField | models.FloatField) and isinstance(value, int | float | str):
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return str(value)
        # "12.5000" reads 12.5, "0.0000" reads 0.
        number = number.quantize(decimal.Decimal(1)) if number == number.to_integral() else number.normalize()
        return formats.number_format(number, use_l10n=True, force_grouping=True)
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=isinstance(field_, models.DecimalField))
    if isinstance(field_, models.JSONField):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return "; ".join(value)
        return _("(changed)")
    if isinstance(value, list):
        return ", ".join(format_value(getattr(field_, "base_field", None), item) for item in value)
    if isinstance(value, dict):
        return _("(changed)")
    text = " ".join(str(value).split()) if len(str(value)) > TEXT_LIMIT else str(value)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


# --- Who did it ------------------------------------------------------------------------------


def who_did_it(entry: HistoryEntry, names: Names) -> str:
    metadata = (entry.context.metadata if entry.context_id and entry.context else None) or {}
    person = None
    if entry.actor_id:
        person = names.title(User, entry.actor_id) if names.exists(User, entry.actor_id) else None
    person = person or metadata.get("user_name") or ""
    activity = describe_activity(metadata)
    if activity and person:
        return _("%(activity)s, by %(person)s") % {"activity": activity, "person": person}
    return activity or person or _("(not recorded)")


def describe_activity(metadata: dict) -> str:
    """What a job, a command or an import did, in words ("" for a person's own request)."""
    if metadata.get("import_file"):
        return _("Imported from “%(file)s”") % {"file": metadata["import_file"]}
    for kind in ("import", "task", "command"):
        name = metadata.get(kind)
        if name:
            describe = ACTIVITIES.get((kind, name))
            if describe is not None:
                return describe(metadata)
            if kind == "command":
                return _("A command run on the server")
            return _("An automatic job")
    return ""


# --- Rendering ------------------------------------------------------------------------------


ACTIONS = {
    HistoryEntry.Operation.INSERT: pgettext_lazy("history", "created"),
    HistoryEntry.Operation.UPDATE: pgettext_lazy("history", "changed"),
    HistoryEntry.Operation.DELETE: pgettext_lazy("history", "deleted"),
}


def _visible_columns(model, table: str, row: dict, names: Names) -> list[str]:
    """The row's columns a person reads, in the model's order (the JSON's is by key length)."""
    display = TABLES.get(table)
    hidden = HIDDEN_EVERYWHERE | (display.hidden if display else frozenset())
    return [c for c in _column_order(model) if c in row and c not in hidden and names.label(model, c) is not None]


@functools.cache
def _column_order(model) -> list[str]:
    """The model's columns in its fields' order, each translation next to its original field
    (modeltranslation adds them at the end)."""
    translations: dict[str, list[str]] = {}
    for field_ in model._meta.concrete_fields:
        original = getattr(field_, "translated_field", None)
        if original is not None:
            translations.setdefault(original.column, []).append(field_.column)
    order = []
    for field_ in model._meta.concrete_fields:
        if getattr(field_, "translated_field", None) is None:
            order += [field_.column, *translations.get(field_.column, [])]
    return order


def render(entries: list[HistoryEntry], *, state: State | None = None, details: bool = True) -> list[Line]:
    """The entries as lines a person reads (the order kept). ``state`` gives the links' addresses."""
    by_table = models_by_table()
    by_table[STATE_TABLE] = State
    names = Names()
    for entry in entries:
        model = by_table.get(entry.table_name)
        if model is None:
            continue
        if entry.row_id.isdigit():
            names.want(model, [int(entry.row_id)])
        if details:
            for side in (entry.before or {}, entry.after or {}):
                names.want_references(model, side)
        if entry.actor_id:
            names.want(User, [entry.actor_id])
    names.fetch()

    lines = []
    for entry in entries:
        model = by_table.get(entry.table_name)
        pk = int(entry.row_id) if entry.row_id.isdigit() else None
        row = entry.after or entry.before or {}
        if model is None:
            title = _("an entry no longer kept")
        elif pk is not None and (names.exists(model, pk) or pk in names.gone.get(model, {})):
            title = names.title(model, pk)
        else:
            # Deleted, and its deletion not recorded here: what this entry holds of it.
            title = names.title_of_row(model, row)
        lines.append(
            Line(
                entry=entry,
                kind=kind_of(model),
                title=title,
                link=_link(entry.table_name, pk, state) if model is not None and names.exists(model, pk) else None,
                action=str(ACTIONS.get(entry.operation, entry.operation)),
                who=who_did_it(entry, names),
                changes=_changes(entry, model, names) if details and model is not None else [],
            )
        )
    return lines


def _changes(entry: HistoryEntry, model, names: Names) -> list[Change]:
    before, after = entry.before or {}, entry.after or {}
    table = entry.table_name
    if entry.operation == HistoryEntry.Operation.UPDATE:
        columns = _visible_columns(model, table, after, names)
        return [
            Change(
                names.label(model, c),
                names.value(model, c, before.get(c), row=before),
                names.value(model, c, after.get(c), row=after),
            )
            for c in columns
        ]
    side = after or before
    columns = [c for c in _visible_columns(model, table, side, names) if side.get(c) not in (None, "", [], {})]
    changes = []
    for column in columns[:FIELDS_OF_A_RECORD]:
        shown = names.value(model, column, side.get(column), row=side)
        if entry.operation == HistoryEntry.Operation.INSERT:
            changes.append(Change(names.label(model, column), after=shown))
        else:
            changes.append(Change(names.label(model, column), before=shown))
    return changes


def _link(table: str, pk: int | None, state: State | None) -> str | None:
    display = TABLES.get(table)
    if display is None or not display.link or pk is None or state is None:
        return None
    try:
        return reverse(display.link, kwargs={"state_slug": state.slug, "pk": pk})
    except NoReverseMatch:
        return None


def by_day(lines: list[Line]) -> list[Day]:
    """The lines grouped by the day (in the site's time zone) they happened, newest day first."""
    today = timezone.localdate()
    days: dict[datetime.date, list[Line]] = {}
    for line in sorted(lines, key=lambda line: (line.entry.changed_at, line.entry.pk), reverse=True):
        days.setdefault(timezone.localtime(line.entry.changed_at).date(), []).append(line)
    result = []
    for day, day_lines in days.items():
        if day == today:
            label = _("Today")
        elif day == today - datetime.timedelta(days=1):
            label = _("Yesterday")
        else:
            label = formats.date_format(day, "DATE_FORMAT")
        result.append(Day(day, label, day_lines))
    return result


def history_of_rows(rows: list[tuple[str, Iterable[int]]]) -> models.Q:
    """The condition on history of some rows of some tables ((table, ids) pairs)."""
    condition = models.Q(pk__in=[])
    for table, ids in rows:
        ids = [str(pk) for pk in ids]
        if ids:
            condition |= models.Q(table_name=table, row_id__in=ids)
    return condition


# --- What this app registers -----------------------------------------------------------------


def register() -> None:
    table_display_register(User._meta.db_table, title=("name", "email"), title_first=True)
    table_display_register(
        STATE_TABLE,
        title=("name",),
        choices={"content_languages": language_choices(), "default_language": language_choices()},
        hidden={"slug", "iso3"},
    )
    table_display_register("tenants_membership", title=("user_id",), link=None)
    table_display_register(
        "tenants_invitation",
        title=("email",),
        choices={"language": language_choices()},
        hidden={"sent_at"},
    )
    table_display_register("tenants_supportsession", title=("user_email",))
    table_display_register("tenants_supportaccess", title=("method", "path"))
