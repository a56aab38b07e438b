"""The search documents and versions come from ``recommendations`` (state only: their tables, triggers
and functions stay as migration recommendations/0014 made them).
"""
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('recommendations', '0015_dashboard_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SearchVersion',
                fields=[
                    ('state_id', models.BigIntegerField(primary_key=True, serialize=False)),
                    ('version', models.BigIntegerField(default=0)),
                ],
                options={
                    'db_table': 'recommendations_searchversion',
                },
            ),
            migrations.CreateModel(
                name='SearchDocument',
                fields=[
                    ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                    ('state_id', models.BigIntegerField()),
                    ('issued_on', models.DateField(null=True)),
                    ('languages', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=10), default=list, size=None)),
                    ('keys', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
                    ('document', django.contrib.postgres.search.SearchVectorField()),
                    ('status', models.CharField(blank=True, max_length=30)),
                    ('status_on', models.DateField(null=True)),
                ],
                options={
                    'db_table': 'recommendations_searchdoc',
                    'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['keys'], name='searchdoc_keys_gin'), django.contrib.postgres.indexes.GinIndex(fields=['document'], name='searchdoc_document_gin'), models.Index(models.F('state_id'), models.OrderBy(models.F('issued_on'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='searchdoc_date_idx')],
                },
            ),
            ],
        ),
    ]
