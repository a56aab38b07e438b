"""Paragraph numbers in natural order (121.2 before 121.10): the SQL function of the sort key,
and the lists' order index rebuilt on it, so a page is still read from the index."""

import django.db.models.expressions
from django.db import migrations, models

import recommendations.models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0017_vocabularies_in_six_languages")]

    operations = [
        migrations.RunSQL(recommendations.models.NATURAL_KEY_SQL, "DROP FUNCTION IF EXISTS nrtd_natural_key(text)"),
        migrations.AlterModelOptions(
            name="recommendation",
            options={
                "ordering": ["-issued_on", "symbol", recommendations.models.NaturalKey("paragraph").asc(), "id"],
                "verbose_name": "recommendation",
                "verbose_name_plural": "recommendations",
            },
        ),
        migrations.RemoveIndex(model_name="recommendation", name="recommendation_order_idx"),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                models.F("state"),
                django.db.models.expressions.OrderBy(models.F("issued_on"), descending=True),
                models.F("symbol"),
                recommendations.models.NaturalKey("paragraph"),
                models.F("id"),
                name="recommendation_order_idx",
            ),
        ),
    ]
