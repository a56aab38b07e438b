"""Fill the global vocabularies from recommendations/data/ (themes, affected groups, SDGs,
countries, special procedures, and aliases for the mechanisms 0003 created).

The loader is shared with ``manage.py load_vocabularies``, which reruns it when the data files
change without a new migration; it works on this migration's historical models.
"""

from django.db import migrations

from recommendations.vocabularies import load_vocabularies


def vocabularies_load(apps, schema_editor):
    load_vocabularies(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0004_vocabularies_and_imports")]

    # Nothing to undo: going back to 0004 keeps the rows, and rerunning the load is idempotent.
    operations = [migrations.RunPython(vocabularies_load, migrations.RunPython.noop)]
