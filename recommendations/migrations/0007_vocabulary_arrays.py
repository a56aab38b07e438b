"""Vocabulary links become arrays of ids on the recommendation.

The four link tables (themes, affected groups, SDG targets, recommending States) cost an import
several rows, and several history entries, per recommendation; arrays with GIN indexes cost
one row, and a change of themes shows in the recommendation's own history entry. Goals named
without a target, which had nowhere to go, get their own array.

Existing links are copied into the arrays before the tables go. A vocabulary entry still used by
a recommendation of any State cannot be deleted: a trigger refuses it, as the foreign keys did.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# (vocabulary table, array column, old link table, old link column)
LINKS = [
    ("recommendations_theme", "theme_ids", "recommendations_recommendationtheme", "theme_id"),
    (
        "recommendations_affectedgroup",
        "affected_group_ids",
        "recommendations_recommendationaffectedgroup",
        "affected_group_id",
    ),
    ("recommendations_sdgtarget", "sdg_target_ids", "recommendations_recommendationsdgtarget", "sdg_target_id"),
    ("recommendations_country", "recommending_country_ids", "recommendations_recommendingcountry", "country_id"),
]

COPY_LINKS = (
    # Row-level security is forced on the owner too: the copy covers every State.
    "SELECT set_config('nrtd.bypass', 'on', true);\n"
    + "".join(
        f"UPDATE recommendations_recommendation r SET {column} = l.ids FROM"
        f" (SELECT recommendation_id, array_agg({link_column} ORDER BY id) AS ids FROM {link_table}"
        f" GROUP BY recommendation_id) l WHERE l.recommendation_id = r.id;\n"
        for _table, column, link_table, link_column in LINKS
    )
    + "SELECT set_config('nrtd.bypass', '', true);\n"
    # The deferred foreign-key checks of the update run now: the indexes below need them done.
    + "SET CONSTRAINTS ALL IMMEDIATE;"
)

PROTECT_FUNCTION = """
CREATE OR REPLACE FUNCTION nrtd_refuse_vocabulary_in_use() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    used boolean;
    bypass text := current_setting('nrtd.bypass', true);
BEGIN
    -- The check looks at every State's recommendations (it only answers yes or no).
    PERFORM set_config('nrtd.bypass', 'on', true);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM recommendations_recommendation WHERE %I @> ARRAY[$1]::bigint[])',
                   TG_ARGV[0])
       INTO used USING OLD.id;
    PERFORM set_config('nrtd.bypass', coalesce(bypass, ''), true);
    IF used THEN
        RAISE EXCEPTION '% % is still used by recommendations', TG_TABLE_NAME, OLD.id
              USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
"""

PROTECT_TABLES = [(table, column) for table, column, _link, _col in LINKS] + [
    ("recommendations_sdggoal", "sdg_goal_ids")
]
PROTECT_TRIGGERS = "".join(
    f"CREATE TRIGGER nrtd_vocabulary_in_use BEFORE DELETE ON {table}"
    f" FOR EACH ROW EXECUTE FUNCTION nrtd_refuse_vocabulary_in_use('{column}');\n"
    for table, column in PROTECT_TABLES
)
UNPROTECT = "".join(f"DROP TRIGGER IF EXISTS nrtd_vocabulary_in_use ON {table};\n" for table, _c in PROTECT_TABLES) + (
    "DROP FUNCTION IF EXISTS nrtd_refuse_vocabulary_in_use();"
)


def id_array(verbose_name):
    return django.contrib.postgres.fields.ArrayField(
        base_field=models.BigIntegerField(), blank=True, default=list, size=None, verbose_name=verbose_name
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0006_columnmapping"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.AddField("recommendation", "theme_ids", id_array("themes")),
        migrations.AddField("recommendation", "affected_group_ids", id_array("affected groups")),
        migrations.AddField("recommendation", "sdg_target_ids", id_array("SDG targets")),
        migrations.AddField("recommendation", "sdg_goal_ids", id_array("SDG goals")),
        migrations.AddField("recommendation", "recommending_country_ids", id_array("recommending States")),
        migrations.RunSQL(COPY_LINKS, migrations.RunSQL.noop),
        migrations.RemoveField("recommendation", "themes"),
        migrations.RemoveField("recommendation", "affected_groups"),
        migrations.RemoveField("recommendation", "sdg_targets"),
        migrations.RemoveField("recommendation", "recommending_countries"),
        migrations.DeleteModel("RecommendationTheme"),
        migrations.DeleteModel("RecommendationAffectedGroup"),
        migrations.DeleteModel("RecommendationSdgTarget"),
        migrations.DeleteModel("RecommendingCountry"),
        migrations.AddIndex(
            "recommendation",
            django.contrib.postgres.indexes.GinIndex(fields=["theme_ids"], name="recommendation_themes_gin"),
        ),
        migrations.AddIndex(
            "recommendation",
            django.contrib.postgres.indexes.GinIndex(fields=["affected_group_ids"], name="recommendation_groups_gin"),
        ),
        migrations.AddIndex(
            "recommendation",
            django.contrib.postgres.indexes.GinIndex(fields=["sdg_target_ids"], name="recommendation_targets_gin"),
        ),
        migrations.AddIndex(
            "recommendation",
            django.contrib.postgres.indexes.GinIndex(fields=["sdg_goal_ids"], name="recommendation_goals_gin"),
        ),
        migrations.RunSQL(PROTECT_FUNCTION + PROTECT_TRIGGERS, UNPROTECT),
    ]
