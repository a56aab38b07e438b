"""Import jobs and column mappings come from ``recommendations`` (state only: their tables stay).
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('recommendations', '0015_dashboard_index'),
        ('tenants', '0006_platform_import_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ImportJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                    ('format', models.CharField(max_length=30, verbose_name='format')),
                    ('filename', models.CharField(max_length=300, verbose_name='file')),
                    ('file', models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='file')),
                    ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                    ('dry_run', models.BooleanField(default=False, verbose_name='dry run')),
                    ('status', models.CharField(choices=[('pending', 'Waiting'), ('running', 'Running'), ('succeeded', 'Finished'), ('failed', 'Failed')], default='pending', max_length=20, verbose_name='status')),
                    ('processed', models.PositiveIntegerField(default=0, verbose_name='records read')),
                    ('created', models.PositiveIntegerField(default=0, verbose_name='created')),
                    ('updated', models.PositiveIntegerField(default=0, verbose_name='updated')),
                    ('unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged')),
                    ('rejected', models.PositiveIntegerField(default=0, verbose_name='rejected')),
                    ('by_position', models.JSONField(blank=True, default=dict, verbose_name='by position')),
                    ('errors', models.JSONField(blank=True, default=list, verbose_name='errors')),
                    ('failure', models.TextField(blank=True, verbose_name='failure')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('state', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.state', verbose_name='State')),
                ],
                options={
                    'verbose_name': 'import',
                    'verbose_name_plural': 'imports',
                    'db_table': 'recommendations_importjob',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ColumnMapping',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('fields', models.JSONField(default=dict, verbose_name='fields')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('state', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.state', verbose_name='State')),
                ],
                options={
                    'verbose_name': 'column mapping',
                    'verbose_name_plural': 'column mappings',
                    'db_table': 'recommendations_columnmapping',
                    'ordering': ['name'],
                    'constraints': [models.UniqueConstraint(fields=('state', 'name'), name='column_mapping_unique_name_per_state')],
                },
            ),
            ],
        ),
    ]
