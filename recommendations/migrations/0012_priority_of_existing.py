"""Derived priority factors and scores for the recommendations that were there before 0011.

0011 added the columns empty; re-imports skip unchanged rows, so nothing else would fill them.
Runs as the owner under the bypass (row-level security binds the owner too), for every State.
"""

from django.db import migrations


def refresh(apps, schema_editor):
    from recommendations.priority import priority_refresh

    alias = schema_editor.connection.alias
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nrtd.bypass', 'on', true)")
    priority_refresh(state_id=None, using=alias)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nrtd.bypass', '', true)")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0011_curation")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
