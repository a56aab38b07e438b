"""A wall the application cannot lower (issue 17).

Row-level security no longer reads ``nrtd.bypass``, a setting any role may set: after this
migration the policies (tenants.rls, applied after every migrate) let a row through when its
State is the transaction's, and let the platform role and the owner through whatever the row.
The owner's functions that work for the application check that the State they touch is the
transaction's:

- ``nrtd_invoker()``: the role that called, as the caller's transaction sees it (inside a
  SECURITY DEFINER function ``current_user`` is the owner): the role set by ``SET ROLE``, else
  the role that signed in. Neither can be changed by a role without the other's membership.
- ``nrtd_may_cross_states()``: whether that role has the privileges of the tables' owner or of
  a role the cross-State policy names (the platform role): the same roles row-level security
  lets across States, read from the catalogue rather than named here.
- ``nrtd_purge_state_history``: only the transaction's State's history, or any when the caller
  may cross States (the console deletes States as the platform role).
- ``nrtd_record_state_history`` and ``nrtd_refuse_vocabulary_in_use`` (triggers) see every row
  as the owner instead of setting the bypass; the second becomes SECURITY DEFINER, answering
  only whether an entry is in use. The first records the change of a State's row, which
  row-level security lets the application change only inside that State's context (tenants.rls).

Every SECURITY DEFINER function now names ``pg_temp`` last in its search path, so that a
temporary table of the caller's cannot stand in for one of ours.
"""

from django.db import migrations

HELPERS = """
CREATE OR REPLACE FUNCTION nrtd_invoker() RETURNS name
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN current_setting('role') = 'none' THEN session_user
                ELSE current_setting('role')::name END
$$;

CREATE OR REPLACE FUNCTION nrtd_may_cross_states() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(public.nrtd_invoker(), c.relowner, 'USAGE')
        OR EXISTS (
            SELECT 1 FROM pg_policy p CROSS JOIN LATERAL unnest(p.polroles) AS r(oid)
            WHERE p.polrelid = c.oid AND p.polname = 'nrtd_cross_state' AND r.oid <> 0
              AND pg_has_role(public.nrtd_invoker(), r.oid, 'USAGE'))
    FROM pg_class c WHERE c.oid = 'public.nrtd_history'::regclass
$$;

CREATE OR REPLACE FUNCTION nrtd_require_state(touched bigint) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF touched IS DISTINCT FROM nullif(current_setting('nrtd.state_id', true), '')::bigint THEN
        IF NOT public.nrtd_may_cross_states() THEN
            RAISE EXCEPTION 'State % is not this transaction''s State', touched
                  USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
END
$$;
"""

PURGE = """
CREATE OR REPLACE FUNCTION nrtd_purge_state_history(deleted_state_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
    removed bigint;
BEGIN
    PERFORM nrtd_require_state(deleted_state_id);
    IF EXISTS (SELECT 1 FROM tenants_state WHERE id = deleted_state_id) THEN
        RAISE EXCEPTION 'State % still exists; its history stays', deleted_state_id;
    END IF;
    DELETE FROM nrtd_history WHERE state_id = deleted_state_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$$;
"""

STATE_HISTORY = """
CREATE OR REPLACE FUNCTION nrtd_record_state_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
    context uuid;
    actor bigint;
    who text;
    skipped text[] := ARRAY['name', 'portal_introduction'];
BEGIN
    IF coalesce(current_setting('pghistory.context_id', true), '') <> '' THEN
        context := _pgh_attach_context();
        who := nullif(current_setting('pghistory.context_metadata', true), '')::jsonb ->> 'user';
        IF who ~ '^[0-9]{1,18}$' THEN
            actor := who::bigint;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT n.id, TG_TABLE_NAME, n.id::text, 'I', clock_timestamp(), context, actor, NULL, to_jsonb(n) - skipped
          FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT o.id, TG_TABLE_NAME, o.id::text, 'D', clock_timestamp(), context, actor, to_jsonb(o) - skipped, NULL
          FROM old_rows o;
    ELSE
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        WITH pairs AS MATERIALIZED (
            SELECT n.id, to_jsonb(o) - skipped AS old_row, to_jsonb(n) - skipped AS new_row
              FROM old_rows o JOIN new_rows n ON o.id = n.id
        )
        SELECT p.id, TG_TABLE_NAME, p.id::text, 'U', clock_timestamp(), context, actor, d.before, d.after
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

VOCABULARY = """
CREATE OR REPLACE FUNCTION nrtd_refuse_vocabulary_in_use() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
    used boolean;
BEGIN
    -- The check looks at every State's recommendations, as the owner; it only answers yes or no.
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM recommendations_recommendation WHERE %I @> ARRAY[$1]::bigint[])',
                   TG_ARGV[0])
       INTO used USING OLD.id;
    IF used THEN
        RAISE EXCEPTION '% % is still used by recommendations', TG_TABLE_NAME, OLD.id
              USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
"""

ANALYZE = """
ALTER FUNCTION nrtd_analyze_recommendations() SET search_path = public, pg_catalog, pg_temp;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0010_history_log_indexes"),
        ("recommendations", "0018_natural_paragraph_order"),
    ]

    operations = [
        migrations.RunSQL(HELPERS, migrations.RunSQL.noop),
        migrations.RunSQL(PURGE, migrations.RunSQL.noop),
        migrations.RunSQL(STATE_HISTORY, migrations.RunSQL.noop),
        migrations.RunSQL(VOCABULARY, migrations.RunSQL.noop),
        migrations.RunSQL(ANALYZE, migrations.RunSQL.noop),
    ]
