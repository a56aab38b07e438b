"""Paragraph numbers in natural order (121.2 before 121.10): the SQL function of the sort key,
a stored generated column holding it, and the lists' order index rebuilt on that column, so a
page is still read from the index and no row computes the key when it is read."""

import django.db.models.expressions
from django.db import migrations, models

import recommendations.models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0017_vocabularies_in_six_languages")]

    operations = [
        migrations.RunSQL(recommendations.models.NATURAL_KEY_SQL, "DROP FUNCTION IF EXISTS nrtd_natural_key(text)"),
        migrations.AddField(
            model_name="recommendation",
            name="paragraph_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=recommendations.models.NaturalKey("paragraph"),
                output_field=models.TextField(),
                verbose_name="paragraph, in natural order",
            ),
        ),
        migrations.AlterModelOptions(
            name="recommendation",
            options={
                "ordering": ["-issued_on", "symbol", "paragraph_key", "id"],
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
                models.F("paragraph_key"),
                models.F("id"),
                name="recommendation_order_idx",
            ),
        ),
    ]
