"""The platform audit moved to ``console`` (state only).
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0006_platform_import_action'),
        ('console', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.DeleteModel(
                name='PlatformAuditEntry',
            ),
            ],
        ),
    ]
