"""History of every change to State data, kept by PostgreSQL itself.

One trigger function, attached after every ``migrate`` to every State-owned table (the same
catalogue query as row-level security), writes a ``nrtd_history`` row per inserted, updated or
deleted row: the columns before and after, the time, and pghistory's context (the user and the
page or job). Because it lives in the database, bulk updates and raw SQL are recorded too, and a
new model is tracked without anyone remembering to.

pghistory's own per-model event tables are not used: they are generated when a model class is
declared, before django-modeltranslation adds the translated columns, so a change to a French
text would go unrecorded.
"""

from __future__ import annotations

from django.db import connections
from modeltranslation.translator import translator

HISTORY_TABLE = "nrtd_history"
# The State's own row is recorded under the State's id by a function of the owner's (migration
# tenants 0009): see STATE_TABLE in the renderer (tenants.history_display).
STATE_TABLE = "tenants_state"
UNTRACKED_TABLES = frozenset({HISTORY_TABLE, "recommendations_importjob"})
# Columns that change without anyone changing the row: a running job's heartbeat
# (tenants.heartbeat), written every few seconds; an update of it alone leaves no entry.
UNRECORDED_COLUMNS = {"reporting_reportdraft": ["heartbeat_at"]}

# One statement-level trigger per operation: the changed rows come as transition tables, and one
# INSERT ... SELECT per statement records them all, so a bulk import of thousands of rows costs
# one trigger call per statement, not one per row. (PostgreSQL refuses transition tables on a
# trigger with several events, hence three.)
TRIGGERS = {
    "nrtd_history_insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "nrtd_history_update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "nrtd_history_delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}
# The per-row trigger of earlier versions, removed where it is still attached.
OLD_TRIGGER_NAME = "nrtd_history_trigger"

# The trigger's arguments name columns left out of the entries: django-modeltranslation's
# original column ("text"), which repeats one of the translations ("text_en", ...) that are
# recorded. A recommendation's row is mostly its texts, so this keeps a bulk import's history
# a third smaller.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION nrtd_record_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    context uuid;
    actor bigint;
    who text;
    skipped text[] := coalesce(TG_ARGV, '{}');
BEGIN
    IF coalesce(current_setting('pghistory.context_id', true), '') <> '' THEN
        context := _pgh_attach_context();
        -- Who: the context's "user", kept in a column of its own for the State's log to filter on.
        who := nullif(current_setting('pghistory.context_metadata', true), '')::jsonb ->> 'user';
        IF who ~ '^[0-9]{1,18}$' THEN
            actor := who::bigint;
        END IF;
    END IF;
    -- Each row's JSON is built once per statement: the update's pairs are materialised, as
    -- PostgreSQL would otherwise inline them and build the JSON again at every reference.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO nrtd_history
            (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT n.state_id, TG_TABLE_NAME, n.id::text, 'I', clock_timestamp(), context, actor,
               NULL, to_jsonb(n) - skipped
          FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO nrtd_history
            (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT o.state_id, TG_TABLE_NAME, o.id::text, 'D', clock_timestamp(), context, actor,
               to_jsonb(o) - skipped, NULL
          FROM old_rows o;
    ELSE
        -- Only the columns that changed, before and after; a row saved unchanged leaves no entry.
        INSERT INTO nrtd_history
            (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        WITH pairs AS MATERIALIZED (
            SELECT n.state_id, n.id, to_jsonb(o) - skipped AS old_row, to_jsonb(n) - skipped AS new_row
              FROM old_rows o JOIN new_rows n ON o.id = n.id
        )
        SELECT p.state_id, TG_TABLE_NAME, p.id::text, 'U', clock_timestamp(), context, actor, d.before, d.after
          FROM pairs p
          CROSS JOIN LATERAL (
                SELECT jsonb_object_agg(e.key, p.old_row -> e.key) AS before,
                       jsonb_object_agg(e.key, e.value) AS after
                  FROM jsonb_each(p.new_row) e
                 WHERE e.value IS DISTINCT FROM p.old_row -> e.key) d
         WHERE d.after IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
"""


def skipped_columns() -> dict[str, list[str]]:
    """Table → columns history leaves out: modeltranslation's original columns, which repeat
    a translation column that history does record, and UNRECORDED_COLUMNS."""
    skipped: dict[str, list[str]] = {table: list(columns) for table, columns in UNRECORDED_COLUMNS.items()}
    for model in translator.get_registered_models():
        options = translator.get_options_for_model(model)
        columns = [model._meta.get_field(name).column for name in options.fields]
        skipped.setdefault(model._meta.db_table, []).extend(columns)
    return skipped


def install_history_triggers(using: str, tables: list[str]) -> list[str]:
    """(Re)attach the history trigger to each State-owned table; return the tracked tables."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tracked = [table for table in tables if table not in UNTRACKED_TABLES]
    skipped = skipped_columns()
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        # Generated columns too: PostgreSQL computes them from columns that are recorded.
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace"
            " AND a.attgenerated <> '' AND NOT a.attisdropped",
            [tracked],
        )
        for table, column in cursor.fetchall():
            skipped.setdefault(table, []).append(column)
        for table in tracked:
            name = quote(table)
            # Trigger arguments are string literals; column names are plain identifiers.
            arguments = ", ".join(f"'{column}'" for column in skipped.get(table, []) if column.isidentifier())
            cursor.execute(f"DROP TRIGGER IF EXISTS {OLD_TRIGGER_NAME} ON {name}")
            for trigger, when in TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {name}")
                cursor.execute(
                    f"CREATE TRIGGER {trigger} {when.format(table=name)}"
                    f" FOR EACH STATEMENT EXECUTE FUNCTION nrtd_record_history({arguments})"
                )
    return tracked
