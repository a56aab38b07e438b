"""The State's log reads history newest first, by kind of record and by person: three indexes,
built without locking out the writes to a history table that may be large already."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('tenants', '0009_people_settings_log'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='historyentry',
            index=models.Index(fields=['state', '-changed_at', '-id'], name='history_state_time_idx'),
        ),
        AddIndexConcurrently(
            model_name='historyentry',
            index=models.Index(fields=['state', 'table_name', '-changed_at', '-id'], name='history_state_table_idx'),
        ),
        AddIndexConcurrently(
            model_name='historyentry',
            index=models.Index(condition=models.Q(('actor__isnull', False)), fields=['state', 'actor', '-changed_at', '-id'], name='history_state_actor_idx'),
        ),
    ]
