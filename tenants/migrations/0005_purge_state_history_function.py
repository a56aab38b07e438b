"""A function of the table owner's that removes a deleted State's history.

History is append-only for the application's role (it may neither update nor delete in
``nrtd_history``); deleting a State (tenants.services.state_delete) must remove its history
too. The function does only that, and only once the State itself is gone, so it cannot erase
the history of a State that still exists. It bypasses row-level security for its own work only
and puts the setting back as it found it (a function's ``SET`` clause cannot name a custom
setting unless a superuser creates it).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION nrtd_purge_state_history(deleted_state_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    removed bigint;
    previous text := coalesce(current_setting('nrtd.bypass', true), '');
BEGIN
    IF EXISTS (SELECT 1 FROM tenants_state WHERE id = deleted_state_id) THEN
        RAISE EXCEPTION 'State % still exists; its history stays', deleted_state_id;
    END IF;
    PERFORM set_config('nrtd.bypass', 'on', true);
    DELETE FROM nrtd_history WHERE state_id = deleted_state_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('nrtd.bypass', previous, true);
    RETURN removed;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS nrtd_purge_state_history(bigint);"


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_support_sessions")]

    operations = [migrations.RunSQL(CREATE, DROP)]
