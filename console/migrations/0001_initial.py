"""The platform audit comes from ``tenants`` (state only: its table stays).
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tenants', '0006_platform_import_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='PlatformAuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('actor_email', models.EmailField(blank=True, max_length=254, verbose_name='by (e-mail)')),
                    ('action', models.CharField(choices=[('create', 'created'), ('suspend', 'suspended'), ('resume', 'resumed'), ('export', 'exported'), ('archive', 'archived'), ('delete', 'deleted'), ('support', 'entered support mode'), ('import', 'started an import')], max_length=20, verbose_name='action')),
                    ('state_ref', models.BigIntegerField(blank=True, null=True, verbose_name='State id')),
                    ('state_name', models.CharField(blank=True, max_length=200, verbose_name='State')),
                    ('reason', models.TextField(blank=True, verbose_name='reason')),
                    ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                    ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ],
                options={
                    'db_table': 'tenants_platformauditentry',
                    'verbose_name': 'platform audit entry',
                    'verbose_name_plural': 'platform audit',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            ],
        ),
    ]
