"""Import keys of text-keyed recommendations already imported, in the form of issue 21.

Rows without symbol and paragraph were keyed by their text alone (``text:<digest>``), so a text
repeated in a later cycle updated the earlier cycle's recommendation. Their keys now name the
mechanism and the session or cycle (``text:UPR:s34:<digest>``, imports.keys); this rewrites the
keys already there, for every State. Runs as the owner under the bypass (row-level security binds
the owner too), as recommendations' 0012 does. The same is ``manage.py repair_import_keys``.
"""

from django.db import migrations


def repair(apps, schema_editor):
    from imports.keys import text_keys_repair

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nrtd.bypass', 'on', true)")
    text_keys_repair(state_id=None, using=schema_editor.connection.alias)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nrtd.bypass', '', true)")


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_import_outcome_and_uhri_schedule"), ("recommendations", "0017_vocabularies_in_six_languages")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
