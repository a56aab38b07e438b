"""Imports in their own, committed transactions: a refusal half-way, and fresh statistics after.

An import the database refuses half-way: the job fails with PostgreSQL's reason, nothing is kept.

The import runs in its own, real transaction (not a test's), so the data is committed
(``committed``) and a trigger the owner adds for the test makes PostgreSQL refuse the last
record of the file, after several batches were already written.
"""

from __future__ import annotations

from django.db import connections

from imports.models import ImportJob
from imports.runs import import_job_run, parse_options_for
from recommendations.models import Recommendation
from tenants.scoping import state_context
from tests.imports.test_jobs import uhri_record, write_json

REFUSE = """
CREATE FUNCTION test_refuse_recommendation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER test_refuse BEFORE INSERT ON recommendations_recommendation
    FOR EACH ROW WHEN (NEW.text_en LIKE '%refuse me%') EXECUTE FUNCTION test_refuse_recommendation();
"""


def test_a_database_refusal_half_way_fails_the_job_with_the_reason_and_keeps_nothing(tmp_path, committed):
    state = committed.a.state
    countries = [state.name]
    records = [uhri_record(n, Countries=countries) for n in range(1, 5000)]
    records.append(uhri_record(5000, Countries=countries, Text="<p>121.5000 refuse me</p>"))
    path = write_json(tmp_path, records)
    owner = connections["owner"]
    with owner.cursor() as cursor:
        cursor.execute(REFUSE)
    try:
        with state_context(state):
            before = Recommendation.objects.count()
            job = ImportJob.objects.create(state=state, format="uhri-json", filename=path.name)
            options = parse_options_for(state)
        with path.open("rb") as fileobj:
            job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=options)
        assert job.status == ImportJob.Status.FAILED
        assert job.failure == "The database refused the import, and nothing was saved: refused for the test"
        with state_context(state):
            assert Recommendation.objects.count() == before
    finally:
        with owner.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse ON recommendations_recommendation")
            cursor.execute("DROP FUNCTION test_refuse_recommendation()")
        connections.close_all()


# How many times ANALYZE (not autovacuum's) ran on the recommendations.
STATISTICS_RUNS = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'recommendations_recommendation'"


def test_a_large_import_refreshes_the_planner_statistics(tmp_path, committed):
    state = committed.a.state
    records = [uhri_record(n, Countries=[state.name]) for n in range(1, 1201)]
    path = write_json(tmp_path, records)
    with connections["owner"].cursor() as cursor:
        cursor.execute(STATISTICS_RUNS)
        (before,) = cursor.fetchone()
    try:
        with state_context(state):
            job = ImportJob.objects.create(state=state, format="uhri-json", filename=path.name)
            options = parse_options_for(state)
        with path.open("rb") as fileobj:
            job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=options)
        assert (job.status, job.created) == (ImportJob.Status.SUCCEEDED, 1200)
        with connections["owner"].cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(STATISTICS_RUNS)
            (after,) = cursor.fetchone()
        assert after == before + 1
    finally:
        connections.close_all()
