"""People, State settings, the State's log (issue 19).

- Invitations; a membership can be deactivated.
- State settings: the portal's introduction (translatable), four-eyes review, reminder timing.
  Four-eyes review is on for new States; States that exist keep their review as it was (off),
  since turning it on could leave a one-person secretariat unable to validate anything: their
  administrators turn it on from the settings page.
- History: who made each change (``actor_id``, filled by the trigger from pghistory's context,
  and here from the contexts of the entries already written), and the State's own row
  (``tenants_state``: name, languages, portal, settings, status) recorded like every State-owned
  table, under the State's id. Its trigger function belongs to the tables' owner and bypasses
  row-level security for its one insert: a State's row is changed by the console and by
  commands, outside any State's context, and the application's role may not bypass it.
  The log's indexes are built by 0010.
"""

import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


BACKFILL_ACTORS = """
SELECT set_config('nrtd.bypass', 'on', true);
UPDATE nrtd_history h
   SET actor_id = (c.metadata ->> 'user')::bigint
  FROM pghistory_context c
 WHERE c.id = h.context_id
   AND h.actor_id IS NULL
   AND c.metadata ->> 'user' ~ '^[0-9]{1,18}$';
SELECT set_config('nrtd.bypass', '', true);
"""

# The translated columns are recorded; their original ("name", "portal_introduction") repeats one.
STATE_HISTORY = """
CREATE OR REPLACE FUNCTION nrtd_record_state_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    context uuid;
    actor bigint;
    who text;
    skipped text[] := ARRAY['name', 'portal_introduction'];
    previous text := coalesce(current_setting('nrtd.bypass', true), '');
BEGIN
    IF coalesce(current_setting('pghistory.context_id', true), '') <> '' THEN
        context := _pgh_attach_context();
        who := nullif(current_setting('pghistory.context_metadata', true), '')::jsonb ->> 'user';
        IF who ~ '^[0-9]{1,18}$' THEN
            actor := who::bigint;
        END IF;
    END IF;
    PERFORM set_config('nrtd.bypass', 'on', true);
    IF TG_OP = 'INSERT' THEN
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT n.id, TG_TABLE_NAME, n.id::text, 'I', clock_timestamp(), context, actor, NULL, to_jsonb(n) - skipped
          FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        SELECT o.id, TG_TABLE_NAME, o.id::text, 'D', clock_timestamp(), context, actor, to_jsonb(o) - skipped, NULL
          FROM old_rows o;
    ELSE
        INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, context_id, actor_id, before, after)
        WITH pairs AS MATERIALIZED (
            SELECT n.id, to_jsonb(o) - skipped AS old_row, to_jsonb(n) - skipped AS new_row
              FROM old_rows o JOIN new_rows n ON o.id = n.id
        )
        SELECT p.id, TG_TABLE_NAME, p.id::text, 'U', clock_timestamp(), context, actor, d.before, d.after
          FROM pairs p
          CROSS JOIN LATERAL (
                SELECT jsonb_object_agg(e.key, p.old_row -> e.key) AS before,
                       jsonb_object_agg(e.key, e.value) AS after
                  FROM jsonb_each(p.new_row) e
                 WHERE e.value IS DISTINCT FROM p.old_row -> e.key) d
         WHERE d.after IS NOT NULL;
    END IF;
    PERFORM set_config('nrtd.bypass', previous, true);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS nrtd_state_history_insert ON tenants_state;
DROP TRIGGER IF EXISTS nrtd_state_history_update ON tenants_state;
DROP TRIGGER IF EXISTS nrtd_state_history_delete ON tenants_state;
CREATE TRIGGER nrtd_state_history_insert AFTER INSERT ON tenants_state REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nrtd_record_state_history();
CREATE TRIGGER nrtd_state_history_update AFTER UPDATE ON tenants_state
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nrtd_record_state_history();
CREATE TRIGGER nrtd_state_history_delete AFTER DELETE ON tenants_state REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nrtd_record_state_history();
"""

DROP_STATE_HISTORY = """
DROP TRIGGER IF EXISTS nrtd_state_history_insert ON tenants_state;
DROP TRIGGER IF EXISTS nrtd_state_history_update ON tenants_state;
DROP TRIGGER IF EXISTS nrtd_state_history_delete ON tenants_state;
DROP FUNCTION IF EXISTS nrtd_record_state_history();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('pghistory', '0007_auto_20250421_0444'),
        ('tenants', '0008_nhri_role_consultation_settings'),
    ]

    operations = [
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('role', models.CharField(choices=[('admin', 'State administrator'), ('secretariat', 'Secretariat officer'), ('focal_point', 'Focal point'), ('observer', 'Observer'), ('nhri', 'National human rights institution')], max_length=20, verbose_name='role')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language of the e-mails')),
                ('entity_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, size=None, verbose_name='entities')),
                ('focal_point_kind', models.CharField(blank=True, max_length=20, verbose_name='kind of focal point')),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled')),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-sent_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='historyentry',
            name='actor',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='membership',
            name='deactivated_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deactivated'),
        ),
        migrations.AddField(
            model_name='membership',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        # Existing States: off (as before). New States: on (the AlterField below).
        migrations.AddField(
            model_name='state',
            name='four_eyes_review',
            field=models.BooleanField(default=False, help_text='The person who wrote or last edited a progress update cannot validate it: someone else must.', verbose_name='four-eyes review of progress updates'),
        ),
        migrations.AlterField(
            model_name='state',
            name='four_eyes_review',
            field=models.BooleanField(default=True, help_text='The person who wrote or last edited a progress update cannot validate it: someone else must.', verbose_name='four-eyes review of progress updates'),
        ),
        migrations.AddField(
            model_name='state',
            name='overdue_reminder_days',
            field=models.PositiveSmallIntegerField(default=7, help_text='Days between two reminders to focal points whose tasks are overdue.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(90)], verbose_name='after a deadline, remind every'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_ar',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_en',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_es',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_fr',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_ru',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='portal_introduction_zh_hans',
            field=models.TextField(blank=True, help_text='Shown at the top of the public portal: who publishes it, and what it holds.', null=True, verbose_name='introduction on the public portal'),
        ),
        migrations.AddField(
            model_name='state',
            name='reminder_days_before',
            field=models.PositiveSmallIntegerField(default=7, help_text='What a new data-collection round proposes; each round can say otherwise.', validators=[django.core.validators.MaxValueValidator(90)], verbose_name='first reminder, days before a deadline'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='accepted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='invited_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='state',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.state', verbose_name='State'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True), ('cancelled_at__isnull', True)), fields=('state', 'email'), name='invitation_open_once'),
        ),
        migrations.RunSQL(BACKFILL_ACTORS, migrations.RunSQL.noop),
        migrations.RunSQL(STATE_HISTORY, DROP_STATE_HISTORY),
    ]
