"""A function of the table owner's that refreshes the recommendations' planner statistics.

The application's role may not ANALYZE a table it does not own; after a large import the lists'
query plans need fresh statistics at once (imports.services.import_job_run calls it).
ANALYZE reads the table as a whole and answers nothing, so anyone may run it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION nrtd_analyze_recommendations() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    ANALYZE recommendations_recommendation;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS nrtd_analyze_recommendations();"


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0009_recommendation_list_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
