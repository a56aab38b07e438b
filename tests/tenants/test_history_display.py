"""History as a person reads it (tenants.history_display): an entry of every State-owned table with
every column shows no raw id, no column name, no raw date or number; imports and commands in
words; days newest first; the same few queries whatever the number of entries."""

from __future__ import annotations

import datetime
import json
import re

import pghistory
import pytest
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from imports.models import ImportJob
from imports.runs import import_job_run, parse_options_for
from recommendations.models import Entity, Recommendation
from tenants.history import HISTORY_TABLE, STATE_TABLE
from tenants.history_display import (
    HIDDEN_EVERYWHERE,
    TABLES,
    _reference_target,
    by_day,
    column_label,
    models_by_table,
    render,
)
from tenants.models import HistoryEntry, State
from tenants.rls import state_owned_tables
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T|\s\d)")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ONLY_NUMBERS = re.compile(r"^[\d\s,.#]+$")
TRAILING_ZEROS = re.compile(r"\d[.,]\d*0\b")


def tracked_tables() -> list[str]:
    return [STATE_TABLE, *(table for table in state_owned_tables() if table != HISTORY_TABLE)]


def model_of(table: str):
    return State if table == STATE_TABLE else models_by_table()[table]


def any_pk(model, state) -> int:
    """The id of some row of ``model`` the State can see (its own, or a global one)."""
    if model is State:
        return state.pk
    with state_context(state):
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None, f"plant a row of {model.__name__} (tests/factories.py)"
    return pk


def synthetic(field, table: str, state):
    """A value of the field's type, as the history trigger would have written it."""
    display = TABLES.get(table)
    if isinstance(field, models.ForeignKey):
        return any_pk(field.related_model, state)
    if isinstance(field, ArrayField):
        if isinstance(field.base_field, models.BigIntegerField):
            target = _reference_target(field.model, field.column)
            assert target is not None, f"{table}.{field.column}: declare the model its ids point to (id_arrays)"
            return [any_pk(target, state)]
        choices = (display.choices.get(field.column) if display else None) or field.base_field.choices
        return [str(choices[0][0])] if choices else ["some text"]
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.DateTimeField):
        return "2026-03-01T10:15:00.123456+00:00"
    if isinstance(field, models.DateField):
        return "2026-03-01"
    if isinstance(field, models.DecimalField):
        return "12.5000"
    if isinstance(field, models.FloatField):
        return 0.25
    if isinstance(field, models.IntegerField):
        return 3
    if isinstance(field, models.JSONField):
        return {"key": 1}
    if isinstance(field, models.FileField):
        return "evidence/1/3f9a0c.pdf"
    choices = (display.choices.get(field.column) if display else None) or field.choices
    if choices:
        return str(next(iter(choices))[0])
    return "some text"


def full_row(table: str, state) -> dict:
    """A row of the table with every column set: a planted row's values, the empty ones filled."""
    model = model_of(table)
    with connection.cursor() as cursor, state_context(state):
        key = "id" if model is State else "state_id"
        cursor.execute(
            f"SELECT to_jsonb(t) FROM {connection.ops.quote_name(table)} t WHERE {key} = %s LIMIT 1", [state.pk]
        )
        found = cursor.fetchone()
    row = (found[0] if isinstance(found[0], dict) else json.loads(found[0])) if found else {}
    for field in model._meta.concrete_fields:
        if row.get(field.column) in (None, "", [], {}):
            row[field.column] = synthetic(field, table, state)
    row["state_id"] = state.pk
    return row


def every_kind_of_entry(state) -> list[HistoryEntry]:
    entries = []
    moment = timezone.now()
    for table in tracked_tables():
        row = full_row(table, state)
        changed = {column: value for column, value in row.items()}
        for operation, before, after in (("I", None, row), ("U", changed, row), ("D", row, None)):
            entries.append(
                HistoryEntry(
                    state=state,
                    table_name=table,
                    row_id=str(row["id"]),
                    operation=operation,
                    changed_at=moment,
                    before=before,
                    after=after,
                )
            )
    with state_context(state):
        return HistoryEntry.objects.bulk_create(entries)


def reference_columns(model) -> set[str]:
    return {f.column for f in model._meta.concrete_fields if _reference_target(model, f.column) is not None}


def all_columns() -> set[str]:
    columns = set()
    for table in tracked_tables():
        columns |= {f.column for f in model_of(table)._meta.concrete_fields}
    return columns


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_entry_of_any_table_shows_a_raw_id_a_column_name_or_a_raw_value(planted, language):
    state = planted.a.state
    entries = every_kind_of_entry(state)
    with translation.override(language), state_context(state):
        lines = render(entries, state=state)
        html = render_to_string("tenants/includes/history.html", {"days": by_day(lines)})
    assert len(lines) == 3 * len(tracked_tables())
    # Column names that are not words of a label (a label may say "name" or "status").
    raw_columns = {column for column in all_columns() if "_" in column}
    for line in lines:
        model = model_of(line.entry.table_name)
        where = f"{line.entry.table_name} {line.entry.operation}"
        assert line.kind and not ONLY_NUMBERS.match(line.title), where
        assert not any(name in line.title for name in raw_columns), (where, line.title)
        assert "an entry no longer kept" not in line.title, (where, line.title)
        references = reference_columns(model)
        fields = {f.column: f for f in model._meta.concrete_fields}
        side = line.entry.after or line.entry.before
        with translation.override(language):
            labels = {column_label(model, column): column for column in side if column in fields}
        for change in line.changes:
            assert change.label in labels, (where, change.label, sorted(labels))
            column = labels[change.label]
            assert "_" not in change.label, (where, change.label)
            for value in (change.before, change.after):
                if not value:
                    continue
                assert not ISO_MOMENT.search(value) and not ISO_DAY.search(value), (where, column, value)
                assert not any(name in value for name in raw_columns), (where, column, value)
                assert "{" not in value and "[" not in value, (where, column, value)
                if column in references:
                    assert not ONLY_NUMBERS.match(value), (where, column, value)
                    assert "an entry no longer kept" not in value, (where, column, value)
                if isinstance(fields[column], models.DecimalField):
                    assert not TRAILING_ZEROS.search(value), (where, column, value)
                if isinstance(fields[column], models.FileField):
                    assert "/" not in value, (where, column, value)
    # An update shows every column but bookkeeping (and what the apps declared hidden), each with
    # its label.
    for line in lines:
        if line.entry.operation != "U":
            continue
        table = line.entry.table_name
        model = model_of(table)
        display = TABLES.get(table)
        hidden = HIDDEN_EVERYWHERE | (display.hidden if display else frozenset())
        with translation.override(language):
            expected = {column_label(model, f.column) for f in model._meta.concrete_fields if f.column not in hidden}
        assert {change.label for change in line.changes} == expected, table
    assert not any(name in html for name in raw_columns)
    assert not ISO_MOMENT.search(re.sub(r'datetime="[^"]*"', "", html))


def test_values_are_formatted_for_the_readers_language(planted):
    a = planted.a
    with state_context(a.state):
        [entry] = HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    state=a.state,
                    table_name="followup_indicator",
                    row_id=str(a.indicator.pk),
                    operation="U",
                    changed_at=timezone.now(),
                    before={"baseline": "0.0000", "target_on": None, "action_id": None},
                    after={"baseline": "1234.5000", "target_on": "2026-12-31", "action_id": a.action.pk},
                )
            ]
        )
        shown = {}
        for language in ("en", "fr", "ar"):
            with translation.override(language):
                [line] = render([entry], state=a.state)
                shown[language] = [(c.label, c.before, c.after) for c in line.changes]
    assert shown["en"] == [
        ("Action", "—", "Draft a law on enforced disappearance"),
        ("Baseline", "0", "1,234.5"),
        ("Target date", "—", "Dec. 31, 2026"),
    ]
    assert shown["fr"][1:] == [("Valeur de référence", "0", "1\xa0234,5"), ("Date cible", "—", "31 décembre 2026")]
    # Day, month, year, as Arabic writes a date (nrtd/formats/ar: no comma before the year).
    assert shown["ar"][2][2] == "31 ديسمبر 2026"


def test_an_import_reads_as_such_with_who_asked_for_it(planted, settings, tmp_path):
    a = planted.a
    with state_context(a.state):
        job = ImportJob.objects.create(
            state=a.state, format="csv", filename="A_HRC_43_15 list.csv", created_by=a.people["secretariat"]
        )
        options = parse_options_for(a.state, mapping="Alphaland tracking sheet")
    sheet = tmp_path / "list.csv"
    sheet.write_text("Recommendation,Response\nAbolish the death penalty,supported\n")
    with sheet.open("rb") as fileobj:
        job = import_job_run(state=a.state, job_id=job.pk, fileobj=fileobj, options=options)
    assert job.status == "succeeded", job.failure
    with state_context(a.state):
        created = Recommendation.objects.get(text_en="Abolish the death penalty")
        entries = list(HistoryEntry.objects.filter(table_name="recommendations_recommendation", row_id=str(created.pk)))
        [line] = render(entries, state=a.state)
    assert line.who == "Imported from “A_HRC_43_15 list.csv”, by secretariat of Alphaland"
    assert line.entry.actor == a.people["secretariat"]


def test_commands_and_jobs_read_in_words(planted):
    a = planted.a
    with state_context(a.state), pghistory.context(command="load_demo"):
        entity = Entity.objects.create(state=a.state, name="Ombudsman")
    with state_context(a.state), pghistory.context(task="reminders_task"):
        Entity.objects.filter(pk=entity.pk).update(short_name="OMB")
    with state_context(a.state), pghistory.context(command="some_new_command"):
        Entity.objects.filter(pk=entity.pk).update(short_name="OMB2")
    with state_context(a.state):
        entries = list(
            HistoryEntry.objects.filter(table_name="recommendations_entity", row_id=str(entity.pk))
            .select_related("context")
            .order_by("id")
        )
        lines = render(entries, state=a.state)
    assert [line.who for line in lines] == [
        "The demonstration data",
        "The automatic reminders",
        "A command run on the server",
    ]


def test_a_deleted_record_is_named_by_what_history_last_knew_of_it(planted):
    a = planted.a
    with state_context(a.state):
        gone = Entity.objects.create(state=a.state, name="Ministry of Planning")
        Recommendation.objects.filter(pk=a.unpublished.pk).update(lead_entity=gone)
        Recommendation.objects.filter(pk=a.unpublished.pk).update(lead_entity=None)
        gone.delete()
        entries = list(
            HistoryEntry.objects.filter(table_name="recommendations_recommendation", row_id=str(a.unpublished.pk))
            .filter(operation="U")
            .order_by("id")
        )
        lines = render(entries, state=a.state)
    assert [(c.label, c.before, c.after) for line in lines for c in line.changes] == [
        ("Lead entity", "—", "Ministry of Planning (deleted)"),
        ("Lead entity", "Ministry of Planning (deleted)", "—"),
    ]


def test_days_newest_first(planted):
    a = planted.a
    now = timezone.now()
    moments = [now - datetime.timedelta(days=3), now - datetime.timedelta(days=1), now]
    with state_context(a.state):
        entries = HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    state=a.state,
                    table_name="recommendations_entity",
                    row_id=str(a.entity.pk),
                    operation="U",
                    changed_at=moment,
                    before={"short_name": ""},
                    after={"short_name": f"MJ{index}"},
                )
                for index, moment in enumerate(moments)
            ]
        )
        days = by_day(render(entries, state=a.state))
    third = formats.date_format(timezone.localtime(moments[0]).date(), "DATE_FORMAT")
    assert [(day.label, [line.changes[0].after for line in day.lines]) for day in days] == [
        ("Today", ["MJ2"]),
        ("Yesterday", ["MJ1"]),
        (third, ["MJ0"]),
    ]


def test_the_queries_do_not_grow_with_the_number_of_entries(planted):
    state = planted.a.state
    few = every_kind_of_entry(state)
    many = few + every_kind_of_entry(state) + every_kind_of_entry(state)
    counts = []
    with state_context(state):
        for entries in (few, many):
            fresh = list(HistoryEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("context"))
            with CaptureQueriesContext(connection) as queries:
                render(fresh, state=state)
            counts.append(len(queries))
    assert counts[0] == counts[1]
