"""A State task for the tests of the job machinery (tenants.jobs)."""

from django.db import connection

from recommendations.models import Recommendation
from tenants.jobs import state_task


@state_task(name="tests.count_recommendations")
def count_recommendations(state) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('nrtd.state_id'), count(*) FROM recommendations_recommendation")
        setting, raw_count = cursor.fetchone()
    return {
        "state": state.slug,
        "scoped": sorted(Recommendation.objects.values_list("text", flat=True)),
        "rls_setting": setting,
        "raw_count": raw_count,
    }
