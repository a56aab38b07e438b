"""Import jobs and column mappings moved to ``imports``, search documents to ``portal`` (state only).
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0015_dashboard_index'),
        ('imports', '0001_initial'),
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='columnmapping',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='columnmapping',
                name='state',
            ),
            migrations.RemoveField(
                model_name='importjob',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='importjob',
                name='state',
            ),
            migrations.DeleteModel(
                name='SearchDocument',
            ),
            migrations.DeleteModel(
                name='SearchVersion',
            ),
            migrations.DeleteModel(
                name='ColumnMapping',
            ),
            migrations.DeleteModel(
                name='ImportJob',
            ),
            ],
        ),
    ]
