"""A covering index for the workspace dashboard's grouped counts (reporting/dashboard.py).

The dashboard groups the State's recommendations by status and by mechanism, clusters, entities,
goals and targets, themes. Read from the table, most of that time went to taking apart the wide
rows (texts, symbols, a dozen arrays) for the few columns it needs; this index holds those
columns (and those its filters use), so the query is an index-only scan of the State's entries.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0014_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                fields=["state"],
                include=[
                    "id",
                    "implementation_status",
                    "mechanism",
                    "lead_entity",
                    "supporting_entity_ids",
                    "cluster_ids",
                    "sdg_goal_ids",
                    "sdg_target_ids",
                    "theme_ids",
                    "position",
                    "issued_on",
                ],
                name="recommendation_dashboard_idx",
            ),
        ),
    ]
