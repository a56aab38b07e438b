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

HISTORY_TABLE = "nrtd_history"
TRIGGER_NAME = "nrtd_history_trigger"
# Tables whose churn is bookkeeping rather than State data (job progress counters); history of
# them would be noise.
UNTRACKED_TABLES = frozenset({HISTORY_TABLE, "recommendations_importjob"})

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION nrtd_record_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    before_cols jsonb;
    after_cols jsonb;
    context uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        new_row := to_jsonb(NEW);
        after_cols := new_row;
    ELSIF TG_OP = 'DELETE' THEN
        old_row := to_jsonb(OLD);
        before_cols := old_row;
    ELSE
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        SELECT jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
          INTO before_cols, after_cols
          FROM jsonb_each(new_row) n JOIN jsonb_each(old_row) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value;
        IF after_cols IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    IF coalesce(current_setting('pghistory.context_id', true), '') <> '' THEN
        context := _pgh_attach_context();
    END IF;
    INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, before, after)
    VALUES (
        (coalesce(new_row, old_row) ->> 'state_id')::bigint,
        TG_TABLE_NAME,
        coalesce(new_row, old_row) ->> 'id',
        left(TG_OP, 1),
        clock_timestamp(),
        context,
        before_cols,
        after_cols
    );
    RETURN NULL;
END
$$;
"""


def install_history_triggers(using: str, tables: list[str]) -> list[str]:
    """(Re)attach the history trigger to each State-owned table; return the tracked tables."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tracked = [table for table in tables if table not in UNTRACKED_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in tracked:
            name = quote(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {name}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON {name}"
                " FOR EACH ROW EXECUTE FUNCTION nrtd_record_history()"
            )
    return tracked
