"""Load the vocabularies again: the data files now name every mechanism, theme, affected group
and SDG target in the six UN languages (installations migrated before have them in English)."""

from django.db import migrations

from recommendations.vocabularies import load_vocabularies


def vocabularies_load(apps, schema_editor):
    load_vocabularies(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0016_moved_out")]

    operations = [migrations.RunPython(vocabularies_load, migrations.RunPython.noop)]
